"""Markdown drafts: headings, paragraphs, list items, quotes and table cells, with line and column.

Parsed with markdown-it (CommonMark plus tables); code blocks are skipped. A YAML front matter's
`title` and `description` become title and meta blocks. `<!-- msgcheck: ignore ID -->` suppresses
ID for the next block; `<!-- msgcheck: off -->` ... `<!-- msgcheck: on -->` for a stretch.
"""

from __future__ import annotations

import re
from typing import Any

from msgcheck.ingest.text import apply_suppression, collapse, decode
from msgcheck.model import Anchor, Block, Document, Location, Scope

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(---|\.\.\.)[ \t]*(\n|\Z)", re.DOTALL)


def read(data: bytes, source: str) -> Document:
    """Read a Markdown draft."""
    text = decode(data, source)
    collector = Collector(source, text.splitlines())
    body = split_front_matter(text, collector)
    collector.add(parser().parse(body))
    return collector.document("markdown")


def parser(indented_code: bool = True) -> Any:
    """CommonMark plus tables; MDX turns indented code off (indentation there is layout)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    return md if indented_code else md.disable("code")


def split_front_matter(text: str, collector: Collector) -> str:
    """Front matter's title and description as blocks; the body returned with its lines kept
    (the front matter blanked), so token line numbers are the file's."""
    front = FRONT_MATTER.match(text)
    if not front:
        return text
    offset_lines = front.group(0).count("\n")
    collector.blocks.extend(_front_matter_blocks(front.group(1), collector.source))
    return "\n" * offset_lines + text[front.end():]


class Collector:
    """Turns markdown-it tokens into Blocks, carrying suppression comments across calls (MDX
    parses one stretch of Markdown at a time)."""

    def __init__(self, source: str, lines: list[str]) -> None:
        self.source = source
        self.lines = lines
        """The file's lines, for columns."""
        self.blocks: list[Block] = []
        self.pending_ignore: frozenset[str] = frozenset()
        self.off_ids: frozenset[str] = frozenset()

    def comment(self, body: str) -> None:
        """Apply one `msgcheck:` comment (ignore the next block, off, on)."""
        self.pending_ignore, self.off_ids = apply_suppression(body, self.pending_ignore,
                                                              self.off_ids)

    def add(self, tokens: list[Any], line_offset: int = 0, scope_hint: Scope | None = None
            ) -> None:
        """Blocks for the tokens of one parse; `line_offset` lines precede the parsed text and
        `scope_hint` overrides `body` (the enclosing element said what the text is)."""
        stack: list[str] = []
        for i, tok in enumerate(tokens):
            if tok.type.endswith("_open"):
                stack.append(tok.type[:-5])
            elif tok.type.endswith("_close"):
                if stack:
                    stack.pop()
            if tok.type == "html_block":
                for body in re.findall(r"<!--(.*?)-->", tok.content, re.DOTALL):
                    self.comment(body)
                continue
            if tok.type != "inline" or tok.map is None:
                continue
            scope = _scope(tokens, i, stack)
            if scope is None:
                continue
            if scope == "body" and scope_hint is not None:
                scope = scope_hint
            plain, anchors = _plain(tok, self.lines, line_offset)
            if not plain:
                continue
            first = anchors[0] if anchors else Anchor(0, tok.map[0] + line_offset + 1, 1)
            self.blocks.append(Block(
                text=plain,
                location=Location(self.source, first.line, first.column),
                scope=scope,
                anchors=tuple(anchors),
                ignore=self.pending_ignore | self.off_ids,
            ))
            self.pending_ignore = frozenset()

    def document(self, kind: str) -> Document:
        """The Document of every block collected, titled by the first title block."""
        title = next((b.text for b in self.blocks if b.scope == "title"), None)
        return Document(source=self.source, kind=kind, blocks=tuple(self.blocks), title=title)


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


def _plain(tok: Any, lines: list[str], line_offset: int = 0) -> tuple[str, list[Anchor]]:
    """Visible text of an inline token, with an anchor at the start of each source line."""
    start_line = tok.map[0] + line_offset
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
