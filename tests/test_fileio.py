"""write_atomic: the whole new content or the old, and no temporary file left behind."""

from __future__ import annotations

import pytest

from msgcheck.fileio import write_atomic


def test_bytes_and_text_replace_the_file_and_leave_nothing_else(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old")
    write_atomic(target, b"\x00new")
    assert target.read_bytes() == b"\x00new"
    write_atomic(target, "caf\u00e9")
    assert target.read_bytes() == "caf\u00e9".encode()
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_a_failed_write_keeps_the_old_content_and_removes_its_temporary_file(tmp_path,
                                                                            monkeypatch):
    target = tmp_path / "out.txt"
    target.write_text("old")

    def refuse(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr("msgcheck.fileio.os.replace", refuse)
    with pytest.raises(OSError):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
