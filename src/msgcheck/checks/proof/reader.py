"""Figures in copy: the numbers a sentence claims, normalised, and the words saying what they count.

Proof checks compare a claim's figures with the approved figures of the platform's proof points,
so both sides are read by the same rules here. A `Figure` has a kind (percent, multiplier,
duration, span, count, money, ratio), a value or range in canonical units (fractions for percents,
days for durations, the plain amount for money with its currency), the exact span of text it came
from, and its *measure*: the content words around it, lemmatised cheaply, that say what it counts
("invoice processing time", "duplicate payments recovered").

The reading is rule-based on purpose: figures are few and formulaic in marketing copy, a rule is
explainable in a finding, and it runs in microseconds with no model. Numbers that are not claim
figures are left out: years, dates, times of day, versions, phone numbers, "24/7", standards
("ISO 27001", "SOC 2"), ordinals, "Q3", "one login", UI step counts ("2 clicks"), reading times
("a 7-minute read"), time frames ("in the first three months", "over three years" next to
another figure), and small numbers written in words with no gain or loss around them ("two former
engineers"). A figure that states how things are today ("month-end still takes two weeks") is
marked `status_quo`: it needs a source, but no customer result can contradict it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import Enum

from msgcheck.checks.proof.lexicon import (
    CONTENT_COUNT_NOUNS,
    CONTENT_NOUNS,
    CURRENCY_CODES,
    CURRENCY_SYMBOLS,
    CURRENCY_WORDS,
    DENOMINATORS,
    DOWN,
    FRAME_PREPOSITIONS,
    FRAME_WORDS,
    GLUED_SUFFIXES,
    INTERACTION_NOUNS,
    LABEL_WORDS,
    MONTHS,
    MULTIPLIER_DOWN,
    MULTIPLIER_WORDS,
    NOT_MEASURE,
    QUALIFIERS,
    SCALE_SUFFIX,
    SCALE_WORDS,
    SMALL,
    STATUS_QUO,
    STOP,
    TIME_UNITS,
    UP,
    VAGUE_UNITS,
    Bound,
    Direction,
    FigureKind,
    lemma,
)

# "about 30%" covers 27% to 33%.
ABOUT = 0.1
# Tokens before a figure searched for the verb that says which way it moves ('cut ... by 40%').
DIRECTION_WINDOW = 10
# Content words either side of a figure that make up its measure.
MEASURE_WINDOW = 12


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure a sentence claims."""

    kind: FigureKind
    """percent | multiplier | duration | span | count | money | ratio."""
    low: float
    """Lower end of the value in canonical units (fraction, times, days, amount, count)."""
    high: float
    """Upper end (equal to `low` for a single value; `inf` for "over N")."""
    start: int
    """Offset of the figure's first character in the sentence."""
    end: int
    """Offset just past its last character."""
    text: str
    """The figure as written."""
    measure: tuple[str, ...] = ()
    """Lemmatised content words near the figure: what it measures."""
    unit: str = ""
    """fraction or point (percent and ratio), times (multiplier), day (duration), a currency code
    (money), the lemma of the word after the number (count)."""
    bound: Bound = "exact"
    """exact | about ("nearly") | at_least ("over", "+") | at_most ("under", "within") | up_to
    ("up to 3 years": a best case, compared as its number) | vague ("minutes, not days")."""
    precision: float = 0.0
    """Half a unit of the last digit written, in canonical units ("98%" -> 0.005): how far apart
    two shares can be and still be the same figure rounded."""
    direction: Direction | None = None
    """For changes: down ("cut by", "less", "faster") or up ("more", "rose"); None for a level."""
    before: tuple[float, float] | None = None
    """For spans: the starting value (low, high), in the same units as the end value."""
    base: FigureKind | None = None
    """For spans: the kind of both ends (duration, percent, money, count, ratio)."""
    status_quo: bool = False
    """The figure describes how things are today, not a result ("month-end still takes two
    weeks", "currently 1 in 4 invoices ..."): a market figure that needs a source, but that no
    customer result can contradict."""

    @property
    def value(self) -> float | tuple[float, float]:
        """The value, or the (low, high) range."""
        return self.low if self.low == self.high else (self.low, self.high)


def content_lemmas(text: str) -> list[str]:
    """The lemmas of the content words of a text (no stop words, numbers or direction words)."""
    toks = _tokens(_normalise(text))
    return [lemma(t.text) for k, t in enumerate(toks) if _is_measure_word(toks, k)]


def _is_measure_word(toks: Sequence[_Tok], k: int) -> bool:
    """Whether token k says what a figure measures (a content word, not a unit or a stop word)."""
    lower = toks[k].low
    if len(lower) < 3 or not lower.isalpha() or lower in DENOMINATORS:
        return False
    if lower in TIME_UNITS:
        # "month-end close" names a measure; "4 days", "a year", "first quarter" do not.
        return k + 2 < len(toks) and toks[k + 1].text == "-" and _adjacent(toks[k], toks[k + 1])
    return lower not in NOT_MEASURE


# ---------------------------------------------------------------- tokens


@dataclass(frozen=True, slots=True)
class _Tok:
    """A token of a sentence: a number, a word or one punctuation mark."""

    text: str
    """The token as written."""
    start: int
    """Offset of its first character."""
    end: int
    """Offset just past its last character."""

    @property
    def low(self) -> str:
        """The token in lower case."""
        return self.text.lower()

    @property
    def is_number(self) -> bool:
        """Whether it is written in digits."""
        return self.text[0].isdigit()


_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:'[^\W\d_]+)?|[^\w\s]")
# Same-length replacements, so offsets into the normalised text are offsets into the original.
_SAME_LENGTH = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2011": "-",
                              "\u00d7": "x", "\u2019": "'", "\u2018": "'", "\u00a0": " ",
                              "\u202f": " ", "\u2009": " "})


def _normalise(text: str) -> str:
    """The text with look-alike characters (dashes, curly quotes, odd spaces) made plain."""
    return text.translate(_SAME_LENGTH)


def _tokens(text: str) -> list[_Tok]:
    """Numbers, words and punctuation marks, with their offsets."""
    return [_Tok(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


# Character spans that hold numbers which are never claim figures.
_NON_FIGURES = [
    re.compile(r"\+?\(?\d{1,4}\)?(?:[-. ]\d{2,4}){2,}(?![\d%])"),  # phone numbers
    re.compile(r"\b24\s*[/x]\s*7(?:\s*[/x]\s*365)?\b", re.IGNORECASE),  # 24/7
    re.compile(r"\b365\s+days\s+a\s+year\b|\b24\s+hours\s+a\s+day\b", re.IGNORECASE),
    re.compile(r"\b\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?", re.IGNORECASE),  # times of day
    re.compile(r"\b\d{1,2}\s*[ap]\.m\.|\b\d{1,2}\s*[ap]m\b", re.IGNORECASE),
    re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b"),  # 12/03/2025, 2025-03-12
    re.compile(r"\b\d+\.\d+\.\d+\b"),  # 2.1.3
    re.compile(r"\bv(?:er(?:sion)?)?\.?\s?\d+(?:\.\d+)*\b", re.IGNORECASE),  # v2.1, ver 3
    re.compile(r"\b(?:Q[1-4]|H[12]|FY\s?\d{2,4})\b"),  # Q3, H1, FY24
    re.compile(r"\b\d+\s+(?:CFR|U\.?S\.?C)\b"),  # 21 CFR
    re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:%s)\w*\.?(?:,?\s+\d{4})?" % "|".join(MONTHS),
               re.IGNORECASE),  # 12 March 2025
    re.compile(r"\b(?:%s)\w*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s+\d{4})?" % "|".join(MONTHS),
               re.IGNORECASE),  # March 12, 2025
    re.compile(r"\b(?:%s)\w*\.?\s+\d{4}\b" % "|".join(MONTHS), re.IGNORECASE),  # March 2025
    re.compile(r"\b(?:a\s+|one\s+)?third[\s-]part(?:y|ies)\b", re.IGNORECASE),  # a third-party
    re.compile(r"\b[A-Za-z_][\w-]*(?:\.[\w-]+)*\.\d+(?:\.[\w-]+)*\b"),  # meta.faq.2.question
    re.compile(r"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b"),  # commit hashes
]


def _excluded_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of numbers that are never claim figures (dates, phones, versions)."""
    spans = []
    for pattern in _NON_FIGURES:
        for m in pattern.finditer(text):
            # A span of durations ("12-14 days") is not a phone number: digit groups only.
            if pattern is _NON_FIGURES[0] and sum(c.isdigit() for c in m.group(0)) < 7:
                continue
            spans.append((m.start(), m.end()))
    return spans


# ---------------------------------------------------------------- atoms


@dataclass(frozen=True, slots=True)
class _Atom:
    """A number with whatever unit it carries, before ranges and spans are assembled."""

    kind: str
    """percent, multiplier, duration, span, money, ratio, count, or bare (no unit yet)."""
    low: float
    """Lower end of the value, in canonical units (as `Figure.low`)."""
    high: float
    """Upper end of the value."""
    i: int
    """First token."""
    j: int
    """One past the last token."""
    unit: str = ""
    """As `Figure.unit`."""
    bound: Bound = "exact"
    """As `Figure.bound`."""
    direction: Direction | None = None
    """As `Figure.direction`."""
    scale: float = 1.0
    """k, M, million written after the digits: such a number is never a year or a label."""
    word: bool = False
    """Written in words."""
    remaining: bool = False
    """A share of what is left ("a tenth of the time"), stored as the cut it means."""
    frame: bool = False
    """A time frame for another figure ("in the first year"), not a figure itself."""
    before: tuple[float, float] | None = None
    """For spans: the starting value."""
    base: str | None = None
    """For spans: the kind of both ends."""
    noun: str = ""
    """The word after a count ("1,400 customers"), which becomes its unit."""
    precision: float = 0.0
    """As `Figure.precision`."""
    unit_days: float = 1.0
    """The time unit written, in days, so a bare number can borrow it ("down from 12")."""
    preposition: str = ""
    """The word before a duration ("in", "within", "over"): it may be a time frame."""


def _parse_digits(tok: str) -> float | None:
    """The value of digits as written ('1,400', '2.5'), or None for malformed groups."""
    if "," in tok:
        head, *groups = tok.split(",")
        tail = groups[-1]
        if "." in tail:
            tail_int, _ = tail.split(".", 1)
        else:
            tail_int = tail
        if not (1 <= len(head) <= 3 and all(len(g) == 3 for g in groups[:-1])
                and len(tail_int) == 3):
            return None
        tok = tok.replace(",", "")
    if tok.count(".") > 1:
        return None
    try:
        return float(tok)
    except ValueError:
        return None


def _half_unit(digits: str) -> float:
    """Half a unit of the last digit written: '98' -> 0.5, '99.95' -> 0.005."""
    decimals = len(digits.split(".", 1)[1]) if "." in digits else 0
    return 0.5 * 10.0 ** -decimals


# Shares written in words ("a third", "nine in ten") are as coarse as a whole percent.
WORD_PRECISION = 0.005


def _adjacent(a: _Tok, b: _Tok) -> bool:
    """Whether two tokens touch, with no space between them."""
    return a.end == b.start


class _Reader:
    """Reads atoms from the tokens of one sentence."""

    def __init__(self, text: str) -> None:
        """Tokenise a sentence and mark the tokens inside spans that are never figures."""
        self.toks = _tokens(text)
        excluded = _excluded_spans(text)
        self.blocked = [any(s <= t.start < e for s, e in excluded) for t in self.toks]

    def low(self, i: int) -> str:
        """Token i in lower case, or '' outside the sentence."""
        return self.toks[i].low if 0 <= i < len(self.toks) else ""

    def adjacent(self, i: int) -> bool:
        """Whether token i touches token i + 1."""
        return 0 <= i < len(self.toks) - 1 and _adjacent(self.toks[i], self.toks[i + 1])

    # -- numbers

    def number(self, i: int) -> tuple[float, int, bool, float] | None:
        """(value, next index, written in words, scale) of a number starting at token i."""
        toks = self.toks
        if i >= len(toks) or self.blocked[i]:
            return None
        t = toks[i]
        if t.is_number:
            value = _parse_digits(t.text)
            if value is None:
                return None
            j = i + 1
            scale = 1.0
            if j < len(toks) and _adjacent(t, toks[j]) and toks[j].low in SCALE_SUFFIX:
                if not (j + 1 < len(toks) and _adjacent(toks[j], toks[j + 1])
                        and toks[j + 1].text[0].isalnum()):
                    scale *= SCALE_SUFFIX[toks[j].low]
                    j += 1
            while j < len(toks) and toks[j].low in SCALE_WORDS:
                scale *= SCALE_WORDS[toks[j].low]
                j += 1
            return value * scale, j, False, scale
        return self.word_number(i)

    def word_number(self, i: int) -> tuple[float, int, bool, float] | None:
        """'fourteen hundred', 'twenty-five', 'two million', 'a dozen': (value, next, True, 1)."""
        total, current, j = 0.0, 0.0, i
        seen = last_small = False
        if self.low(i) in ("a", "an") and (self.low(i + 1) in SCALE_WORDS
                                          or self.low(i + 1) == "dozen"):
            current, j, seen = 1.0, i + 1, True
        while j < len(self.toks) and not self.blocked[j]:
            w = self.low(j)
            if w == "-" and last_small and self.adjacent(j - 1) and self.adjacent(j):
                j += 1  # twenty-five
                continue
            if w in SMALL:
                # "twenty five" continues a number; "two three" does not.
                if last_small and not (current >= 20 and current % 10 == 0 and SMALL[w] < 10):
                    break
                current += SMALL[w]
                seen = last_small = True
            elif w == "dozen" and seen:
                current *= 12
                last_small = False
            elif w == "hundred" and seen:
                current *= 100
                last_small = False
            elif w in SCALE_WORDS and seen:
                total += current * SCALE_WORDS[w]
                current, last_small = 0.0, False
            else:
                break
            j += 1
        if not seen:
            return None
        if self.low(j - 1) == "-":
            j -= 1
        return total + current, j, True, 1.0

    def fraction(self, i: int) -> tuple[float, int] | None:
        """'half', 'a third', 'two-thirds', 'three quarters', 'two-fifths' -> (value, next)."""
        toks = self.toks
        w = self.low(i)
        if w == "half" and self.low(i - 1) not in ("first", "second", "other", "better") and \
                self.low(i + 1) != "-" and not (self.low(i - 1) in ("a", "an")
                                                  and self.low(i - 2) == "and"):
            return 0.5, i + 1  # but not "a year and a half", "the first half"
        if w in ("a", "an", "one") or (w in SMALL and 1 <= SMALL[w] <= 9):
            numerator = 1 if w in ("a", "an") else SMALL[w]
            j = i + 1
            if j < len(toks) and toks[j].text == "-" and self.adjacent(i) and self.adjacent(j):
                j += 1
            d = self.low(j)
            if d in DENOMINATORS and d != "half" and d != "halves":
                plural = d.endswith("s") or d == "halves"
                if numerator > 1 and not plural:
                    return None
                if d.startswith("quarter") and self._quarter_is_period(i, j):
                    return None
                return numerator / DENOMINATORS[d], j + 1
        return None

    def _quarter_is_period(self, i: int, j: int) -> bool:
        """'quarter' is three months unless it reads as a share.

        A share is followed by 'of', 'less', 'off'... ('a quarter of the time', 'three quarters
        less') or follows 'by', 'than', 'and' ('cut fees by a quarter'); otherwise 'in one
        quarter', 'a single quarter', 'twice a quarter' are periods.
        """
        nxt = self.low(j + 1)
        if nxt in ("of", "less", "more", "fewer", "off", "lower", "higher", "faster", "cheaper",
                   "smaller", "larger", "shorter"):
            return False
        k = i - 1
        while k >= 0 and self.low(k) in ("nearly", "almost", "about", "around", "roughly",
                                        "just", "over", "under", "than", "more", "less"):
            if self.low(k) == "than":
                return False
            k -= 1
        return self.low(k) not in ("by", "and", "between", "to", "from")

    # -- context

    def qualifier(self, i: int) -> tuple[Bound, int]:
        """The bound written before token i, and the index where the qualifier starts."""
        k = i
        while k > 0 and self.low(k - 1) in ("just", "only", "mere"):
            k -= 1
        for words, bound in QUALIFIERS:
            n = len(words)
            if k - n >= 0 and tuple(self.low(x) for x in range(k - n, k)) == words:
                return bound, k - n
        return "exact", i

    def currency_before(self, i: int) -> tuple[str, int] | None:
        """The currency written just before token i ('$', 'US$', 'EUR') and its start."""
        if i > 0 and self.toks[i - 1].text in CURRENCY_SYMBOLS and self.adjacent(i - 1):
            code = CURRENCY_SYMBOLS[self.toks[i - 1].text]
            if i > 1 and self.low(i - 2) == "us" and self.adjacent(i - 2):
                return "USD", i - 2
            return code, i - 1
        if i > 0 and self.low(i - 1) in CURRENCY_CODES and self.toks[i - 1].text.isupper():
            return CURRENCY_CODES[self.low(i - 1)], i - 1
        return None

    def label_before(self, i: int) -> bool:
        """A number right after a capitalised name or label word is an identifier ('SOC 2')."""
        if i == 0:
            return False
        prev = self.toks[i - 1]
        if prev.low in LABEL_WORDS:
            return True
        if not prev.text[:1].isupper() or not prev.text.isalpha():
            return False
        lower = prev.low
        if lower in CURRENCY_CODES or lower in MONTHS or any(
                lower in q for q, _ in QUALIFIERS) or lower in ("in", "since"):
            return False
        if len(prev.text) >= 2 and prev.text.isupper():
            return True
        sentence_start = i - 1 == 0 or self.toks[i - 2].text in ".!?:;\"'(-"
        if not sentence_start:
            return True
        # "Ledgerline 5.2 adds ..." at the start of a sentence: a name and a version.
        tok = self.toks[i].text
        return "." in tok and (_parse_digits(tok) or 0) >= 1

    def direction(self, i: int, j: int) -> Direction | None:
        """Down or up from the words nearest the figure (tokens i..j), None for a level."""
        right = self.low(j)
        if right in ("less", "fewer", "lower", "shorter", "faster", "quicker", "cheaper", "off",
                     "smaller", "down"):
            return "down"
        if right in ("more", "higher", "greater", "larger", "longer", "up", "better", "extra"):
            return "up"
        if right == "of" or (right == "'" and self.low(j + 1) == "of"):
            return None
        best: tuple[int, Direction] | None = None
        for k in range(max(0, i - DIRECTION_WINDOW), i):
            w = self.low(k)
            if self.toks[k].text in ".;!?":
                best = None
                continue
            # "down 41%" but not "sign off on", "down from", "free up".
            near = k >= i - 2
            if w in DOWN and (near or w not in ("off", "down")):
                best = (k, "down")
            elif w in UP and (near or w not in ("more", "up", "extra", "additional", "better")):
                best = (k, "up")
        for k in range(j, min(len(self.toks), j + 3)):
            w = self.low(k)
            if w in ("off", "down", "less", "fewer", "faster"):
                return "down"
            if w in (",", ".", ";"):
                break
        return best[1] if best else None


def _unit_after(r: _Reader, j: int) -> tuple[str, float, int, bool] | None:
    """A time unit at token j (optionally hyphenated: '7-minute'): (unit, days, next, hyphen)."""
    toks = r.toks
    hyphen = False
    k = j
    if k < len(toks) and toks[k].text == "-" and r.adjacent(k - 1) and r.adjacent(k):
        hyphen = True
        k += 1
    for lead in ("business", "working", "calendar"):
        if r.low(k) == lead and r.low(k + 1) in ("days", "day", "hours", "hour", "weeks"):
            k += 1
    w = r.low(k)
    if w in TIME_UNITS and not (w == "h" and not r.adjacent(k - 1)):
        return w, TIME_UNITS[w], k + 1, hyphen
    return None


def _atoms(r: _Reader) -> list[_Atom]:
    """Every atom of the sentence, left to right, none overlapping."""
    toks = r.toks
    atoms: list[_Atom] = []
    i = 0
    while i < len(toks):
        atom = _atom_at(r, i)
        if atom is None:
            i += 1
            continue
        atoms.append(atom)
        i = max(atom.j, i + 1)
    return atoms


def _atom_at(r: _Reader, i: int) -> _Atom | None:
    """The figure that starts at token i, if any.

    Forms that start with a word ("x10", "twice", "a third", "one day") are tried first. Otherwise
    a number is read, and the unit after it decides its kind: the first of `_UNIT_FORMS` that
    knows the unit gives the figure, or says that the number is none ("three times a day").
    """
    if r.blocked[i]:
        return None
    for word_form in _WORD_FORMS:
        atom = word_form(r, i)
        if atom is not None:
            return atom
    number = _number_at(r, i)
    if number is None:
        return None
    for unit_form in _UNIT_FORMS:
        found = unit_form(r, number)
        if found is not None:
            return found if isinstance(found, _Atom) else None
    return None


# -- forms that start with a word


def _x_prefix(r: _Reader, i: int) -> _Atom | None:
    """'x10': a multiplier written before its number."""
    toks = r.toks
    if r.low(i) == "x" and i + 1 < len(toks) and toks[i + 1].is_number and r.adjacent(i) and (
            i == 0 or not r.adjacent(i - 1)):
        value = _parse_digits(toks[i + 1].text)
        if value is not None and value > 1:
            return _Atom("multiplier", value, value, i, i + 2, unit="times",
                         direction=_multiplier_direction(r, i + 2))
    return None


def _multiplier_word(r: _Reader, i: int) -> _Atom | None:
    """'twice as fast', 'doubled', 'tenfold'; not 'paid twice' or 'double payments'."""
    w = r.low(i)
    base = None
    for word, value in MULTIPLIER_WORDS.items():
        if w == word or (word != "twice" and w in (word + "d", word + "s", word[:-1] + "ing")):
            base = (word, value)
            break
    if base is None:
        m = re.fullmatch(r"([a-z]+)fold", w)
        if m and m.group(1) in SMALL and SMALL[m.group(1)] > 1:
            return _Atom("multiplier", SMALL[m.group(1)], SMALL[m.group(1)], i, i + 1,
                         unit="times", word=True, direction=_multiplier_direction(r, i + 1))
        return None
    word, value = base
    nxt = r.low(i + 1)
    if nxt == "-" and r.adjacent(i):
        return None  # double-paid, triple-digit
    if word == "twice":
        # "twice as fast", "twice the volume"; not "paid twice", "twice a month".
        if nxt not in ("as", "the", "what", "more", "that", "this", "your", "their", "its", "our",
                       "faster", "quicker", "many", "much", "over"):
            return None
    elif w == word and nxt.isalpha() and nxt not in STOP:
        return None  # "double payments", "triple check": an adjective
    return _Atom("multiplier", value, value, i, i + 1, unit="times", word=True,
                 direction=_multiplier_direction(r, i + 1))


def _fraction_word(r: _Reader, i: int) -> _Atom | None:
    """'a third', 'two-thirds', 'half': a share; 'half a day': a duration."""
    frac = r.fraction(i)
    if frac is None:
        return None
    value, j = frac
    if r.low(j) in ("a", "an") and r.low(j + 1) in TIME_UNITS:
        days = value * TIME_UNITS[r.low(j + 1)]
        return _Atom("duration", days, days, i, j + 2, unit="day", word=True)
    return _percent_like(r, i, j, value, value, word=True)


def _one_period(r: _Reader, i: int) -> _Atom | None:
    """'one day', 'a single quarter': one time unit, in words."""
    w = r.low(i)
    if w not in ("single", "one") or r.low(i + 1) not in TIME_UNITS or r.low(i + 1) in (
            "h", "min", "sec", "mo"):
        return None
    start = i - 1 if w == "single" and r.low(i - 1) in ("a",) else i
    if w == "single" and start == i:
        return None
    days = TIME_UNITS[r.low(i + 1)]
    return _duration(r, start, i + 2, days, days, word=True)


# -- a number, then the form its unit gives it


@dataclass(frozen=True, slots=True)
class _Number:
    """A number that may start a figure, before its unit is read."""

    value: float
    """The value, with a scale written after the digits applied ('180k' -> 180000)."""
    i: int
    """Its first token."""
    k: int
    """The token just after it, where a unit ('%', 'days', 'x') would stand."""
    word: bool
    """Written in words ('forty')."""
    scale: float
    """The scale written after the digits (k, M, million), 1 for none: never a year or a label."""
    currency: tuple[str, int] | None
    """A currency written before it ('$', 'USD'), and the token where that starts."""


def _number_at(r: _Reader, i: int) -> _Number | None:
    """The number at token i, unless it is half of a compound word or glued to a label."""
    parsed = r.number(i)
    if parsed is None:
        return None
    value, j, word, scale = parsed
    if word and _compound(r, j):
        return None  # three-way, four-vet, "two- and three-way": a compound adjective
    if word and value == 1 and r.low(j) not in ("in", "out", "of"):
        return None  # "one login"
    if not word and _glued(r, i, j):
        return None
    return _Number(value, i, j, word, scale, r.currency_before(i))


def _glued(r: _Reader, i: int, j: int) -> bool:
    """Ordinals, units glued to letters: 1st, 3rd, Q3, v2 (x10 and 3x are handled)."""
    toks = r.toks
    if i > 0 and r.adjacent(i - 1) and toks[i - 1].text[0].isalpha() and not (
            toks[i - 1].low in ("x",)):
        return True
    return j < len(toks) and r.adjacent(j - 1) and toks[j].text[0].isalpha() and \
        toks[j].low not in GLUED_SUFFIXES and toks[j].low not in TIME_UNITS


class _Verdict(Enum):
    """What a unit form says when it knows the unit but the number is still no claim figure."""

    NOT_A_FIGURE = "not a figure"


# A unit form gives the figure, says the number is none, or (None) does not know the unit.
_Found = _Atom | _Verdict | None


def _percent(r: _Reader, n: _Number) -> _Found:
    """'40%', '12 per cent', '27 percentage points', '10 points' (a change, in points)."""
    k = n.k
    if r.low(k) == "%" or r.low(k) in ("percent", "pct") or (
            r.low(k) == "per" and r.low(k + 1) == "cent"):
        k += 2 if r.low(k) == "per" else 1
        unit = "fraction"
        if r.low(k) in ("points", "point", "pts", "pp") or (
                r.low(k) == "percentage" and r.low(k + 1) in ("points", "point")):
            k += 1 if r.low(k) != "percentage" else 2
            unit = "point"
    elif r.low(k) == "percentage" and r.low(k + 1) in ("points", "point"):
        k, unit = k + 2, "point"
    elif r.low(k) in ("points", "pts", "pp") and (not n.word or r.direction(n.i, k + 1)):
        k, unit = k + 1, "point"
    else:
        return None
    return _percent_like(r, n.i, k, n.value / 100, n.value / 100, unit=unit, word=n.word,
                         precision=_half_unit(r.toks[n.i].text) / 100)


def _multiplier(r: _Reader, n: _Number) -> _Found:
    """'3x', '3 times', '3-fold'; not the frequency 'three times a day'."""
    k, toks = n.k, r.toks
    if r.low(k) == "x" and r.adjacent(k - 1) and n.value > 1 and not (
            k + 1 < len(toks) and r.adjacent(k) and toks[k + 1].text[0].isalnum()):
        return _Atom("multiplier", n.value, n.value, n.i, k + 1, unit="times",
                     direction=_multiplier_direction(r, k + 1))
    if r.low(k) == "times" and n.value > 1:
        if r.low(k + 1) in ("a", "an", "per", "every", "each", "daily", "weekly", "monthly"):
            return _Verdict.NOT_A_FIGURE  # a frequency: "three times a day"
        return _Atom("multiplier", n.value, n.value, n.i, k + 1, unit="times", word=n.word,
                     direction=_multiplier_direction(r, k + 1))
    if r.low(k) == "-" and r.low(k + 1) == "fold" or r.low(k) == "fold":
        end = k + 2 if r.low(k) == "-" else k + 1
        return _Atom("multiplier", n.value, n.value, n.i, end, unit="times",
                     direction=_multiplier_direction(r, end))
    return None


def _ratio(r: _Reader, n: _Number) -> _Found:
    """'1 in 20', 'four out of five', '4.8 out of 5', '1 of every 5'."""
    ratio = _ratio_tail(r, n.k)
    if ratio is None or n.currency is not None:
        return None
    denominator, end = ratio
    if not (denominator > 0 and n.value <= denominator):
        return None
    # "Nine in ten" is rounded to tenths: it agrees with 92%.
    return _qualified(r, _Atom("ratio", n.value / denominator, n.value / denominator, n.i, end,
                               unit="fraction", word=n.word,
                               precision=max(WORD_PRECISION, 0.5 / denominator)))


def _time(r: _Reader, n: _Number) -> _Found:
    """'12 days', 'a 30-day', '48 business hours'; not a length of content ('a 7-minute read')."""
    unit = _unit_after(r, n.k)
    if unit is None or n.currency is not None:
        return None
    _name, days, end, hyphen = unit
    if hyphen and r.low(end) in CONTENT_NOUNS:
        return _Verdict.NOT_A_FIGURE
    if hyphen and r.low(end) == "free" and r.low(end + 1) in CONTENT_NOUNS:
        return _Verdict.NOT_A_FIGURE
    atom = _duration(r, n.i, end, n.value * days, n.value * days, word=n.word)
    return replace(atom, unit_days=days)


def _money(r: _Reader, n: _Number) -> _Found:
    """'$180k', '40,000 dollars', '500 USD', '$1M+'."""
    currency, k = n.currency, n.k
    if currency is None and r.low(k) in CURRENCY_WORDS:
        currency = (CURRENCY_WORDS[r.low(k)], n.i)
        k += 1
    if currency is None and r.low(k) in CURRENCY_CODES and r.toks[k].text.isupper():
        currency = (CURRENCY_CODES[r.low(k)], n.i)
        k += 1
    if currency is None:
        return None
    code, start = currency
    atom = _Atom("money", n.value, n.value, start, k, unit=code, scale=n.scale, word=n.word)
    return _qualified(r, _plus(r, atom))


def _count(r: _Reader, n: _Number) -> _Found:
    """A count ('1,400 customers', '40+ ERPs'), or a bare number that a range or a span gives a
    unit to; not a year, a label, a click count, a version or half of a compound."""
    toks, i, k = r.toks, n.i, n.k
    scaled = n.scale != 1.0
    if not n.word and not scaled and "." not in toks[i].text and "," not in toks[i].text \
            and 1900 <= n.value <= 2100 and r.low(k) != "+":
        return _Verdict.NOT_A_FIGURE  # a year
    if r.label_before(i):
        return _Verdict.NOT_A_FIGURE
    atom = _plus(r, _Atom("bare", n.value, n.value, i, k, word=n.word, scale=n.scale))
    noun = r.low(atom.j)
    if noun in INTERACTION_NOUNS or noun in CONTENT_COUNT_NOUNS:
        return _Verdict.NOT_A_FIGURE
    if "." in toks[i].text and not scaled and (not noun.isalpha() or noun in STOP):
        return _Verdict.NOT_A_FIGURE  # "3.8 or later", "on 3.8.": a version, not a count
    if _compound(r, atom.j):
        return _Verdict.NOT_A_FIGURE  # 4-vet, 2-step: a compound adjective
    return _qualified(r, replace(atom, noun=noun if noun.isalpha() else ""))


def _plus(r: _Reader, atom: _Atom) -> _Atom:
    """'40+', '$1M+': at least the number."""
    if r.low(atom.j) == "+" and r.adjacent(atom.j - 1):
        return replace(atom, j=atom.j + 1, high=math.inf, bound="at_least")
    return atom


_WORD_FORMS: tuple[Callable[[_Reader, int], _Atom | None], ...] = (
    _x_prefix, _multiplier_word, _fraction_word, _one_period)
# Tried in this order; the count comes last because a number that no unit claims is a count, or
# a bare number that a range or a span will give a unit ("from 15 days to 4").
_UNIT_FORMS: tuple[Callable[[_Reader, _Number], _Found], ...] = (
    _percent, _multiplier, _ratio, _time, _money, _count)


def _compound(r: _Reader, j: int) -> bool:
    """Whether the number before token j is the first half of a compound ('three-way', 'two- and
    three-way'), rather than a range ('50-75%') or a unit ('7-minute', 'two-thirds')."""
    if r.low(j) != "-" or not r.adjacent(j - 1):
        return False
    if not r.adjacent(j):
        return True  # a suspended hyphen: "two- and three-way"
    nxt = r.toks[j + 1]
    return not nxt.is_number and nxt.low not in TIME_UNITS and nxt.low not in DENOMINATORS \
        and nxt.low != "fold"


def _ratio_tail(r: _Reader, k: int) -> tuple[float, int] | None:
    """The denominator and end of ' in 20', ' out of 5', ' of every 5' at token k."""
    if r.low(k) == "in":
        rest = k + 1
    elif r.low(k) == "out" and r.low(k + 1) == "of":
        rest = k + 2
    elif r.low(k) == "of" and r.low(k + 1) == "every":
        rest = k + 2
    else:
        return None
    parsed = r.number(rest)
    if parsed is None:
        return None
    value, end, _, _ = parsed
    if r.low(end) in TIME_UNITS or r.low(end) == "%":
        return None
    return value, end


def _multiplier_direction(r: _Reader, j: int) -> Direction:
    """Which way a multiplier moves: down for '3x faster', up for '3x more'."""
    for k in range(j, min(len(r.toks), j + 3)):
        w = r.low(k)
        if w in MULTIPLIER_DOWN:
            return "down"
        if w in ("more", "as", "the", "higher", "greater"):
            if w == "as" and r.low(k + 1) in MULTIPLIER_DOWN:
                return "down"
            return "up"
    return "up"


def _qualified(r: _Reader, atom: _Atom) -> _Atom:
    """The atom widened by the qualifier before it ('over', 'nearly', 'up to')."""
    bound, start = r.qualifier(atom.i)
    if bound == "exact" or atom.bound != "exact":
        return atom
    low, high = atom.low, atom.high
    if bound == "at_least":
        high = math.inf
    elif bound in ("at_most", "up_to"):
        low = 0.0
    else:
        low, high = low * (1 - ABOUT), high * (1 + ABOUT)
    return replace(atom, i=start, bound=bound, low=low, high=high)


def _percent_like(r: _Reader, i: int, j: int, low: float, high: float, unit: str = "fraction",
                  word: bool = False, precision: float = 0.0) -> _Atom:
    """A share at tokens i..j, with its qualifier and the direction it moves."""
    atom = _Atom("percent", low, high, i, j, unit=unit, word=word,
                 precision=WORD_PRECISION if word else precision)
    # "in a tenth of the time", "in half the time": what is left, i.e. a cut of 1 - x.
    k = j + (1 if r.low(j) == "of" else 0)
    if r.low(k) == "the" and r.low(k + 1) in ("time", "effort", "cost", "work", "hours") and \
            r.low(i - 1) == "in":
        return _qualified(r, replace(atom, remaining=True, direction="down", j=k + 2,
                                     low=1 - high, high=1 - low))
    atom = _qualified(r, atom)
    return replace(atom, direction=r.direction(atom.i, j))


def _duration(r: _Reader, i: int, j: int, low: float, high: float, word: bool = False) -> _Atom:
    """A duration at tokens i..j: its qualifier, whether it is a time frame, its direction."""
    atom = _qualified(r, _Atom("duration", low, high, i, j, unit="day", word=word))
    back = i - 1
    while back >= 0 and r.low(back) in ("the", "your", "its", "their", "our", "a", "an"):
        back -= 1
    frame = r.low(back) in FRAME_WORDS
    # "in 30 days", "within a single quarter", "over three years": the word that introduces it.
    lead = r.low(atom.i) if atom.i < i else r.low(back)
    direction: Direction | None = None
    for k in range(max(0, atom.i - 4), atom.i):
        if r.low(k) in ("save", "saves", "saved", "saving", "cut", "cuts", "shave", "shaved",
                        "reclaim", "reclaims", "took", "take", "takes", "trim", "trims"):
            direction = "down"
    if r.low(atom.j) in ("out", "off") or r.low(atom.j) in ("less", "faster", "shorter", "sooner"):
        direction = "down"
    if r.low(atom.j) in ("ago", "later", "earlier"):
        frame = True  # a point in time: "six months ago"
    return replace(atom, frame=frame, direction=direction,
                   preposition=lead if lead in FRAME_PREPOSITIONS else "")


# ---------------------------------------------------------------- ranges and spans

_VAGUE_WORD = re.compile(r"^(seconds|minutes|hours|days|weeks|months|years)$")


def _vague_atoms(r: _Reader, atoms: list[_Atom]) -> list[_Atom]:
    """Plural time units with no number ('minutes, not days'), kept only when they form a span."""
    taken = {k for a in atoms for k in range(a.i, a.j)}
    out = []
    for k, t in enumerate(r.toks):
        if k in taken or not _VAGUE_WORD.match(t.low):
            continue
        prev = r.low(k - 1)
        if prev and (r.toks[k - 1].is_number or prev in SMALL or prev in FRAME_WORDS
                     or prev in ("a", "the", "for", "many", "few", "several", "of")):
            continue
        low, high = VAGUE_UNITS[t.low]
        out.append(_Atom("duration", low, high, k, k + 1, unit="day", bound="vague"))
    return out


def _convert_bare(bare: _Atom, like: _Atom) -> _Atom | None:
    """Give a bare number the unit of its partner ('from 15 days to 4', '50-75%')."""
    if like.kind == "percent" and not like.remaining:
        scale = 1 / 100
    elif like.kind == "duration":
        scale = like.unit_days
    elif like.kind in ("money", "count", "bare"):
        scale = 1.0
    else:
        return None
    return replace(bare, kind=like.kind, unit=like.unit, precision=like.precision,
                   low=bare.low * scale, high=bare.high * scale, unit_days=like.unit_days)


def _same_kind(a: _Atom, b: _Atom) -> tuple[_Atom, _Atom] | None:
    """The two atoms in one kind, a bare number taking its partner's unit; None if unlike."""
    if a.kind == "bare" and b.kind != "bare":
        conv = _convert_bare(a, b)
        return (conv, b) if conv else None
    if b.kind == "bare" and a.kind != "bare":
        conv = _convert_bare(b, a)
        return (a, conv) if conv else None
    if a.kind != b.kind:
        return None
    if a.kind == "money" and a.unit != b.unit:
        return None
    return a, b


def _between(r: _Reader, a: _Atom, b: _Atom) -> list[str]:
    """The words between two atoms."""
    return [r.low(k) for k in range(a.j, b.i)]


def _assemble(r: _Reader, atoms: list[_Atom]) -> list[_Atom]:
    """Merge neighbouring atoms into ranges ('50-75%') and spans ('from 12 days to 4')."""
    atoms = sorted(atoms, key=lambda a: a.i)
    out: list[_Atom] = []
    k = 0
    while k < len(atoms):
        a = atoms[k]
        if k + 1 < len(atoms):
            b = atoms[k + 1]
            merged = _merge(r, a, b)
            if merged is not None:
                out.append(merged)
                k += 2
                continue
        out.append(a)
        k += 1
    return out


def _merge(r: _Reader, a: _Atom, b: _Atom) -> _Atom | None:
    """Two neighbouring atoms as one range or span, or None when they stand apart."""
    gap = _between(r, a, b)
    joined = " ".join(gap)
    from_before = r.low(a.i - 1) == "from" or (r.low(a.i - 2) == "from" and r.low(a.i - 1) in (
        "just", "only", "about", "around", "nearly", "almost"))
    # Ranges: 50-75%, 50 to 75 percent, between half and three quarters.
    is_range = joined in ("-", "to", "or") or (joined == "and" and r.low(a.i - 1) == "between")
    if not from_before and is_range and a.bound == "exact" and b.bound != "vague":
        pair = _same_kind(a, b)
        # "12 to 4 days" is no range; a range runs upwards.
        if pair is not None and (pair[0].low <= pair[1].low or joined != "to"):
            x, y = pair
            if x.scale == 1 and y.scale > 1 and x.high * y.scale <= y.low:
                # "$10-20k": the first end is in thousands too.
                x = replace(x, low=x.low * y.scale, high=x.high * y.scale, scale=y.scale)
            start = a.i - (1 if joined == "and" else 0)
            merged = replace(y, i=start, low=min(x.low, y.low), high=max(x.high, y.high),
                             precision=max(x.precision, y.precision))
            if merged.kind == "percent" and not merged.remaining:
                merged = replace(merged, direction=r.direction(merged.i, merged.j))
            return merged
    # Spans written forwards: from 12 days to 4 days; from 1 in 5 invoices to 1 in 50.
    if from_before and "to" in gap and len(gap) <= 5 and gap[-1] in ("to", "just", "only",
                                                                      "under", "over", "below",
                                                                      "nearly", "around",
                                                                      "about", "less", "than"):
        pair = _same_kind(a, b)
        if pair is not None:
            return _span(r, before=pair[0], after=pair[1], start=a.i - 1, end=b.j)
    # Spans written backwards: 4 days instead of 12; 48 hours, down from nine days.
    backwards = ("instead of", "rather than", ", not", "not", ", down from", "down from",
                 ", up from", "up from", "from", "compared with", "compared to", "vs", "vs .",
                 "versus", ", compared with", ", versus", ", instead of", ", rather than")
    tail = joined
    long_tail = len(gap) <= 10 and (gap[-2:] in (["down", "from"], ["up", "from"]))
    if tail in backwards or long_tail:
        if tail == "from" and "to" not in [r.low(x) for x in range(max(0, a.i - 3), a.i)]:
            return None  # "save 4 hours from ..." is no span
        pair = _same_kind(a, b)
        if pair is not None:
            return _span(r, before=pair[1], after=pair[0], start=a.i, end=b.j)
    return None


def _span(r: _Reader, before: _Atom, after: _Atom, start: int, end: int) -> _Atom | None:
    """A change from one value to another, or None for kinds that do not make a span."""
    if before.kind == "bare" and after.kind == "bare":
        base = "count"
    else:
        base = after.kind if after.kind != "bare" else before.kind
    if base not in ("duration", "percent", "money", "count", "ratio"):
        return None
    if base == "percent" and (before.remaining or after.remaining or after.unit == "point"):
        return None
    bound: Bound = "vague" if "vague" in (before.bound, after.bound) else after.bound
    return _Atom("span", after.low, after.high, start, end, unit=after.unit or before.unit,
                 bound=bound, before=(before.low, before.high), base=base,
                 precision=max(before.precision, after.precision))


# ---------------------------------------------------------------- public API


def extract(text: str) -> list[Figure]:
    """The claim figures of one sentence, in reading order, each with its measure."""
    norm = _normalise(text)
    r = _Reader(norm)
    atoms = _atoms(r)
    atoms = _assemble(r, atoms + _vague_atoms(r, atoms))
    atoms = [a for a in atoms if a.bound != "vague" or a.kind == "span"]
    # A time frame next to another figure ('by 28% in the first six months') is not a figure.
    others = [a for a in atoms if a.kind not in ("duration",)]
    kept: list[_Atom] = []
    for a in atoms:
        if a.kind == "duration" and (a.frame or (others and a.preposition
                                                 and a.direction is None)):
            continue
        if a.kind == "bare":
            if a.low <= 1 and a.bound == "exact" and a.scale == 1 and a.low == int(a.low):
                continue  # "1 platform", "one login": not a figure
            if a.word and a.low < 100 and a.bound == "exact" and r.direction(a.i, a.j) is None:
                # Small numbers in words are narrative ("two former engineers", "six carrier
                # portals"); a result says what it gains or saves ("two extra clerks").
                continue
            a = replace(a, kind="count",
                        unit=lemma(a.noun) if a.noun and a.noun not in STOP else "")
        kept.append(a)
    spans = [(r.toks[a.i].start, r.toks[a.j - 1].end) for a in kept]
    figures = []
    for a, (s, e) in zip(kept, spans):
        others_spans = [sp for sp in spans if sp != (s, e)]
        figures.append(Figure(
            kind=a.kind,  # type: ignore[arg-type]
            low=a.low, high=a.high, start=s, end=e, text=text[s:e],
            measure=_measure(r, a, others_spans),
            unit=a.unit, bound=a.bound, direction=a.direction, before=a.before,
            base=a.base,  # type: ignore[arg-type]
            precision=a.precision,
            status_quo=_status_quo(r, a),
        ))
    return figures



def _status_quo(r: _Reader, atom: _Atom) -> bool:
    """'still', 'currently' before the figure in its sentence, or a sentence opening 'Today,'."""
    for k in range(atom.i - 1, max(-1, atom.i - 1 - DIRECTION_WINDOW), -1):
        if r.toks[k].text in ".!?;":
            return r.low(k + 1) == "today" and r.low(k + 2) == ","
        if r.low(k) in STATUS_QUO:
            return True
    return r.low(0) == "today" and r.low(1) == ","


def _measure(r: _Reader, atom: _Atom, others: Sequence[tuple[int, int]]) -> tuple[str, ...]:
    """Content words within MEASURE_WINDOW tokens of the figure, in the same sentence."""
    words: list[str] = []
    lo = max(0, atom.i - MEASURE_WINDOW)
    hi = min(len(r.toks), atom.j + MEASURE_WINDOW)
    for k in range(atom.i - 1, lo - 1, -1):
        if r.toks[k].text in ".!?;":
            lo = k + 1
            break
    for k in range(atom.j, hi):
        if r.toks[k].text in ".!?;":
            hi = k
            break
    for k in range(lo, hi):
        t = r.toks[k]
        if any(s <= t.start < e for s, e in others):
            continue
        if _is_measure_word(r.toks, k):
            lem = lemma(t.text)
            if lem not in words:
                words.append(lem)
    return tuple(words)
