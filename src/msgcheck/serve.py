"""`msgcheck serve`: keep the models loaded, so a repeated `msgcheck check` answers in a blink.

Like ruff's and mypy's daemons: a long-lived process listens on a Unix socket in the user's cache
folder (mode 0600, in a 0700 folder). When it is running, `msgcheck check` sends its arguments,
working directory, `MSGCHECK_*` environment and stdin to it and prints what comes back; the
server runs the very same `main()` in-process, so results are identical by construction. When no
server answers, `check` runs on its own. Requests are handled one at a time.

Protocol: one JSON object per connection each way, newline-terminated:
request `{"argv", "cwd", "env", "stdin"}` (stdin base64 or null), response
`{"code", "stdout", "stderr"}`.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from msgcheck.errors import Code

Main = Callable[[list[str]], int]
"""The CLI entry point: argv in, exit status out."""

PROTOCOL = 1
CONNECT_TIMEOUT = 0.2
REPLY_TIMEOUT = 600.0


def socket_path() -> Path:
    """Where the server listens: `$MSGCHECK_SOCKET`, else `<cache dir>/serve-<uid>.sock`."""
    explicit = os.environ.get("MSGCHECK_SOCKET")
    if explicit:
        return Path(explicit)
    from msgcheck.embed import default_cache_dir

    return default_cache_dir() / f"serve-{os.getuid()}.sock"


def _recv_line(conn: socket.socket) -> bytes:
    chunks = []
    while True:
        chunk = conn.recv(1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
        if chunk.endswith(b"\n"):
            break
    return b"".join(chunks)


def forward(argv: list[str]) -> tuple[int, str, str] | None:
    """Send a `check` to a running server; None when no server answers (then run locally).

    Stdin is read only once a server has accepted the connection, so a local run still has it.
    """
    path = socket_path()
    if not path.exists():
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(CONNECT_TIMEOUT)
    try:
        sock.connect(str(path))
    except OSError:
        sock.close()
        return None
    stdin_data = sys.stdin.buffer.read() if "-" in argv else None
    request = {
        "protocol": PROTOCOL,
        "argv": argv,
        "cwd": os.getcwd(),
        "env": {k: v for k, v in os.environ.items() if k.startswith("MSGCHECK_")},
        "stdin": base64.b64encode(stdin_data).decode() if stdin_data is not None else None,
    }
    try:
        sock.settimeout(REPLY_TIMEOUT)
        sock.sendall(json.dumps(request).encode() + b"\n")
        reply = json.loads(_recv_line(sock) or b"null")
    except (OSError, ValueError):
        return None
    finally:
        sock.close()
    if not isinstance(reply, dict) or "code" not in reply:
        return None
    return int(reply["code"]), str(reply.get("stdout", "")), str(reply.get("stderr", ""))


def _handle(request: dict[str, Any], main: Main) -> dict[str, Any]:
    if request.get("protocol") != PROTOCOL:
        return {"code": 2, "stdout": "", "stderr": f"error[{Code.SERVE_PROTOCOL}] msgcheck serve "
                "speaks another "
                "protocol version; restart it\n"}
    saved_env = {k: v for k, v in os.environ.items() if k.startswith("MSGCHECK_")}
    saved_cwd = os.getcwd()
    out, err = io.StringIO(), io.StringIO()
    stdin_bytes = base64.b64decode(request["stdin"]) if request.get("stdin") else b""
    fake_stdin = io.TextIOWrapper(io.BytesIO(stdin_bytes), encoding="utf-8")
    try:
        for key in saved_env:
            os.environ.pop(key, None)
        os.environ.update({k: v for k, v in request.get("env", {}).items()
                           if k.startswith("MSGCHECK_")})
        os.environ["MSGCHECK_NO_DAEMON"] = "1"
        os.chdir(request["cwd"])
        old_stdin = sys.stdin
        sys.stdin = fake_stdin
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(list(request["argv"]))
        finally:
            sys.stdin = old_stdin
    finally:
        os.chdir(saved_cwd)
        for key in list(os.environ):
            if key.startswith("MSGCHECK_"):
                del os.environ[key]
        os.environ.update(saved_env)
    return {"code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}


def warm_up(platform: str | None) -> None:
    """Load spaCy, the embedding model and the style model, and embed the platform, once."""
    from msgcheck.embed import default_cache_dir, engine_embedder
    from msgcheck.segment import load_nlp
    from msgcheck.style.model import load_style_model

    load_nlp()
    load_style_model()
    embedder = engine_embedder(default_cache_dir())
    embedder.encode(["warm up"])
    if platform:
        from msgcheck.analysis import cached_index
        from msgcheck.platform import load_platform

        cached_index(load_platform(platform), embedder)


def serve(path: Path, idle_timeout: float, platform: str | None, log: Callable[[str], None],
          main: Main) -> None:
    """Listen until idle for `idle_timeout` seconds (0: forever); answer each request by running
    `main` (the CLI's entry point, passed in so that this module never imports the CLI)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.exists():
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(str(path))
        except OSError:
            path.unlink()
        else:
            probe.close()
            raise RuntimeError(f"a server already listens on {path}")
    warm_up(platform)

    def _stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_umask = os.umask(0o177)
    try:
        server.bind(str(path))
    finally:
        os.umask(old_umask)
    server.listen(8)
    server.settimeout(1.0)
    log(f"msgcheck serve: listening on {path}")
    last = time.monotonic()
    try:
        while True:
            try:
                conn, _ = server.accept()
            except TimeoutError:
                if idle_timeout and time.monotonic() - last > idle_timeout:
                    log("msgcheck serve: idle, stopping")
                    return
                continue
            last = time.monotonic()
            with conn:
                conn.settimeout(REPLY_TIMEOUT)
                try:
                    request = json.loads(_recv_line(conn) or b"null")
                    reply = _handle(request, main) if isinstance(request, dict) else {
                        "code": 2, "stdout": "",
                        "stderr": f"error[{Code.SERVE_BAD_REQUEST}] bad request\n"}
                except Exception as exc:  # keep serving whatever one request did
                    reply = {"code": 2, "stdout": "",
                             "stderr": f"error[{Code.INTERNAL}] internal error in msgcheck "
                                       f"serve: {exc}\n"}
                with contextlib.suppress(OSError):
                    conn.sendall(json.dumps(reply).encode() + b"\n")
    except KeyboardInterrupt:
        log("msgcheck serve: stopped")
    finally:
        server.close()
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
