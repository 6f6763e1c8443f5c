"""Terminology: words the platform rules on, matched where they stand and, for avoided terms, judged by sense.

`terminology.product-name` flags variants of a canonical product name, matched exactly as written,
because case is often the error ("LedgerLine" for "Ledgerline"). `terminology.competitor` flags
copy that sets the product against a named competitor (a comparison, a comparison table's cell, a
sentence about the competitor), not a competitor listed among integrations. Both are lexical on
purpose: a name is right or wrong to the letter. Each finding points at the column of the match.

`terminology.avoid` flags avoided terms with the platform's reason and replacement, but a word is
not always used in the sense a style guide bans ("the only platform that..." against "only
approvers can..."), so a use is flagged only when all of these hold:

* **Case.** A term is matched on word boundaries, ignoring case, except that the capitals of a
  term written with a capital after its first letter ("AI", "DevOps teams") must be capitals in the
  text; a lone first capital ("Chat") is list style, not a name. `match_case` in the platform
  says otherwise for one term (a one-capital name such as "Heap").
* **Not legal text.** Licence, warranty and terms wording (two or more such words, or one in
  mostly upper-case text) is boilerplate nobody in marketing writes: "... FOR INFORMATIONAL
  PURPOSES ONLY" is not a claim of uniqueness. A sentence in capitals is legal too when its
  paragraph is (a licence split into sentences), and so are the fragments segmentation already
  calls legal.
* **Not quoted.** Words inside quotation marks (straight, curly, single or double, judged on the
  whole paragraph so a quote spanning sentences counts), a quote block, a customer attribution,
  and a claim followed by an attribution are someone else's words, or a mention of the term
  rather than a use of it.
* **In the avoided sense.** A term with `examples` in the platform is flagged when the words
  around the use (senses.py) are nearer an avoided example than any allowed one. A term without
  examples is flagged on every use, except for the two terms with a built-in sense rule (below),
  which apply to exactly those terms and only when they carry no examples.

Built-in sense rules, for superlatives whose other uses are everyday English:

* `only` claims uniqueness after a determiner or possessive ("the only", "our only", "the
  industry's only"), or after a verb "to be" when "that", "which" or "who" follows within four
  words ("Ledgerline is only AP tool that..."); it is a restriction or a quantity otherwise
  ("Only approvers can", "only a few", "only if", "only available", "only open to", "not
  only"). "to" does not make a claim: "only open to", "only applies to" are restrictions.
* `first` claims priority as "first ever", "first and only", "first of its kind", after "the
  world's", "the industry's" or "the market's", or as "the first ... to / that" (up to three words
  between, and not an ordinal such as "the first step to"); it is an ordinal otherwise ("the first
  quarter", "first, connect your ERP").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from msgcheck.checks.base import ALL_SCOPES, Check, CheckOptions, Example, at_offset, make_finding
from msgcheck.model import Block, Claim, ClaimResult, Finding, Severity
from msgcheck.platform import AvoidTerm, term_pattern

if TYPE_CHECKING:
    from msgcheck.analysis import Analysis

__all__ = ["CHECKS", "SENSE_RULES", "in_avoided_sense", "is_legal", "quoted_spans", "term_pattern"]

LEGAL_WORDING = re.compile(
    r"warrant|liabl|liabilit|licen[cs]|\bas[- ]is\b|merchantab|indemn|disclaim|infring|"
    r"copyright|all rights reserved|terms (?:of|and) (?:service|use|conditions)|\bdamages\b|"
    r"informational purposes|fitness for a particular purpose|governing law|\bhereby\b|\bherein\b",
    re.IGNORECASE)
"""Licence, warranty and terms wording."""
LEGAL_CAPS_SHARE = 0.6
"""Share of upper-case letters from which text with one legal word is boilerplate."""
LEGAL_WORDS_MIXED_CASE = 2
"""Distinct legal words that make text in ordinary case boilerplate."""


def mostly_capitals(text: str) -> bool:
    """At least LEGAL_CAPS_SHARE of the letters are capitals."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= LEGAL_CAPS_SHARE * len(letters)


def is_legal(text: str) -> bool:
    """Licence, warranty or terms boilerplate (see the module docstring)."""
    words = {m.group(0).lower() for m in LEGAL_WORDING.finditer(text)}
    return bool(words) and (mostly_capitals(text) or len(words) >= LEGAL_WORDS_MIXED_CASE)


# Opening and closing marks. A curly or angled quote left open runs to the end, a closing mark
# never opened runs from the start (the other half is in a sentence this text does not hold); a
# straight mark left open is more often an inch sign or a typo, and opens nothing.
_PAIRS = {"\u201c": "\u201d", "\u201e": "\u201d", "\u00ab": "\u00bb", "\u2018": "\u2019"}
_CLOSERS = {"\u201d", "\u00bb"}


def _opens_single(text: str, i: int) -> bool:
    """A single quote mark at `i` opens a quote (an apostrophe has a letter before it)."""
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isalnum() and not after.isspace()


def _closes_single(text: str, i: int) -> bool:
    after = text[i + 1] if i + 1 < len(text) else " "
    return not after.isalnum()


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each run of `text` inside quotation marks."""
    spans: list[tuple[int, int]] = []
    opener: str | None = None
    start = 0
    for i, ch in enumerate(text):
        if opener is None:
            if ch in _PAIRS and (ch != "\u2018" or _opens_single(text, i)) or ch == '"' or (
                    ch == "'" and _opens_single(text, i)):
                opener, start = ch, i
            elif ch in _CLOSERS and not spans:
                spans.append((0, i))
        elif ch == _PAIRS.get(opener, opener) and (
                opener not in ("'", "\u2018") or _closes_single(text, i)):
            spans.append((start, i + 1))
            opener = None
    if opener is not None and opener in _PAIRS and opener != "\u2018":
        spans.append((start, len(text)))
    return spans


_DETERMINER_BEFORE = re.compile(
    r"(?:\b(?:the|our|its|their|your)\s+(?:one\s+and\s+|very\s+)?|\w['\u2019]s\s+)$",
    re.IGNORECASE)
_RESTRICTION_AFTER = re.compile(
    r"^\s*(?:a|an|if|when|whenever|once|after|before|until|for|by|in|on|at|to|with|within|from|"
    r"during|where|because|as|available|applies|apply|works|needed|required|used|one|some|those|"
    r"these|partly|partially|just|slightly|\d)\b", re.IGNORECASE)
_TO_BE_BEFORE = re.compile(r"\b(?:is|are|was|were|be|being)\s+$|\w['\u2019](?:s|re)\s+$",
                           re.IGNORECASE)
_RELATIVE_AFTER = re.compile(r"^(?:\s+[\w-]+){1,4}?\s+(?:that|which|who)\b", re.IGNORECASE)


def _only_claims_uniqueness(text: str, start: int, end: int) -> bool:
    """`only` as "the only ...", not as a restriction (module docstring)."""
    before, after = text[:start], text[end:]
    if _DETERMINER_BEFORE.search(before):
        return True
    if _RESTRICTION_AFTER.match(after) or re.search(r"\b(?:not|if)\s+$", before, re.IGNORECASE):
        return False
    return bool(_TO_BE_BEFORE.search(before) and _RELATIVE_AFTER.match(after))


_PRIORITY_BEFORE = re.compile(r"\b(?:world|industry|market|category)['\u2019]s\s+$",
                              re.IGNORECASE)
_PRIORITY_AFTER = re.compile(r"^(?:\s+ever\b|\s+and\s+only\b|\s+of\s+its\s+kind\b)",
                             re.IGNORECASE)
_ORDINAL_NOUNS = re.compile(
    r"^\s+(?:time|step|steps|day|days|week|weeks|month|months|quarter|year|years|stage|phase|"
    r"half|round|page|line|run|place)\b", re.IGNORECASE)


def _first_claims_priority(text: str, start: int, end: int) -> bool:
    """`first` as "the first ... to", not as an ordinal (module docstring)."""
    before, after = text[:start], text[end:]
    if _PRIORITY_BEFORE.search(before) or _PRIORITY_AFTER.match(after):
        return True
    return bool(re.search(r"\bthe\s+$", before, re.IGNORECASE)
                and not _ORDINAL_NOUNS.match(after)
                and re.match(r"^(?:\s+[\w-]+){0,3}?\s+(?:to|that)\b", after, re.IGNORECASE))


SenseRule = Callable[[str, int, int], bool]
SENSE_RULES: dict[str, SenseRule] = {
    "only": _only_claims_uniqueness,
    "first": _first_claims_priority,
}
"""Built-in sense rules by term (lower case): whether the use at text[start:end] is the avoided
sense. Each applies to exactly its term, and only when the platform gives the term no examples."""


def _read(analysis: Analysis, check: Check) -> Iterator[ClaimResult]:
    """Every result in the check's scopes, fragments that are not claims included: a name is
    right or wrong wherever it stands, a navigation label too."""
    return (r for r in analysis.results if r.claim.scope in check.scopes)


class _Surroundings:
    """Where each claim stands: its paragraph (for quotes and legal text) and what follows it.
    Looked up only for claims that use an avoided term."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self._next: dict[tuple[str, int], ClaimResult] | None = None
        self._paragraphs: dict[tuple[str, int], tuple[str, int]] = {}

    def paragraph(self, claim: Claim) -> tuple[str, int]:
        """The text of the block holding the claim, and the claim's offset in it (the claim
        itself, at 0, when no block holds it)."""
        key = (claim.document, claim.index)
        if key not in self._paragraphs:
            self._paragraphs[key] = self._find_paragraph(claim)
        return self._paragraphs[key]

    def _find_paragraph(self, claim: Claim) -> tuple[str, int]:
        loc = claim.location
        found: Block | None = None
        for doc in self.analysis.documents:
            if doc.source != claim.document:
                continue
            for block in doc.blocks:
                b = block.location
                if (block.scope == claim.scope and b.slide == loc.slide
                        and b.element == loc.element and (b.line or 0) <= (loc.line or 0)
                        and claim.text in block.text):
                    found = block
        if found is None:
            return claim.text, 0
        return found.text, found.text.find(claim.text)

    def attributed(self, claim: Claim) -> bool:
        """The next fragment of the document attributes a quote ("Maria Lopez, CFO, ...")."""
        if self._next is None:
            self._next = {(r.claim.document, r.claim.index - 1): r for r in self.analysis.results}
        following = self._next.get((claim.document, claim.index))
        return following is not None and following.claim.not_a_claim == "attribution"


def _not_judged(claim: Claim, context: _Surroundings) -> str | None:
    """Why none of the claim's words are judged: legal text or someone else's words."""
    if claim.not_a_claim in ("legal", "attribution") or claim.scope == "quote":
        return "quoted" if claim.scope == "quote" else claim.not_a_claim
    if is_legal(claim.text) or mostly_capitals(claim.text) and is_legal(
            context.paragraph(claim)[0]):
        return "legal"
    if context.attributed(claim):
        return "quoted"
    return None


def in_avoided_sense(analysis: Analysis, claim: Claim, t_index: int, start: int,
                     end: int) -> tuple[bool, dict[str, object]]:
    """Whether the use of avoided term `t_index` at claim.text[start:end] is in the avoided
    sense, and the evidence: the examples' margin, or the built-in rule that decided."""
    term = analysis.platform.avoid[t_index]
    examples = analysis.index.term_examples
    taught = examples[t_index] if t_index < len(examples) else None
    if term.has_examples and taught is not None:
        vector = analysis.term_uses.get((claim.document, claim.index, t_index, start))
        if vector is None:
            return True, {}
        margin = taught.margin(vector)
        return margin > 0, {"sense": "examples", "margin": round(margin, 3)}
    rule = SENSE_RULES.get(term.term.strip().lower())
    if rule is not None:
        return rule(claim.text, start, end), {"sense": f"built-in rule for '{term.term}'"}
    return True, {}


def _uses(claim: Claim, terms: tuple[AvoidTerm, ...], context: _Surroundings
          ) -> Iterator[tuple[int, re.Match[str]]]:
    """Each use of an avoided term in the claim outside quotation marks: (term index, match)."""
    spans: list[tuple[int, int]] | None = None
    offset = 0
    for t_index, term in enumerate(terms):
        for m in term.matches(claim.text):
            if spans is None:
                paragraph, offset = context.paragraph(claim)
                spans = quoted_spans(paragraph)
            at = offset + m.start()
            if not any(a <= at < b for a, b in spans):
                yield t_index, m


def avoid(analysis: Analysis, options: CheckOptions) -> Iterator[Finding]:
    """Avoided terms used in the avoided sense: matched on word boundaries (capitals count where
    the term has them after its first letter), never in legal boilerplate or inside quotation
    marks, testimonials and quote blocks; a term with examples in the platform only where the use
    is nearer its avoided examples than its allowed ones, and "only" and "first" only as claims of
    uniqueness or priority."""
    terms = analysis.platform.avoid
    context = _Surroundings(analysis)
    for r in _read(analysis, AVOID):
        claim = r.claim
        if not any(True for term in terms for _ in term.matches(claim.text)):
            continue
        if _not_judged(claim, context):
            continue
        for t_index, m in _uses(claim, terms, context):
            flagged, sense = in_avoided_sense(analysis, claim, t_index, m.start(), m.end())
            if not flagged:
                continue
            term = terms[t_index]
            reason = f": {term.reason}" if term.reason else ""
            yield make_finding(
                AVOID, options, f"avoid '{m.group(0)}'{reason}",
                at_offset(claim.location, m.start()),
                claim=claim.text, evidence={"term": term.term, **sense},
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
        Example("Ledgerline is the only AP platform your auditors will ever need.", True),
        Example("We guarantee a clean audit every year.", True),
        Example("Pre-built connectors for NetSuite and Sage Intacct.", False),
        Example("Seamlessness is not a word we use.", False),
        Example("Only approvers can release a payment run.", False),
        Example("THE SERVICE IS PROVIDED AS IS, WITHOUT WARRANTY THAT ANY CONNECTION TO YOUR ERP "
                "WILL BE SEAMLESS.", False),
        Example("\u201cMoving our approvals to Ledgerline was seamless,\u201d says the controller "
                "of Harbor Outfitters.", False),
        Example("Track each supplier's bank guarantee with its expiry date.", False),
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
