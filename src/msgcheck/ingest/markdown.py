"""Markdown drafts: headings, paragraphs, list items, quotes and table cells, with line and column.

Parsed with markdown-it (CommonMark plus tables); code blocks are skipped. A YAML front matter's
`title` and `description` become title and meta blocks. `<!-- msgcheck: ignore ID -->` suppresses
ID for the next block; `<!-- msgcheck: off -->` ... `<!-- msgcheck: on -->` for a stretch.
"""

from __future__ import annotations

import re
from typing import Any

from msgcheck.ingest.text import collapse, decode, parse_suppression
from msgcheck.model import Anchor, Block, Document, Location, Scope

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(---|\.\.\.)[ \t]*(\n|\Z)", re.DOTALL)


def read(data: bytes, source: str) -> Document:
    """Read a Markdown draft."""
    from markdown_it import MarkdownIt

    text = decode(data, source)
    lines = text.splitlines()
    blocks: list[Block] = []
    offset_lines = 0
    front = FRONT_MATTER.match(text)
    if front:
        offset_lines = front.group(0).count("\n")
        blocks.extend(_front_matter_blocks(front.group(1), source))
        body = "\n" * offset_lines + text[front.end():]
    else:
        body = text

    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(body)
    pending_ignore: frozenset[str] = frozenset()
    off_ids: frozenset[str] = frozenset()
    stack: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.type.endswith("_open"):
            stack.append(tok.type[:-5])
        elif tok.type.endswith("_close"):
            if stack:
                stack.pop()
        if tok.type == "html_block":
            for comment in re.findall(r"<!--(.*?)-->", tok.content, re.DOTALL):
                parsed = parse_suppression(comment)
                if parsed is None:
                    continue
                verb, ids = parsed
                if verb == "ignore":
                    pending_ignore = pending_ignore | ids
                elif verb == "off":
                    off_ids = off_ids | (ids or frozenset({"*"}))
                else:
                    off_ids = frozenset()
            continue
        if tok.type != "inline" or tok.map is None:
            continue
        scope = _scope(tokens, i, stack)
        if scope is None:
            continue
        plain, anchors = _plain(tok, lines)
        if not plain:
            continue
        first = anchors[0] if anchors else Anchor(0, tok.map[0] + 1, 1)
        blocks.append(Block(
            text=plain,
            location=Location(source, first.line, first.column),
            scope=scope,
            anchors=tuple(anchors),
            ignore=pending_ignore | off_ids,
        ))
        pending_ignore = frozenset()
    title = next((b.text for b in blocks if b.scope == "title"), None)
    return Document(source=source, kind="markdown", blocks=tuple(blocks), title=title)


def _front_matter_blocks(raw: str, source: str) -> list[Block]:
    import yaml

    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError:
        return []
    if not isinstance(data, dict):
        return []
    out = []
    for key, scope in (("title", "title"), ("description", "meta")):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            line = next((n for n, l in enumerate(raw.splitlines(), start=2)
                         if l.startswith(f"{key}:")), 1)
            out.append(Block(collapse(value), Location(source, line, len(key) + 3), scope))  # type: ignore[arg-type]
    return out


def _scope(tokens: list[Any], i: int, stack: list[str]) -> Scope | None:
    parent = tokens[i - 1] if i else None
    if parent is None:
        return None
    if parent.type == "heading_open":
        return "title" if parent.tag == "h1" else "heading"
    if parent.type in ("th_open", "td_open"):
        return "table"
    if "blockquote" in stack:
        return "quote"
    if "list_item" in stack:
        return "bullet"
    if parent.type == "paragraph_open":
        return "body"
    return None


def _plain(tok: Any, lines: list[str]) -> tuple[str, list[Anchor]]:
    """Visible text of an inline token, with an anchor at the start of each source line."""
    start_line = tok.map[0]
    parts: list[str] = []
    anchors: list[Anchor] = []
    line = start_line
    need_anchor = True
    length = 0

    def add(piece: str) -> None:
        nonlocal need_anchor, length
        if not piece:
            return
        if need_anchor:
            col = _column(lines, line, piece)
            anchors.append(Anchor(length, line + 1, col))
            need_anchor = False
        parts.append(piece)
        length += len(piece)

    for child in tok.children or []:
        if child.type in ("text", "code_inline"):
            add(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
            length += 1
            line += 1
            need_anchor = True
        elif child.type == "image":
            continue
    raw = "".join(parts)
    text = collapse(raw)
    # Collapsing may shift offsets a little (double spaces); anchors keep line-level accuracy.
    lead = len(raw) - len(raw.lstrip())
    anchors = [Anchor(max(0, a.offset - lead), a.line, a.column) for a in anchors]
    return text, anchors


def _column(lines: list[str], line: int, piece: str) -> int:
    if line >= len(lines):
        return 1
    raw = lines[line]
    probe = piece.strip()[:12]
    if probe:
        found = raw.find(probe)
        if found >= 0:
            return found + 1
    return len(raw) - len(raw.lstrip(" \t>")) + 1
