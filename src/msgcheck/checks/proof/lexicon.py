"""The vocabulary figures are written in: number words, units, currencies, qualifiers, the words
that say which way a figure moves, and the words that never say what it measures.

The reader and the comparison share these lists and `lemma`, so a word means the same on the
claim's side and on the proof point's side of every comparison.
"""

from __future__ import annotations

import math
from typing import Literal

FigureKind = Literal["percent", "multiplier", "duration", "span", "count", "money", "ratio"]
Bound = Literal["exact", "about", "at_least", "at_most", "up_to", "vague"]
Direction = Literal["down", "up"]

SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
SCALE_WORDS = {"hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9,
                "trillion": 1e12}
SCALE_SUFFIX = {"k": 1e3, "m": 1e6, "mn": 1e6, "mm": 1e6, "bn": 1e9, "b": 1e9}
DENOMINATORS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5,
    "fifths": 5, "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7, "eighth": 8,
    "eighths": 8, "ninth": 9, "ninths": 9, "tenth": 10, "tenths": 10, "hundredth": 100,
}
# Days per time unit.
TIME_UNITS = {
    "second": 1 / 86400, "seconds": 1 / 86400, "sec": 1 / 86400, "secs": 1 / 86400,
    "minute": 1 / 1440, "minutes": 1 / 1440, "min": 1 / 1440, "mins": 1 / 1440,
    "hour": 1 / 24, "hours": 1 / 24, "hr": 1 / 24, "hrs": 1 / 24, "h": 1 / 24,
    "day": 1.0, "days": 1.0, "week": 7.0, "weeks": 7.0, "wk": 7.0, "wks": 7.0,
    "month": 30.0, "months": 30.0, "mo": 30.0, "mos": 30.0, "quarter": 91.0, "quarters": 91.0,
    "year": 365.0, "years": 365.0, "yr": 365.0, "yrs": 365.0,
}
# What a plural unit word on its own ("minutes, not days") can mean, in days.
VAGUE_UNITS = {
    "seconds": (1 / 86400, 1 / 1440), "minutes": (1 / 1440, 1 / 24), "hours": (1 / 24, 2.0),
    "days": (1.0, 28.0), "weeks": (7.0, 90.0), "months": (28.0, 730.0),
    "years": (365.0, math.inf),
}
CURRENCY_SYMBOLS = {"$": "USD", "\u20ac": "EUR", "\u00a3": "GBP", "\u00a5": "JPY"}
CURRENCY_CODES = {"usd": "USD", "eur": "EUR", "gbp": "GBP", "cad": "CAD", "aud": "AUD",
                   "chf": "CHF", "jpy": "JPY", "nzd": "NZD", "sgd": "SGD", "inr": "INR"}
CURRENCY_WORDS = {"dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR",
                   "pounds": "GBP"}
MULTIPLIER_WORDS = {"twice": 2, "double": 2, "triple": 3, "quadruple": 4, "quintuple": 5}
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
           "dec", "january", "february", "march", "april", "june", "july", "august",
           "september", "october", "november", "december")

# Qualifiers before a number, longest first: (words, bound).
QUALIFIERS: tuple[tuple[tuple[str, ...], Bound], ...] = (
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

DOWN = {
    "less", "fewer", "lower", "shorter", "faster", "quicker", "sooner", "cheaper", "cut", "cuts",
    "cutting", "reduce", "reduced", "reduces", "reducing", "reduction", "slash", "slashed",
    "slashes", "trim", "trimmed", "trims", "shave", "shaved", "shaves", "shrink", "shrinks",
    "shrank", "shrunk", "drop", "drops", "dropped", "fall", "falls", "fell", "fallen", "down",
    "decrease", "decreased", "decreases", "decline", "declined", "declines", "save", "saves",
    "saved", "saving", "savings", "off", "eliminate", "eliminated", "lowered", "lowers",
    "shorten", "shortened", "shortens", "halve", "halved", "halves", "minus", "compress",
    "compressed", "avoid", "avoided", "reclaim", "reclaimed",
}
UP = {
    "more", "higher", "increase", "increased", "increases", "raise", "raised", "raises",
    "rise", "rises", "rose", "risen", "grow", "grows", "grew", "grown", "growth", "up", "boost",
    "boosted", "boosts", "jump", "jumped", "jumps", "climb", "climbed", "climbs", "gain",
    "gained", "gains", "improve", "improved", "improves", "lift", "lifted", "greater", "better",
    "extra", "additional",
}
# "3x faster" makes a time shorter; "3x more duplicates" makes a count larger.
MULTIPLIER_DOWN = {"faster", "quicker", "sooner", "fast", "quickly", "quick", "fewer", "less",
                    "lower", "shorter", "cheaper", "smaller"}
# What may follow digits with no space: 3x, 180k, 2.5M, 2h, 10pp, 3fold.
GLUED_SUFFIXES = {"x", "k", "m", "mn", "bn", "b", "h", "hr", "hrs", "min", "mins", "s", "d", "pp",
                   "pts", "fold", "percent"}
# Counted nouns that make a number a UI detail, not a result ("approve in 2 clicks").
INTERACTION_NOUNS = {"click", "clicks", "tap", "taps", "keystroke", "keystrokes", "swipe",
                      "swipes"}
# Counted nouns that count the items of the copy itself ("5 ways to close faster").
CONTENT_COUNT_NOUNS = {"ways", "reasons", "tips", "steps", "signs", "questions", "things",
                        "lessons", "mistakes", "myths", "trends", "tools", "ideas", "examples",
                        "takeaways", "best", "secrets", "rules", "habits", "facts", "stats"}
# Hyphenated durations that describe content, not a result ("a 7-minute read").
CONTENT_NOUNS = {"read", "video", "watch", "listen", "trial", "webinar", "demo", "course",
                  "guide", "tour", "talk", "session", "podcast", "episode", "break"}
# Words before a number that make it a label ("version 3", "step 2", "top 10").
LABEL_WORDS = {"version", "release", "v", "step", "page", "slide", "chapter", "section",
                "part", "article", "tier", "level", "type", "phase", "top", "number",
                "#", "gen", "generation", "series", "model", "room", "suite", "floor", "gate",
                "route", "highway", "figure", "fig", "table", "appendix", "item", "rule",
                "clause", "schedule", "form", "iso", "soc", "pci", "nist", "iec", "sp",
                "fortune", "booth", "stand", "hall", "episode", "season", "issue", "volume",
                "day", "week", "month", "quarter", "year"}  # "by month six", "day 30"
# Words before a time unit that make it a frame for another figure ("in the first year").
FRAME_WORDS = {"first", "past", "last", "next", "initial", "per", "opening",
                "following", "prior", "previous", "coming"}
FRAME_PREPOSITIONS = {"in", "within", "over", "during", "after", "across", "throughout"}

STOP = {
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
NOT_MEASURE = STOP | (DOWN - _MEASURE_VERBS) | UP | {
    q[0] for q, _ in QUALIFIERS if len(q) == 1} | set(SMALL) | {
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


# Words before a figure that say it describes how things are today, not a result.
STATUS_QUO = {"still", "currently", "nowadays"}
