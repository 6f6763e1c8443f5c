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
                         hint="msgcheck reads .pptx, .docx, .pdf, .md, .mdx, .html, .htm and .txt")
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


def apply_suppression(comment: str, pending: frozenset[str], off: frozenset[str]
                      ) -> tuple[frozenset[str], frozenset[str]]:
    """The (ignore-next-block, off) check ids after one comment body; unchanged when the comment
    is not a `msgcheck:` one."""
    parsed = parse_suppression(comment)
    if parsed is None:
        return pending, off
    verb, ids = parsed
    if verb == "ignore":
        return pending | ids, off
    if verb == "off":
        return pending, off | (ids or frozenset({"*"}))
    return pending, frozenset()


def read(data: bytes, source: str) -> Document:
    """Read plain text (a draft, an email, stdin)."""
    text = decode(data, source)
    lines = text.splitlines()
    blocks: list[Block] = []
    para: list[tuple[int, int, str]] = []  # (line, column, text)

    def flush() -> None:
        for group in _split_headings(para):
            blocks.append(_paragraph(group, source, first=not blocks))
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


Line = tuple[int, int, str]


def _paragraph(para: list[Line], source: str, first: bool) -> Block:
    """One block from consecutive lines, with an anchor per line; a lone short line without end
    punctuation is the title (first block) or a heading."""
    joined = ""
    anchors = []
    for line_no, col, piece in para:
        if joined:
            joined += " "
        anchors.append(Anchor(len(joined), line_no, col))
        joined += piece
    first_line, first_col, _ = para[0]
    scope: Scope = "body"
    if len(para) == 1 and _looks_like_title(joined):
        scope = "title" if first else "heading"
    return Block(joined, Location(source, first_line, first_col), scope, tuple(anchors))


def _split_headings(para: list[Line]) -> list[list[Line]]:
    """Lines of one paragraph, with heading lines split off as their own groups.

    A heading line is short, has no end punctuation, starts the paragraph or follows a finished
    sentence, and the next line starts a new sentence (a capital letter or a digit). A sentence
    wrapped across lines stays together: its next line goes on in lower case, or the line before
    it has not ended.
    """
    groups: list[list[Line]] = []
    current: list[Line] = []
    for j, line in enumerate(para):
        after_sentence = j == 0 or para[j - 1][2].endswith(SENTENCE_END)
        nxt = para[j + 1][2] if j + 1 < len(para) else ""
        if nxt and after_sentence and _looks_like_heading(line[2]) and _starts_sentence(nxt):
            if current:
                groups.append(current)
            groups.append([line])
            current = []
            continue
        current.append(line)
    if current:
        groups.append(current)
    return groups


SENTENCE_END = (".", "!", "?", "\u2026", ":", '."', ".\u201d", "!\u201d", "?\u201d")


OPEN_ENDS = (".", ",", ";", ":", "!", "?", "-", "\u2013", "\u2014", "\u2026", "&", "/")
FUNCTION_WORDS = frozenset({
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of", "on", "or",
    "our", "than", "that", "the", "their", "to", "with", "your"})


def _looks_like_heading(text: str) -> bool:
    words = text.split()
    return (len(words) <= 10 and len(text) <= 70 and not text.endswith(OPEN_ENDS)
            and not text[:1].islower() and words[-1].lower() not in FUNCTION_WORDS)


def _starts_sentence(text: str) -> bool:
    first = text.lstrip("\"'\u201c\u2018(")[:1]
    return first.isupper() or first.isdigit()


def _looks_like_title(text: str) -> bool:
    return len(text.split()) <= 14 and not text.rstrip().endswith((".", ",", ";", ":"))
