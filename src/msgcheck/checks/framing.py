"""Framing: is the copy about the buyer's problem, or a list of features?

`framing.feature-heavy` flags a headline that leads with a capability instead of a buyer outcome,
and a feature list: a slide or section with several capability claims and no pain or outcome
among them. `framing.asset-ratio` flags an asset where most claims are features.
Features are legitimate in copy; a page or deck that is nothing else is the drift this catches.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from msgcheck.checks.base import Check, CheckOptions, Example, judged, make_finding
from msgcheck.checks.base import helpful_suggestion as _helpful
from msgcheck.model import ClaimResult, Finding, Location, Severity

if TYPE_CHECKING:
    from msgcheck.analysis import Analysis

LEAD_SCOPES = frozenset({"title", "heading"})
LIST_SCOPES = frozenset({"bullet", "body", "table"})
# How sure the style model must be that a claim is a feature for the framing checks to count it.
# Measured on labelled real pages: headlines the model called features at lower confidence were
# mostly labelled neutral (section labels), and asset shares of sure features track the labelled
# shares where all predicted features overshoot them by about 0.1 (docs/quality.md).
HEADLINE_SURE = 0.9
FEATURE_SURE = 0.8


def sure_feature(r: ClaimResult, at: float = FEATURE_SURE) -> bool:
    """Whether the style model calls the claim a feature with at least `at` confidence."""
    return r.style == "feature" and r.style_scores.get("feature", 0.0) >= at


def feature_heavy(analysis: Analysis, options: CheckOptions) -> Iterator[Finding]:
    """Feature headlines, and runs of feature claims with no pain in one slide or section."""
    for r in analysis.results:
        if judged(r) and r.claim.scope in LEAD_SCOPES and sure_feature(r, HEADLINE_SURE):
            yield make_finding(
                FEATURE_HEAVY, options,
                "headline leads with a capability, not the buyer's problem or outcome",
                r.claim.location,
                claim=r.claim.text,
                evidence={"feature": r.style_scores.get("feature", 0.0)},
                suggestion=_pain_suggestion(analysis, r),
            )
    for group in _groups(analysis):
        body = [r for r in group if r.claim.scope in LIST_SCOPES]
        features = [r for r in body if r.style == "feature"]
        if len(features) >= options.feature_run and not any(r.style == "pain" for r in body) \
                and _mean_feature(features) >= FEATURE_SURE:
            first = features[0]
            yield make_finding(
                FEATURE_HEAVY, options,
                f"feature list: {len(features)} capability claims with no buyer problem or "
                "outcome among them",
                first.claim.location,
                claim=first.claim.text,
                evidence={"features": len(features), "claims": len(body)},
                suggestion=_pain_suggestion(analysis, first),
            )


def _mean_feature(results: list[ClaimResult]) -> float:
    """How sure the style model is, on average, that these claims are features."""
    return sum(r.style_scores.get("feature", 0.0) for r in results) / len(results)


def _groups(analysis: Analysis) -> Iterator[list[ClaimResult]]:
    """Claims grouped by slide (decks) or by section between headings (pages, drafts)."""
    current: list[ClaimResult] = []
    key: tuple[str, int | None] | None = None
    section = 0
    for r in analysis.results:
        if not judged(r):
            continue
        loc = r.claim.location
        if loc.slide is None and r.claim.scope in LEAD_SCOPES:
            section += 1
        this = (loc.source, loc.slide if loc.slide is not None else section)
        if key is not None and this != key:
            yield current
            current = []
        key = this
        current.append(r)
    if current:
        yield current


def _pain_suggestion(analysis: Analysis, r: ClaimResult) -> str | None:
    """The nearest pillar's key message, the outcome to lead with instead, when it is close enough
    to the claim to help."""
    return _helpful(analysis, r)


def asset_ratio(analysis: Analysis, options: CheckOptions) -> Iterator[Finding]:
    """Assets where the share of feature claims exceeds the limit."""
    by_doc: dict[str, list[ClaimResult]] = {}
    for r in analysis.results:
        if judged(r, ASSET_RATIO.scopes):
            by_doc.setdefault(r.claim.document, []).append(r)
    for source, results in sorted(by_doc.items()):
        if len(results) < options.asset_ratio_min_claims:
            continue
        features = sum(1 for r in results if sure_feature(r))
        pains = sum(1 for r in results if r.style == "pain")
        share = features / len(results)
        if share > options.asset_ratio_max:
            yield make_finding(
                ASSET_RATIO, options,
                f"{features} of {len(results)} claims ({share:.0%}) are features and {pains} "
                f"name a buyer problem or outcome (limit {options.asset_ratio_max:.0%} features)",
                Location(source),
                evidence={"features": features, "pains": pains, "claims": len(results),
                          "share": round(share, 3)},
            )


FEATURE_HEAVY = Check(
    "framing.feature-heavy", feature_heavy, Severity.SUGGESTION,
    "A headline or a run of claims that lists capabilities with no buyer outcome.",
    (
        Example("# Automated two- and three-way matching engine with OCR and EDI support", True),
        Example("## Capabilities\n\n- Touchless invoice capture from PDF and EDI\n"
                "- Automated three-way matching\n- Mobile approvals\n"
                "- REST API and webhooks\n", True),
        Example("# Close the month in days, not weeks", False),
        Example("## How it works\n\n- Touchless invoice capture from PDF and EDI\n"
                "- Automated three-way matching\n"
                "- Your team closes the books in three days instead of two weeks\n", False),
    ),
    scopes=LEAD_SCOPES | LIST_SCOPES,
    options=("feature_run",),
)
ASSET_RATIO = Check(
    "framing.asset-ratio", asset_ratio, Severity.WARNING,
    "An asset whose claims are mostly features rather than buyer problems and outcomes.",
    (
        Example("# Ledgerline\n\n- Touchless invoice capture from PDF and EDI\n"
                "- Automated three-way matching\n- Mobile approvals with reminders\n"
                "- REST API and webhooks\n- Supplier portal\n- SAML single sign-on\n"
                "- CSV and Excel export\n", True),
        Example("# Close faster\n\nMonth-end drags on while invoices wait for approval.\n\n"
                "- Close the month in days, not weeks\n- Stop paying the same invoice twice\n"
                "- Suppliers stop calling to ask when they will be paid\n"
                "- Audit prep takes hours instead of weeks\n- Automated three-way matching\n",
                False),
    ),
    judges="asset",
    options=("asset_ratio_max", "asset_ratio_min_claims"),
)

CHECKS: tuple[Check, ...] = (FEATURE_HEAVY, ASSET_RATIO)
