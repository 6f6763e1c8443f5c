"""`python -m msgcheck`: the same command line as `msgcheck`."""

from msgcheck.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
