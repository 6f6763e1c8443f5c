"""`msgcheck serve`: a running server answers `check` with exactly the local results."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import PLATFORM

pytestmark = pytest.mark.model

MSGCHECK = str(Path(sys.executable).parent / "msgcheck")
DRAFT = "# Meet LedgerLine Match\n\nA seamless connection to your ERP.\n\nStop paying twice.\n"


def test_check_through_the_server_matches_a_local_check(tmp_path, cache_dir):
    sock = tmp_path / "s.sock"
    env = dict(os.environ, MSGCHECK_SOCKET=str(sock), MSGCHECK_CACHE_DIR=str(cache_dir))
    env.pop("MSGCHECK_NO_DAEMON", None)
    draft = tmp_path / "post.md"
    draft.write_text(DRAFT)
    args = ["check", str(draft), "--platform", str(PLATFORM), "--fail-on", "warning"]
    local = subprocess.run([MSGCHECK, *args, "--no-daemon"], capture_output=True, text=True,
                           env=env, timeout=300)
    server = subprocess.Popen([MSGCHECK, "serve", "--idle-timeout", "120", "--platform",
                               str(PLATFORM)], env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 240
        while not sock.exists():
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        via = subprocess.run([MSGCHECK, *args], capture_output=True, text=True, env=env,
                             timeout=300)
        stdin = subprocess.run([MSGCHECK, "check", "-", "--stdin-name", "post.md", "--platform",
                                str(PLATFORM), "--fail-on", "warning"], input=DRAFT,
                               capture_output=True, text=True, env=env, timeout=300)
        bad = subprocess.run([MSGCHECK, "check", str(draft), "--platform",
                              str(tmp_path / "nope.yaml")], capture_output=True, text=True,
                             env=env, timeout=300)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert local.returncode == via.returncode == 1
    assert via.stdout == local.stdout and via.stdout
    assert stdin.returncode == 1 and stdin.stdout.replace("post.md", str(draft)) == local.stdout
    assert bad.returncode == 2 and bad.stderr.startswith("error[E203]")
    assert not sock.exists()
