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

`compatible(claim, approved)` says whether a claim's figure agrees with an approved one: the same
value (within rounding), a value inside an approved range, a looser bound that the approved figure
satisfies ("over 1,000" for 1,400), or an equivalent form: "from 12 days to 4 days", "3x faster"
and "67% less time" are one change factor; "took 8 days out" is the same span's difference;
"27 percentage points" is the difference of "from 71% to 98%"; "from 29% to 2% late" is the
complement of that span.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

FigureKind = Literal["percent", "multiplier", "duration", "span", "count", "money", "ratio"]
Bound = Literal["exact", "about", "at_least", "at_most", "up_to", "vague"]
Direction = Literal["down", "up"]

# Relative tolerance when comparing two values other than shares: rounding ("$180k" vs
# "$180,000", "3x" vs "67% less") must not count as a different figure. Shares compare within
# half a unit of the last digit written instead (`Figure.precision`).
REL_TOL = 0.03
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


# ---------------------------------------------------------------- words

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALE_WORDS = {"hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9,
                "trillion": 1e12}
_SCALE_SUFFIX = {"k": 1e3, "m": 1e6, "mn": 1e6, "mm": 1e6, "bn": 1e9, "b": 1e9}
_DENOMINATORS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5,
    "fifths": 5, "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7, "eighth": 8,
    "eighths": 8, "ninth": 9, "ninths": 9, "tenth": 10, "tenths": 10, "hundredth": 100,
}
# Days per time unit.
_TIME_UNITS = {
    "second": 1 / 86400, "seconds": 1 / 86400, "sec": 1 / 86400, "secs": 1 / 86400,
    "minute": 1 / 1440, "minutes": 1 / 1440, "min": 1 / 1440, "mins": 1 / 1440,
    "hour": 1 / 24, "hours": 1 / 24, "hr": 1 / 24, "hrs": 1 / 24, "h": 1 / 24,
    "day": 1.0, "days": 1.0, "week": 7.0, "weeks": 7.0, "wk": 7.0, "wks": 7.0,
    "month": 30.0, "months": 30.0, "mo": 30.0, "mos": 30.0, "quarter": 91.0, "quarters": 91.0,
    "year": 365.0, "years": 365.0, "yr": 365.0, "yrs": 365.0,
}
# What a plural unit word on its own ("minutes, not days") can mean, in days.
_VAGUE_UNITS = {
    "seconds": (1 / 86400, 1 / 1440), "minutes": (1 / 1440, 1 / 24), "hours": (1 / 24, 2.0),
    "days": (1.0, 28.0), "weeks": (7.0, 90.0), "months": (28.0, 730.0),
    "years": (365.0, math.inf),
}
_CURRENCY_SYMBOLS = {"$": "USD", "\u20ac": "EUR", "\u00a3": "GBP", "\u00a5": "JPY"}
_CURRENCY_CODES = {"usd": "USD", "eur": "EUR", "gbp": "GBP", "cad": "CAD", "aud": "AUD",
                   "chf": "CHF", "jpy": "JPY", "nzd": "NZD", "sgd": "SGD", "inr": "INR"}
_CURRENCY_WORDS = {"dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR",
                   "pounds": "GBP"}
_MULTIPLIER_WORDS = {"twice": 2, "double": 2, "triple": 3, "quadruple": 4, "quintuple": 5}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
           "dec", "january", "february", "march", "april", "june", "july", "august",
           "september", "october", "november", "december")

# Qualifiers before a number, longest first: (words, bound).
_QUALIFIERS: tuple[tuple[tuple[str, ...], Bound], ...] = (
    (("no", "more", "than"), "at_most"), (("in", "excess", "of"), "at_least"),
    (("as", "little", "as"), "up_to"), (("as", "few", "as"), "up_to"),
    (("more", "than"), "at_least"), (("greater", "than"), "at_least"),
    (("at", "least"), "at_least"), (("upwards", "of"), "at_least"),
    (("north", "of"), "at_least"), (("just", "over"), "at_least"),
    (("less", "than"), "at_most"), (("fewer", "than"), "at_most"), (("up", "to"), "up_to"),
    (("at", "most"), "at_most"), (("just", "under"), "at_most"),
    (("close", "to"), "about"), (("an", "estimated"), "about"),
    (("over",), "at_least"), (("above",), "at_least"), (("beyond",), "at_least"),
    (("under",), "at_most"), (("below",), "at_most"), (("within",), "at_most"),
    (("<",), "at_most"), ((">",), "at_least"),
    (("nearly",), "about"), (("almost",), "about"), (("around",), "about"),
    (("about",), "about"), (("approximately",), "about"), (("approx",), "about"),
    (("roughly",), "about"), (("some",), "about"), (("circa",), "about"), (("~",), "about"),
)

_DOWN = {
    "less", "fewer", "lower", "shorter", "faster", "quicker", "sooner", "cheaper", "cut", "cuts",
    "cutting", "reduce", "reduced", "reduces", "reducing", "reduction", "slash", "slashed",
    "slashes", "trim", "trimmed", "trims", "shave", "shaved", "shaves", "shrink", "shrinks",
    "shrank", "shrunk", "drop", "drops", "dropped", "fall", "falls", "fell", "fallen", "down",
    "decrease", "decreased", "decreases", "decline", "declined", "declines", "save", "saves",
    "saved", "saving", "savings", "off", "eliminate", "eliminated", "lowered", "lowers",
    "shorten", "shortened", "shortens", "halve", "halved", "halves", "minus", "compress",
    "compressed", "avoid", "avoided", "reclaim", "reclaimed",
}
_UP = {
    "more", "higher", "increase", "increased", "increases", "raise", "raised", "raises",
    "rise", "rises", "rose", "risen", "grow", "grows", "grew", "grown", "growth", "up", "boost",
    "boosted", "boosts", "jump", "jumped", "jumps", "climb", "climbed", "climbs", "gain",
    "gained", "gains", "improve", "improved", "improves", "lift", "lifted", "greater", "better",
    "extra", "additional",
}
# "3x faster" makes a time shorter; "3x more duplicates" makes a count larger.
_MULTIPLIER_DOWN = {"faster", "quicker", "sooner", "fast", "quickly", "quick", "fewer", "less",
                    "lower", "shorter", "cheaper", "smaller"}
# What may follow digits with no space: 3x, 180k, 2.5M, 2h, 10pp, 3fold.
_GLUED_SUFFIXES = {"x", "k", "m", "mn", "bn", "b", "h", "hr", "hrs", "min", "mins", "s", "d", "pp",
                   "pts", "fold", "percent"}
# Counted nouns that make a number a UI detail, not a result ("approve in 2 clicks").
_INTERACTION_NOUNS = {"click", "clicks", "tap", "taps", "keystroke", "keystrokes", "swipe",
                      "swipes"}
# Counted nouns that count the items of the copy itself ("5 ways to close faster").
_CONTENT_COUNT_NOUNS = {"ways", "reasons", "tips", "steps", "signs", "questions", "things",
                        "lessons", "mistakes", "myths", "trends", "tools", "ideas", "examples",
                        "takeaways", "best", "secrets", "rules", "habits", "facts", "stats"}
# Hyphenated durations that describe content, not a result ("a 7-minute read").
_CONTENT_NOUNS = {"read", "video", "watch", "listen", "trial", "webinar", "demo", "course",
                  "guide", "tour", "talk", "session", "podcast", "episode", "break"}
# Words before a number that make it a label ("version 3", "step 2", "top 10").
_LABEL_WORDS = {"version", "release", "v", "step", "page", "slide", "chapter", "section",
                "part", "article", "tier", "level", "type", "phase", "top", "number",
                "#", "gen", "generation", "series", "model", "room", "suite", "floor", "gate",
                "route", "highway", "figure", "fig", "table", "appendix", "item", "rule",
                "clause", "schedule", "form", "iso", "soc", "pci", "nist", "iec", "sp",
                "fortune", "booth", "stand", "hall", "episode", "season", "issue", "volume",
                "day", "week", "month", "quarter", "year"}  # "by month six", "day 30"
# Words before a time unit that make it a frame for another figure ("in the first year").
_FRAME_WORDS = {"first", "past", "last", "next", "initial", "per", "opening",
                "following", "prior", "previous", "coming"}
_FRAME_PREPOSITIONS = {"in", "within", "over", "during", "after", "across", "throughout"}

_STOP = {
    "a", "an", "the", "of", "for", "and", "or", "to", "in", "on", "with", "your", "our", "their",
    "its", "his", "her", "my", "is", "are", "was", "were", "be", "been", "being", "it", "that",
    "this", "these", "those", "by", "at", "from", "as", "than", "then", "now", "just", "only",
    "every", "each", "per", "all", "any", "some", "most", "more", "less", "fewer", "very", "so",
    "not", "no", "into", "onto", "out", "up", "down", "off", "over", "under", "about", "around",
    "nearly", "almost", "after", "before", "since", "until", "while", "when", "where", "which",
    "who", "whom", "what", "how", "why", "there", "here", "they", "them", "we", "us", "you",
    "he", "she", "i", "me", "do", "does", "did", "done", "have", "has", "had", "can", "could",
    "will", "would", "should", "may", "might", "must", "shall", "get", "gets", "got", "make",
    "makes", "made", "take", "takes", "took", "taken", "see", "sees", "saw", "seen", "let",
    "lets", "help", "helps", "also", "even", "still", "typically", "average",
    "instead", "rather", "compared", "versus", "vs", "between", "first", "second", "third",
    "single", "alone", "today", "year", "years", "month", "months", "week", "weeks", "day",
    "days", "hour", "hours", "minute", "minutes", "second", "seconds", "quarter", "quarters",
    "annually", "monthly", "weekly", "daily", "yearly", "percent", "cent", "percentage", "point",
    "points", "times", "twice", "double", "triple", "quadruple", "half", "thirds",
    "third", "quarters", "fifths", "tenth", "tenths", "same", "new", "own", "like", "once",
    "again", "against", "through", "via", "without", "within", "across", "among", "both",
    "such", "other", "another", "many", "much", "few", "well", "way", "ways", "thing", "things",
    "one", "ones", "if", "but", "yet", "because", "whether", "lot", "lots", "used",
    "during", "least", "excess", "upwards", "estimated", "typical", "expect",
    # Who gets a result is not what it measures ("customers cut X by 40%").
    "customer", "customers", "client", "clients", "user", "users", "team", "teams", "company",
    "companies", "business", "businesses", "organisation", "organisations", "organization",
    "organizations",
}
# Verbs that set a direction but also say what is measured ("recovered $180k", "saves 15 hours").
_MEASURE_VERBS = {"save", "saves", "saved", "saving", "savings", "recover", "reclaim", "reclaimed",
                  "avoid", "avoided", "free", "eliminate", "eliminated"}
# Direction and qualifier words say how a figure moves, not what it measures.
_NOT_MEASURE = _STOP | (_DOWN - _MEASURE_VERBS) | _UP | {
    q[0] for q, _ in _QUALIFIERS if len(q) == 1} | set(_SMALL) | {
    "fast", "quick", "quickly", "slower", "slow", "usd", "eur", "gbp", "k", "m", "bn", "x",
    "fold", "dozen", "hundred", "thousand", "million", "billion",
}
_IRREGULAR = {
    "paid": "pay", "spent": "spend", "ran": "run", "fell": "fall", "rose": "rise",
    "took": "take", "made": "make", "kept": "keep", "caught": "catch", "sent": "send",
    "bought": "buy", "sold": "sell", "found": "find", "lost": "lose", "won": "win",
    "grew": "grow", "knew": "know", "held": "hold", "brought": "bring", "thought": "think",
    "met": "meet", "led": "lead", "left": "leave", "went": "go", "gone": "go", "written": "write",
    "wrote": "write", "better": "good", "best": "good", "children": "child", "people": "person",
    "analyses": "analysis",
}


_INFLECTIONS = (
    ("ings", "", 4), ("ing", "", 3), ("ies", "y", 3), ("ied", "y", 3), ("sses", "ss", 2),
    ("ches", "ch", 2), ("shes", "sh", 2), ("xes", "x", 2), ("ed", "", 3), ("es", "e", 3),
    ("s", "", 3),
)
_DERIVATIONS = (
    ("ation", "", 4), ("ment", "", 3), ("ingly", "", 4), ("er", "", 4), ("or", "", 4),
    ("ly", "", 4),
)


def lemma(word: str) -> str:
    """A cheap lemma (suffix stripping plus a few irregular forms), good enough to match measures.

    It maps "processing", "processed" and "process" together, and "payments" and "paid" to "pay";
    it is not a dictionary lemmatiser, only consistent on both sides of a comparison.
    """
    w = word.lower().replace("\u2019", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.strip("'")
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) <= 3:
        return w
    # Inflection first ("reviewers" -> "reviewer"), then derivation ("reviewer" -> "review").
    for suffixes in _INFLECTIONS, _DERIVATIONS:
        for suffix, repl, keep in suffixes:
            if w.endswith(suffix) and len(w) - len(suffix) >= keep and not (
                    suffix == "s" and w.endswith(("ss", "us", "is"))):
                w = w[: len(w) - len(suffix)] + repl
                break
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in "aeiouls":
        w = w[:-1]
    return w


def content_lemmas(text: str) -> list[str]:
    """The lemmas of the content words of a text (no stop words, numbers or direction words)."""
    toks = _tokens(_normalise(text))
    return [lemma(t.text) for k, t in enumerate(toks) if _is_measure_word(toks, k)]


def _is_measure_word(toks: Sequence[_Tok], k: int) -> bool:
    lower = toks[k].low
    if len(lower) < 3 or not lower.isalpha() or lower in _DENOMINATORS:
        return False
    if lower in _TIME_UNITS:
        # "month-end close" names a measure; "4 days", "a year", "first quarter" do not.
        return k + 2 < len(toks) and toks[k + 1].text == "-" and _adjacent(toks[k], toks[k + 1])
    return lower not in _NOT_MEASURE


# ---------------------------------------------------------------- tokens


@dataclass(frozen=True, slots=True)
class _Tok:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def is_number(self) -> bool:
        return self.text[0].isdigit()


_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:'[^\W\d_]+)?|[^\w\s]")
# Same-length replacements, so offsets into the normalised text are offsets into the original.
_SAME_LENGTH = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2011": "-",
                              "\u00d7": "x", "\u2019": "'", "\u2018": "'", "\u00a0": " ",
                              "\u202f": " ", "\u2009": " "})


def _normalise(text: str) -> str:
    return text.translate(_SAME_LENGTH)


def _tokens(text: str) -> list[_Tok]:
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
    re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:%s)\w*\.?(?:,?\s+\d{4})?" % "|".join(_MONTHS),
               re.IGNORECASE),  # 12 March 2025
    re.compile(r"\b(?:%s)\w*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s+\d{4})?" % "|".join(_MONTHS),
               re.IGNORECASE),  # March 12, 2025
    re.compile(r"\b(?:%s)\w*\.?\s+\d{4}\b" % "|".join(_MONTHS), re.IGNORECASE),  # March 2025
]


def _excluded_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for pattern in _NON_FIGURES:
        for m in pattern.finditer(text):
            # A span of durations ("12-14 days") is not a phone number: digit groups only.
            if pattern is _NON_FIGURES[0] and sum(c.isdigit() for c in m.group(0)) < 7:
                continue
            spans.append((m.start(), m.end()))
    return spans


# ---------------------------------------------------------------- atoms


@dataclass
class _Atom:
    """A number with whatever unit it carries, before ranges and spans are assembled."""

    kind: str  # percent, multiplier, duration, count, money, ratio, bare, vague
    low: float
    high: float
    i: int  # first token
    j: int  # one past last token
    unit: str = ""
    bound: Bound = "exact"
    direction: Direction | None = None
    scale: float = 1.0  # k, M, million written after the digits: never a year or a label
    word: bool = False  # written in words
    remaining: bool = False  # "a tenth of the time"
    frame: bool = False  # a time frame for another figure
    before: tuple[float, float] | None = None
    base: str | None = None
    noun: str = ""
    precision: float = 0.0
    unit_days: float = 1.0  # the time unit written, so "down from 12" can borrow it
    preposition: str = ""  # "in", "within", "over" before a duration: maybe a time frame


def _parse_digits(tok: str) -> float | None:
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
    return a.end == b.start


class _Reader:
    """Reads atoms from the tokens of one sentence."""

    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        excluded = _excluded_spans(text)
        self.blocked = [any(s <= t.start < e for s, e in excluded) for t in self.toks]

    def low(self, i: int) -> str:
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
            if j < len(toks) and _adjacent(t, toks[j]) and toks[j].low in _SCALE_SUFFIX:
                if not (j + 1 < len(toks) and _adjacent(toks[j], toks[j + 1])
                        and toks[j + 1].text[0].isalnum()):
                    scale *= _SCALE_SUFFIX[toks[j].low]
                    j += 1
            while j < len(toks) and toks[j].low in _SCALE_WORDS:
                scale *= _SCALE_WORDS[toks[j].low]
                j += 1
            return value * scale, j, False, scale
        return self.word_number(i)

    def word_number(self, i: int) -> tuple[float, int, bool, float] | None:
        """'fourteen hundred', 'twenty-five', 'two million', 'a dozen': (value, next, True, 1)."""
        total, current, j = 0.0, 0.0, i
        seen = last_small = False
        if self.low(i) in ("a", "an") and (self.low(i + 1) in _SCALE_WORDS
                                          or self.low(i + 1) == "dozen"):
            current, j, seen = 1.0, i + 1, True
        while j < len(self.toks) and not self.blocked[j]:
            w = self.low(j)
            if w == "-" and last_small and self.adjacent(j - 1) and self.adjacent(j):
                j += 1  # twenty-five
                continue
            if w in _SMALL:
                # "twenty five" continues a number; "two three" does not.
                if last_small and not (current >= 20 and current % 10 == 0 and _SMALL[w] < 10):
                    break
                current += _SMALL[w]
                seen = last_small = True
            elif w == "dozen" and seen:
                current *= 12
                last_small = False
            elif w == "hundred" and seen:
                current *= 100
                last_small = False
            elif w in _SCALE_WORDS and seen:
                total += current * _SCALE_WORDS[w]
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
        if w in ("a", "an", "one") or (w in _SMALL and 1 <= _SMALL[w] <= 9):
            numerator = 1 if w in ("a", "an") else _SMALL[w]
            j = i + 1
            if j < len(toks) and toks[j].text == "-" and self.adjacent(i) and self.adjacent(j):
                j += 1
            d = self.low(j)
            if d in _DENOMINATORS and d != "half" and d != "halves":
                plural = d.endswith("s") or d == "halves"
                if numerator > 1 and not plural:
                    return None
                if d.startswith("quarter") and self._quarter_is_period(i, j):
                    return None
                return numerator / _DENOMINATORS[d], j + 1
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
        for words, bound in _QUALIFIERS:
            n = len(words)
            if k - n >= 0 and tuple(self.low(x) for x in range(k - n, k)) == words:
                return bound, k - n
        return "exact", i

    def currency_before(self, i: int) -> tuple[str, int] | None:
        if i > 0 and self.toks[i - 1].text in _CURRENCY_SYMBOLS and self.adjacent(i - 1):
            code = _CURRENCY_SYMBOLS[self.toks[i - 1].text]
            if i > 1 and self.low(i - 2) == "us" and self.adjacent(i - 2):
                return "USD", i - 2
            return code, i - 1
        if i > 0 and self.low(i - 1) in _CURRENCY_CODES and self.toks[i - 1].text.isupper():
            return _CURRENCY_CODES[self.low(i - 1)], i - 1
        return None

    def label_before(self, i: int) -> bool:
        """A number right after a capitalised name or label word is an identifier ('SOC 2')."""
        if i == 0:
            return False
        prev = self.toks[i - 1]
        if prev.low in _LABEL_WORDS:
            return True
        if not prev.text[:1].isupper() or not prev.text.isalpha():
            return False
        lower = prev.low
        if lower in _CURRENCY_CODES or lower in _MONTHS or any(
                lower in q for q, _ in _QUALIFIERS) or lower in ("in", "since"):
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
            if w in _DOWN and (near or w not in ("off", "down")):
                best = (k, "down")
            elif w in _UP and (near or w not in ("more", "up", "extra", "additional", "better")):
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
    if w in _TIME_UNITS and not (w == "h" and not r.adjacent(k - 1)):
        return w, _TIME_UNITS[w], k + 1, hyphen
    return None


def _atoms(r: _Reader) -> list[_Atom]:
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
    toks = r.toks
    if r.blocked[i]:
        return None
    w = r.low(i)
    # x10
    if w == "x" and i + 1 < len(toks) and toks[i + 1].is_number and r.adjacent(i) and (
            i == 0 or not r.adjacent(i - 1)):
        value = _parse_digits(toks[i + 1].text)
        if value is not None and value > 1:
            return _Atom("multiplier", value, value, i, i + 2, unit="times",
                         direction=_multiplier_direction(r, i + 2))
    # twice, double, triple, tenfold
    mult = _multiplier_word(r, i)
    if mult is not None:
        return mult
    # half a day
    frac = r.fraction(i)
    if frac is not None:
        value, j = frac
        if r.low(j) in ("a", "an") and r.low(j + 1) in _TIME_UNITS:
            days = value * _TIME_UNITS[r.low(j + 1)]
            return _Atom("duration", days, days, i, j + 2, unit="day", word=True)
        return _percent_like(r, i, j, value, value, word=True)
    # a single day, one day
    if w in ("single", "one") and r.low(i + 1) in _TIME_UNITS and r.low(i + 1) not in (
            "h", "min", "sec", "mo"):
        start = i - 1 if w == "single" and r.low(i - 1) in ("a",) else i
        if w == "single" and start == i:
            return None
        days = _TIME_UNITS[r.low(i + 1)]
        return _duration(r, start, i + 2, days, days, word=True)
    parsed = r.number(i)
    if parsed is None:
        return None
    value, j, word, scale = parsed
    scaled = scale != 1.0
    if word and _compound(r, j):
        return None  # three-way, four-vet, "two- and three-way": a compound adjective
    if word and value == 1 and r.low(j) not in ("in", "out", "of"):
        return None  # "one login"
    # Ordinals, units glued to letters: 1st, 3rd, Q3, v2 (x10 and 3x are handled).
    if not word:
        if i > 0 and r.adjacent(i - 1) and toks[i - 1].text[0].isalpha() and not (
                toks[i - 1].low in ("x",)):
            return None
        if j < len(toks) and r.adjacent(j - 1) and toks[j].text[0].isalpha() and \
                toks[j].low not in _GLUED_SUFFIXES and toks[j].low not in _TIME_UNITS:
            return None
    currency = r.currency_before(i)
    # Percent
    k = j
    if r.low(k) == "%" or r.low(k) in ("percent", "pct") or (
            r.low(k) == "per" and r.low(k + 1) == "cent"):
        k += 2 if r.low(k) == "per" else 1
        unit = "fraction"
        if r.low(k) in ("points", "point", "pts", "pp") or (
                r.low(k) == "percentage" and r.low(k + 1) in ("points", "point")):
            k += 1 if r.low(k) != "percentage" else 2
            unit = "point"
        return _percent_like(r, i, k, value / 100, value / 100, unit=unit, word=word,
                             precision=_half_unit(toks[i].text) / 100)
    if r.low(k) == "percentage" and r.low(k + 1) in ("points", "point"):
        return _percent_like(r, i, k + 2, value / 100, value / 100, unit="point", word=word,
                             precision=_half_unit(toks[i].text) / 100)
    if r.low(k) in ("points", "pts", "pp") and (not word or r.direction(i, k + 1)):
        return _percent_like(r, i, k + 1, value / 100, value / 100, unit="point", word=word,
                             precision=_half_unit(toks[i].text) / 100)
    # Multiplier: 3x, 3 times, 3-fold
    if r.low(k) == "x" and r.adjacent(k - 1) and value > 1 and not (
            k + 1 < len(toks) and r.adjacent(k) and toks[k + 1].text[0].isalnum()):
        return _Atom("multiplier", value, value, i, k + 1, unit="times",
                     direction=_multiplier_direction(r, k + 1))
    if r.low(k) == "times" and value > 1:
        if r.low(k + 1) in ("a", "an", "per", "every", "each", "daily", "weekly", "monthly"):
            return None  # a frequency: "three times a day"
        return _Atom("multiplier", value, value, i, k + 1, unit="times", word=word,
                     direction=_multiplier_direction(r, k + 1))
    if r.low(k) == "-" and r.low(k + 1) == "fold" or r.low(k) == "fold":
        end = k + 2 if r.low(k) == "-" else k + 1
        return _Atom("multiplier", value, value, i, end, unit="times",
                     direction=_multiplier_direction(r, end))
    # Ratio: 1 in 20, four out of five, 4.8 out of 5, 1 of every 5
    ratio = _ratio_tail(r, k)
    if ratio is not None and currency is None:
        denominator, end = ratio
        if denominator > 0 and value <= denominator:
            # "Nine in ten" is rounded to tenths: it agrees with 92%.
            return _qualified(r, _Atom("ratio", value / denominator, value / denominator, i, end,
                                       unit="fraction", word=word,
                                       precision=max(WORD_PRECISION, 0.5 / denominator)))
    # Duration
    unit = _unit_after(r, k)
    if unit is not None and currency is None:
        name, days, end, hyphen = unit
        if hyphen and r.low(end) in _CONTENT_NOUNS:
            return None
        if hyphen and r.low(end) == "free" and r.low(end + 1) in _CONTENT_NOUNS:
            return None
        atom = _duration(r, i, end, value * days, value * days, word=word)
        atom.unit_days = days
        return atom
    # Money
    if currency is None and r.low(k) in _CURRENCY_WORDS:
        currency = (_CURRENCY_WORDS[r.low(k)], i)
        k += 1
    if currency is None and r.low(k) in _CURRENCY_CODES and toks[k].text.isupper():
        currency = (_CURRENCY_CODES[r.low(k)], i)
        k += 1
    if currency is not None:
        code, start = currency
        atom = _Atom("money", value, value, start, k, unit=code, scale=scale, word=word)
        if r.low(k) == "+" and r.adjacent(k - 1):
            atom.j, atom.high, atom.bound = k + 1, math.inf, "at_least"
        return _qualified(r, atom)
    # Count (or a bare number that a range or span gives a unit to)
    if not word and not scaled and "." not in toks[i].text and "," not in toks[i].text \
            and 1900 <= value <= 2100 and r.low(k) != "+":
        return None  # a year
    if r.label_before(i):
        return None
    atom = _Atom("bare", value, value, i, k, word=word, scale=scale)
    if r.low(k) == "+" and r.adjacent(k - 1):
        atom.j, atom.high, atom.bound = k + 1, math.inf, "at_least"
        k += 1
    noun = r.low(k)
    if noun in _INTERACTION_NOUNS or noun in _CONTENT_COUNT_NOUNS:
        return None
    if "." in toks[i].text and not scaled and (not noun.isalpha() or noun in _STOP):
        return None  # "3.8 or later", "on 3.8.": a version, not a count
    if _compound(r, k):
        return None  # 4-vet, 2-step: a compound adjective
    atom.noun = noun if noun.isalpha() else ""
    return _qualified(r, atom)


def _compound(r: _Reader, j: int) -> bool:
    """Whether the number before token j is the first half of a compound ('three-way', 'two- and
    three-way'), rather than a range ('50-75%') or a unit ('7-minute', 'two-thirds')."""
    if r.low(j) != "-" or not r.adjacent(j - 1):
        return False
    if not r.adjacent(j):
        return True  # a suspended hyphen: "two- and three-way"
    nxt = r.toks[j + 1]
    return not nxt.is_number and nxt.low not in _TIME_UNITS and nxt.low not in _DENOMINATORS \
        and nxt.low != "fold"


def _ratio_tail(r: _Reader, k: int) -> tuple[float, int] | None:
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
    if r.low(end) in _TIME_UNITS or r.low(end) == "%":
        return None
    return value, end


def _multiplier_word(r: _Reader, i: int) -> _Atom | None:
    w = r.low(i)
    base = None
    for word, value in _MULTIPLIER_WORDS.items():
        if w == word or (word != "twice" and w in (word + "d", word + "s", word[:-1] + "ing")):
            base = (word, value)
            break
    if base is None:
        m = re.fullmatch(r"([a-z]+)fold", w)
        if m and m.group(1) in _SMALL and _SMALL[m.group(1)] > 1:
            return _Atom("multiplier", _SMALL[m.group(1)], _SMALL[m.group(1)], i, i + 1,
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
    elif w == word and nxt.isalpha() and nxt not in _STOP:
        return None  # "double payments", "triple check": an adjective
    return _Atom("multiplier", value, value, i, i + 1, unit="times", word=True,
                 direction=_multiplier_direction(r, i + 1))


def _multiplier_direction(r: _Reader, j: int) -> Direction:
    for k in range(j, min(len(r.toks), j + 3)):
        w = r.low(k)
        if w in _MULTIPLIER_DOWN:
            return "down"
        if w in ("more", "as", "the", "higher", "greater"):
            if w == "as" and r.low(k + 1) in _MULTIPLIER_DOWN:
                return "down"
            return "up"
    return "up"


def _qualified(r: _Reader, atom: _Atom) -> _Atom:
    bound, start = r.qualifier(atom.i)
    if bound == "exact" or atom.bound != "exact":
        return atom
    atom.i = start
    atom.bound = bound
    if bound == "at_least":
        atom.high = math.inf
    elif bound in ("at_most", "up_to"):
        atom.low = 0.0
    else:
        atom.low, atom.high = atom.low * (1 - ABOUT), atom.high * (1 + ABOUT)
    return atom


def _percent_like(r: _Reader, i: int, j: int, low: float, high: float, unit: str = "fraction",
                  word: bool = False, precision: float = 0.0) -> _Atom:
    atom = _Atom("percent", low, high, i, j, unit=unit, word=word,
                 precision=WORD_PRECISION if word else precision)
    # "in a tenth of the time", "in half the time": what is left, i.e. a cut of 1 - x.
    k = j + (1 if r.low(j) == "of" else 0)
    if r.low(k) == "the" and r.low(k + 1) in ("time", "effort", "cost", "work", "hours") and \
            r.low(i - 1) == "in":
        atom.remaining = True
        atom.direction = "down"
        atom.j = k + 2
        atom.low, atom.high = 1 - high, 1 - low
        return _qualified(r, atom)
    atom = _qualified(r, atom)
    atom.direction = r.direction(atom.i, j)
    return atom


def _duration(r: _Reader, i: int, j: int, low: float, high: float, word: bool = False) -> _Atom:
    atom = _qualified(r, _Atom("duration", low, high, i, j, unit="day", word=word))
    back = i - 1
    while back >= 0 and r.low(back) in ("the", "your", "its", "their", "our", "a", "an"):
        back -= 1
    if r.low(back) in _FRAME_WORDS:
        atom.frame = True
    # "in 30 days", "within a single quarter", "over three years": the word that introduces it.
    lead = r.low(atom.i) if atom.i < i else r.low(back)
    atom.preposition = lead if lead in _FRAME_PREPOSITIONS else ""
    for k in range(max(0, atom.i - 4), atom.i):
        if r.low(k) in ("save", "saves", "saved", "saving", "cut", "cuts", "shave", "shaved",
                        "reclaim", "reclaims", "took", "take", "takes", "trim", "trims"):
            atom.direction = "down"
    if r.low(atom.j) in ("out", "off") or r.low(atom.j) in ("less", "faster", "shorter", "sooner"):
        atom.direction = "down"
    if r.low(atom.j) in ("ago", "later", "earlier"):
        atom.frame = True  # a point in time: "six months ago"
    return atom


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
        if prev and (r.toks[k - 1].is_number or prev in _SMALL or prev in _FRAME_WORDS
                     or prev in ("a", "the", "for", "many", "few", "several", "of")):
            continue
        low, high = _VAGUE_UNITS[t.low]
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
                merged.direction = r.direction(merged.i, merged.j)
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
            a.kind = "count"
            a.unit = lemma(a.noun) if a.noun and a.noun not in _STOP else ""
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


_STATUS_QUO = {"still", "currently", "nowadays"}


def _status_quo(r: _Reader, atom: _Atom) -> bool:
    """'still', 'currently' before the figure in its sentence, or a sentence opening 'Today,'."""
    for k in range(atom.i - 1, max(-1, atom.i - 1 - DIRECTION_WINDOW), -1):
        if r.toks[k].text in ".!?;":
            return r.low(k + 1) == "today" and r.low(k + 2) == ","
        if r.low(k) in _STATUS_QUO:
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


# ---------------------------------------------------------------- comparison


@dataclass(frozen=True, slots=True)
class _Span:
    low: float
    high: float
    bound: Bound


def _tol(value: float, abs_tol: float | None) -> float:
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
    return _Span(f.low, f.high, f.bound)


def _before(f: Figure) -> _Span | None:
    if f.before is None:
        return None
    low, high = f.before
    return _Span(low, high, "vague" if f.bound == "vague" and low != high else "exact")


def _dimension(f: Figure) -> str:
    kind = f.base if f.kind == "span" and f.base else f.kind
    if kind in ("percent", "ratio"):
        return "point" if f.unit == "point" else "fraction"
    return str(kind)


def _flip(bound: Bound) -> Bound:
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
    vague = claim.bound == "vague" or approved.bound == "vague"

    def soft(span: _Span | None) -> _Span | None:
        return _Span(span.low, span.high, "vague") if span is not None and vague else span

    after_c, after_a = soft(_value(claim)), soft(_value(approved))
    before_c, before_a = soft(_before(claim)), soft(_before(approved))
    assert after_c is not None and after_a is not None

    def ok(ac: _Span, bc: _Span | None) -> bool:
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
    return max(weights.values(), default=1.0)


def _match(a: str, b: str) -> bool:
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
