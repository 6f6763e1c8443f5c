"""Terminology: words the platform rules on, matched exactly where they stand.

`terminology.avoid` flags avoided terms (case-insensitive, on word boundaries) with the platform's
reason and replacement. `terminology.product-name` flags variants of a canonical product name,
matched exactly as written, because case is often the error ("LedgerLine" for "Ledgerline").
`terminology.competitor` flags copy that sets the product against a named competitor. These are lexical on
purpose: a name is right or wrong to the letter. Each finding points at the column of the match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from msgcheck.checks.base import ALL_SCOPES, Check, CheckOptions, Example, at_offset, make_finding
from msgcheck.model import ClaimResult, Finding, Severity

if TYPE_CHECKING:
    from msgcheck.analysis import Analysis


@lru_cache(maxsize=1024)
def term_pattern(term: str, ignore_case: bool) -> re.Pattern[str]:
    """A pattern matching `term` on word boundaries (terms may start or end with punctuation)."""
    escaped = re.escape(term.strip())
    escaped = re.sub(r"(\\ )+", r"[\\s\\-]+", escaped) if ignore_case else escaped
    return re.compile(rf"(?<![\w-]){escaped}(?![\w-])", re.IGNORECASE if ignore_case else 0)


def _read(analysis: Analysis, check: Check) -> Iterator[ClaimResult]:
    """Every result in the check's scopes, fragments that are not claims included: a name is
    right or wrong wherever it stands, a navigation label too."""
    return (r for r in analysis.results if r.claim.scope in check.scopes)


def avoid(analysis: Analysis, options: CheckOptions) -> Iterator[Finding]:
    """Avoided terms."""
    for r in _read(analysis, AVOID):
        for term in analysis.platform.avoid:
            for m in term_pattern(term.term, True).finditer(r.claim.text):
                reason = f": {term.reason}" if term.reason else ""
                yield make_finding(
                    AVOID, options, f"avoid '{m.group(0)}'{reason}",
                    at_offset(r.claim.location, m.start()),
                    claim=r.claim.text, evidence={"term": term.term},
                    suggestion=term.use_instead,
                )


# A sentence about a former name ("E20 was offered as ...", "formerly X", "X features are now in
# Y") names it on purpose: history and migration notes are not naming mistakes.
HISTORY = re.compile(
    r"\b(?:was|were|had\s+been|formerly|previously|former|legacy|renamed|rebranded|replaced|"
    r"retired|discontinued|deprecated|end[- ]of[- ]life|no\s+longer|now\s+(?:offered|available|"
    r"part|included|called|named|known))\b", re.IGNORECASE)


def _heads_history(analysis: Analysis, pos: int) -> bool:
    """Whether result `pos` is a heading whose next line is about a name's history (a legacy
    edition's section: '### Acme Classic' over 'Acme Classic was offered as ...')."""
    results = analysis.results
    r = results[pos]
    if r.claim.scope not in ("heading", "title") or pos + 1 >= len(results):
        return False
    following = results[pos + 1]
    return following.claim.document == r.claim.document and bool(
        HISTORY.search(following.claim.text))


def product_name(analysis: Analysis, options: CheckOptions) -> Iterator[Finding]:
    """Product-name variants, matched exactly as written, except in a sentence about the name's
    history ('formerly', 'was offered as', 'now offered in') or a heading over one."""
    for pos, r in enumerate(analysis.results):
        if r.claim.scope not in PRODUCT_NAME.scopes or HISTORY.search(r.claim.text) \
                or _heads_history(analysis, pos):
            continue
        for product in analysis.platform.products:
            for variant in product.variants:
                for m in term_pattern(variant, False).finditer(r.claim.text):
                    yield make_finding(
                        PRODUCT_NAME, options,
                        f"'{m.group(0)}' is not the product name; write '{product.name}'",
                        at_offset(r.claim.location, m.start()),
                        claim=r.claim.text, evidence={"variant": variant},
                        suggestion=product.name,
                    )


# Words that set copy against a named competitor. A name in a list of integrations ("works with
# Jira, Confluence and GitHub") or an import source is no comparison, and not flagged.
COMPARISON = re.compile(
    r"\b(?:unlike|vs\.?|versus|compared?|comparison|alternatives?|instead\s+of|rather\s+than|"
    r"than|switch(?:ing|ed|es)?\s+(?:from|away)|migrat\w*\s+(?:from|off)|mov(?:e|ing)\s+"
    r"(?:from|off)|replac\w*|leav(?:e|ing)|ditch\w*|outperform\w*|beats?|competitors?|"
    r"rip\s+out|sunset)\b", re.IGNORECASE)


INTEGRATION_WINDOW = 40  # characters before a name where an integration cue makes it a list
INTEGRATION = re.compile(
    r"\b(?:integrat\w*|connect\w*|works?\s+with|import\w*|export\w*|sync\w*|plug-?ins?|"
    r"including|such\s+as|apps?|tools?)\b", re.IGNORECASE)


def _about(text: str, scope: str, start: int, end: int) -> bool:
    """Copy about the competitor itself: a comparison table's cell, or a sentence whose subject
    it is ('Acme customers wait months'), unless the name stands in a list of integrations
    ('integrates with Acme', 'Acme, Jira and GitHub')."""
    before, after = text[max(0, start - INTEGRATION_WINDOW):start], text[end:end + 2]
    if INTEGRATION.search(before) or after.startswith(",") or re.search(r",\s*$", before):
        return False
    return scope == "table" or not text[:start].strip(" \"'\u201c(-*")


def competitor(analysis: Analysis, options: CheckOptions) -> Iterator[Finding]:
    """Competitor names set against the product ('unlike X', 'switching from X', 'faster than
    X'); a mention as an integration is not a comparison, and a lower-case common word ('heap')
    is not the competitor ('Heap')."""
    for r in _read(analysis, COMPETITOR):
        compares = bool(COMPARISON.search(r.claim.text))
        for name in analysis.platform.competitors:
            for m in term_pattern(name, True).finditer(r.claim.text):
                found = m.group(0)
                if name[:1].isupper() and not found[:1].isupper():
                    continue
                if not (compares or _about(r.claim.text, r.claim.scope, m.start(), m.end())):
                    continue
                yield make_finding(
                    COMPETITOR, options,
                    f"mentions competitor '{found}'; compare on the buyer's outcome, not by name",
                    at_offset(r.claim.location, m.start()),
                    claim=r.claim.text, evidence={"competitor": name},
                )


AVOID = Check(
    "terminology.avoid", avoid, Severity.WARNING,
    "A word or phrase the platform says to avoid.",
    (
        Example("Best-in-class invoice capture for finance teams.", True),
        Example("A seamless connection to your ERP.", True),
        Example("Pre-built connectors for NetSuite and Sage Intacct.", False),
        Example("Seamlessness is not a word we use.", False),
    ),
    scopes=ALL_SCOPES,
)
PRODUCT_NAME = Check(
    "terminology.product-name", product_name, Severity.WARNING,
    "A variant spelling of a canonical product name.",
    (
        Example("Meet LedgerLine Match, the matching engine.", True),
        Example("LL Capture reads every invoice.", True),
        Example("Ledgerline Match checks every invoice against its PO.", False),
        Example("LedgerLine Match was renamed Ledgerline Match in 2023.", False),
        Example("## LedgerLine Capture\n\nLedgerLine Capture was offered until 2023; its "
                "features are now part of Ledgerline Match.\n", False),
        Example("## LedgerLine Capture\n\nReads every invoice from email and PDF.\n", True),
    ),
    scopes=ALL_SCOPES,
)
COMPETITOR = Check(
    "terminology.competitor", competitor, Severity.WARNING,
    "A competitor named in customer-facing copy.",
    (
        Example("Teams switching from Billquay go live in two weeks.", True),
        Example("Unlike PayNimbus, every payment run is verified.", True),
        Example("Every payment run verifies supplier bank details.", False),
        Example("Payments export to Billquay and PayNimbus ledgers every night.", False),
        Example("Ledgerline pays suppliers faster than PayNimbus.", True),
    ),
    scopes=ALL_SCOPES,
)

CHECKS: tuple[Check, ...] = (AVOID, PRODUCT_NAME, COMPETITOR)
