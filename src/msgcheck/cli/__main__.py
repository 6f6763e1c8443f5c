"""`python -m msgcheck.cli`: the same as the `msgcheck` command."""

import sys

from msgcheck.cli import main

sys.exit(main())
