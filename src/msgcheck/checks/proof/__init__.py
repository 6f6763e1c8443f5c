"""Proof: the figures in copy, held to the approved figures of the platform's proof points.

`proof.figure-mismatch` catches a figure that measures the same thing as an approved proof point
but says something else: "cut processing time by 90%" where the benchmark says 50-75%, a customer
story retold with a better "before". Buyers and legal check numbers; one inflated figure costs the
credibility of every true one. `proof.unsupported` catches a result figure (an outcome, a customer
result, a performance number) that no proof point backs at all: a rep's own ROI figure, a number
remembered from an old deck.

A figure agrees with an approved one when `compare.compatible` says so: the same value within
rounding, a value inside an approved range, a looser bound ("over 1,000" for 1,400) or an
equivalent form ("3x faster" for "from 12 days to 4 days"). Whether it measures the *same thing*
takes two signals, because either alone is fooled: the sentence embeddings (the claim against the
proof point) and the overlap of the words around the two figures, weighted by how rare each word
is on this platform. Same-looking figures about different things ("1,400+ customers" next to
"1,400 blocked bank-detail changes") share a number and a sentence shape but not the measure
words. The similarity bands come from the platform's own calibration (see `analysis.py`): most
of the measure words and a similarity above the off-platform band; some of them and a similarity
in the aligned band; none, and a similarity as high as the closest texts of a pillar are to each
other. Words in a fifth of the platform's texts ("invoice" on an accounts-payable platform) and
brand names do not count as shared.

When no approved figure measures the same thing, the figure is unsupported. Figures that state
the market today ("month-end still takes two weeks") are never compared, only asked for a source;
vague ones ("minutes, not days") are compared but never asked for one. Speaker notes, meta tags
and fragments that are not claims are not judged.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from msgcheck.checks.base import (
    JUDGED_SCOPES,
    Check,
    CheckOptions,
    Example,
    at_offset,
    judged,
    make_finding,
)
from msgcheck.checks.proof.compare import (
    compatible,
    measure_overlap,
    measure_weights,
    shared_words,
)
from msgcheck.checks.proof.claims import is_proof_claim, subjects
from msgcheck.checks.proof.reader import Figure, content_lemmas, extract
from msgcheck.model import ClaimResult, Finding, Severity

if TYPE_CHECKING:
    from msgcheck.analysis import Analysis
    from msgcheck.platform import PlatformText

# Share of an approved figure's measure (by weight) that a claim must repeat to count as the
# same measure on the word side; one shared generic word ("invoice") stays below it. With most
# of the measure repeated, a similarity above the off-platform band is enough.
MEASURE_OVERLAP = 0.2
STRONG_OVERLAP = 0.5
ROUND = 3

Verdict = Literal["supported", "mismatch", "unsupported"]


@dataclass(frozen=True, slots=True)
class ApprovedFigure:
    """A figure of a proof point."""

    figure: Figure
    """The figure, as `reader.extract` reads it."""
    proof_point: PlatformText
    """The proof point it comes from."""
    row: int
    """Row of the proof point in the platform index (for its embedding)."""
    names: frozenset[str] = frozenset()
    """The customers the proof point names (`claims.subjects`), read once per run."""


@dataclass(frozen=True, slots=True)
class Judgement:
    """What the proof checks decided about one figure of one claim."""

    figure: Figure
    """The claim's figure."""
    verdict: Verdict
    """supported | mismatch | unsupported."""
    approved: ApprovedFigure | None = None
    """The approved figure it was compared with (supported, mismatch)."""
    similarity: float = 0.0
    """Similarity of the claim and that proof point."""
    overlap: float = 0.0
    """Weighted share of the approved figure's measure words that the claim repeats."""
    shared: tuple[str, ...] = ()
    """Those words (lemmas)."""
    same_subject: bool = False
    """Whether the claim names the customer the proof point names."""


def approved_figures(analysis: Analysis) -> list[ApprovedFigure]:
    """Every figure of every proof point and pain of the platform, in platform order. A pain's
    figure ("month-end takes two or three weeks") backs copy that restates it, but is never the
    figure a result is held to."""
    out = []
    for row, text in enumerate(analysis.index.texts):
        if text.kind in ("proof_point", "pain"):
            out.extend(ApprovedFigure(f, text, row) for f in extract(text.text))
    return out


def _common_names(analysis: Analysis, brands: set[str]) -> set[str]:
    """Names the platform writes outside its proof points (products, integrations, the
    company): they say nothing of which customer a figure is about."""
    texts = [t.text for t in analysis.index.texts if t.kind != "proof_point"]
    return brands | {w for t in texts for w in subjects(t, set())}


def _other_subject(claim_names: set[str], approved: ApprovedFigure) -> bool:
    """Whether the claim and the proof point name different customers (a named customer's
    figure is no contradiction of another's)."""
    return bool(claim_names) and bool(approved.names) and not claim_names & approved.names


def _brand_lemmas(analysis: Analysis) -> set[str]:
    """The lemmas of the company's and products' names, which say nothing of a measure."""
    platform = analysis.platform
    names = [platform.company, *(p.name for p in platform.products),
             *(v for p in platform.products for v in p.variants)]
    return set(content_lemmas(" ".join(names)))


def same_measure(similarity: float, overlap: float, analysis: Analysis) -> bool:
    """Whether a claim's figure and an approved one measure the same thing.

    The more of the approved measure's words the claim repeats, the less the embeddings have to
    agree: most of them and a similarity above the off-platform band; some of them and a
    similarity in the aligned band; none, and a similarity as high as restating a text.
    """
    cal = analysis.index.calibration
    if overlap >= STRONG_OVERLAP and similarity >= cal.off:
        return True
    if overlap >= MEASURE_OVERLAP and similarity >= cal.aligned:
        return True
    return similarity >= cal.restate


def judge_claim(analysis: Analysis, i: int, approved: list[ApprovedFigure],
                weights: dict[str, float], brands: set[str], common: set[str]
                ) -> list[Judgement]:
    """Judge every figure of claim i against the approved figures."""
    result = analysis.results[i]
    vector = analysis.vectors[i]
    names = subjects(result.claim.text, common)
    out = []
    for figure in extract(result.claim.text):
        measure = tuple(w for w in figure.measure if w not in brands)
        best: tuple[float, Judgement] | None = None
        for a in approved:
            agrees = compatible(figure, a.figure)
            pain = a.proof_point.kind == "pain"
            if agrees is None or (pain and (not agrees or best is not None and not
                                            best[1].approved.proof_point.kind == "pain")) \
                    or (figure.status_quo and not pain) or _other_subject(names, a):
                # A pain's figure only backs what no proof point judges; a market figure is
                # held to no customer result; one customer's figure is not another's.
                continue
            similarity = float(vector @ analysis.index.vectors[a.row])
            a_measure = tuple(w for w in a.figure.measure if w not in brands)
            overlap = measure_overlap(measure, a_measure, weights)
            if not same_measure(similarity, overlap, analysis):
                continue
            judgement = Judgement(figure, "supported" if agrees else "mismatch", a,
                                  round(similarity, ROUND), round(overlap, ROUND),
                                  shared_words(measure, a_measure),
                                  bool(names & a.names))
            score = similarity + overlap
            # The closest proof point decides; another figure of the same proof point that
            # agrees wins over one that does not ("to 98%" next to "from 71%").
            if best is None or score > best[0] + 1e-9 or (
                    abs(score - best[0]) <= 1e-9 and agrees):
                best = (score, judgement)
        if best is not None:
            out.append(best[1])
        elif figure.bound != "vague" and is_proof_claim(figure, result.claim.text):
            # "minutes, not days" is a manner of speaking and "a 30-day trial" a term of sale,
            # not figures anyone has to prove.
            out.append(Judgement(figure, "unsupported"))
    return out


_LAST: list[Any] = []


def judgements(analysis: Analysis, scopes: frozenset[str] = JUDGED_SCOPES,
               ) -> list[tuple[ClaimResult, list[Judgement]]]:
    """Each claim in `scopes` that carries figures, with the judgements of its figures.

    Both checks call this on the same analysis, one after the other, so the last result is
    kept (keyed by the analysis object itself, held weakly, and the scopes).
    """
    if _LAST and _LAST[0]() is analysis and _LAST[1] == scopes:
        return list(_LAST[2])
    out = _judgements(analysis, scopes)
    _LAST[:] = [weakref.ref(analysis), scopes, out]
    return list(out)


def _judgements(analysis: Analysis, scopes: frozenset[str],
                ) -> list[tuple[ClaimResult, list[Judgement]]]:
    """Judge every claim in `scopes` (see `judgements`)."""
    weights = measure_weights(t.text for t in analysis.index.texts)
    brands = _brand_lemmas(analysis)
    common = _common_names(analysis, brands)
    approved = [replace(a, names=frozenset(subjects(a.proof_point.text, common)))
                for a in approved_figures(analysis)]
    out = []
    for i, r in enumerate(analysis.results):
        if not judged(r, scopes):
            continue
        found = judge_claim(analysis, i, approved, weights, brands, common)
        if found:
            out.append((r, found))
    return out


def figure_mismatch(analysis: Analysis, options: CheckOptions) -> Iterator[Finding]:
    """Figures that measure what a proof point measures but do not agree with its figure."""
    for r, found in judgements(analysis, FIGURE_MISMATCH.scopes):
        bad = [j for j in found if j.verdict == "mismatch" and j.approved is not None]
        if not bad:
            continue
        first = bad[0]
        assert first.approved is not None
        others = "".join(f"; '{j.figure.text}' vs '{j.approved.figure.text}'"
                         for j in bad[1:] if j.approved is not None)
        yield make_finding(
            FIGURE_MISMATCH, options,
            f"'{first.figure.text}' does not match the approved figure "
            f"'{first.approved.figure.text}' of the proof point "
            f"\"{first.approved.proof_point.text}\"{others}",
            at_offset(r.claim.location, first.figure.start),
            severity=_mismatch_severity(first, analysis),
            claim=r.claim.text,
            evidence={
                "figure": first.figure.text,
                "approved_figure": first.approved.figure.text,
                "proof_point": first.approved.proof_point.text,
                "pillar": first.approved.proof_point.pillar,
                "similarity": first.similarity,
                "measure_overlap": first.overlap,
                "shared_words": list(first.shared),
            },
            suggestion=first.approved.proof_point.text,
        )


def _mismatch_severity(j: Judgement, analysis: Analysis) -> Severity:
    """`error` only for a plain contradiction: the proof point's own customer named, or most of
    its measure repeated at a similarity a pillar's own statements reach; else `warning` (the
    figures may measure neighbouring things, a person should look)."""
    cal = analysis.index.calibration
    if j.same_subject or (j.overlap >= STRONG_OVERLAP and j.similarity >= cal.aligned):
        return Severity.ERROR
    return Severity.WARNING


def unsupported(analysis: Analysis, options: CheckOptions) -> Iterator[Finding]:
    """Result figures that no approved proof point measures."""
    for r, found in judgements(analysis, UNSUPPORTED.scopes):
        bad = [j for j in found if j.verdict == "unsupported"]
        if not bad:
            continue
        names = ", ".join(f"'{j.figure.text}'" for j in bad)
        plural = "s" if len(bad) > 1 else ""
        if all(j.figure.status_quo for j in bad):
            why = "states the market today with no approved source; cite one"
        else:
            why = "no approved proof point measures this; cite a sourced proof point"
        yield make_finding(
            UNSUPPORTED, options,
            f"figure{plural} {names}: {why} or add one to the platform",
            at_offset(r.claim.location, bad[0].figure.start),
            claim=r.claim.text,
            evidence={"figures": [j.figure.text for j in bad],
                      "kinds": [j.figure.kind for j in bad],
                      "status_quo": [j.figure.status_quo for j in bad]},
        )


FIGURE_MISMATCH = Check(
    "proof.figure-mismatch", figure_mismatch, Severity.ERROR,
    "A figure that measures what a proof point measures, with a different value.",
    (
        Example("Customers cut invoice processing time by 90% in the first quarter.", True),
        Example("Harbor Outfitters shortened its month-end close from 12 days to 2 days.", True),
        Example("Ledgerline flags 5x more duplicate invoices than a manual review.", True),
        Example("Customers cut invoice processing time by 60% in the first quarter.", False),
        Example("Harbor Outfitters now closes its books in a third of the time.", False),
        Example("Supplier status calls fell by four fifths.", False),
        Example("Ledgerline was founded in 2016 and version 4.1 ships in Q3.", False),
    ),
)
UNSUPPORTED = Check(
    "proof.unsupported", unsupported, Severity.WARNING,
    "A result figure that no approved proof point backs.",
    (
        Example("Customers cut their AP staffing costs by 35%.", True),
        Example("Teams go live on their ERP in 10 days.", True),
        Example("Supplier status calls dropped by 80%.", False),
        Example("ISO 27001 certified, with 24/7 support from our AP team.", False),
        Example("Close the month in days, not weeks.", False),
    ),
)

CHECKS: tuple[Check, ...] = (FIGURE_MISMATCH, UNSUPPORTED)
