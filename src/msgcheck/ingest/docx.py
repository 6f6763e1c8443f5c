"""Word documents (.docx): title, headings, paragraphs, list items and table cells.

There are no lines in a .docx; a block's `line` is its paragraph number in the body (1-based),
so `brief.docx:12` means the twelfth paragraph. The archive is inspected like a deck's first.
"""

from __future__ import annotations

import io
from typing import Any

from msgcheck.errors import Code, InputError
from msgcheck.ingest.pptx import inspect_archive
from msgcheck.ingest.text import collapse, parse_suppression
from msgcheck.model import Block, Document, Location, Scope


def _scope(style_name: str, first_heading: bool) -> Scope:
    name = style_name.lower()
    if name == "title":
        return "title"
    if name.startswith("heading"):
        return "title" if first_heading and name in ("heading 1", "heading1") else "heading"
    if name.startswith(("list", "bullet")):
        return "bullet"
    if name in ("quote", "intense quote"):
        return "quote"
    if name == "subtitle":
        return "heading"
    return "body"


def read(data: bytes, source: str) -> Document:
    """Read a .docx document."""
    inspect_archive(data, source, required="word/document.xml", label="Word document",
                    suffix=".docx")
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types on damaged parts
        raise InputError(f"cannot open document: {type(exc).__name__}: {exc}", path=source,
                         code=Code.INPUT_ARCHIVE) from None
    blocks: list[Block] = []
    pending: frozenset[str] = frozenset()
    seen_title = False
    for number, para in enumerate(document.paragraphs, start=1):
        text = collapse(para.text)
        if not text:
            continue
        parsed = parse_suppression(text) if text.lower().startswith("msgcheck:") else None
        if parsed is not None and parsed[0] == "ignore":
            pending = pending | parsed[1]
            continue
        style = para.style.name if para.style is not None else ""
        scope = _scope(style, not seen_title)
        seen_title = seen_title or scope == "title"
        blocks.append(Block(text, Location(source, number), scope, ignore=pending))
        pending = frozenset()
    blocks.extend(_tables(document, source))
    title = next((b.text for b in blocks if b.scope == "title"), None)
    return Document(source=source, kind="docx", blocks=tuple(blocks), title=title)


def _tables(document: Any, source: str) -> list[Block]:
    out = []
    for t, table in enumerate(document.tables, start=1):
        for r, row in enumerate(table.rows, start=1):
            seen: set[int] = set()
            for c, cell in enumerate(row.cells, start=1):
                if id(cell._tc) in seen:  # merged cells repeat
                    continue
                seen.add(id(cell._tc))
                text = collapse(cell.text)
                if text:
                    out.append(Block(text, Location(source, None, None, None,
                                                    f"Table {t} r{r}c{c}"), "table"))
    return out
