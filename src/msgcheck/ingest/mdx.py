"""MDX pages: Markdown with JSX components, as documentation and marketing sites write them.

`import` / `export` blocks, JSX expressions (`{...}`), fenced code and the tags themselves are
dropped; the text between tags is read as Markdown by the Markdown reader, so headings, lists,
tables, front matter and suppression comments behave as in a `.md` draft (`{/* msgcheck: ignore
ID */}` works like the HTML comment). A tag that starts a line, or an HTML block element (`<p>`,
`<li>`, `<td>`...), ends the text before it, as MDX itself reads them; inside `<h1>`..`<h6>`,
`<li>`, `<td>` or `<blockquote>` the text takes that element's scope. Line and column point into
the .mdx file. A tag, expression or comment left open until the end of the file is an InputError
naming its line; unbalanced or mismatched elements are read as far as they go.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from msgcheck.errors import Code, InputError
from msgcheck.ingest.html import BLOCK_SCOPES, CONTAINERS, DROP
from msgcheck.ingest.markdown import Collector, parser, split_front_matter
from msgcheck.ingest.text import decode
from msgcheck.model import Document, Scope

TAG_NAME = re.compile(r"</?([A-Za-z][\w.:-]*)")
FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")
ESM = re.compile(r"(import|export)[\s{*]")
COMMENT_EXPRESSION = re.compile(r"\{\s*/\*(.*?)\*/\s*\}\Z", re.DOTALL)
BLOCK_ELEMENTS = frozenset(BLOCK_SCOPES) | CONTAINERS | {"hr", "br", "img"}


@dataclass(frozen=True)
class Stretch:
    """Markdown text between tags, starting at `line` of the file."""

    text: str
    line: int
    scope: Scope | None


@dataclass
class _Open:
    name: str
    block: bool


@dataclass
class _Scanner:
    """One pass over the body: Stretches of Markdown and comment bodies, in file order."""

    text: str
    source: str
    pos: int = 0
    start: int = 0
    """Where the Markdown being gathered starts."""
    parts: list[str] = field(default_factory=list)
    stack: list[_Open] = field(default_factory=list)
    items: list[Stretch | str] = field(default_factory=list)
    line_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]

    def line_of(self, pos: int) -> int:
        return bisect.bisect_right(self.line_starts, pos)

    def fail(self, what: str, pos: int) -> InputError:
        return InputError(f"{what} opened here is never closed", path=self.source,
                          line=self.line_of(pos), code=Code.INPUT_CONTENT,
                          hint="fix the MDX; msgcheck reads the text around well-formed JSX")

    def flush(self, resume: int) -> None:
        """End the current stretch; the next one starts at `resume`."""
        chunk = "".join(self.parts)
        if chunk.strip():
            self.items.append(Stretch(chunk, self.line_of(self.start), self._scope()))
        self.parts = []
        self.start = resume

    def _scope(self) -> Scope | None:
        for entry in reversed(self.stack):
            scope = BLOCK_SCOPES.get(entry.name.lower())
            if scope is not None:
                return scope
        return None

    def at_line_start(self, pos: int) -> bool:
        line_start = self.line_starts[self.line_of(pos) - 1]
        return not self.text[line_start:pos].strip()

    def run(self) -> list[Stretch | str]:
        text = self.text
        while self.pos < len(text):
            pos = self.pos
            if (pos == 0 or text[pos - 1] == "\n") and self._line_construct(pos):
                continue
            char = text[pos]
            if char == "<" and text.startswith("<!--", pos):
                self._html_comment(pos)
            elif char == "<" and (TAG_NAME.match(text, pos) or text.startswith(("<>", "</>"), pos)):
                self._tag(pos)
            elif char == "{":
                self._expression(pos)
            elif char == "`":
                self._code_span(pos)
            else:
                step = 2 if char == "\\" else 1
                self.parts.append(text[pos:pos + step])
                self.pos = pos + step
        self.flush(len(text))
        return self.items

    def _line_construct(self, pos: int) -> bool:
        """Fenced code and top-level import/export blocks, dropped whole; True when consumed."""
        text = self.text
        fence = FENCE.match(text, pos)
        if fence:
            marker = fence.group(1)
            close = re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$",
                               re.MULTILINE)
            end_line = text.find("\n", fence.end())
            found = close.search(text, end_line + 1) if end_line >= 0 else None
            self._skip(pos, found.end() if found else len(text))
            return True
        if not self.stack and ESM.match(text, pos):
            blank = re.compile(r"\n[ \t]*(\n|\Z)").search(text, pos)
            self._skip(pos, blank.start() + 1 if blank else len(text))
            return True
        return False

    def _skip(self, pos: int, end: int) -> None:
        self.flush(end)
        self.pos = end

    def _html_comment(self, pos: int) -> None:
        end = self.text.find("-->", pos + 4)
        if end < 0:
            raise self.fail("comment <!--", pos)
        self.flush(end + 3)
        self.items.append(self.text[pos + 4:end])
        self.pos = end + 3

    def _tag(self, pos: int) -> None:
        end = self._tag_end(pos)
        raw = self.text[pos:end]
        match = TAG_NAME.match(raw)
        name = match.group(1) if match else ""
        closing = raw.startswith("</")
        self_closing = raw.endswith("/>")
        lower = name.lower()
        block = self.at_line_start(pos) or lower in BLOCK_ELEMENTS
        if closing:
            index = next((i for i in range(len(self.stack) - 1, -1, -1)
                          if self.stack[i].name == name), None)
            if index is not None:
                block = block or self.stack[index].block
                if block:
                    self.flush(end)
                del self.stack[index:]
            elif block:
                self.flush(end)
        elif block:
            self.flush(end)
            if not self_closing:
                self.stack.append(_Open(name, True))
        elif not self_closing:
            self.stack.append(_Open(name, False))
        if not block:
            self._drop_inline(raw, " " if lower == "br" else "")
        self.pos = end
        if block and not closing and not self_closing and lower in DROP:
            close = re.compile(rf"</{re.escape(name)}\s*>", re.IGNORECASE).search(self.text, end)
            if close:
                self._skip(end, close.start())

    def _tag_end(self, pos: int) -> int:
        """The end of the tag opened at `pos` (attributes, strings and expressions skipped)."""
        text = self.text
        i = pos + 1
        while i < len(text):
            char = text[i]
            if char == ">":
                return i + 1
            if char in "\"'":
                close = text.find(char, i + 1)
                if close < 0:
                    break
                i = close + 1
            elif char == "{":
                i = self._expression_end(i)
            else:
                i += 1
        raise self.fail(f"tag {text[pos:pos + 20].split()[0]}", pos)

    def _expression(self, pos: int) -> None:
        end = self._expression_end(pos)
        comment = COMMENT_EXPRESSION.match(self.text[pos:end])
        if comment:
            self.flush(end)
            self.items.append(comment.group(1))
        else:
            self._drop_inline(self.text[pos:end])
        self.pos = end

    def _drop_inline(self, raw: str, keep: str = "") -> None:
        """Drop markup inside a stretch, keeping its line breaks so later lines keep their
        numbers."""
        self.parts.append(keep + "\n" * raw.count("\n"))

    def _expression_end(self, pos: int) -> int:
        """The end of the `{...}` expression at `pos`: braces balanced, strings, template
        literals and comments skipped."""
        text = self.text
        depth = 0
        i = pos
        while i < len(text):
            char = text[i]
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    return i + 1
            elif char in "\"'`":
                i = _string_end(text, i)
                continue
            elif text.startswith("/*", i):
                close = text.find("*/", i + 2)
                i = len(text) if close < 0 else close + 2
                continue
            i += 1
        raise self.fail("expression {", pos)

    def _code_span(self, pos: int) -> None:
        run = re.compile(r"`+").match(self.text, pos)
        assert run is not None
        close = self.text.find(run.group(0), run.end())
        end = run.end() if close < 0 else close + len(run.group(0))
        self.parts.append(self.text[pos:end])
        self.pos = end


def _string_end(text: str, pos: int) -> int:
    """The end of the JavaScript string or template literal opened at `pos` (or the text's end)."""
    quote = text[pos]
    i = pos + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == quote or (quote != "`" and text[i] == "\n"):
            return i + 1
        i += 1
    return len(text)


def read(data: bytes, source: str) -> Document:
    """Read an MDX page."""
    text = decode(data, source)
    collector = Collector(source, text.splitlines())
    body = split_front_matter(text, collector)
    md = parser(indented_code=False)
    for item in _Scanner(body, source).run():
        if isinstance(item, str):
            collector.comment(item)
        else:
            collector.add(md.parse(item.text), item.line - 1, item.scope)
    return collector.document("mdx")
