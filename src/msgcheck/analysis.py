"""Analysis: each claim compared with the platform, with bands calibrated on the platform itself.

MiniLM's absolute cosines on marketing paraphrases are low (0.2 to 0.45 for true matches), and how
low depends on the platform: a platform of short, distinctive pillars scores differently from one
of long, overlapping ones. So no cosine cut-off is hard-coded. Every platform is calibrated
against two references computed from the platform's own texts:

* **in-pillar**: each approved text's similarity to the rest of its own pillar (leave one out),
  i.e. how close a genuine statement of a pillar sits to that pillar;
* **background**: the similarity of a fixed set of unrelated marketing sentences (bundled, many
  industries) to the platform, i.e. how high "about something else" scores on this platform.

On real companies' copy these bands decide well only where copy sets out to carry the message:
headlines and titles. Body text, bullets and tables sit as close to the platform when they drift as
when they are on message (measured on real copy, docs/quality.md), so there a claim is `aligned`
when it reaches the band and `unsure` otherwise, which produces no finding. A claim of any scope is
`drift` when it frames the product with an unsubstantiated superlative that the platform itself
never uses ("revolutionary", "industry-leading", "the easiest"): brand voices ban those, and the
words say so where similarity cannot. docs/calibration.md has the details.

The nearest pillar is the one with the most similar approved text, plus a share of the claim's
similarity with the pillar's name: a name is the pillar's promise in a few words, and it breaks
ties between pillars that share vocabulary (measured on real copy, docs/quality.md).

Brand names (the company and its product names) are masked before similarity: "Acme" in a claim
and in a value proposition makes MiniLM call them close whatever else they say.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np

from msgcheck.embed import Embedder
from msgcheck.errors import InputError
from msgcheck.feedback import claim_key
from msgcheck.model import Claim, ClaimResult, Document, Status
from msgcheck.platform import MessagePlatform, PlatformText
from msgcheck.senses import TermExamples, UseKey, embed_examples, embed_uses
from msgcheck.style.features import featurize
from msgcheck.style.model import StyleModel

# Quantiles of the two reference distributions that place the bands (see docs/calibration.md).
OFF_QUANTILE = 0.75
ALIGNED_QUANTILE = 0.25
NEUTRAL_OFF_QUANTILE = 0.50
RESTATE_QUANTILE = 0.90
VALUE_PROP_QUANTILE = 0.25
NEUTRAL_OFF_PROBABILITY = 0.5
MIN_GAP = 0.04
ROUND = 3
NAME_WEIGHT = 0.3
"""Share of the claim's similarity with a pillar's name added to the pillar's best text score."""
STRICT_SCOPES = frozenset({"title", "heading"})
"""Scopes whose claims set out to carry the message, so the similarity bands judge them in full."""

SUPERLATIVES = re.compile(
    r"(?<![\w-])(?:revolution(?:ary|i[sz](?:e|es|ed|ing))|industry[- ]leading|market[- ]leading|"
    r"industry(?:'s|\u2019s) (?:leading|best|first)|world[- ]class|best[- ]in[- ]class|"
    r"best[- ]of[- ]breed|cutting[- ]edge|next[- ]gen(?:eration)?|game[- ]chang(?:ing|er)|"
    r"unparall?ell?ed|unmatched|unprecedented|unrivall?ed|unbeatable|second to none|amazing|"
    r"incredible|ground[- ]?breaking|state[- ]of[- ]the[- ]art|transformative|"
    r"the (?:easiest|fastest|simplest|best|only|leading)|"
    r"the most (?:secure|powerful|advanced|complete|comprehensive|flexible|scalable|reliable|"
    r"innovative|trusted|popular|sustainable))(?![\w-])",
    re.IGNORECASE)
"""Self-praise that brand voices tell writers to avoid, in its common word forms."""


@dataclass(frozen=True)
class Calibration:
    """The bands for one platform."""

    aligned: float
    """Best pillar score at or above this is `aligned`."""
    off: float
    """Best pillar score below this is `off_platform`."""
    restate: float = 1.0
    """Similarity at which a claim restates a text (as close as the closest texts of a pillar)."""
    neutral_off: float = 0.0
    """A claim the style model reads as neutral (company facts, context) is off-platform below
    this: the median in-pillar similarity."""
    value_prop: float = 0.0
    """An asset's lead message should be at least this close to the value proposition: as close
    as the platform's own key messages are (lower quartile)."""
    in_pillar: dict[str, float] = field(default_factory=dict)
    """Quantiles of the leave-one-out in-pillar similarities."""
    background: dict[str, float] = field(default_factory=dict)
    """Quantiles of the background sentences' best similarities."""

    def status(self, score: float, neutral: float = 0.0, strict: bool = True) -> Status:
        """Band of a best score; `neutral` is the style model's probability of neutral. Not
        `strict` (body text): `aligned` at the band, else `unsure`."""
        if not strict:
            return "aligned" if score >= self.aligned else "unsure"
        if score < self.off:
            return "off_platform"
        if neutral >= NEUTRAL_OFF_PROBABILITY and score < self.neutral_off:
            return "off_platform"
        if score >= self.aligned:
            return "aligned"
        return "drift"

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form for reports."""
        return {"aligned": self.aligned, "off": self.off, "restate": self.restate,
                "neutral_off": self.neutral_off, "value_prop": self.value_prop,
                "in_pillar": self.in_pillar,
                "background": self.background}


@dataclass(frozen=True)
class PlatformIndex:
    """The platform's texts embedded once, and its calibration."""

    platform: MessagePlatform
    """The platform."""
    texts: tuple[PlatformText, ...]
    """Pillar texts (pillar order), then value-proposition phrasings."""
    vectors: np.ndarray
    """One normalised row per text."""
    pillar_of: np.ndarray
    """Pillar index per text; -1 for value-proposition phrasings."""
    retired_vectors: np.ndarray
    """One row per retired message."""
    calibration: Calibration
    """The bands."""
    brands: re.Pattern[str] | None = None
    """Brand names masked before similarity."""
    name_vectors: np.ndarray | None = None
    """One normalised row per pillar name (pillar order)."""
    approved_words: str = ""
    """Every approved text, lower-cased: superlatives the platform uses itself are approved."""
    reviewed_drift: frozenset[str] = frozenset()
    """Normalised claims a reviewer marked as drift (feedback)."""
    term_examples: tuple[TermExamples | None, ...] = ()
    """Per avoided term (platform order), its sense examples embedded; None without examples."""

    @property
    def pillar_ids(self) -> tuple[str, ...]:
        """Pillar ids in platform order."""
        return tuple(p.id for p in self.platform.pillars)


@dataclass(frozen=True)
class Analysis:
    """What checks read: every claim's result, plus the platform index and claim vectors."""

    platform: MessagePlatform
    """The platform judged against."""
    index: PlatformIndex
    """Embedded platform texts and calibration."""
    documents: tuple[Document, ...]
    """Documents read."""
    results: tuple[ClaimResult, ...]
    """One result per claim, in document order."""
    vectors: np.ndarray
    """Claim embeddings for similarity (brands masked), aligned with `results`; zero rows for
    fragments that are not claims."""
    errors: tuple[InputError, ...] = ()
    """Inputs that could not be read."""
    term_uses: dict[UseKey, np.ndarray] = field(default_factory=dict)
    """The context of each use of an avoided term taught by example, embedded (see senses.py)."""


def brand_pattern(platform: MessagePlatform) -> re.Pattern[str] | None:
    """Company and product names (and variants), longest first, on word boundaries."""
    names = {platform.company, *(p.name for p in platform.products),
             *(v for p in platform.products for v in p.variants)}
    names = {n.strip() for n in names if n and n.strip()}
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?:'s|\u2019s)?(?![\w-])", re.IGNORECASE)


def mask_brands(text: str, pattern: re.Pattern[str] | None) -> str:
    """The text without brand names (unchanged when nothing else would be left)."""
    if pattern is None:
        return text
    masked = re.sub(r"\s+", " ", pattern.sub(" ", text)).strip(" :,-\u2013\u2014")
    return masked if re.search(r"[A-Za-z]{2,}", masked) else text


def background_sentences() -> list[str]:
    """The bundled unrelated sentences used to calibrate off-platform."""
    text = resources.files("msgcheck.data").joinpath("background.txt").read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def _quantiles(values: np.ndarray) -> dict[str, float]:
    if values.size == 0:
        return {}
    return {f"q{int(q * 100):02d}": round(float(np.quantile(values, q)), ROUND)
            for q in (0.1, 0.25, 0.5, 0.75, 0.9)}


def pillar_scores(sims: np.ndarray, pillar_of: np.ndarray, n_pillars: int) -> np.ndarray:
    """Per pillar, the best similarity over its texts: (claims, pillars)."""
    out = np.full((sims.shape[0], n_pillars), -1.0, dtype=np.float32)
    for p in range(n_pillars):
        cols = np.flatnonzero(pillar_of == p)
        if cols.size:
            out[:, p] = sims[:, cols].max(axis=1)
    return out


def calibrate(platform: MessagePlatform, vectors: np.ndarray, pillar_of: np.ndarray,
              background: np.ndarray, kinds: Sequence[str] = ()) -> Calibration:
    """Place the aligned / off bands from the platform's own texts and the background set."""
    n_pillars = len(platform.pillars)
    pillar_rows = np.flatnonzero(pillar_of >= 0)
    sims = vectors[pillar_rows] @ vectors[pillar_rows].T
    np.fill_diagonal(sims, -1.0)
    owners = pillar_of[pillar_rows]
    own: list[float] = []
    for i, p in enumerate(owners):
        same = np.flatnonzero(owners == p)
        same = same[same != i]
        if same.size:
            own.append(float(sims[i, same].max()))
    own_arr = np.asarray(own, dtype=np.float32)
    if background.shape[0]:
        bg = pillar_scores(background @ vectors.T, pillar_of, n_pillars).max(axis=1)
    else:
        bg = np.zeros(0, dtype=np.float32)
    off = float(np.quantile(bg, OFF_QUANTILE)) if bg.size else 0.2
    aligned = float(np.quantile(own_arr, ALIGNED_QUANTILE)) if own_arr.size else off + 0.1
    aligned = max(aligned, off + MIN_GAP)
    restate = float(np.quantile(own_arr, RESTATE_QUANTILE)) if own_arr.size else 0.8
    neutral_off = float(np.quantile(own_arr, NEUTRAL_OFF_QUANTILE)) if own_arr.size else aligned
    key_rows = [i for i, k in enumerate(kinds) if k == "key_message"]
    vp_rows = np.flatnonzero(pillar_of < 0)
    if key_rows and vp_rows.size:
        to_vp = (vectors[key_rows] @ vectors[vp_rows].T).max(axis=1)
        value_prop = float(np.quantile(to_vp, VALUE_PROP_QUANTILE))
    else:
        value_prop = off
    return Calibration(
        aligned=round(aligned, ROUND),
        off=round(off, ROUND),
        restate=round(max(restate, aligned), ROUND),
        neutral_off=round(max(neutral_off, off), ROUND),
        value_prop=round(value_prop, ROUND),
        in_pillar=_quantiles(own_arr),
        background=_quantiles(bg),
    )


_INDEXES: dict[tuple[str, str, frozenset[str]], PlatformIndex] = {}


def cached_index(platform: MessagePlatform, embedder: Embedder,
                 reviewed_drift: frozenset[str] = frozenset()) -> PlatformIndex:
    """build_index, memoised per process by platform digest, reviewed claims and embedding model
    (a daemon or a test session embeds each platform once)."""
    key = (platform.digest, embedder.identity, reviewed_drift)
    if key not in _INDEXES:
        _INDEXES[key] = build_index(platform, embedder, reviewed_drift)
    return _INDEXES[key]


def build_index(platform: MessagePlatform, embedder: Embedder,
                reviewed_drift: frozenset[str] = frozenset()) -> PlatformIndex:
    """Embed the platform's texts (and the background set) and calibrate."""
    texts: list[PlatformText] = list(platform.pillar_texts) + list(platform.value_proposition)
    ids = {p.id: i for i, p in enumerate(platform.pillars)}
    pillar_of = np.asarray([ids[t.pillar] if t.pillar is not None else -1 for t in texts])
    background = background_sentences()
    brands = brand_pattern(platform)
    retired = [mask_brands(r.text, brands) for r in platform.retired_messages]
    own = [mask_brands(t.text, brands) for t in texts]
    names = [mask_brands(p.name, brands) for p in platform.pillars]
    all_vectors = embedder.encode(own + retired + names + background)
    n, r, m = len(texts), len(retired), len(names)
    vectors = all_vectors[:n]
    calibration = calibrate(platform, vectors, pillar_of, all_vectors[n + r + m:],
                            [t.kind for t in texts])
    approved = "\n".join([t.text for t in texts] + list(platform.differentiators)).lower()
    examples = embed_examples(platform.avoid, masked_encoder(embedder, brands))
    return PlatformIndex(platform, tuple(texts), vectors, pillar_of, all_vectors[n:n + r],
                         calibration, brands, all_vectors[n + r:n + r + m], approved,
                         reviewed_drift, examples)


def masked_encoder(embedder: Embedder, brands: re.Pattern[str] | None
                   ) -> Callable[[Sequence[str]], np.ndarray]:
    """The embedder's encode, brand names masked first (as claims are for similarity)."""
    return lambda texts: embedder.encode([mask_brands(t, brands) for t in texts])


def analyze(
    documents: Sequence[Document],
    claims: Sequence[Claim],
    index: PlatformIndex,
    embedder: Embedder,
    style_model: StyleModel,
    nlp: Any,
    errors: Sequence[InputError] = (),
) -> Analysis:
    """Embed the claims, label their style, find their nearest pillar and band them."""
    claims = [_name_only(c, index.brands) for c in claims]
    real = [i for i, c in enumerate(claims) if c.not_a_claim is None]
    texts = [claims[i].text for i in real]
    dim = index.vectors.shape[1]
    vectors = np.zeros((len(claims), dim), dtype=np.float32)
    # Fragments that are not claims are neutral by the labelling guide; no model needed.
    probs = np.zeros((len(claims), 3))
    if texts:
        # The style model reads the claim as written; similarity reads it without brand names.
        masked = [mask_brands(t, index.brands) for t in texts]
        changed = [i for i, (a, b) in enumerate(zip(texts, masked)) if a != b]
        # The encoder (native code) and spaCy's tagger (mostly Python) run side by side.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(embedder.encode, texts + [masked[i] for i in changed])
            lexical = featurize(texts, nlp)
            encoded = pending.result()
        style_vectors = encoded[:len(texts)]
        similarity_vectors = style_vectors.copy()
        if changed:
            similarity_vectors[changed] = encoded[len(texts):]
        vectors[real] = similarity_vectors
        probs[real] = style_model.predict_proba(style_vectors, lexical)
    results = tuple(
        _result(claim, vectors[i], probs[i], index, style_model)
        for i, claim in enumerate(claims)
    )
    uses = embed_uses([(c.document, c.index, c.text) for c in claims], index.platform.avoid,
                      masked_encoder(embedder, index.brands))
    return Analysis(index.platform, index, tuple(documents), results, vectors, tuple(errors),
                    uses)


def far_from_platform(result: ClaimResult, calibration: Calibration) -> bool:
    """A claim about something the platform does not say: `off_platform`, or `unsure` with a best
    match below the off-platform band. Asset-level views (coverage, shadow messages) read this:
    across an asset or several, a theme is clear where one body claim is not."""
    if result.status == "off_platform":
        return True
    return result.status == "unsure" and result.similarity < calibration.off


def supports_pillar(result: ClaimResult, calibration: Calibration) -> bool:
    """The claim counts towards its nearest pillar's coverage."""
    return (result.pillar is not None and result.status in ("aligned", "drift", "unsure")
            and not far_from_platform(result, calibration))


def by_document(results: Sequence[ClaimResult]) -> dict[str, list[ClaimResult]]:
    """Results grouped by document source, in reading order."""
    out: dict[str, list[ClaimResult]] = {}
    for r in results:
        out.setdefault(r.claim.document, []).append(r)
    return out


def lead_results(results: Sequence[ClaimResult]) -> list[ClaimResult]:
    """An asset's lead message: its title and what follows it.

    Decks: the first slide's title and subtitle. Pages and drafts: the first title (H1, or the
    front-matter title, or an email subject) and the first heading or paragraph after it (the
    hero). Without a title: the first two claims. Fragments that are not claims are skipped.
    """
    claims = [r for r in results if r.status != "not_a_claim" and r.claim.scope != "notes"]
    if not claims:
        return []
    if claims[0].claim.location.slide is not None:
        first = claims[0].claim.location.slide
        return [r for r in claims if r.claim.location.slide == first
                and r.claim.scope in ("title", "heading")][:3] or claims[:1]
    visible = [r for r in claims if r.claim.scope != "meta"]
    for i, r in enumerate(visible):
        if r.claim.scope == "title":
            follow = [x for x in visible[i + 1:i + 3] if x.claim.scope in ("heading", "body")]
            return [r, *follow[:1]]
    return visible[:2]


def lead_score(results: Sequence[ClaimResult]) -> tuple[list[ClaimResult], float]:
    """An asset's lead and its mean similarity with the value proposition.

    The mean, not the best: a title that echoes the promise does not excuse a subtitle that
    sells something else.
    """
    lead = lead_results(results)
    if not lead:
        return [], 0.0
    return lead, round(sum(r.value_prop_similarity for r in lead) / len(lead), ROUND)


def _name_only(claim: Claim, brands: re.Pattern[str] | None) -> Claim:
    """A fragment that is a product or company name plus at most one word ("Meet Acme Match") is
    a label, not a claim: there is nothing left to compare once the names are masked."""
    if claim.not_a_claim is not None or brands is None or not brands.search(claim.text):
        return claim
    rest = re.findall(r"[A-Za-z]{2,}", brands.sub(" ", claim.text))
    if len(rest) > 1:
        return claim
    return Claim(claim.text, claim.location, claim.scope, claim.document, claim.index, "name",
                 claim.ignore)


def superlative(text: str, approved: str) -> str | None:
    """The first self-praising superlative in `text` that the platform's own texts never use."""
    for match in SUPERLATIVES.finditer(text):
        if match.group(0).lower() not in approved:
            return match.group(0)
    return None


def rank_pillars(best: np.ndarray, index: PlatformIndex, vector: np.ndarray) -> np.ndarray:
    """Per pillar: its best text's similarity (`best`) plus NAME_WEIGHT times the name's."""
    if index.name_vectors is None:
        return best.astype(np.float64)
    return best.astype(np.float64) + NAME_WEIGHT * (index.name_vectors @ vector)


def _status(claim: Claim, score: float, neutral: float, index: PlatformIndex
            ) -> tuple[Status, str | None]:
    """Status and, when the bands did not decide it, why it is drift."""
    if index.reviewed_drift and claim_key(claim.text) in index.reviewed_drift:
        return "drift", "reviewed as drift"
    words = superlative(claim.text, index.approved_words)
    if words is not None and claim.scope not in ("notes", "meta"):
        return "drift", f"superlative: {words}"
    strict = claim.scope in STRICT_SCOPES
    return index.calibration.status(score, neutral, strict), None


def _result(claim: Claim, vector: np.ndarray, probs: np.ndarray, index: PlatformIndex,
            style_model: StyleModel) -> ClaimResult:
    if claim.not_a_claim is not None:
        return ClaimResult(claim=claim, status="not_a_claim", style="neutral",
                           style_scores={"pain": 0.0, "feature": 0.0, "neutral": 1.0})
    scores = {c: round(float(p), ROUND) for c, p in zip(style_model.classes, probs)}
    style = max(style_model.classes, key=lambda c: (scores[c], -style_model.classes.index(c)))
    sims = index.vectors @ vector
    n_pillars = len(index.platform.pillars)
    per_pillar = pillar_scores(sims[None, :], index.pillar_of, n_pillars)[0]
    ranked = rank_pillars(per_pillar, index, vector)
    order = np.argsort(-ranked, kind="stable")
    best = int(order[0])
    margin = float(ranked[best] - ranked[order[1]]) if n_pillars > 1 else 1.0
    best_score = float(per_pillar.max())
    vp_rows = np.flatnonzero(index.pillar_of < 0)
    vp_sim = float(sims[vp_rows].max()) if vp_rows.size else 0.0
    nearest = int(np.argmax(sims))
    # Restating the value proposition is on-platform too, whichever pillar is nearest.
    status, basis = _status(claim, max(best_score, vp_sim), scores.get("neutral", 0.0), index)
    pillar = index.platform.pillars[best]
    key_rows = [i for i, t in enumerate(index.texts)
                if t.pillar == pillar.id and t.kind == "key_message"]
    suggestion = index.texts[max(key_rows, key=lambda i: sims[i])].text if key_rows else None
    return ClaimResult(
        claim=claim,
        status=status,
        style=style,  # type: ignore[arg-type]
        style_scores=scores,
        pillar=pillar.id if status != "off_platform" else None,
        similarity=round(max(best_score, vp_sim), ROUND),
        margin=round(margin, ROUND),
        nearest_text=index.texts[nearest].text,
        nearest_kind=index.texts[nearest].kind,
        value_prop_similarity=round(vp_sim, ROUND),
        suggestion=suggestion,
        drift_basis=basis,
    )
