"""Messaging: retired messages that come back.

`messaging.retired` flags a claim that restates a retired message: it is closer to the retired
wording than to anything the platform approves today, and at least as close as a genuine
statement of a pillar is to its pillar (the calibrated aligned band), or it repeats most of the
retired wording outright. Old slogans survive longest in decks copied from last year's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from msgcheck.checks.base import ALL_SCOPES, Check, CheckOptions, Example, judged, make_finding
from msgcheck.checks.base import helpful_suggestion as _helpful
from msgcheck.model import Finding, Severity

if TYPE_CHECKING:
    from msgcheck.analysis import Analysis

STOP = {"the", "a", "an", "of", "for", "and", "or", "to", "in", "on", "with", "your", "our",
        "is", "are", "be", "it", "that", "this", "by", "at", "from", "as"}
LEXICAL_OVERLAP = 0.6


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP}


def overlap(a: str, b: str) -> float:
    """Share of the retired message's content words that the claim repeats."""
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / len(wb) if wb else 0.0


def retired(analysis: Analysis, options: CheckOptions) -> Iterator[Finding]:
    """Claims that restate a retired message."""
    messages = analysis.platform.retired_messages
    if not messages:
        return
    band = analysis.index.calibration.restate
    sims = analysis.vectors @ analysis.index.retired_vectors.T
    for i, r in enumerate(analysis.results):
        if not judged(r, RETIRED.scopes):
            continue
        j = int(np.argmax(sims[i]))
        score = float(sims[i, j])
        lexical = overlap(r.claim.text, messages[j].text)
        if not ((score >= band and score > r.similarity) or lexical >= LEXICAL_OVERLAP):
            continue
        when = f" (retired {messages[j].retired})" if messages[j].retired else ""
        yield make_finding(
            RETIRED, options,
            f"restates a retired message{when}: \"{messages[j].text}\"",
            r.claim.location,
            claim=r.claim.text,
            evidence={"similarity": round(score, 3), "word_overlap": round(lexical, 3),
                      "current_best": r.similarity},
            suggestion=_helpful(analysis, r),
        )


RETIRED = Check(
    "messaging.retired", retired, Severity.ERROR,
    "A claim that restates a retired message.",
    (
        Example("Get rid of paper invoices for good.", True),
        Example("The all-in-one finance automation platform for growing businesses.", True),
        Example("Invoices flow from inbox to ledger without anyone retyping them.", False),
        Example("Stop paying the same invoice twice.", False),
    ),
    # An old slogan is retired wherever it stands, speaker notes included.
    scopes=ALL_SCOPES,
)

CHECKS: tuple[Check, ...] = (RETIRED,)
