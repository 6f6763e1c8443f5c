"""Comparing figures: whether a claim's figure says what an approved figure says.

`compatible(claim, approved)` says whether a claim's figure agrees with an approved one: the same
value (within rounding), a value inside an approved range, a looser bound that the approved figure
satisfies ("over 1,000" for 1,400), or an equivalent form: "from 12 days to 4 days", "3x faster"
and "67% less time" are one change factor; "took 8 days out" is the same span's difference;
"27 percentage points" is the difference of "from 71% to 98%"; "from 29% to 2% late" is the
complement of that span.

`measure_overlap` says how much of an approved figure's measure a claim's figure repeats, each
word weighted by how rare it is on the platform (`measure_weights`); the proof checks weigh it
together with the sentence embeddings to decide whether two figures measure the same thing.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from msgcheck.checks.proof.lexicon import Bound
from msgcheck.checks.proof.reader import Figure, content_lemmas

# Relative tolerance when comparing two values other than shares: rounding ("$180k" vs
# "$180,000", "3x" vs "67% less") must not count as a different figure. Shares compare within
# half a unit of the last digit written instead (`Figure.precision`).
REL_TOL = 0.03


@dataclass(frozen=True, slots=True)
class _Span:
    """A value or range to compare, with its bound."""

    low: float
    """Lower end, in canonical units."""
    high: float
    """Upper end (`inf` for "over N")."""
    bound: Bound
    """As `Figure.bound`."""


def _tol(value: float, abs_tol: float | None) -> float:
    """The rounding tolerance around a value: the absolute one for shares, else relative."""
    return abs_tol if abs_tol is not None else abs(value) * REL_TOL


def _within(x: _Span, y: _Span, abs_tol: float | None) -> bool:
    """Whether x lies inside y, with rounding tolerance."""
    lo_ok = x.low >= y.low - _tol(y.low, abs_tol)
    hi_ok = (not math.isfinite(y.high)) or (
        math.isfinite(x.high) and x.high <= y.high + _tol(y.high, abs_tol))
    return lo_ok and hi_ok


def _fits(claim: _Span, approved: _Span, abs_tol: float | None = None) -> bool:
    """Whether a claimed value agrees with an approved one.

    The approved figure must make the claim true ("over 1,000" for 1,400; "under 10 minutes" for
    "under 10 minutes"), with three readings that copy uses in good faith: a claim inside an
    approved range ("60%" for "50-75%": some customers got 60%); a claim that restates an
    approved bound's number ("10 minutes" for "under 10 minutes"); and a vague figure
    ("minutes") that overlaps the approved value. "Up to X" is a best case: compared as X.
    `abs_tol` is the rounding tolerance for shares; other values get a relative one.
    """
    if claim.bound == "vague" or approved.bound == "vague":
        return claim.low <= approved.high + _tol(approved.high, abs_tol) and \
            approved.low <= claim.high + _tol(claim.high, abs_tol)
    if claim.bound == "up_to":
        claim = _Span(claim.high, claim.high, "exact")
    if approved.bound == "up_to":
        approved = _Span(approved.high, approved.high, "exact")
    if _within(approved, claim, abs_tol):
        return True
    if approved.low < approved.high and approved.bound in ("exact", "about") and _within(
            claim, approved, abs_tol):
        return True
    if approved.bound in ("at_least", "at_most") and claim.bound == "exact":
        edge = approved.high if approved.bound == "at_most" else approved.low
        return abs(claim.low - edge) <= _tol(edge, abs_tol)
    return False


def _value(f: Figure) -> _Span:
    """A figure's value, as a span to compare."""
    return _Span(f.low, f.high, f.bound)


def _before(f: Figure) -> _Span | None:
    """A span figure's starting value, as a span to compare."""
    if f.before is None:
        return None
    low, high = f.before
    return _Span(low, high, "vague" if f.bound == "vague" and low != high else "exact")


def _dimension(f: Figure) -> str:
    """What a figure's value is in: fraction, point, duration, money, count, multiplier."""
    kind = f.base if f.kind == "span" and f.base else f.kind
    if kind in ("percent", "ratio"):
        return "point" if f.unit == "point" else "fraction"
    return str(kind)


def _flip(bound: Bound) -> Bound:
    """The bound of the complement or inverse ('at least' becomes 'at most')."""
    flipped: dict[str, Bound] = {"at_least": "at_most", "at_most": "at_least"}
    return flipped.get(bound, bound)


def factor(f: Figure) -> tuple[float, float, Bound] | None:
    """new / old for a figure that states a change (a cut, an increase, a span, a multiplier).

    "cut by 75%" is 0.25, "a quarter of the time" 0.25, "4x faster" 0.25, "from 12 days to
    3 days" 0.25; "3x more" is 3. Returns (low, high, bound), or None for a level.
    """
    span = _factor(f)
    return None if span is None else (span.low, span.high, span.bound)


def _factor(f: Figure) -> _Span | None:
    """new / old for a change, as a span; None for a level."""
    bound = f.bound
    if f.kind == "percent" and f.unit == "fraction" and f.direction is not None:
        if bound == "up_to":
            return _Span(*sorted((1 - f.high, 1 + f.high) if f.direction == "up"
                                 else (1 - f.high, 1 - f.high)), "exact")
        if f.direction == "down":
            return _Span(max(0.0, 1 - f.high), 1 - f.low, _flip(bound))
        return _Span(1 + f.low, 1 + f.high, bound)
    if f.kind == "multiplier":
        if f.direction == "down":
            return _Span(1 / f.high if math.isfinite(f.high) else 0.0, 1 / f.low if f.low else
                         math.inf, _flip(bound))
        return _Span(f.low, f.high, bound)
    # A span of shares changes by points ("71% to 98%" is +27 points), not by a ratio of shares.
    if f.kind == "span" and f.before is not None and f.base in ("duration", "money", "count"):
        b_low, b_high = f.before
        if b_low <= 0 or b_high <= 0:
            return None
        hi = f.high / b_low if math.isfinite(f.high) else math.inf
        return _Span(f.low / b_high, hi, "vague" if bound == "vague" else bound)
    return None


def _delta(f: Figure) -> _Span | None:
    """The size of a span's change ('12 days to 4 days' -> 8 days; '71% to 98%' -> 27 points)."""
    if f.kind != "span" or f.before is None or f.bound == "vague":
        return None
    b = (f.before[0] + f.before[1]) / 2
    a = (f.low + f.high) / 2 if math.isfinite(f.high) else f.low
    d = abs(b - a)
    return _Span(d, d, "exact")


def comparable(claim: Figure, approved: Figure) -> bool:
    """Whether the two figures can be compared at all (same dimension, or both changes)."""
    return compatible(claim, approved) is not None


def compatible(claim: Figure, approved: Figure) -> bool | None:
    """Whether a claim's figure agrees with an approved figure; None when they cannot be compared.

    Forms compared: equal values within rounding; a value inside an approved range; a looser
    bound the approved value satisfies; change factors (a span's new/old, "3x faster", "67%
    less time", "a quarter of the time"); a span's difference ("took 8 days out", "27 points");
    and a from-to span of shares against its complement ("29% to 2% late" for "71% to 98% on
    time").
    """
    cd, ad = _dimension(claim), _dimension(approved)
    if cd == ad == "money" and claim.unit != approved.unit:
        return _other_currency(claim, approved)
    shares = max(claim.precision, approved.precision, 1e-4)
    tol = shares if cd in ("fraction", "point") else None
    cf, af = _factor(claim), _factor(approved)
    # Both spans of the same dimension: both ends must agree (the complement of shares too).
    if claim.kind == "span" and approved.kind == "span" and cd == ad:
        return _span_fits(claim, approved, tol)
    # A level against a span: the level is one of the two ends.
    if approved.kind == "span" and claim.kind != "span" and claim.direction is None and cd == ad:
        ends = [_value(approved)] + ([b] if (b := _before(approved)) else [])
        return any(_fits(_value(claim), e, tol) for e in ends)
    if claim.kind == "span" and approved.kind != "span" and approved.direction is None and cd == ad:
        return _fits(_value(claim), _value(approved), tol)
    # A difference: "took eight days out", "saves 52 minutes", "40 points".
    if claim.unit == "point" or (claim.kind == "duration" and claim.direction == "down"):
        if approved.kind == "span" and approved.base == claim.kind and (
                claim.kind == "duration" or approved.unit == "fraction"):
            delta = _delta(approved)
            if delta is None:
                return None
            return _fits(_value(claim), delta, 2 * shares if tol is not None else None)
        if approved.kind == claim.kind and approved.unit == claim.unit:
            return _fits(_value(claim), _value(approved), tol)
        return None
    if approved.kind == "duration" and approved.direction == "down" and claim.kind == "duration":
        return _fits(_value(claim), _value(approved))
    # Changes: compare new/old factors.
    if cf is not None and af is not None:
        return _fits(cf, af)
    # A share against a change ("four out of five calls stop" for "calls dropped by 80%"): the
    # share may be what went or what is left.
    if af is not None and cf is None and cd == "fraction" and approved.kind == "percent" and \
            claim.kind in ("percent", "ratio"):
        went = _Span(approved.low, approved.high, approved.bound)
        left = _Span(1 - approved.high, 1 - approved.low, _flip(approved.bound))
        return _fits(_value(claim), went, shares) or _fits(_value(claim), left, shares)
    if cf is not None or af is not None:
        return None
    if cd != ad:
        return None
    return _fits(_value(claim), _value(approved), tol)


def _other_currency(claim: Figure, approved: Figure) -> bool | None:
    """An amount in another currency is never the approved figure as written.

    msgcheck runs offline and looks up no exchange rates; copy localised to another currency
    needs a proof point in that currency.
    """
    if claim.kind != approved.kind and "span" not in (claim.kind, approved.kind):
        return None
    return False


def _span_fits(claim: Figure, approved: Figure, tol: float | None) -> bool:
    """Whether both ends of a span agree with an approved span (or with its complement)."""
    vague = claim.bound == "vague" or approved.bound == "vague"

    def soft(span: _Span | None) -> _Span | None:
        """The span made vague when either figure is vague."""
        return _Span(span.low, span.high, "vague") if span is not None and vague else span

    after_c, after_a = soft(_value(claim)), soft(_value(approved))
    before_c, before_a = soft(_before(claim)), soft(_before(approved))
    assert after_c is not None and after_a is not None

    def ok(ac: _Span, bc: _Span | None) -> bool:
        """Whether an end value and a start value fit the approved span's ends."""
        if not _fits(ac, after_a, tol):  # type: ignore[arg-type]
            return False
        return bc is None or before_a is None or _fits(bc, before_a, tol)

    if ok(after_c, before_c):
        return True
    if tol is not None and claim.unit == "fraction" and before_c is not None:
        flip = _Span(1 - after_c.high, 1 - after_c.low, _flip(after_c.bound))
        flip_before = _Span(1 - before_c.high, 1 - before_c.low, _flip(before_c.bound))
        return ok(flip, flip_before)
    return False


# ---------------------------------------------------------------- measures


# A word in this share of a platform's texts or more is its domain vocabulary ("invoice" on an
# accounts-payable platform): it cannot tell one measure from another.
COMMON_SHARE = 0.2
# ... and in at least this many texts, so a small platform keeps its words.
COMMON_MIN_TEXTS = 3


def common_words(texts: Iterable[str]) -> set[str]:
    """Lemmas in COMMON_SHARE of the texts or more (and at least COMMON_MIN_TEXTS of them)."""
    docs = [set(content_lemmas(t)) for t in texts]
    df: Counter[str] = Counter(w for d in docs for w in d)
    common = max(COMMON_MIN_TEXTS, COMMON_SHARE * len(docs))
    return {w for w, c in df.items() if c >= common}


def measure_weights(texts: Iterable[str], *also_common: Iterable[str]) -> dict[str, float]:
    """Weight of each measure lemma over a set of texts (a platform's): inverse document frequency,
    and zero for the platform's domain vocabulary (COMMON_SHARE of the texts or more, or of any
    of the `also_common` sets, such as the proof points alone, whose shared subject "customers"
    tells no proof point from another).

    Words most approved texts share say little about which figure a claim restates; rare ones
    ("duplicate", "audit") say a lot. Words the platform never uses weigh as much as its rarest.
    """
    texts = list(texts)
    docs = [set(content_lemmas(t)) for t in texts]
    df: Counter[str] = Counter(w for d in docs for w in d)
    n = len(docs)
    common = common_words(texts)
    for group in also_common:
        common |= common_words(group)
    return {w: 0.0 if w in common else math.log((n + 1) / (c + 0.5)) for w, c in df.items()}


def _default_weight(weights: dict[str, float]) -> float:
    """The weight of a word the platform never uses: as much as its rarest."""
    return max(weights.values(), default=1.0)


def _match(a: str, b: str) -> bool:
    """Whether two lemmas are the same word, allowing a shared stem of four letters or more."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 4 and long_.startswith(short)


def measure_overlap(claim: Sequence[str], approved: Sequence[str],
                    weights: dict[str, float] | None = None) -> float:
    """Share of the approved measure's weight that the claim's measure repeats (0 to 1)."""
    if not approved:
        return 0.0
    weights = weights or {}
    default = _default_weight(weights)
    total = sum(weights.get(w, default) for w in approved)
    shared = sum(weights.get(w, default) for w in approved if any(_match(w, c) for c in claim))
    return shared / total if total else 0.0


def shared_words(claim: Sequence[str], approved: Sequence[str]) -> tuple[str, ...]:
    """The approved measure words the claim repeats."""
    return tuple(w for w in approved if any(_match(w, c) for c in claim))
