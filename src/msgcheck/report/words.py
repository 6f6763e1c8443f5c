"""Wording shared by the renderers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from msgcheck.errors import Code
from msgcheck.model import Finding, Report, finding_groups, skipped_summary

MAX_FINDINGS_FLAG = "--max-findings-per-asset"


def plural(n: int, word: str) -> str:
    """The count and the word, with an `s` unless the count is one: `1 page`, `3 pages`."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def held_back(report: Report) -> str | None:
    """'held back 120 suggestions on faq.html; --max-findings-per-asset 0 shows all', or None."""
    if not report.held_back:
        return None
    per_source: dict[str, list[str]] = {}
    for source, severity, n in report.held_back:
        per_source.setdefault(source, []).append(plural(n, severity))
    parts = [f"{' and '.join(counts)} on {source}" for source, counts in per_source.items()]
    return f"held back {'; '.join(parts)}; {MAX_FINDINGS_FLAG} 0 shows all"


def folded(findings: Sequence[Finding], *, across_assets: bool = True
           ) -> list[tuple[Finding, list[Finding]]]:
    """Findings in reading order (most severe first, then place, then check), alike ones folded
    under the first: (shown, the others like it). Without `across_assets`, a group is split per
    asset (for renderers that list assets one by one)."""
    groups = finding_groups(findings)
    keys: list[Any] = [(g, f.location.source) if not across_assets else g
                       for g, f in zip(groups, findings)]
    members: dict[Any, list[Finding]] = {}
    for key, f in sorted(zip(keys, findings), key=lambda kf: kf[1].severity_key()):
        members.setdefault(key, []).append(f)
    return [(found[0], found[1:]) for found in members.values()]


def more_like_it(others: Sequence[Finding]) -> str:
    """'and 34 more like it', or '' for a lone finding."""
    return f"and {len(others)} more like it" if others else ""


def evidence_text(evidence: dict[str, Any]) -> str:
    """`similarity 0.22, band_off 0.27`: the numbers behind a finding, for verbose output."""
    parts = []
    for key, value in sorted(evidence.items()):
        if isinstance(value, float):
            value = f"{value:.3f}".rstrip("0").rstrip(".")
        elif isinstance(value, str) and len(value) > 80:
            value = value[:79].rstrip() + "\u2026"
        parts.append(f"{key} {value}")
    return ", ".join(parts)
def skipped_line(report: Report) -> str | None:
    """`skipped 12 files not read: 8 .yml, 3 .haml, 1 .json (use --strict to fail on them)`, or
    None when every file found was read."""
    if not report.skipped:
        return None
    strict = any(f.evidence.get("code") == Code.INPUT_SKIPPED for f in report.findings)
    hint = "" if strict else " (use --strict to fail on them)"
    return f"skipped {skipped_summary(report.skipped).replace(':', ' not read:', 1)}{hint}"
