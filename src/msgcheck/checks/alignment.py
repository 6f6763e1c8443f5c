"""Alignment: does a claim sing from the platform?

`alignment.value-prop` catches an asset that leads with something other than the value
proposition: its lead (a deck's first slide title and subtitle, a page's H1 and hero, a draft's
title and first paragraph) is further from every value-proposition phrasing than the platform's
own key messages are. `alignment.off-platform` catches headlines that no pillar backs: a rep's own
positioning, a benefit the company never approved. `alignment.drift` catches headlines that are
about a pillar but have wandered from its approved meaning, and any claim that praises the product
in words the platform never uses, or that a reviewer marked as drift; it points at the approved
message. They read the statuses of `analysis.py`: body text that the bands cannot judge precisely
is `unsure` and never flagged here (docs/calibration.md). Neutral claims (company facts, context)
are not flagged: a "founded in 2012" line supports no pillar, and saying so helps nobody.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from msgcheck.checks.base import Check, CheckOptions, Example, helpful_suggestion, make_finding
from msgcheck.model import Finding, Severity

if TYPE_CHECKING:
    from msgcheck.analysis import Analysis

def off_platform(analysis: Analysis, options: CheckOptions) -> Iterator[Finding]:
    """Headlines whose best pillar score is in the off-platform band."""
    cal = analysis.index.calibration
    reference = {d.source for d in analysis.documents if reference_page(d.source)}
    for r in analysis.results:
        if r.status != "off_platform" or r.style == "neutral" or \
                r.claim.scope not in OFF_PLATFORM.scopes:
            continue
        if r.claim.document in reference and r.claim.scope in ("heading", "title"):
            continue  # a FAQ's or a doc's section heading labels a topic; it makes no promise
        yield make_finding(
            OFF_PLATFORM, options,
            "no pillar of the platform backs this line: tie it to a pillar's message or cut it",
            r.claim.location,
            claim=r.claim.text,
            evidence={"similarity": r.similarity, "band_off": cal.off,
                      "nearest_text": r.nearest_text},
            suggestion=helpful_suggestion(analysis, r, r.nearest_text)
            if r.nearest_kind == "key_message" else None,
        )


def drift(analysis: Analysis, options: CheckOptions) -> Iterator[Finding]:
    """Headlines near a pillar but below its aligned band; self-praise; reviewed drift."""
    cal = analysis.index.calibration
    names = {p.id: p.name for p in analysis.platform.pillars}
    for r in analysis.results:
        # A neutral claim is left alone by the bands, but self-praise and reviewed drift are
        # drift whatever the style ("Revolutionizing plant operations" reads as a slogan).
        if r.status != "drift" or r.style == "neutral" and not r.drift_basis or \
                r.claim.scope not in DRIFT.scopes:
            continue
        pillar = names.get(r.pillar or "", r.pillar)
        yield make_finding(
            DRIFT, options, _drift_message(r.drift_basis, pillar),
            r.claim.location,
            claim=r.claim.text,
            evidence={"pillar": r.pillar, "similarity": r.similarity, "margin": r.margin,
                      "band_aligned": cal.aligned,
                      "band_off": cal.off, **({"basis": r.drift_basis} if r.drift_basis else {})},
            suggestion=helpful_suggestion(analysis, r),
        )


def _drift_message(basis: str | None, pillar: str | None) -> str:
    if basis and basis.startswith("superlative: "):
        words = basis.removeprefix("superlative: ")
        return (f"praises the product as '{words}', which the platform never says; state the "
                f"approved promise of '{pillar}' or the measured result instead")
    if basis:
        return f"a reviewer marked this claim as drift from pillar '{pillar}'"
    return (f"close to pillar '{pillar}' but drifts from its wording: say it the way the "
            "pillar's approved message does")


# Asset names that mark a lead asset: the one place whose opening should be the promise.
LEAD_NAMES = {"home", "homepage", "landing", "campaign", "launch", "announcement",
              "announce", "outbound", "onepager", "one-pager", "hero", "welcome", "pitch"}
DECK_KINDS = {"pptx", "pdf"}
INDEX_NAMES = {"index", "default", "_index"}
# Folders that hold a whole site's pages: an index directly inside one is the home page.
SITE_ROOTS = {".", "src", "source", "pages", "content", "public", "site", "www", "dist", "build",
              "out", "html", "web", "website"}
_NAME_TOKENS = re.compile(r"[a-z]+(?:-pager)?")


def opens_with_the_promise(source: str, kind: str) -> bool:
    """Whether an asset is one that should lead with the value proposition: a deck (its first
    slide), a site's root page, or a page or draft named as a lead asset (home, landing,
    campaign, launch, outbound, one-pager...). FAQ, docs, pricing and product detail pages set
    out to answer something else and are not judged on their opening."""
    if kind in DECK_KINDS:
        return True
    if "://" in source:
        path = urlsplit(source).path.strip("/")
        if not path or path in ("index.html", "index.htm", "home"):
            return True
        source = path
    path = PurePosixPath(source.replace("\\", "/"))
    name = path.name.split(".", 1)[0].lower()
    if name in INDEX_NAMES:
        # A site's pages are folders: 'partners/integrate/index.html.md' is the page
        # 'integrate'; an index at the top of a site's source is its home page.
        parent = path.parent.name.lower()
        if not parent or parent in SITE_ROOTS:
            return True
        name = parent
    return bool(set(_NAME_TOKENS.findall(name)) & LEAD_NAMES)


# Path words of reference content (FAQ, docs, pricing, legal): pages that answer questions, whose
# headings label topics rather than make promises.
REFERENCE_NAMES = {"faq", "faqs", "docs", "doc", "documentation", "help", "support", "kb",
                   "knowledge", "changelog", "releases", "release-notes", "pricing", "terms",
                   "legal", "privacy", "policy", "policies", "handbook", "reference", "api",
                   "manual", "glossary"}


def reference_page(source: str) -> bool:
    """Whether an asset is reference content, by the words of its path or URL path."""
    path = urlsplit(source).path if "://" in source else source.replace("\\", "/")
    words = set(re.findall(r"[a-z]+(?:-notes)?", path.lower()))
    return bool(words & REFERENCE_NAMES)


def value_prop(analysis: Analysis, options: CheckOptions) -> Iterator[Finding]:
    """Lead assets whose lead message is not the value proposition."""
    from msgcheck.analysis import by_document, lead_score

    band = analysis.index.calibration.value_prop
    vp = analysis.platform.value_proposition
    kinds = {d.source: d.kind for d in analysis.documents}
    for source, results in sorted(by_document(analysis.results).items()):
        if not opens_with_the_promise(source, kinds.get(source, "")):
            continue
        lead, score = lead_score(results)
        if not lead or score >= band:
            continue
        text = " / ".join(r.claim.text for r in lead)
        yield make_finding(
            VALUE_PROP, options,
            f"leads with \"{text}\", not the value proposition: open with the promise the "
            "platform makes",
            lead[0].claim.location,
            claim=lead[0].claim.text,
            evidence={"similarity": score, "band": band},
            suggestion=vp[0].text if vp else None,
        )


OFF_PLATFORM = Check(
    "alignment.off-platform", off_platform, Severity.WARNING,
    "A promise or capability that no pillar of the platform supports.",
    (
        Example("# Book meeting rooms and manage office visitors from one app", True),
        Example("# Stop paying the same invoice twice", False),
        Example("Hand your auditors the full approval history in minutes.", False),
        Example("# Ledgerline was founded in Leeds in 2016", False),
        # Body text far from the platform is `unsure`: on real copy such lines are as often on
        # message as not, so the asset-level views carry the signal instead.
        Example("Book meeting rooms and manage office visitors from one app.", False),
    ),
)
DRIFT = Check(
    "alignment.drift", drift, Severity.SUGGESTION,
    "A claim about a pillar that has drifted from the approved meaning.",
    (
        Example("# Get more done with less", True),
        Example("Our revolutionary platform keeps your suppliers informed.", True),
        Example("Close the month in days, not weeks.", False),
        Example("# Book meeting rooms and manage office visitors from one app", False),
        Example("Get more done with less.", False),
    ),
)

VALUE_PROP = Check(
    "alignment.value-prop", value_prop, Severity.WARNING,
    "A lead asset (a deck, a home or landing page, a campaign draft) whose opening is not the "
    "value proposition.",
    (
        Example("# See every dollar of cash, in real time\n\nThe cash-forecasting platform for "
                "modern CFOs.\n\n- Stop paying the same invoice twice\n", True,
                source="landing-cash.md"),
        Example("# See every dollar of cash, in real time\n\nThe cash-forecasting platform for "
                "modern CFOs.\n\n- Stop paying the same invoice twice\n", False,
                source="faq-cash.md"),
        Example("# Accounts payable that runs itself\n\nEvery invoice captured, checked and "
                "paid on time, so the books close in days.\n\n- Stop paying twice\n", False),
    ),
    judges="asset",
)

CHECKS: tuple[Check, ...] = (VALUE_PROP, OFF_PLATFORM, DRIFT)
