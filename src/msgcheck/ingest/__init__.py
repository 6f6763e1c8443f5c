"""Readers: bytes plus a source name in, a Document out. One module per format.

A new format is a module with `read(data: bytes, source: str) -> Document`, added to `READERS`
below; files on disk and crawled pages share the same readers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

from msgcheck.errors import Code, InputError
from msgcheck.ingest import docx, html, markdown, mdx, pdf, pptx, text
from msgcheck.model import Document, SkippedFile, skipped_summary

Reader = Callable[[bytes, str], Document]

READERS: dict[str, Reader] = {
    ".pptx": pptx.read,
    ".md": markdown.read,
    ".markdown": markdown.read,
    ".mdx": mdx.read,
    ".html": html.read,
    ".htm": html.read,
    ".txt": text.read,
    ".docx": docx.read,
    ".pdf": pdf.read,
}
"""Reader per file suffix (lower case)."""

CONTENT_TYPES: dict[str, Reader] = {
    "text/html": html.read,
    "application/xhtml+xml": html.read,
    "text/markdown": markdown.read,
    "text/plain": text.read,
    "application/pdf": pdf.read,
}
"""Reader per HTTP content type, for crawled pages."""

MAX_FILE_BYTES = 200 * 1024 * 1024
"""Inputs larger than this are refused rather than read into memory."""


def reader_for(source: str) -> Reader | None:
    """The reader for a file name or URL path, by suffix; None when unsupported."""
    return READERS.get(Path(source.split("?", 1)[0]).suffix.lower())


IGNORED_DIRS = frozenset({
    ".git", ".hg", ".svn", ".bzr", "CVS", "node_modules", "bower_components", "vendor",
    "__pycache__", ".venv", "venv", ".tox", ".nox", ".mypy_cache", ".pytest_cache",
    ".ruff_cache", ".cache", ".idea", ".vscode", "site-packages",
})
"""Version-control, dependency, cache and editor folders: never walked, never listed."""
IGNORED_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
"""Files the operating system leaves behind: never listed."""


class Discovered(NamedTuple):
    """What a list of paths expands to."""

    files: list[Path]
    """Files to read, in order (folders expanded, sorted)."""
    errors: list[InputError]
    """A path that does not exist, or a folder holding nothing to read."""
    skipped: list[SkippedFile]
    """Files found in folders that are not read (no reader for the suffix, or hidden)."""


def discover(paths: Iterable[str | Path]) -> Discovered:
    """Expand folders (recursively, sorted) and check paths exist.

    Files in folders whose suffix has a reader are read; every other file is listed as skipped
    with its reason, including hidden ones (`.env`, `.github/...`), which are never read.
    `IGNORED_DIRS` and `IGNORED_FILES` are left out entirely. A folder with nothing to read is
    an error naming what it holds instead.
    """
    files: list[Path] = []
    errors: list[InputError] = []
    skipped: list[SkippedFile] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found, passed = _walk(path)
            if not found:
                errors.append(InputError(
                    f"folder holds no file msgcheck reads{_holding(passed)}", path=str(path),
                    code=Code.INPUT_NONE, hint="msgcheck reads " + supported()))
            files.extend(found)
            skipped.extend(passed)
        elif path.is_file():
            files.append(path)
        else:
            errors.append(InputError("no such file or folder", path=str(path),
                                     code=Code.INPUT_NOT_FOUND))
    # The same file given twice (a file and its folder) is read once.
    unique = list(dict.fromkeys(files))
    return Discovered(unique, errors, sorted(dict.fromkeys(skipped), key=lambda s: s.path))


def _walk(folder: Path) -> tuple[list[Path], list[SkippedFile]]:
    """The files under `folder` to read and the ones skipped, sorted, ignored folders pruned."""
    found: list[Path] = []
    skipped: list[SkippedFile] = []
    for parent, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in IGNORED_DIRS)
        for name in names:
            if name in IGNORED_FILES:
                continue
            file = Path(parent) / name
            if not file.is_file():
                continue
            rel = file.relative_to(folder).parts
            suffix = file.suffix.lower()
            if any(part.startswith(".") for part in rel):
                skipped.append(SkippedFile(str(file), "hidden", suffix or "(no suffix)"))
            elif suffix in READERS:
                found.append(file)
            else:
                reason = f"no reader for {suffix}" if suffix else "no suffix"
                skipped.append(SkippedFile(str(file), reason, suffix or "(no suffix)"))
    return sorted(found), sorted(skipped, key=lambda s: s.path)


def _holding(skipped: list[SkippedFile]) -> str:
    if not skipped:
        return ""
    return f" (it holds {skipped_summary(skipped)})"


def supported() -> str:
    """The suffixes msgcheck reads, for messages."""
    return ", ".join(sorted(READERS))


def read_path(path: Path, source: str | None = None) -> Document:
    """Read one file with the reader for its suffix; InputError names the file on failure."""
    shown = source or str(path)
    reader = reader_for(path.name)
    if reader is None:
        raise InputError(
            f"unsupported format {path.suffix or '(no suffix)'!r}",
            path=shown,
            code=Code.INPUT_FORMAT,
            hint="msgcheck reads " + supported(),
        )
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"file is {size // 2**20} MiB, over the 200 MiB limit", path=shown,
                             code=Code.INPUT_TOO_LARGE)
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=shown,
                         code=Code.INPUT_NOT_FOUND) from None
    return read_bytes(data, shown, reader)


def read_bytes(data: bytes, source: str, reader: Reader) -> Document:
    """Run a reader, turning any parser failure into an InputError that names the source."""
    try:
        return reader(data, source)
    except InputError:
        raise
    except Exception as exc:  # a parser bug on odd input must not end the run
        raise InputError(
            f"cannot parse: {type(exc).__name__}: {exc}", path=source, code=Code.INPUT_CONTENT
        ) from exc
