"""Plain text: paragraphs split on blank lines, bullet lines as bullets, a short first line as title."""

from __future__ import annotations

import re

from msgcheck.errors import Code, InputError
from msgcheck.model import Anchor, Block, Document, Location, Scope

BULLET = re.compile(r"^(\s*)([-*+\u2022\u25aa\u25cf\u2013]|\d{1,2}[.)])\s+")
SUPPRESS = re.compile(r"msgcheck:\s*(ignore|off|on)\b\s*([\w.,\s*-]*)", re.IGNORECASE)


def decode(data: bytes, source: str) -> str:
    """Bytes to text: UTF-8 (with or without BOM), else the detected legacy encoding.

    Binary data (NUL bytes) and empty input are InputErrors naming the source.
    """
    if not data.strip():
        raise InputError("empty input", path=source, code=Code.INPUT_CONTENT)
    if b"\x00" in data[:8192]:
        raise InputError("binary data, not text", path=source, code=Code.INPUT_CONTENT,
                         hint="msgcheck reads .pptx, .md, .html, .htm and .txt")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        from bs4 import UnicodeDammit

        dammit = UnicodeDammit(data, ["utf-8", "windows-1252", "latin-1"])
        if dammit.unicode_markup is None:
            raise InputError("cannot detect the text encoding", path=source,
                             code=Code.INPUT_CONTENT) from None
        return dammit.unicode_markup


def collapse(text: str) -> str:
    """Collapse runs of whitespace to one space."""
    return re.sub(r"\s+", " ", text).strip()


def parse_suppression(comment: str) -> tuple[str, frozenset[str]] | None:
    """Read `msgcheck: ignore ID[, ID]`, `msgcheck: off` or `msgcheck: on` from a comment body."""
    match = SUPPRESS.search(comment)
    if not match:
        return None
    verb = match.group(1).lower()
    ids = frozenset(x for x in re.split(r"[\s,]+", match.group(2).strip()) if x)
    if verb == "ignore" and not ids:
        ids = frozenset({"*"})
    return verb, ids


def read(data: bytes, source: str) -> Document:
    """Read plain text (a draft, an email, stdin)."""
    text = decode(data, source)
    lines = text.splitlines()
    blocks: list[Block] = []
    para: list[tuple[int, int, str]] = []  # (line, column, text)

    def flush() -> None:
        if not para:
            return
        joined = ""
        anchors = []
        for line_no, col, piece in para:
            if joined:
                joined += " "
            anchors.append(Anchor(len(joined), line_no, col))
            joined += piece
        first_line, first_col, _ = para[0]
        scope: Scope = "body"
        if not blocks and len(para) == 1 and _looks_like_title(joined):
            scope = "title"
        blocks.append(Block(joined, Location(source, first_line, first_col), scope,
                            tuple(anchors)))
        para.clear()

    for i, raw in enumerate(lines, start=1):
        if not raw.strip():
            flush()
            continue
        bullet = BULLET.match(raw)
        if bullet:
            flush()
            col = bullet.end() + 1
            piece = raw[bullet.end():].rstrip()
            blocks.append(Block(collapse(piece), Location(source, i, col), "bullet",
                                (Anchor(0, i, col),)))
            continue
        col = len(raw) - len(raw.lstrip()) + 1
        stripped = raw.strip()
        if stripped.lower().startswith("subject:") and not blocks and not para:
            body = stripped[8:].strip()
            blocks.append(Block(body, Location(source, i, col + 8 + (len(stripped[8:]) - len(
                stripped[8:].lstrip()))), "title"))
            continue
        para.append((i, col, collapse(stripped)))
    flush()
    title = next((b.text for b in blocks if b.scope == "title"), None)
    return Document(source=source, kind="text", blocks=tuple(blocks), title=title)


def _looks_like_title(text: str) -> bool:
    return len(text.split()) <= 14 and not text.rstrip().endswith((".", ",", ";", ":"))
