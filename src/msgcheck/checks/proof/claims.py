"""Which figures are proof claims: a result or a measure of the product's value.

`proof.unsupported` asks for a source only for figures that claim something a buyer would hold
the company to. On real pages most numbers are not that: the length of a demo video, a free
trial's days, an uptime commitment, a price, a plan limit, "100% compatible", a count of steps
or languages. The rules, per kind of figure (`reader.Figure.kind`):

- multipliers ("10x faster"), spans ("from 12 days to 2"), ratios ("1 in 20 invoices") and any
  figure with a direction ("cut by 40%", "saves 15 hours") are results;
- a figure stating the market today (`status_quo`) is a claim that needs a source;
- a percent is a result unless it is a specification or a commitment (uptime, SLA,
  availability, "100% compatible": a percent in front of an adjective);
- money is a result unless it is a price ("$29 per user a month", "$60/year", "plans start at
  $500");
- a duration is a result only when it times an outcome (going live, onboarding, closing the
  books, a delay, downtime, payback), never when it times the copy itself (a 90-second video,
  a walk-through, a 30-day trial);
- a count is a result when it says how many adopt or use the product ("2,500+ members",
  "used by 400 companies") or claims a floor in digits ("over 40 ERPs", "300+ sources"); an
  exact count of things the product has ("20 languages", "three tools") is a specification,
  and a ceiling ("up to 10 users", "at most 5 projects") is a plan limit; a count in the tens
  of thousands or more ("four million users exposed") is a claim whatever it counts.

A figure that is not a proof claim is still compared with the approved figures: "supports 20
languages" against an approved "16 languages" is a mismatch. Only the request for a source is
dropped.
"""

from __future__ import annotations

import re

from msgcheck.checks.proof.lexicon import CONTENT_COUNT_NOUNS, CONTENT_NOUNS, DOWN, STOP, UP
from msgcheck.checks.proof.reader import Figure

# A percent that qualifies a property rather than measuring a result.
SPEC_WORDS = {"uptime", "sla", "slas", "availability", "available", "compatible", "compatibility",
              "guarantee", "guaranteed", "guarantees", "remote", "native", "owned", "hosted",
              "managed", "free", "open", "secure", "private", "renewable", "recyclable", "funded",
              "employee-owned", "satisfaction-guaranteed", "financially-backed", "backed"}
# Words that make money a price or a plan, not a result.
PRICE_WORDS = {"price", "prices", "pricing", "priced", "plan", "plans", "tier", "tiers", "seat",
               "seats", "license", "licence", "licenses", "subscription", "subscriptions",
               "starts", "starting", "costs", "pay", "billed", "billing", "monthly", "annually",
               "month", "mo", "yr", "user", "users", "per"}
# Outcomes a duration can time.
SPEED_WORDS = {"live", "deploy", "deployed", "deploys", "deployment", "implement", "implemented",
               "implementation", "onboard", "onboarded", "onboarding", "setup", "set", "close",
               "closes", "closed", "closing", "launch", "launched", "migrate", "migrated",
               "migration", "ship", "shipped", "deliver", "delivered", "delivery", "finish",
               "finished", "finishes", "payback", "roi", "response", "reply", "replies",
               "turnaround", "resolve", "resolved", "resolution", "delay", "delays", "downtime",
               "outage", "outages", "wait", "waiting", "lead", "cycle", "approve", "approved",
               "approval", "processed", "processing", "recover", "recovery", "value",
               "productive", "ramp", "trained", "training", "rollout", "go-live", "extend",
               "extends", "extended", "payable"}
# Things the copy itself is: a duration timing one is not a result.
COPY_WORDS = CONTENT_NOUNS | {"look", "walk-through", "walkthrough", "speedrun", "overview",
                              "intro", "introduction", "preview", "recording", "clip", "free",
                              "video", "explainer", "presentation", "workshop", "event"}
# Who adopts or uses a product: counts of them are social proof.
ADOPTER_WORDS = {"customer", "customers", "client", "clients", "user", "users", "company",
                 "companies", "business", "businesses", "organization", "organizations",
                 "organisation", "organisations", "team", "teams", "enterprise", "enterprises",
                 "developer", "developers", "professional", "professionals", "member", "members",
                 "contributor", "contributors", "download", "downloads", "install", "installs",
                 "installation", "installations", "star", "stars", "brand", "brands", "people",
                 "engineer", "engineers", "leader", "leaders", "deployment", "deployments",
                 "run", "runs", "transaction", "transactions", "partner", "partners"}
# A count of adopters inside a capacity statement is a limit ("10,000 users per instance").
CAPACITY_WORDS = {"per", "each", "instance", "instances", "server", "servers", "node", "nodes",
                  "cluster", "workspace", "unlimited", "limit", "limits", "maximum", "max",
                  "quota", "up"}
_WORD = re.compile(r"[a-z][a-z'-]*")
_PRICE_UNIT = re.compile(r"\s*(?:/|per\b|each\b)", re.I)
_PRICE_AFTER = re.compile(r"\s*(?:a|an|every)\s+(?:month|year|seat|user)\b", re.I)
_PRICE_BEFORE = re.compile(r"\b(?:at|from|for|starts?\s+at|starting\s+at|only|just)\s*$", re.I)
_BIG_WORDS = re.compile(r"\b(?:a|one)\s+(?:million|billion)\b", re.IGNORECASE)
_NAME = re.compile(r"\b[A-Z][\w&'.-]*[a-z][\w&'.-]*(?:\s+(?:[A-Z][\w&'.-]*|&|of))*")
BIG_COUNT = 10_000  # a count this large is a claim whatever it counts
WINDOW = 40  # characters either side of a figure that say what it belongs to


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _near(text: str, figure: Figure, before: int = WINDOW, after: int = WINDOW) -> set[str]:
    """Whole words touching the window of `before` / `after` characters around the figure."""
    lo, hi = figure.start - before, figure.end + after
    return {m.group(0) for m in _WORD.finditer(text.lower()) if m.end() > lo and m.start() < hi}


def _next_word(text: str, figure: Figure) -> str:
    m = _WORD.search(text.lower(), figure.end)
    return m.group(0) if m and not text[figure.end:m.start()].strip(" -") else ""


def is_proof_claim(figure: Figure, text: str) -> bool:
    """Whether a figure claims a result or a measure of the product's value (see the module)."""
    if figure.direction is not None or figure.kind in ("multiplier", "span", "ratio"):
        return True
    if figure.status_quo:
        return True
    rule = _RULES.get(figure.kind)
    return True if rule is None else rule(figure, text)


def _percent(figure: Figure, text: str) -> bool:
    following = _next_word(text, figure)
    if following == "of":
        return True  # "85% of invoices": a share of something
    if figure.low == figure.high == 1.0 and following and following not in ("accuracy", "accurate"):
        return False  # "100% compatible", "100% remote": emphasis, not a measure
    return not (_near(text, figure, 10, 30) & SPEC_WORDS)


def _money(figure: Figure, text: str) -> bool:
    if _PRICE_UNIT.match(text, figure.end):
        return False  # "$60/year", "$29 per user"
    near = _near(text, figure, 25, 25)
    if near & (UP | DOWN):
        return True  # "$180,000 saved in staffing costs", "penalties drop by $40,000 a year"
    if _PRICE_AFTER.match(text, figure.end) or _PRICE_BEFORE.search(text[:figure.start]):
        return False  # "$500 a month", "at $60", "plans start at $500"
    return not (near & PRICE_WORDS)


def _duration(figure: Figure, text: str) -> bool:
    words = _words(text)
    if _near(text, figure, 30, 30) & COPY_WORDS:
        return False
    return bool(words & SPEED_WORDS)


def _count(figure: Figure, text: str) -> bool:
    if _near(text, figure, 0, 16) & CONTENT_COUNT_NOUNS:
        return False  # "for four key reasons": the copy counting its own points
    if figure.bound in ("up_to", "at_most") and figure.direction is None:
        return False  # "up to 10 users", "at most 5 projects": a limit of a plan
    if _near(text, figure, 25, 12) & (UP | DOWN):
        return True  # "avoid hiring two extra clerks", "reclaim 0.5 FTE"
    near = _near(text, figure, 0, 30)
    if near & CAPACITY_WORDS:
        return False
    if figure.low >= BIG_COUNT:
        return True  # "four million users", "400 million records": a scale that needs a source
    digits = any(c.isdigit() for c in figure.text) or bool(_BIG_WORDS.search(figure.text))
    if digits and figure.bound == "at_least":
        return True
    return digits and bool(set(_counted(text, figure)) & ADOPTER_WORDS) and figure.low >= 10


def _counted(text: str, figure: Figure) -> list[str]:
    """The words of the noun phrase after a count ("1,400+ finance teams across ..." -> finance,
    teams), up to the first function word."""
    out = []
    for m in _WORD.finditer(text.lower(), figure.end):
        if (m.group(0) in STOP and m.group(0) not in ADOPTER_WORDS) or len(out) == 4:
            break
        out.append(m.group(0))
    return out


_RULES = {"percent": _percent, "money": _money, "duration": _duration, "count": _count}


def subjects(text: str, common: set[str]) -> set[str]:
    """Names of who a figure is about: capitalised words that are not the first word of the
    sentence (unless a second capitalised word follows) and not `common` (the company, its
    products, words the platform capitalises everywhere), lower-cased."""
    out = set()
    for m in _NAME.finditer(text):
        words = [w for w in m.group(0).split() if w[:1].isupper()]
        before = text[: m.start()].rstrip(" \"'“‘(")
        at_start = not before or before[-1] in ".!?:;"
        if at_start:
            words = words[1:] if len(words) > 1 else []
        out.update(w.lower().strip(".'") for w in words if w.lower().strip(".'") not in common)
    return out
