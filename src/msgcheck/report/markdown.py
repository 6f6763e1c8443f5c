"""Markdown report: a short summary for a chat message or a pull-request comment.

A headline with counts per severity, a table of documents, then the findings most severe first,
alike ones folded into one item (capped, so a big crawl still fits in one comment), and the
coverage matrix when a later stage added one to `report.cross_asset`.

Every piece of text that comes from an input (claims, suggestions, messages that quote a claim,
file names) goes through `escape`: a claim containing `|`, `*`, backticks or `<script>` cannot
break the table or inject markup, and an `@name` in marketing copy cannot notify a GitHub user.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from msgcheck.model import STYLES, Finding, Location, Report, Severity
from msgcheck.report.words import folded, held_back, more_like_it, plural

LIMIT = 50
"""Findings (and document rows) shown before "... and N more"."""
MAX_TEXT = 300
"""Longest claim or suggestion quoted, in characters."""

# Characters that act anywhere inside a line: emphasis, code spans, links and images (`![`, `](`
# need a bracket), table cells, strikethrough, and GitHub's `$` math (prices!). Text is never
# placed at the start of a line, so `#`, `-`, `+`, `1.` and `>` need no escape. CommonMark reads
# any ASCII punctuation after a backslash as a literal; fewer escapes keep the raw text readable.
_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")


def escape(text: object, *, limit: int | None = None) -> str:
    """`text` as inert inline Markdown: one line, punctuation escaped, `<`, `>`, `&` as entities.

    Entities rather than backslashes for `<`, `>` and `&`, so raw HTML cannot survive in renderers
    without backslash escapes either (Slack's mrkdwn needs exactly these three as entities). A word
    joiner after `@` keeps `@someone` from becoming a mention.
    """
    out = " ".join(str(text).split())
    if limit is not None and len(out) > limit:
        out = out[: limit - 1].rstrip() + "\u2026"
    out = out.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = _SPECIAL.sub(r"\\\1", out)
    return _MENTION.sub("@\u2060", out)


def _code(text: str) -> str:
    """An inline code span when `text` has no backtick (check ids never do), else escaped text."""
    return f"`{text}`" if "`" not in text and text.strip() == text and text else escape(text)


def _counts(counts: Mapping[str, int]) -> str:
    parts = [plural(counts.get(s.value, 0), s.value) for s in Severity if counts.get(s.value)]
    return ", ".join(parts) if parts else "none"


def _place(loc: Location) -> str:
    place = loc.within()
    if not place:
        return "whole asset"
    return place if loc.slide is not None or loc.line is None else f"line {place}"


def _headline(report: Report) -> list[str]:
    counts = report.counts()
    claims = sum(d.claims for d in report.documents)
    parts = [plural(counts[s.value], s.value) for s in Severity]
    head = f"### msgcheck: {', '.join(parts)}"
    scope = (f"{plural(len(report.documents), 'document')}, {plural(claims, 'claim')} checked "
             f"against the {escape(report.company)} message platform")
    if report.platform_digest:
        scope += f" ({escape(report.platform_digest[:12])})"
    return [head, "", scope + "."]


def _documents(report: Report, by_source: Mapping[str, Sequence[Finding]],
               limit: int) -> list[str]:
    sources = sorted({d.source for d in report.documents} | set(by_source))
    if not sources:
        return ["No documents were checked."]
    summaries = {d.source: d for d in report.documents}

    def weight(source: str) -> tuple[int, ...]:
        c = Counter(f.severity for f in by_source.get(source, ()))
        return tuple(-c[s] for s in Severity)

    shown = sorted(sorted(sources, key=weight)[:limit]) if len(sources) > limit else sources
    lines = ["| Document | Kind | Claims | Pain | Feature | Neutral | Findings |",
             "|---|---|--:|--:|--:|--:|---|"]
    for source in shown:
        doc = summaries.get(source)
        found = Counter(f.severity.value for f in by_source.get(source, ()))
        findings = _counts(found) if found else "\u2014"
        if doc is None or doc.kind == "unreadable":
            kind = "unreadable" if doc is not None else "\u2014"
            cells = [escape(source), kind, "\u2014", "\u2014", "\u2014", "\u2014", findings]
        else:
            cells = [escape(source), escape(doc.kind), str(doc.claims),
                     *(str(doc.styles.get(s, 0)) for s in STYLES), findings]
        lines.append("| " + " | ".join(cells) + " |")
    if len(sources) > len(shown):
        lines += ["", f"\u2026 and {len(sources) - len(shown)} more documents with fewer findings."]
    return lines


def _finding(f: Finding, others: Sequence[Finding]) -> list[str]:
    more = f" ({more_like_it(others)})" if others else ""
    lines = [f"- **{f.severity.value}** {escape(f.location.source)} "
             f"{escape(_place(f.location))} \u00b7 {_code(f.check)} \u00b7 {escape(f.message)}"
             f"{more}"]
    if f.claim:
        lines.append(f"  - claim: \u201c{escape(f.claim, limit=MAX_TEXT)}\u201d")
    if f.suggestion:
        lines.append(f"  - suggestion: \u201c{escape(f.suggestion, limit=MAX_TEXT)}\u201d")
    return lines


def _findings(findings: Sequence[Finding], limit: int) -> list[str]:
    """Most severe first, then by place; alike findings folded into one item."""
    if not findings:
        return ["No findings."]
    items = folded(findings)
    lines: list[str] = []
    for shown, others in items[:limit]:
        lines += _finding(shown, others)
    if len(items) > limit:
        hidden = Counter(f.severity.value for shown, others in items[limit:]
                         for f in (shown, *others))
        lines += ["", f"\u2026 and {sum(hidden.values())} more ({_counts(hidden)})."]
    return lines


def _matrix(coverage: Any) -> Mapping[str, Mapping[str, Any]] | None:
    """The row -> column -> value table inside a coverage section, whichever key holds it."""
    def is_matrix(value: Any) -> bool:
        return (isinstance(value, Mapping) and bool(value)
                and all(isinstance(v, Mapping) for v in value.values()))

    if not isinstance(coverage, Mapping):
        return None
    for key in ("matrix", "documents", "assets", "pillars"):
        if is_matrix(coverage.get(key)):
            return coverage[key]  # type: ignore[no-any-return]
    return coverage if is_matrix(coverage) else None


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "\u2713" if value else "\u2014"
    if value is None or value == 0:
        return "\u2014"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, Mapping | list | tuple):
        return escape(", ".join(str(v) for v in value)) or "\u2014"
    return escape(value)


def _ordered(names: Iterable[str], preferred: Sequence[str]) -> list[str]:
    names = set(names)
    return [n for n in preferred if n in names] + sorted(names - set(preferred))


def _coverage(report: Report, limit: int) -> list[str]:
    coverage = report.cross_asset.coverage if report.cross_asset else None
    if not coverage:
        return []
    lines = ["", "### Coverage", ""]
    matrix = _matrix(coverage)
    pillar_ids = [p for p, _ in report.pillars]
    names = dict(report.pillars)
    if matrix is not None:
        columns = _ordered({c for row in matrix.values() for c in row}, pillar_ids)
        rows = _ordered(matrix, pillar_ids)
        lines += ["| | " + " | ".join(escape(names.get(c, c)) for c in columns) + " |",
                  "|---|" + "--:|" * len(columns)]
        for row in rows[:limit]:
            cells = [_cell(matrix[row].get(c)) for c in columns]
            lines.append(f"| {escape(names.get(row, row))} | " + " | ".join(cells) + " |")
        if len(rows) > limit:
            lines += ["", f"\u2026 and {len(rows) - limit} more rows."]
    # Short facts beside the matrix (pillars no asset covers, a coverage score...) as bullets.
    if isinstance(coverage, Mapping):
        facts = [(k, v) for k, v in sorted(coverage.items(), key=lambda kv: str(kv[0]))
                 if not isinstance(v, Mapping) and v not in (None, "", [], ())]
        if facts:
            lines += [""] if matrix is not None else []
            for key, value in facts:
                shown = (", ".join(escape(names.get(str(v), v)) for v in value)
                         if isinstance(value, list | tuple) else _cell(value))
                lines.append(f"- {escape(str(key).replace('_', ' '))}: {shown}")
    if len(lines) == 3:
        return []
    return lines


def render(report: Report, *, limit: int = LIMIT) -> str:
    """Headline, documents table, the first `limit` findings by severity, and coverage if any."""
    findings = sorted(report.findings, key=Finding.sort_key)
    by_source: dict[str, list[Finding]] = {}
    for f in findings:
        by_source.setdefault(f.location.source, []).append(f)
    lines = _headline(report)
    lines += ["", *_documents(report, by_source, limit)]
    if findings:
        lines += ["", "### Findings", ""]
        lines += _findings(findings, limit)
    note = held_back(report)
    if note:
        lines += ["", f"_{escape(note)}_"]
    lines += _coverage(report, limit)
    return "\n".join(lines).rstrip() + "\n"
