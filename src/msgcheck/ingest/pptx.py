"""PowerPoint decks: titles, text frames paragraph by paragraph, tables, groups, speaker notes.

Every block carries the slide number and shape name (`Group 3/TextBox 2` inside groups), and the
paragraph number inside the shape. The archive is inspected before python-pptx opens it, so a text
file named `.pptx`, an encrypted deck or a zip bomb gets a one-line error instead of a crash or an
exhausted machine. A speaker-note line `msgcheck: ignore CHECK-ID` suppresses that check on its
slide.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from msgcheck.errors import Code, InputError
from msgcheck.ingest.text import collapse, parse_suppression
from msgcheck.model import Block, Document, Location, Scope

MAX_ENTRIES = 10_000
MAX_TOTAL_UNCOMPRESSED = 1024 * 1024 * 1024
MAX_MEMBER_UNCOMPRESSED = 256 * 1024 * 1024
MAX_RATIO = 200
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def inspect_archive(data: bytes, source: str, required: str = "ppt/presentation.xml",
                    label: str = "PowerPoint deck", suffix: str = ".pptx") -> None:
    """Refuse inputs that are not a sane Office archive, before any XML is parsed."""
    if not data:
        raise InputError("empty file", path=source, code=Code.INPUT_CONTENT)
    if data.startswith(OLE_MAGIC):
        raise InputError(
            f"encrypted file or legacy binary format (an OLE file, not a {suffix} archive)",
            path=source, code=Code.INPUT_ENCRYPTED,
            hint=f"remove the password, or save the file as {suffix}",
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        looks = "text" if _looks_like_text(data) else "binary data"
        raise InputError(f"not a {suffix} file (not a zip archive; looks like {looks})",
                         path=source, code=Code.INPUT_ARCHIVE)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise InputError(f"corrupt archive: {exc}", path=source, code=Code.INPUT_ARCHIVE) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise InputError(f"archive holds {len(infos)} entries, over {MAX_ENTRIES}; refused",
                             path=source, code=Code.INPUT_TOO_LARGE)
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL_UNCOMPRESSED:
            raise InputError(
                f"archive declares {total // 2**20} MiB uncompressed, over "
                f"{MAX_TOTAL_UNCOMPRESSED // 2**20} MiB; refused as a possible zip bomb",
                path=source, code=Code.INPUT_TOO_LARGE)
        for info in infos:
            if info.file_size > MAX_MEMBER_UNCOMPRESSED or (
                info.compress_size and info.file_size / info.compress_size > MAX_RATIO
                and info.file_size > 10 * 2**20
            ):
                raise InputError(
                    f"archive member {info.filename} expands {info.compress_size} -> "
                    f"{info.file_size} bytes; refused as a possible zip bomb",
                    path=source, code=Code.INPUT_TOO_LARGE)
        names = {i.filename for i in infos}
        if required not in names:
            kind = ("a Word document" if "word/document.xml" in names
                    else "a PowerPoint deck" if "ppt/presentation.xml" in names
                    else "an Excel workbook" if "xl/workbook.xml" in names else "a zip archive")
            raise InputError(f"not a {label}: the archive is {kind}", path=source,
                             code=Code.INPUT_ARCHIVE)
        bad = archive.testzip()
        if bad is not None:
            raise InputError(f"corrupt archive: member {bad} fails its CRC check", path=source,
                             code=Code.INPUT_ARCHIVE)


def _looks_like_text(data: bytes) -> bool:
    sample = data[:2048]
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in sample


def read(data: bytes, source: str) -> Document:
    """Read a .pptx deck."""
    inspect_archive(data, source)
    from pptx import Presentation

    try:
        deck = Presentation(io.BytesIO(data))
    except Exception as exc:  # python-pptx raises many types on damaged parts
        raise InputError(f"cannot open deck: {type(exc).__name__}: {exc}", path=source,
                         code=Code.INPUT_ARCHIVE) from None
    blocks: list[Block] = []
    title: str | None = None
    for number, slide in enumerate(deck.slides, start=1):
        try:
            slide_blocks, ignore = _slide_blocks(slide, number, source)
        except Exception as exc:
            raise InputError(f"slide {number}: cannot read: {type(exc).__name__}: {exc}",
                             path=source, code=Code.INPUT_CONTENT) from None
        for block in slide_blocks:
            if ignore and block.scope != "notes":
                block = Block(block.text, block.location, block.scope, block.anchors,
                              block.ignore | ignore)
            blocks.append(block)
        if title is None:
            title = next((b.text for b in slide_blocks if b.scope == "title"), None)
    return Document(source=source, kind="pptx", blocks=tuple(blocks), title=title)


def _slide_blocks(slide: Any, number: int, source: str) -> tuple[list[Block], frozenset[str]]:
    out: list[Block] = []
    for shape in slide.shapes:
        out.extend(_shape_blocks(shape, number, source, prefix=""))
    ignore: frozenset[str] = frozenset()
    if slide.has_notes_slide:
        frame = slide.notes_slide.notes_text_frame
        if frame is not None:
            for i, para in enumerate(frame.paragraphs, start=1):
                text = collapse(para.text.replace("\v", " "))
                if not text:
                    continue
                parsed = parse_suppression(text)
                if parsed is not None and parsed[0] == "ignore":
                    ignore = ignore | parsed[1]
                    continue
                out.append(Block(text, Location(source, i, None, number, "notes"), "notes"))
    return out, ignore


def _shape_blocks(shape: Any, number: int, source: str, prefix: str) -> list[Block]:
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    name = f"{prefix}{shape.name}"
    if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
        out: list[Block] = []
        for child in shape.shapes:
            out.extend(_shape_blocks(child, number, source, prefix=f"{name}/"))
        return out
    if getattr(shape, "has_table", False) and shape.has_table:
        return _table_blocks(shape, name, number, source)
    if not getattr(shape, "has_text_frame", False) or not shape.has_text_frame:
        return []
    scope = _frame_scope(shape)
    paras = [(i, collapse(p.text.replace("\v", " ")), p.level)
             for i, p in enumerate(shape.text_frame.paragraphs, start=1)]
    paras = [p for p in paras if p[1]]
    if scope in ("title", "heading"):
        # A title split over lines is one headline.
        if not paras:
            return []
        text = collapse(" ".join(p[1] for p in paras))
        return [Block(text, Location(source, None, None, number, name), scope)]
    many = len(paras) > 1
    blocks = []
    for index, text, level in paras:
        para_scope: Scope = "bullet" if (many or level > 0 or scope == "bullet") else "body"
        blocks.append(Block(text, Location(source, index, None, number, name), para_scope))
    return blocks


def _frame_scope(shape: Any) -> Scope:
    if not shape.is_placeholder:
        return "body"
    from pptx.enum.shapes import PP_PLACEHOLDER

    kind = shape.placeholder_format.type
    if kind in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE):
        return "title"
    if kind == PP_PLACEHOLDER.SUBTITLE:
        return "heading"
    if kind in (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.VERTICAL_BODY):
        return "bullet"
    return "body"


def _table_blocks(shape: Any, name: str, number: int, source: str) -> list[Block]:
    out = []
    for r, row in enumerate(shape.table.rows, start=1):
        for c, cell in enumerate(row.cells, start=1):
            if cell.is_spanned:
                continue
            text = collapse(cell.text.replace("\v", " "))
            if text:
                out.append(Block(text, Location(source, None, None, number, f"{name} r{r}c{c}"),
                                 "table"))
    return out
