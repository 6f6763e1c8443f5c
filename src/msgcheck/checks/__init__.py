"""Checks: pure functions over an Analysis, one small module per family.

A new check is a function `(analysis, options) -> Iterator[Finding]` in a module with a docstring
saying what it catches and why, listed in that module's `CHECKS` tuple with its id, default
severity, summary, and examples that must flag and must pass (a test fails for a check without
both). `ALL` below is the one explicit list; there is no registration by decorator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from msgcheck.model import Finding, Location, Severity

if TYPE_CHECKING:
    from msgcheck.analysis import Analysis


@dataclass(frozen=True)
class CheckOptions:
    """Settings every check may read (from flags and config)."""

    select: tuple[str, ...] = ()
    """Run only checks whose id starts with one of these (empty: all)."""
    ignore: tuple[str, ...] = ()
    """Skip checks whose id starts with one of these."""
    severity: dict[str, Severity] = field(default_factory=dict)
    """Per-check severity overrides, by id."""
    asset_ratio_max: float = 0.5
    """framing.asset-ratio: largest acceptable share of feature claims in one asset."""
    asset_ratio_min_claims: int = 6
    """framing.asset-ratio: assets with fewer claims are not judged."""
    feature_run: int = 3
    """framing.feature-heavy: this many feature claims in a slide or section, and no pain, is a
    feature list."""


CheckFn = Callable[["Analysis", CheckOptions], Iterator[Finding]]

UNREADABLE = "io.unreadable"
"""The id of the finding for an input that could not be read (emitted by the pipeline)."""
UNREADABLE_SUMMARY = "An input that could not be read (named, with why)."


@dataclass(frozen=True)
class Example:
    """A check example: a small Markdown draft, and whether the check must flag it."""

    text: str
    """The draft; each paragraph, heading or bullet is a claim."""
    flags: bool
    """True: the check must report a finding; False: it must report none."""


@dataclass(frozen=True)
class Check:
    """A check's id, function, default severity, one-line summary and examples."""

    id: str
    """Dotted id, `area.kebab-name`."""
    run: CheckFn
    """The check function."""
    severity: Severity
    """Default severity."""
    summary: str
    """What it catches, in one line."""
    examples: tuple[Example, ...] = ()
    """Must-flag and must-pass examples, judged against the bundled example platform."""


def make_finding(check: Check, options: CheckOptions, message: str, location: Location,
                 **kwargs: object) -> Finding:
    """A Finding with the check's effective severity."""
    severity = options.severity.get(check.id, check.severity)
    return Finding(check=check.id, severity=severity, message=message, location=location,
                   **kwargs)  # type: ignore[arg-type]


def _all() -> tuple[Check, ...]:
    from msgcheck.checks import alignment, framing, messaging, proof, terminology

    return (*alignment.CHECKS, *framing.CHECKS, *proof.CHECKS, *terminology.CHECKS,
            *messaging.CHECKS)


ALL: tuple[Check, ...] = ()


def all_checks() -> tuple[Check, ...]:
    """Every check, in a fixed order."""
    global ALL
    if not ALL:
        ALL = _all()
    return ALL


def enabled(check_id: str, options: CheckOptions) -> bool:
    """Whether select / ignore let this check run."""
    if options.select and not any(check_id.startswith(p) for p in options.select):
        return False
    return not any(check_id.startswith(p) for p in options.ignore)


def suppressed(check_id: str, ignore: frozenset[str]) -> bool:
    """Whether an inline `msgcheck: ignore` set covers this check."""
    return "*" in ignore or any(check_id == p or check_id.startswith(p + ".") or
                                check_id.startswith(p) and p.endswith(".") for p in ignore)


def run_checks(analysis: Analysis, options: CheckOptions) -> list[Finding]:
    """Run every enabled check; drop inline-suppressed findings; sort."""
    places: dict[tuple[object, ...], frozenset[str]] = {}
    for result in analysis.results:
        loc = result.claim.location
        if result.claim.ignore:
            places[(loc.source, loc.slide, loc.line, loc.element)] = result.claim.ignore
    findings: list[Finding] = []
    for check in all_checks():
        if not enabled(check.id, options):
            continue
        for finding in check.run(analysis, options):
            loc = finding.location
            ignore = places.get((loc.source, loc.slide, loc.line, loc.element), frozenset())
            if ignore and suppressed(check.id, ignore):
                continue
            findings.append(finding)
    return sorted(findings, key=Finding.sort_key)


def reference_markdown() -> str:
    """docs/checks.md: every check's id, severity, what it catches and its examples."""
    import inspect
    import sys

    lines = ["# Checks", "",
             "Generated by `msgcheck checks --markdown`; a test keeps this page in step with the "
             "code. Severities are defaults: change them per check or per path in msgcheck.toml "
             "(docs/configuration.md). Examples are judged against the bundled example platform "
             "(`message_platform/`) and run as tests.", ""]
    lines += ["| check | default severity | catches |", "|---|---|---|"]
    for check in all_checks():
        lines.append(f"| [`{check.id}`](#{check.id.replace('.', '')}) | {check.severity.value} "
                     f"| {check.summary} |")
    lines.append(f"| [`{UNREADABLE}`](#{UNREADABLE.replace('.', '')}) | error | "
                 f"{UNREADABLE_SUMMARY} |")
    lines.append("")
    for check in all_checks():
        module = sys.modules[check.run.__module__]
        lines += [f'<a id="{check.id}"></a>', "", f"## {check.id}", "",
                  f"**Default severity:** {check.severity.value}. {check.summary}", "",
                  inspect.cleandoc(check.run.__doc__ or ""), "",
                  f"Module `{check.run.__module__}`: {inspect.cleandoc(module.__doc__ or '').splitlines()[0]}",
                  ""]
        for label, flag in (("Must flag", True), ("Must pass", False)):
            examples = [e for e in check.examples if e.flags is flag]
            if examples:
                lines.append(f"{label}:")
                lines.append("")
                for e in examples:
                    lines.append("```markdown")
                    lines.append(e.text.rstrip("\n"))
                    lines.append("```")
                lines.append("")
    lines += [f'<a id="{UNREADABLE}"></a>', "", f"## {UNREADABLE}", "",
              f"**Default severity:** error. {UNREADABLE_SUMMARY} The message carries the error "
              "code and the reason (`[E107] not a .pptx file (not a zip archive; looks like "
              "text)`); every other input of the run is still read and checked.", ""]
    return "\n".join(lines)
