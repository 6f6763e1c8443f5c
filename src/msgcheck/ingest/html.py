"""HTML pages: title, meta description, headings, paragraphs, list items, quotes, table cells, and
button and standalone link text as their own scopes. script, style, nav and footer are dropped.

Encoding is detected by Beautiful Soup's UnicodeDammit (BOM, meta charset, then a guess), so pages
that are not UTF-8 read correctly; lxml parses, because it keeps source line numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from msgcheck.errors import Code, InputError
from msgcheck.ingest.text import apply_suppression, collapse
from msgcheck.model import Block, Document, Location, Scope

DROP = {
    "script", "style", "nav", "footer", "noscript", "template", "svg", "iframe", "select",
    "option", "object", "canvas", "head", "textarea", "code", "pre",
}
BLOCK_SCOPES: dict[str, Scope] = {
    "h1": "title", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading",
    "h6": "heading", "p": "body", "li": "bullet", "blockquote": "quote", "td": "table",
    "th": "table", "figcaption": "body", "dt": "body", "dd": "body", "caption": "table",
    "summary": "body", "button": "button", "label": "body",
}
CONTAINERS = {
    "html", "body", "div", "section", "article", "main", "header", "aside", "ul", "ol", "table",
    "thead", "tbody", "tfoot", "tr", "form", "figure", "dl", "details", "fieldset", "address",
    "hgroup", "menu", "center",
}
BUTTON_CLASS = re.compile(r"\b(btn|button|cta)\b", re.IGNORECASE)


@dataclass
class _Open:
    scope: Scope
    line: int | None
    parts: list[str] = field(default_factory=list)
    ignore: frozenset[str] = frozenset()
    element: str | None = None


def decode_html(data: bytes, source: str) -> str:
    """HTML bytes to text, honouring BOMs and meta charset; InputError when not text."""
    if not data.strip():
        raise InputError("empty input", path=source, code=Code.INPUT_CONTENT)
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("binary data, not HTML", path=source, code=Code.INPUT_CONTENT)
    from bs4 import UnicodeDammit

    dammit = UnicodeDammit(data, ["utf-8", "windows-1252"], is_html=True)
    if dammit.unicode_markup is None:
        raise InputError("cannot detect the text encoding", path=source, code=Code.INPUT_CONTENT)
    return dammit.unicode_markup


def read(data: bytes, source: str) -> Document:
    """Read an HTML page."""
    import lxml.etree
    import lxml.html

    text = decode_html(data, source)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    if not text.strip():
        raise InputError("empty input", path=source, code=Code.INPUT_CONTENT)
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise InputError(f"cannot parse HTML: {exc}", path=source,
                         code=Code.INPUT_CONTENT) from None
    lines = text.splitlines()
    walker = _Walker(source, lines, lxml.etree.Comment)
    title = _head(root, walker)
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush_all()
    return Document(source=source, kind="html", blocks=tuple(walker.blocks), title=title)


def _head(root: Any, walker: _Walker) -> str | None:
    title = None
    for el in root.iter("title"):
        value = collapse(el.text_content() or "")
        if value:
            title = value
            walker.emit(value, "meta", el.sourceline, frozenset())
        break
    for el in root.iter("meta"):
        name = (el.get("name") or el.get("property") or "").lower()
        if name in ("description", "og:description"):
            value = collapse(el.get("content") or "")
            if value:
                walker.emit(value, "meta", el.sourceline, frozenset())
                break
    return title


class _Walker:
    def __init__(self, source: str, lines: list[str], comment_tag: Any) -> None:
        self.source = source
        self.lines = lines
        self.comment_tag = comment_tag
        self.blocks: list[Block] = []
        self.stack: list[_Open] = [_Open("body", None)]
        self.pending_ignore: frozenset[str] = frozenset()
        self.off: frozenset[str] = frozenset()
        self.seen: set[tuple[str, Scope]] = set()

    # -- text plumbing
    def add(self, text: str | None) -> None:
        if text:
            self.stack[-1].parts.append(text)

    def flush(self, opened: _Open) -> None:
        value = collapse(" ".join(opened.parts))
        opened.parts.clear()
        if value:
            self.emit(value, opened.scope, opened.line, opened.ignore, opened.element)

    def flush_all(self) -> None:
        while self.stack:
            self.flush(self.stack.pop())

    def emit(self, value: str, scope: Scope, line: int | None, ignore: frozenset[str],
             element: str | None = None) -> None:
        column = self._column(line, value) if line else None
        self.blocks.append(Block(
            text=value,
            location=Location(self.source, line, column, element=element),
            scope=scope,
            ignore=ignore | self.pending_ignore | self.off,
        ))
        self.pending_ignore = frozenset()

    def _column(self, line: int, value: str) -> int:
        probe = value[:12]
        for offset in range(0, 3):
            idx = line - 1 + offset
            if 0 <= idx < len(self.lines):
                found = self.lines[idx].find(probe)
                if found >= 0:
                    return found + 1
        if 0 <= line - 1 < len(self.lines):
            raw = self.lines[line - 1]
            return len(raw) - len(raw.lstrip()) + 1
        return 1

    # -- the walk
    def walk(self, el: Any) -> None:
        tag = el.tag
        if tag is self.comment_tag:
            self.pending_ignore, self.off = apply_suppression(el.text or "",
                                                              self.pending_ignore, self.off)
            self.add(el.tail)
            return
        if not isinstance(tag, str):
            self.add(el.tail)
            return
        tag = tag.lower()
        if tag in DROP or el.get("hidden") is not None or el.get("aria-hidden") == "true":
            self.add(el.tail)
            return
        if tag == "br":
            self.add(" ")
            self.add(el.tail)
            return
        if tag == "input":
            if (el.get("type") or "").lower() in ("submit", "button") and el.get("value"):
                self._block(el, "button", text_only=el.get("value"))
            self.add(el.tail)
            return
        if tag == "a" or (tag == "span" and el.get("role") == "button"):
            in_text_block = self.stack[-1].scope != "body" or bool(
                collapse(" ".join(self.stack[-1].parts))
            ) or self._inside_text_block(el)
            if not in_text_block:
                cls = (el.get("class") or "") + " " + (el.get("role") or "")
                scope: Scope = "button" if BUTTON_CLASS.search(cls) else "link"
                self._block(el, scope)
                self.add(el.tail)
                return
        if tag in BLOCK_SCOPES:
            self._block(el, BLOCK_SCOPES[tag])
            self.add(el.tail)
            return
        if tag in CONTAINERS:
            self.flush(self.stack[-1])
            self.stack.append(_Open("body", el.sourceline))
            self.add(el.text)
            for child in el:
                self.walk(child)
            self.flush(self.stack.pop())
            self.add(el.tail)
            return
        # inline element
        if self.stack[-1].line is None:
            self.stack[-1].line = el.sourceline
        self.add(el.text)
        for child in el:
            self.walk(child)
        self.add(el.tail)

    def _inside_text_block(self, el: Any) -> bool:
        parent = el.getparent()
        while parent is not None and isinstance(parent.tag, str):
            if parent.tag.lower() in BLOCK_SCOPES:
                return True
            if parent.tag.lower() in CONTAINERS:
                return False
            parent = parent.getparent()
        return False

    def _block(self, el: Any, scope: Scope, text_only: str | None = None) -> None:
        self.flush(self.stack[-1])
        opened = _Open(scope, el.sourceline, element="th" if el.tag == "th" else None)
        self.stack.append(opened)
        if text_only is not None:
            self.add(text_only)
        else:
            self.add(el.text)
            for child in el:
                self.walk(child)
        self.flush(self.stack.pop())
        # Loose text after a nested block belongs to the parent but starts where the block was.
        if not self.stack[-1].parts:
            self.stack[-1].line = el.sourceline
