"""`serve`, and handing `check` to a running server."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from msgcheck.cli.common import (
    ExitStatus,
    echo,
    platform_option,
)
from msgcheck.errors import Code, MsgcheckError


@click.command("serve")
@click.option("--socket", "socket_file", type=click.Path(dir_okay=False), metavar="PATH",
              help="Unix socket to listen on. [default: in the msgcheck cache folder]")
@click.option("--idle-timeout", type=float, default=3600.0, show_default=True,
              help="Stop after this many seconds without a request (0: never).")
@platform_option
@click.pass_context
def serve_command(ctx: click.Context, socket_file: str | None, idle_timeout: float,
                  platform_path: str | None) -> int:
    """Keep the models loaded so `msgcheck check` answers fast (a daemon, like ruff's).

    `check` uses a running server automatically (same results: it runs the same code); stop it
    with Ctrl-C. --platform embeds that platform up front.
    """
    from msgcheck.serve import serve, socket_path

    path = Path(socket_file) if socket_file else socket_path()
    try:
        serve(path, idle_timeout, platform_path or os.environ.get("MSGCHECK_PLATFORM"),
              lambda m: echo(m, err=True), ctx.obj["main"])
    except RuntimeError as exc:
        raise MsgcheckError(str(exc), code=Code.SERVE_RUNNING) from None
    return int(ExitStatus.OK)


def forward_to_daemon(args: list[str]) -> int | None:
    """`check` goes to a running `msgcheck serve` when there is one (before heavy imports)."""
    if not args or args[0] != "check" or "--no-daemon" in args or "--help" in args or \
            "-h" in args or os.environ.get("MSGCHECK_NO_DAEMON"):
        return None
    from msgcheck.serve import forward

    answer = forward(args)
    if answer is None:
        return None
    code, out, err = answer
    if out:
        sys.stdout.write(out)
    if err:
        sys.stderr.write(err)
    return code

