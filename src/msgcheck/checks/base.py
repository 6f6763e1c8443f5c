"""What every check is made of: `Check`, `CheckOptions`, `Example`, and helpers they share."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, get_args

from msgcheck.model import ClaimResult, Finding, Location, Scope, Severity

if TYPE_CHECKING:
    from msgcheck.analysis import Analysis


@dataclass(frozen=True)
class CheckOptions:
    """Settings every check may read (from flags and config).

    Every field after `severity` is a threshold: a check names the ones it reads in
    `Check.options`, and config accepts exactly those, with hyphens (`feature-run`), in the
    range that the field's metadata gives ("min", "max").
    """

    select: tuple[str, ...] = ()
    """Run only checks whose id starts with one of these (empty: all)."""
    ignore: tuple[str, ...] = ()
    """Skip checks whose id starts with one of these."""
    severity: dict[str, Severity] = field(default_factory=dict)
    """Per-check severity overrides, by id."""
    asset_ratio_max: float = field(default=0.5, metadata={"min": 0, "max": 1})
    """framing.asset-ratio: largest acceptable share of feature claims in one asset."""
    asset_ratio_min_claims: int = field(default=6, metadata={"min": 1})
    """framing.asset-ratio: assets with fewer claims are not judged."""
    feature_run: int = field(default=3, metadata={"min": 1})
    """framing.feature-heavy: this many feature claims in a slide or section, and no pain, is a
    feature list."""


CheckFn = Callable[["Analysis", CheckOptions], Iterator[Finding]]

SCOPES: tuple[str, ...] = get_args(Scope)
"""Every scope a block can have, in the order the reference page lists them."""
ALL_SCOPES: frozenset[str] = frozenset(SCOPES)
"""Every scope, as a set."""
# Speaker notes are instructions to the presenter, and meta tags are not read by buyers as claims.
JUDGED_SCOPES: frozenset[str] = ALL_SCOPES - {"notes", "meta"}
"""The scopes whose claims are judged, unless a check says otherwise."""

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
    source: str | None = None
    """The draft's file name, for checks that read it (a landing page, a FAQ); None: any."""


@dataclass(frozen=True)
class Check:
    """A check's id, function, default severity, one-line summary, examples, and what it reads."""

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
    scopes: frozenset[str] = JUDGED_SCOPES
    """The scopes of the claims it reads."""
    judges: Literal["claim", "asset"] = "claim"
    """claim: each claim on its own; asset: each asset (a deck, a page, a draft) as a whole."""
    options: tuple[str, ...] = ()
    """The `CheckOptions` thresholds it reads, by field name."""


def threshold_key(option: str) -> str:
    """The config key of a `CheckOptions` threshold: its field name with hyphens."""
    return option.replace("_", "-")


def make_finding(check: Check, options: CheckOptions, message: str, location: Location,
                 severity: Severity | None = None, **kwargs: object) -> Finding:
    """A Finding with the check's effective severity: the configured one, else `severity` (a
    check that grades its findings), else the check's default."""
    severity = options.severity.get(check.id, severity or check.severity)
    return Finding(check=check.id, severity=severity, message=message, location=location,
                   **kwargs)  # type: ignore[arg-type]


def judged(result: ClaimResult, scopes: frozenset[str] = JUDGED_SCOPES) -> bool:
    """Whether a result is a claim (not a fragment such as a label) in one of `scopes`."""
    return result.status != "not_a_claim" and result.claim.scope in scopes


def at_offset(location: Location, offset: int) -> Location:
    """The place `offset` characters into the claim at `location`, where columns are known."""
    if location.column is None:
        return location
    return Location(location.source, location.line, location.column + offset, location.slide,
                    location.element)


def enabled(check_id: str, options: CheckOptions) -> bool:
    """Whether select / ignore let this check run."""
    if options.select and not any(check_id.startswith(p) for p in options.select):
        return False
    return not any(check_id.startswith(p) for p in options.ignore)


def suppressed(check_id: str, ignore: frozenset[str]) -> bool:
    """Whether an inline `msgcheck: ignore` set covers this check."""
    return "*" in ignore or any(check_id == p or check_id.startswith(p + ".") or
                                check_id.startswith(p) and p.endswith(".") for p in ignore)


def helpful_suggestion(analysis: Analysis, result: ClaimResult,
                       text: str | None = None) -> str | None:
    """`text` (default: the claim's nearest pillar key message) when pointing at it helps.

    It helps when the claim reaches the platform's drift band (its best similarity is at least
    the band's lower bound, `Calibration.off`), so the claim is about what the pillar says; or when
    the claim drifts and its nearest platform text belongs to its own pillar. Below that, the
    nearest text is merely the least unrelated one, and quoting it misleads.
    """
    text = result.suggestion if text is None else text
    if text is None:
        return None
    if result.similarity >= analysis.index.calibration.off:
        return text
    if result.status == "drift" and result.pillar is not None:
        owners = {t.text: t.pillar for t in analysis.index.texts}
        if owners.get(result.nearest_text or "") == result.pillar:
            return text
    return None
