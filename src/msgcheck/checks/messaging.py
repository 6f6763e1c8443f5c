"""Messaging: retired messages that come back.

`messaging.retired` flags a claim that restates a retired message. Old slogans survive longest in
decks copied from last year's. Two kinds of evidence, graded:

- **error**: the claim repeats the retired wording outright (LEXICAL_OVERLAP of its words, the
  company's and products' names left out, so "Acme" plus one shared word is not a restatement),
  means the same (the restate band) and is nearer to it than to anything approved today;
- **warning**: the claim is as close to the retired message as a restatement is to its text
  (the calibrated restate band) and clearly closer to it than to any approved text (by
  RETIRED_MARGIN): a paraphrase of the old line, which a person should look at.

A claim nearer to today's approved wording than to the retired one is never flagged: successive
positionings share vocabulary ("open source", the category name), and the current one wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Set as AbstractSet
from typing import TYPE_CHECKING

import numpy as np

from msgcheck.checks.base import ALL_SCOPES, Check, CheckOptions, Example, judged, make_finding
from msgcheck.model import Finding, Severity

if TYPE_CHECKING:
    from msgcheck.analysis import Analysis

STOP = {"the", "a", "an", "of", "for", "and", "or", "to", "in", "on", "with", "your", "our",
        "is", "are", "be", "it", "that", "this", "by", "at", "from", "as"}
LEXICAL_OVERLAP = 0.7
# How much nearer to the retired message than to the best approved text a paraphrase must be.
RETIRED_MARGIN = 0.05


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP}


def overlap(a: str, b: str, names: AbstractSet[str] = frozenset()) -> float:
    """Share of the retired message's content words (names left out) that the claim repeats."""
    wa, wb = _words(a) - names, _words(b) - names
    return len(wa & wb) / len(wb) if len(wb) >= 2 else 0.0


def _names(analysis: Analysis) -> set[str]:
    platform = analysis.platform
    return _words(" ".join([platform.company, *(p.name for p in platform.products)]))


def retired(analysis: Analysis, options: CheckOptions) -> Iterator[Finding]:
    """Claims that restate a retired message."""
    messages = analysis.platform.retired_messages
    if not messages:
        return
    band = analysis.index.calibration.restate
    sims = analysis.vectors @ analysis.index.retired_vectors.T
    names = _names(analysis)
    for i, r in enumerate(analysis.results):
        if not judged(r, RETIRED.scopes):
            continue
        j = int(np.argmax(sims[i]))
        score = float(sims[i, j])
        lexical = overlap(r.claim.text, messages[j].text, names)
        verbatim = lexical >= LEXICAL_OVERLAP and score >= band and score > r.similarity
        if not (verbatim or (score >= band and score >= r.similarity + RETIRED_MARGIN)):
            continue
        when = f" (retired {messages[j].retired})" if messages[j].retired else ""
        yield make_finding(
            RETIRED, options,
            f"restates a retired message{when}: \"{messages[j].text}\"",
            r.claim.location,
            severity=Severity.ERROR if verbatim else Severity.WARNING,
            claim=r.claim.text,
            evidence={"similarity": round(score, 3), "word_overlap": round(lexical, 3),
                      "current_best": r.similarity},
            suggestion=successor(analysis, j),
        )


# The kinds of approved text that can stand in for a retired line.
SUCCESSOR_KINDS = ("value_proposition", "key_message")


def successor(analysis: Analysis, j: int) -> str | None:
    """The approved line nearest in meaning to retired message j: what replaced it. (The
    claim's own nearest text is no guide: the claim is closer to the old line than to it.)"""
    index = analysis.index
    rows = [k for k, t in enumerate(index.texts) if t.kind in SUCCESSOR_KINDS]
    if not rows:
        return None
    sims = index.vectors[rows] @ index.retired_vectors[j]
    return index.texts[rows[int(np.argmax(sims))]].text


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
