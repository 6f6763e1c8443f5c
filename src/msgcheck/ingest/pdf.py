"""PDF sales decks, one-pagers and white papers: paragraphs in reading order, located by page.

pdfminer.six lays each page out (LAParams) and gives text boxes in reading order; inside a box the
lines of one paragraph are joined (a word hyphenated at a line break is rejoined) and a change of
font size or a bullet starts a new block. Text clearly larger than the document's body text is a
heading; the largest heading on the first page is the title. Blocks carry the page number
(`deck.pdf:p3`); PDFs have no reliable lines or columns.

A PDF that cannot be read gives one InputError naming the file: encrypted (unless the user
password is empty), no text layer (scanned: run OCR first), corrupt, or over a limit (pages,
extracted characters, time, or one stream inflating past `MAX_STREAM_BYTES`, a decompression
bomb). pdfminer is imported inside `read`, so runs without PDFs never load it.
"""

from __future__ import annotations

import io
import re
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from msgcheck.errors import Code, InputError
from msgcheck.ingest.text import BULLET, collapse
from msgcheck.model import Block, Document, Location, Scope

MAX_PAGES = 500
"""PDFs with more pages are refused (a sales asset is rarely over 100)."""
MAX_CHARS = 3_000_000
"""Refused past this many characters laid out (about 1,000 dense pages)."""
MAX_SECONDS = 60.0
"""Refused when layout takes longer than this (hostile or pathological content streams)."""
MAX_STREAM_BYTES = 64 * 2**20
"""One compressed stream may not inflate past this (a decompression bomb)."""
HEADING_RATIO = 1.2
"""Text this much larger than the body text, and short, is a heading."""


class _Refused(Exception):
    """A limit was hit while laying out a page."""


@dataclass
class _Para:
    text: str
    size: float
    bullet: bool


class _BoundedZlib:
    """zlib for pdfminer's stream decoding, refusing to inflate one stream past a limit."""

    error = zlib.error

    @staticmethod
    def decompress(data: bytes) -> bytes:
        inflater = zlib.decompressobj()
        out = inflater.decompress(data, MAX_STREAM_BYTES)
        if inflater.unconsumed_tail:
            raise _Refused(f"a stream inflates past {MAX_STREAM_BYTES // 2**20} MiB; refused "
                           "as a possible decompression bomb")
        return out

    @staticmethod
    def decompressobj(*args: Any, **kwargs: Any) -> Any:
        return zlib.decompressobj(*args, **kwargs)


def read(data: bytes, source: str) -> Document:
    """Read a PDF: one block per paragraph, located by page."""
    if not data.strip():
        raise InputError("empty file", path=source, code=Code.INPUT_CONTENT)
    if b"%PDF-" not in data[:1024]:
        raise InputError("not a PDF file (no %PDF header)", path=source,
                         code=Code.INPUT_CONTENT)
    import logging

    from pdfminer import pdftypes
    from pdfminer.psexceptions import PSException

    pdftypes.zlib = _BoundedZlib  # type: ignore[assignment]
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        pages = list(_pages(data, source))
    except _Refused as exc:
        raise InputError(str(exc), path=source, code=Code.INPUT_TOO_LARGE) from None
    except PSException as exc:
        raise InputError(f"corrupt PDF: {exc or type(exc).__name__}", path=source,
                         code=Code.INPUT_CONTENT) from None
    blocks = _blocks(pages, source)
    if not blocks:
        raise InputError(
            f"no text layer in {len(pages)} page{'s' if len(pages) != 1 else ''}: probably a "
            "scanned document", path=source, code=Code.INPUT_NO_TEXT,
            hint="run OCR on it first (for example ocrmypdf) and check the OCR'd copy")
    title = next((b.text for b in blocks if b.scope == "title"), None)
    return Document(source=source, kind="pdf", blocks=tuple(blocks), title=title)


def _open(data: bytes, source: str) -> Any:
    """The pdfminer document, decrypted with the empty password when it is encrypted."""
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    try:
        doc = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except PDFPasswordIncorrect:
        raise InputError("encrypted PDF: it needs a password to open", path=source,
                         code=Code.INPUT_ENCRYPTED,
                         hint="save a copy without the password and check that") from None
    except PDFEncryptionError as exc:
        raise InputError(f"encrypted PDF msgcheck cannot open: {exc}", path=source,
                         code=Code.INPUT_ENCRYPTED) from None
    try:
        declared = int(resolve1(resolve1(doc.catalog["Pages"])["Count"]))
    except Exception:  # a broken page tree is found again, and reported, when pages are read
        declared = 0
    if declared > MAX_PAGES:
        raise _Refused(f"{declared} pages, over the {MAX_PAGES}-page limit; refused")
    return doc


def _pages(data: bytes, source: str) -> Iterator[tuple[int, list[_Para]]]:
    """(page number, paragraphs) in reading order, within the limits."""
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    doc = _open(data, source)
    manager = PDFResourceManager(caching=True)
    device = _device(manager, LAParams(), time.monotonic() + MAX_SECONDS)
    interpreter = PDFPageInterpreter(manager, device)
    for number, page in enumerate(PDFPage.create_pages(doc), start=1):
        if number > MAX_PAGES:
            raise _Refused(f"over {MAX_PAGES} pages; refused")
        interpreter.process_page(page)
        device.check()
        yield number, _paragraphs(device.get_result())


def _device(manager: Any, laparams: Any, deadline: float) -> Any:
    """A page aggregator that stops past the character and time limits."""
    from pdfminer.converter import PDFPageAggregator

    class Guarded(PDFPageAggregator):  # type: ignore[misc]
        chars = 0

        def render_char(self, *args: Any, **kwargs: Any) -> float:
            self.chars += 1
            if self.chars > MAX_CHARS:
                raise _Refused(f"over {MAX_CHARS:,} characters; refused")
            if self.chars % 2048 == 0:
                self.check()
            return float(super().render_char(*args, **kwargs))

        def check(self) -> None:
            if time.monotonic() > deadline:
                raise _Refused(f"layout took over {MAX_SECONDS:.0f} s; refused")

    return Guarded(manager, laparams=laparams)


@dataclass
class _Line:
    text: str
    size: float
    x0: float
    top: float
    bottom: float
    box: int


def _lines(layout: Any) -> list[_Line]:
    """The page's text lines, box by box in layout (reading) order."""
    from pdfminer.layout import LTChar, LTTextBox, LTTextLine

    out: list[_Line] = []
    for index, box in enumerate(layout):
        if not isinstance(box, LTTextBox):
            continue
        for line in box:
            if not isinstance(line, LTTextLine):
                continue
            text = line.get_text().replace("\u00ad\n", "").strip()
            if not text:
                continue
            sizes = [c.size for c in line if isinstance(c, LTChar) and not c.get_text().isspace()]
            size = round(sorted(sizes)[len(sizes) // 2], 1) if sizes else 0.0
            out.append(_Line(text, size, line.x0, line.y1, line.y0, index))
    return out


def _paragraphs(layout: Any) -> list[_Para]:
    """The page's lines grouped into paragraphs."""
    paras: list[_Para] = []
    current: list[_Line] = []
    for line in _lines(layout):
        if current and not _continues(current[-1], line):
            paras.append(_join(current))
            current = []
        current.append(line)
    if current:
        paras.append(_join(current))
    return [p for p in paras if p.text]


def _continues(before: _Line, line: _Line) -> bool:
    """Whether `line` goes on with the paragraph `before` ends: no bullet, the same font size,
    and the same text box, or (loosely spaced lines that layout put in boxes of their own) the
    next box, left-aligned, less than a line below, after a line that ended mid-sentence."""
    if BULLET.match(line.text) or _size_changes(before.size, line.size):
        return False
    if line.box == before.box:
        return True
    height = max(before.top - before.bottom, 1.0)
    gap = before.bottom - line.top
    return (abs(before.x0 - line.x0) <= 1.5 * height and -0.1 * height <= gap <= height
            and not before.text.endswith((".", "!", "?", ":")))


def _size_changes(before: float, after: float) -> bool:
    return min(before, after) > 0 and max(before, after) / min(before, after) > 1.15


def _join(lines: list[_Line]) -> _Para:
    """Lines of one paragraph as one text: a hyphen before a lower-case continuation is a word
    broken at the line end and is dropped; other lines join with a space."""
    text = ""
    for line in lines:
        piece = line.text
        if re.search(r"[^\W\d_]-$", text) and piece[:1].islower():
            text = text[:-1] + piece
        else:
            text = f"{text} {piece}" if text else piece
    bullet = BULLET.match(text)
    if bullet:
        text = text[bullet.end():]
    return _Para(collapse(text), lines[0].size, bullet is not None)


def _blocks(pages: list[tuple[int, list[_Para]]], source: str) -> list[Block]:
    """Blocks with scopes: bullets, headings (larger than the body text and short), the title."""
    weights: dict[float, int] = {}
    for _, paras in pages:
        for p in paras:
            weights[p.size] = weights.get(p.size, 0) + len(p.text)
    body = max(weights, key=lambda s: (weights[s], -s)) if weights else 0.0
    first_page = pages[0][1] if pages else []
    title_size = max((p.size for p in first_page if _heading(p, body)), default=None)
    blocks: list[Block] = []
    titled = False
    for number, paras in pages:
        for p in paras:
            scope: Scope = "bullet" if p.bullet else "body"
            if not p.bullet and _heading(p, body):
                scope = "heading"
                if number == 1 and p.size == title_size and not titled:
                    scope, titled = "title", True
            blocks.append(Block(p.text, Location(source, page=number), scope))
    return blocks


def _heading(p: _Para, body: float) -> bool:
    return (body > 0 and p.size >= body * HEADING_RATIO and len(p.text.split()) <= 14
            and not p.text.endswith((".", ",", ";")))
