"""The command line: the only module that prints, reads the environment or exits.

`main(argv)` returns the exit status instead of raising SystemExit, so tests call it directly:
0 nothing at or above `--fail-on`; 1 findings at or above it; 2 usage, configuration or platform
error. User mistakes print `error[CODE] place: message` and a hint; `--debug` shows tracebacks.
"""

from __future__ import annotations

import sys
import traceback

import click

from msgcheck.cli import configure, crawl, daemon, feedback, quality, scan
from msgcheck.cli.common import ExitStatus
from msgcheck.errors import Code, MsgcheckError
from msgcheck.version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="msgcheck")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Check sales decks, web pages and drafts against your message platform, by meaning."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    ctx.obj["main"] = main  # `serve` answers requests with it


for _command in (scan.scan, scan.check, configure.show_config, scan.classify, configure.platform,
                 configure.list_checks, quality.train, quality.evaluate, daemon.serve_command,
                 crawl.crawl, crawl.history, feedback.feedback):
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit status (0, 1 or 2)."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    forwarded = daemon.forward_to_daemon(args)
    if forwarded is not None:
        return forwarded
    try:
        result = cli.main(args=args, prog_name="msgcheck", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return int(ExitStatus.ERROR)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return int(ExitStatus.ERROR)
    except MsgcheckError as exc:
        if debug:
            traceback.print_exc()
        click.echo(exc.render(), err=True)
        return int(ExitStatus.ERROR)
    except BrokenPipeError:
        return int(ExitStatus.OK)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return int(ExitStatus.ERROR)
    except Exception as exc:  # a bug, not a user mistake: say so, and how to see more
        if debug:
            traceback.print_exc()
        click.echo(f"error[{Code.INTERNAL}] internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("hint: rerun with --debug for the traceback, and report it", err=True)
        return int(ExitStatus.ERROR)
    return int(result or 0)
