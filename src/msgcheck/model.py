"""The core types every stage passes on: frozen dataclasses, created by code, never by people."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import PurePosixPath
from typing import Any, Literal

Scope = Literal[
    "title", "heading", "body", "bullet", "notes", "table", "meta", "button", "link", "quote"
]
"""Where in the markup a block sits (Vale scopes rules the same way)."""

Style = Literal["pain", "feature", "neutral"]
STYLES: tuple[Style, ...] = ("pain", "feature", "neutral")

Status = Literal["aligned", "drift", "off_platform", "unsure", "not_a_claim"]


class Severity(str, Enum):
    """How much a finding matters; ordered so that `--fail-on` can compare."""

    ERROR = "error"
    WARNING = "warning"
    SUGGESTION = "suggestion"

    @property
    def rank(self) -> int:
        """Higher is more severe."""
        return {"error": 3, "warning": 2, "suggestion": 1}[self.value]


AssetKind = Literal["deck", "page", "draft"]
DECK_SUFFIXES = frozenset({".pptx", ".pdf"})
PAGE_SUFFIXES = frozenset({".html", ".htm", ".mdx", ".njk"})


def asset_kind(source: str, reader: str = "") -> AssetKind:
    """What a marketer calls the asset: a `deck` (.pptx, .pdf), a `page` (a crawled URL, or
    .html, .htm, .mdx, .njk) or a `draft` (.md, .txt, .docx, stdin). The one place this is decided;
    `reader` (the Document kind) settles sources without a telling suffix."""
    if source.startswith(("http://", "https://")):
        return "page"
    suffix = PurePosixPath(source.split("?", 1)[0]).suffix.lower()
    if suffix in DECK_SUFFIXES or reader == "pptx":
        return "deck"
    if suffix in PAGE_SUFFIXES or reader == "html":
        return "page"
    return "draft"


def normalise_text(text: str) -> str:
    """NFKC, straight quotes, collapsed whitespace: the form used for cache keys and fingerprints."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    text = text.replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True, slots=True)
class Location:
    """A place in an input that a person can open."""

    source: str
    """File path as given, a URL, or `<stdin>`."""
    line: int | None = None
    """1-based line in text formats; the paragraph number inside a shape in decks."""
    column: int | None = None
    """1-based column in text formats."""
    slide: int | None = None
    """1-based slide number in decks."""
    element: str | None = None
    """Shape name in decks (`Title 1`, `Group 3/TextBox 2`), or `notes`."""
    page: int | None = None
    """1-based page number in PDFs (which have no reliable lines)."""

    def __str__(self) -> str:
        if self.page is not None:
            return f"{self.source}:p{self.page}"
        if self.slide is not None:
            out = f"{self.source}:slide {self.slide}"
            if self.element:
                out += f":{self.element}"
            if self.line is not None:
                out += f" (paragraph {self.line})"
            return out
        out = self.source
        if self.line is not None:
            out += f":{self.line}"
            if self.column is not None:
                out += f":{self.column}"
        elif self.element:
            out += f"#{self.element}"
        return out

    def within(self) -> str:
        """The place inside its document: `slide 4 Title 1 ¶2`, `12:5`, `p3`, or '' for a whole
        asset."""
        if self.page is not None:
            return f"p{self.page}"
        if self.slide is not None:
            out = f"slide {self.slide}"
            if self.element:
                out += f" {self.element}"
            if self.line is not None:
                out += f" \u00b6{self.line}"
            return out
        if self.line is not None:
            return f"{self.line}:{self.column or 1}"
        return self.element or ""

    def sort_key(self) -> tuple[str, int, int, int, str]:
        """Document order: source, slide (or page), line, column, element."""
        return (
            self.source,
            self.slide or self.page or 0,
            self.line or 0,
            self.column or 0,
            self.element or "",
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form, omitting empty fields."""
        out: dict[str, Any] = {"source": self.source}
        for name in ("line", "column", "slide", "element", "page"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


@dataclass(frozen=True, slots=True)
class Anchor:
    """Maps an offset in a block's text back to a line and column of the source."""

    offset: int
    """Offset in the block text where this source line starts."""
    line: int
    """1-based source line."""
    column: int
    """1-based source column of that offset."""


@dataclass(frozen=True, slots=True)
class Block:
    """A run of text from one place of a document (a bullet, a heading, a table cell...)."""

    text: str
    """The visible text, whitespace collapsed."""
    location: Location
    """Where the block starts."""
    scope: Scope
    """What kind of markup held it."""
    anchors: tuple[Anchor, ...] = ()
    """Line/column anchors for text formats, so a sentence inside the block can be located."""
    ignore: frozenset[str] = frozenset()
    """Check-id prefixes suppressed for this block by inline comments (`*` for all)."""

    def locate(self, offset: int) -> Location:
        """The location of the character at `offset` of the block text."""
        if not self.anchors:
            return self.location
        best = self.anchors[0]
        for anchor in self.anchors:
            if anchor.offset <= offset:
                best = anchor
            else:
                break
        loc = self.location
        return Location(
            source=loc.source,
            line=best.line,
            column=best.column + max(0, offset - best.offset),
            slide=loc.slide,
            element=loc.element,
            page=loc.page,
        )


@dataclass(frozen=True, slots=True)
class Document:
    """One input asset after ingestion."""

    source: str
    """File path, URL or `<stdin>`."""
    kind: str
    """Reader that produced it: pptx, markdown, html, text, docx."""
    blocks: tuple[Block, ...]
    """Text blocks in reading order."""
    title: str | None = None
    """The document's title where the format has one."""


@dataclass(frozen=True, slots=True)
class Claim:
    """One sentence, bullet or headline: the unit every check judges."""

    text: str
    """The claim text."""
    location: Location
    """Where it starts."""
    scope: Scope
    """Scope of the block it came from."""
    document: str
    """Source of the document it belongs to."""
    index: int = 0
    """Position of the claim in its document (0-based reading order)."""
    not_a_claim: str | None = None
    """Why segmentation judged this fragment not a claim (cta, navigation, number, legal...)."""
    ignore: frozenset[str] = frozenset()
    """Check-id prefixes suppressed here by inline comments."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem a check found, at one place."""

    check: str
    """Dotted check id, e.g. `alignment.off-platform`."""
    severity: Severity
    """How much it matters."""
    message: str
    """One sentence for the person fixing it."""
    location: Location
    """Where; a check that cannot point at a place emits nothing."""
    claim: str | None = None
    """The claim text the finding is about, when it is about one claim."""
    evidence: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """Numbers behind the judgement (rounded): nearest pillar, score, margin..."""
    suggestion: str | None = None
    """The approved wording to use instead, when there is one."""

    @property
    def fingerprint(self) -> str:
        """Stable across runs: check, source and normalised claim (not line numbers)."""
        subject = normalise_text(self.claim or self.message).lower()
        raw = "\x1f".join((self.check, self.location.source, subject))
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]

    def sort_key(self) -> tuple[Any, ...]:
        """Document order, the order of the machine formats: place, then check id, then message."""
        return (*self.location.sort_key(), self.check, self.message)

    def severity_key(self) -> tuple[Any, ...]:
        """The order people read: most severe first, then place, then check id."""
        return (-self.severity.rank, *self.sort_key())

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form used by every machine format."""
        out: dict[str, Any] = {
            "check": self.check,
            "severity": self.severity.value,
            "message": self.message,
            "location": self.location.to_dict(),
            "display_location": str(self.location),
            "fingerprint": self.fingerprint,
        }
        if self.claim is not None:
            out["claim"] = self.claim
        if self.evidence:
            out["evidence"] = dict(sorted(self.evidence.items()))
        if self.suggestion is not None:
            out["suggestion"] = self.suggestion
        return out


def finding_groups(findings: Sequence[Finding]) -> list[str]:
    """A group id per finding (same order): findings that say the same thing share one.

    A claim text that one check flags in several assets (a boilerplate line on every page) is one
    group across those assets. Otherwise findings of one check in one asset are alike when they
    carry the same message or the same suggestion (transitively). The id is the fingerprint of
    the group's first finding in document order, so it is the same on every run and machine that
    finds the same things.
    """
    def claim_key(f: Finding) -> tuple[str, ...] | None:
        return ("claim", f.check, normalise_text(f.claim).lower()) if f.claim else None

    sources: dict[tuple[str, ...], set[str]] = {}
    for f in findings:
        key = claim_key(f)
        if key is not None:
            sources.setdefault(key, set()).add(f.location.source)
    parent = list(range(len(findings)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[tuple[str, ...], int] = {}
    for i, f in enumerate(findings):
        shared = claim_key(f)
        if shared is not None and len(sources[shared]) > 1:
            keys = [shared]
        else:
            keys = [("message", f.check, f.location.source, f.message)]
            if f.suggestion:
                keys.append(("suggestion", f.check, f.location.source, f.suggestion))
        for key in keys:
            a, b = find(i), find(seen.setdefault(key, i))
            if a != b:
                parent[max(a, b)] = min(a, b)
    first: dict[int, str] = {}
    for i in sorted(range(len(findings)), key=lambda i: findings[i].sort_key()):
        first.setdefault(find(i), findings[i].fingerprint)
    return [first[find(i)] for i in range(len(findings))]


@dataclass(frozen=True, slots=True)
class ClaimResult:
    """The analysis of one claim: style, nearest pillar and status."""

    claim: Claim
    """The claim analysed."""
    status: Status
    """aligned | drift | off_platform | unsure | not_a_claim (unsure: no finding)."""
    style: Style
    """pain | feature | neutral."""
    style_scores: dict[str, float] = field(compare=False, hash=False)
    """Probability per style, rounded."""
    pillar: str | None = None
    """Nearest pillar id, or None when off-platform or not a claim."""
    similarity: float = 0.0
    """Best similarity with the platform (pillar texts and value proposition)."""
    margin: float = 0.0
    """Best pillar score minus the runner-up pillar's."""
    nearest_text: str | None = None
    """The approved platform text closest to the claim."""
    nearest_kind: str | None = None
    """Which field that text came from: key_message, pain, proof_point, feature, value_proposition."""
    value_prop_similarity: float = 0.0
    """Similarity with the closest value-proposition phrasing."""
    suggestion: str | None = None
    """The approved key message to point a writer at, for the nearest pillar."""
    drift_basis: str | None = None
    """Why the claim is `drift` when the similarity bands did not decide it: the self-praising
    words ("superlative: revolutionary"), or "reviewed as drift" (feedback)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form, as `classify` and the JSON report print it."""
        return {
            "text": self.claim.text,
            "location": self.claim.location.to_dict(),
            "scope": self.claim.scope,
            "status": self.status,
            "style": self.style,
            "style_scores": self.style_scores,
            "pillar": self.pillar,
            "similarity": self.similarity,
            "margin": self.margin,
            "nearest_text": self.nearest_text,
            "nearest_kind": self.nearest_kind,
            "value_prop_similarity": self.value_prop_similarity,
            **({"drift_basis": self.drift_basis} if self.drift_basis else {}),
        }


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """Per-asset figures for reports."""

    source: str
    """The asset."""
    kind: str
    """Reader used, or `unreadable`."""
    claims: int
    """Claims judged (not counting fragments that are not claims)."""
    styles: dict[str, int] = field(compare=False, hash=False)
    """Count of claims per style."""
    pillars: dict[str, int] = field(compare=False, hash=False)
    """Count of aligned or drifting claims per nearest pillar."""
    statuses: dict[str, int] = field(compare=False, hash=False)
    """Count of claims per status."""

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form."""
        return {
            "source": self.source,
            "kind": self.kind,
            "asset": asset_kind(self.source, self.kind),
            "claims": self.claims,
            "styles": dict(sorted(self.styles.items())),
            "pillars": dict(sorted(self.pillars.items())),
            "statuses": dict(sorted(self.statuses.items())),
        }


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file found in a scanned folder and not read."""

    path: str
    """The file."""
    reason: str
    """Why: `no reader for .yml`, `no suffix`, or `hidden`."""
    kind: str
    """Its type for counts: the lower-case suffix (`.yml`), or `(no suffix)`."""

    def to_dict(self) -> dict[str, str]:
        """Plain-data form."""
        return {"path": self.path, "reason": self.reason, "type": self.kind}


def skipped_counts(skipped: Iterable[SkippedFile]) -> dict[str, int]:
    """Skipped files per type, most common first, then by name."""
    counts: dict[str, int] = {}
    for item in skipped:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def skipped_summary(skipped: Iterable[SkippedFile]) -> str:
    """`12 files: 8 .yml, 3 .haml, 1 .json`, most common type first."""
    counts = skipped_counts(skipped)
    total = sum(counts.values())
    kinds = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    return f"{total} file{'s' if total != 1 else ''}: {kinds}"


REPORT_VERSION = 1


SECTIONS = ("coverage", "style_mix", "leads", "competing", "shadow_messages", "value_prop",
            "trends")


@dataclass(frozen=True, slots=True)
class CrossAsset:
    """What a scan sees across assets (cross_asset.py), or a crawl's trends: JSON-ready sections,
    built once, before the report, and never changed."""

    sections: tuple[str, ...] = ()
    """The sections this result holds, in output order (names from SECTIONS)."""
    coverage: Any = None
    """Assets x pillars: {pillars, assets: [{source, group, claims, counts, off_platform, drift}],
    note}."""
    style_mix: Any = None
    """Per asset: {source, claims, pain, feature, neutral}."""
    leads: Any = None
    """Which pillars each group of assets leads with: {groups, statement}, or None."""
    competing: Any = None
    """Pillars some assets state as approved while others talk around them."""
    shadow_messages: Any = None
    """Off-platform themes that recur across assets, clustered."""
    value_prop: Any = None
    """Each asset's lead and its similarity with the value proposition."""
    trends: Any = None
    """Past crawl runs, for the crawl's HTML report."""

    @classmethod
    def of(cls, **sections: Any) -> CrossAsset:
        """A result holding exactly these sections (renderers read them forgivingly)."""
        unknown = set(sections) - set(SECTIONS)
        if unknown:
            raise TypeError(f"unknown cross-asset sections: {sorted(unknown)}")
        return cls(tuple(sections), **sections)

    def to_dict(self) -> dict[str, Any]:
        """The `cross_asset` object of the JSON report."""
        return {name: getattr(self, name) for name in self.sections}


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a run found; the one thing renderers and the history store read."""

    findings: tuple[Finding, ...]
    """Sorted findings."""
    documents: tuple[DocumentSummary, ...]
    """One summary per input asset, sorted by source."""
    platform_digest: str
    """Digest of the platform content the run judged against."""
    company: str
    """The platform's company name."""
    tool_version: str
    """msgcheck version."""
    created_at: str
    """ISO-8601 UTC time of the run (injected, so tests can fix it)."""
    claims: tuple[ClaimResult, ...] = ()
    """Per-claim results, for the JSON report and cross-asset views."""
    pillars: tuple[tuple[str, str], ...] = ()
    """(pillar id, pillar name) in platform order."""
    cross_asset: CrossAsset | None = field(default=None, compare=False, hash=False)
    """Cross-asset sections (scan) or trends (crawl), when the run computed them."""
    notes: tuple[str, ...] = ()
    """Things the person running msgcheck should know that are not findings (stale feedback)."""
    held_back: tuple[tuple[str, str, int], ...] = ()
    """(source, severity, count) of findings left out by `limited`, most severe first per source."""
    skipped: tuple[SkippedFile, ...] = ()
    """Files in scanned folders that were not read, sorted by path."""

    def counts(self) -> dict[str, int]:
        """Findings per severity, held-back ones included."""
        out = {s.value: 0 for s in Severity}
        for finding in self.findings:
            out[finding.severity.value] += 1
        for _source, severity, n in self.held_back:
            out[severity] += n
        return out

    def limited(self, per_asset: int) -> Report:
        """The report keeping the `per_asset` most severe findings of each asset (0: all); the
        rest are counted in `held_back`."""
        if per_asset <= 0:
            return self
        by_source: dict[str, list[Finding]] = {}
        for f in sorted(self.findings, key=Finding.severity_key):
            by_source.setdefault(f.location.source, []).append(f)
        kept: list[Finding] = []
        held: dict[tuple[str, str], int] = {}
        for source, found in by_source.items():
            kept.extend(found[:per_asset])
            for f in found[per_asset:]:
                held[(source, f.severity.value)] = held.get((source, f.severity.value), 0) + 1
        rank = {s.value: s.rank for s in Severity}
        order = sorted(held, key=lambda k: (k[0], -rank[k[1]]))
        return dataclasses.replace(
            self, findings=tuple(sorted(kept, key=Finding.sort_key)),
            held_back=self.held_back + tuple((s, sev, held[(s, sev)]) for s, sev in order))

    def to_dict(self) -> dict[str, Any]:
        """The one serialisation every machine format and the history store use."""
        return {
            "version": REPORT_VERSION,
            "tool_version": self.tool_version,
            "created_at": self.created_at,
            "platform": {"company": self.company, "digest": self.platform_digest,
                         "pillars": [{"id": i, "name": n} for i, n in self.pillars]},
            "summary": {
                "documents": len(self.documents),
                "claims": sum(d.claims for d in self.documents),
                "findings": self.counts(),
                "skipped": skipped_counts(self.skipped),
            },
            "documents": [d.to_dict() for d in self.documents],
            "findings": [{**f.to_dict(), "group": g}
                         for f, g in zip(self.findings, finding_groups(self.findings))],
            **({"held_back": [{"source": s, "severity": sev, "count": n}
                              for s, sev, n in self.held_back]} if self.held_back else {}),
            "claims": [c.to_dict() for c in self.claims],
            "skipped": [s.to_dict() for s in self.skipped],
            **({"notes": list(self.notes)} if self.notes else {}),
            **({"cross_asset": self.cross_asset.to_dict()}
               if self.cross_asset and self.cross_asset.sections else {}),
        }
