"""Readers: bytes plus a source name in, a Document out. One module per format.

A new format is a module with `read(data: bytes, source: str) -> Document`, added to `READERS`
below; files on disk and crawled pages share the same readers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from msgcheck.errors import Code, InputError
from msgcheck.ingest import docx, html, markdown, mdx, pdf, pptx, text
from msgcheck.model import Document

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


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[InputError]]:
    """Expand folders (recursively, supported suffixes only, sorted) and check paths exist.

    Returns the files to read and one error per path that does not exist or holds nothing to read.
    Hidden folders (`.git`, `.venv`) are skipped.
    """
    files: list[Path] = []
    errors: list[InputError] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in READERS
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                errors.append(InputError(
                    "folder holds no .pptx, .docx, .md, .html, .htm or .txt files",
                    path=str(path), code=Code.INPUT_NONE,
                ))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            errors.append(InputError("no such file or folder", path=str(path),
                                     code=Code.INPUT_NOT_FOUND))
    # The same file given twice (a file and its folder) is read once.
    unique = list(dict.fromkeys(files))
    return unique, errors


def read_path(path: Path, source: str | None = None) -> Document:
    """Read one file with the reader for its suffix; InputError names the file on failure."""
    shown = source or str(path)
    reader = reader_for(path.name)
    if reader is None:
        raise InputError(
            f"unsupported format {path.suffix or '(no suffix)'!r}",
            path=shown,
            code=Code.INPUT_FORMAT,
            hint="msgcheck reads " + ", ".join(sorted(READERS)),
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
