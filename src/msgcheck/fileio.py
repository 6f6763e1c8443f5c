"""File writes that a reader sees whole or not at all."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write `data` (text as UTF-8) to `path` through a temporary file and a rename.

    A process killed midway leaves `path` as it was, never truncated: the rename is atomic within
    one folder. The temporary name is unique to the process and thread, so two writers of one
    path never write into the same temporary file. There is no fsync: this guards against a
    killed process, not against a power cut.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_bytes(payload)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
