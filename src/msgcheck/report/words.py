"""Wording shared by the renderers."""

from __future__ import annotations

from msgcheck.errors import Code
from msgcheck.model import Report, skipped_summary


def plural(n: int, word: str) -> str:
    """The count and the word, with an `s` unless the count is one: `1 page`, `3 pages`."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def skipped_line(report: Report) -> str | None:
    """`skipped 12 files not read: 8 .yml, 3 .haml, 1 .json (use --strict to fail on them)`, or
    None when every file found was read."""
    if not report.skipped:
        return None
    strict = any(f.evidence.get("code") == Code.INPUT_SKIPPED for f in report.findings)
    hint = "" if strict else " (use --strict to fail on them)"
    return f"skipped {skipped_summary(report.skipped).replace(':', ' not read:', 1)}{hint}"
