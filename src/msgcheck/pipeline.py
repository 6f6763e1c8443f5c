"""The only place the stages are wired: ingest -> segment -> analyze -> checks -> report.

`Engine` holds what is expensive to build (the spaCy pipeline, the embedding model with its cache,
the style model, the embedded and calibrated platform) so that a long-lived process (tests, a
daemon, a crawl) builds them once. Every function here is otherwise pure: inputs in, Report out.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from msgcheck.analysis import Analysis, PlatformIndex, analyze, cached_index
from msgcheck.checks import UNREADABLE, CheckOptions, run_checks
from msgcheck.embed import Embedder, engine_embedder
from msgcheck.errors import Code, InputError
from msgcheck.feedback import Feedback, stale, teach
from msgcheck.feedback import load_for_platform as load_feedback
from msgcheck.ingest import discover, read_bytes, read_path, reader_for
from msgcheck.ingest import text as text_reader
from msgcheck.model import (
    Block,
    ClaimResult,
    CrossAsset,
    Document,
    DocumentSummary,
    Finding,
    Location,
    Report,
    Severity,
    SkippedFile,
)
from msgcheck.platform import MessagePlatform
from msgcheck.segment import load_nlp, segment
from msgcheck.style.model import StyleModel, load_style_model
from msgcheck.version import __version__

Progress = Callable[[str, int, int], None]
"""Told `(stage, done, total)` as a run goes: stage `read` counts files, `analyse` claims. It
never prints: the command line decides how to show it."""
PROGRESS_STEP = 256
"""Claims analysed between two progress calls (one embedding batch or more)."""


@dataclass(frozen=True)
class Settings:
    """Everything a run needs besides its inputs and platform."""

    options: CheckOptions = field(default_factory=CheckOptions)
    """Check selection, severities and thresholds."""
    style_model: str | None = None
    """Path of a team-trained style model; None for the bundled one."""
    cache_dir: Path | None = None
    """Folder of the embedding cache; None disables it."""
    created_at: str | None = None
    """Fixed report time (tests, golden files); None means now."""
    cross_asset: bool = False
    """Add the cross-asset sections (coverage, leads, shadow messages) to the report."""
    options_for: Callable[[str], CheckOptions] | None = None
    """Per-input options (config overrides by path glob); None: `options` everywhere."""
    backend: str | None = None
    """Embedding backend, a name in `msgcheck.embed.BACKENDS`; None for the default (onnx)."""
    feedback: bool = True
    """Honour `feedback.yaml` beside the platform (reviewed findings; see feedback.py)."""
    strict: bool = False
    """A file in a scanned folder that has no reader is an `io.unreadable` error, not a note."""


@dataclass
class Engine:
    """Loaded models and the platform index, reused across runs in one process."""

    platform: MessagePlatform
    settings: Settings = field(default_factory=Settings)
    embedder: Embedder | None = None
    nlp: Any = None
    style_model: StyleModel | None = None
    reviews: Feedback | None = None
    _index: PlatformIndex | None = None

    def __post_init__(self) -> None:
        if self.reviews is None:
            self.reviews = reviews_for(self.platform, self.settings)
        self.platform = teach(self.platform, self.reviews)
        if self.embedder is None:
            self.embedder = engine_embedder(self.settings.cache_dir, self.settings.backend)
            _preload(self.embedder)
        if self.style_model is None:
            self.style_model = load_style_model(self.settings.style_model)

    def get_nlp(self) -> Any:
        """The spaCy pipeline (loaded on first use)."""
        if self.nlp is None:
            self.nlp = load_nlp()
        return self.nlp

    @property
    def index(self) -> PlatformIndex:
        """The embedded, calibrated platform (built on first use)."""
        if self._index is None:
            assert self.embedder is not None
            assert self.reviews is not None
            self._index = cached_index(self.platform, self.embedder, self.reviews.drift_claims)
        return self._index

    def analyze(self, documents: Sequence[Document], errors: Sequence[InputError] = (),
                progress: Progress | None = None) -> Analysis:
        """Segment and analyse documents; with `progress`, in steps of whole documents of about
        PROGRESS_STEP claims, reporting each (each claim is analysed on its own, so the result is
        the same)."""
        assert self.embedder is not None and self.style_model is not None
        nlp = self.get_nlp()
        claims = segment(documents, nlp)
        if progress is None:
            return analyze(documents, claims, self.index, self.embedder, self.style_model, nlp,
                           errors)
        parts: list[Analysis] = []
        for step_docs, step_claims in _steps(documents, claims):
            parts.append(analyze(step_docs, step_claims, self.index, self.embedder,
                                 self.style_model, nlp))
            progress("analyse", sum(len(p.results) for p in parts), len(claims))
        # Merged, so the avoided terms' context vectors (term_uses) are kept as in one step.
        return merge_analyses(parts, self.index, errors)

    def report(self, analysis: Analysis) -> Report:
        """Run the checks, drop what reviewers accepted, and build the report."""
        return self.finish(analysis, self.check(analysis))

    def finish(self, analysis: Analysis, findings: Sequence[Finding]) -> Report:
        """The report of checked findings: see `finish`."""
        assert self.reviews is not None
        return finish(analysis, findings, self.settings, self.reviews)

    def check(self, analysis: Analysis) -> list[Finding]:
        """Checks with the options each document's path calls for."""
        resolver = self.settings.options_for
        if resolver is None:
            return run_checks(analysis, self.settings.options)
        groups: dict[int, tuple[CheckOptions, set[str]]] = {}
        for doc in analysis.documents:
            options = resolver(doc.source)
            groups.setdefault(id(options), (options, set()))[1].add(doc.source)
        findings: list[Finding] = []
        for options, sources in groups.values():
            findings.extend(run_checks(subset(analysis, sources), options))
        return findings

    def run(self, paths: Sequence[str | Path], stdin: tuple[str, bytes] | None = None,
            progress: Progress | None = None) -> Report:
        """Read the inputs (folders recursed), analyse and check them; the report lists the files
        found and not read (errors too, when strict)."""
        documents, errors, skipped = read_inputs(paths, stdin, progress)
        if self.settings.strict:
            errors.extend(strict_errors(skipped))
        report = self.report(self.analyze(documents, errors, progress))
        return dataclasses.replace(report, skipped=tuple(skipped))

    def classify(self, lines: Sequence[str], source: str = "<stdin>") -> list[tuple[ClaimResult, list[Finding]]]:
        """One claim per line, as `msgcheck classify` prints them (input order kept)."""
        blocks = tuple(
            Block(line.strip(), Location(source, n, 1), "body")
            for n, line in enumerate(lines, start=1) if line.strip()
        )
        doc = Document(source, "lines", blocks)
        assert self.embedder is not None and self.style_model is not None
        from msgcheck.model import Claim
        from msgcheck.segment import fragment_kind

        claims = [
            Claim(b.text, b.location, b.scope, source, i, fragment_kind(b.text, b.scope))
            for i, b in enumerate(blocks)
        ]
        nlp = self.get_nlp()
        analysis = analyze([doc], claims, self.index, self.embedder, self.style_model, nlp)
        options = self.settings.options
        per_claim = CheckOptions(
            select=options.select,
            ignore=(*options.ignore, "framing.asset-ratio", "alignment.value-prop"),
            severity=options.severity,
            feature_run=10**9,
        )
        findings = run_checks(analysis, per_claim)
        by_line: dict[int | None, list[Finding]] = {}
        for f in findings:
            by_line.setdefault(f.location.line, []).append(f)
        return [(r, by_line.get(r.claim.location.line, [])) for r in analysis.results]


def _preload(embedder: Embedder) -> None:
    """Load the embedding model on a second thread while spaCy loads on this one (a cold
    `check` has two cores and both loads are mostly native code)."""
    import threading

    load = getattr(getattr(embedder, "inner", None), "preload", None)
    if callable(load):
        # Not a daemon: interpreter shutdown must wait for it rather than tear down a native
        # session load half way (a quick run can finish before the load does).
        threading.Thread(target=load, name="msgcheck-model-preload", daemon=False).start()


def subset(analysis: Analysis, sources: set[str]) -> Analysis:
    """The analysis restricted to some documents (vectors kept aligned with results)."""
    if len(sources) == len(analysis.documents):
        return analysis
    keep = [i for i, r in enumerate(analysis.results) if r.claim.document in sources]
    return dataclasses.replace(
        analysis,
        documents=tuple(d for d in analysis.documents if d.source in sources),
        results=tuple(analysis.results[i] for i in keep),
        vectors=analysis.vectors[keep],
        errors=(),
    )


def _steps(documents: Sequence[Document], claims: Sequence[Any]
           ) -> list[tuple[list[Document], list[Any]]]:
    """Documents and their claims cut, between documents, into steps of about PROGRESS_STEP
    claims (claims come in document order)."""
    by_doc: dict[str, list[Any]] = {}
    for c in claims:
        by_doc.setdefault(c.document, []).append(c)
    steps: list[tuple[list[Document], list[Any]]] = []
    for doc in documents:
        if not steps or len(steps[-1][1]) >= PROGRESS_STEP:
            steps.append(([], []))
        steps[-1][0].append(doc)
        steps[-1][1].extend(by_doc.pop(doc.source, []))
    if by_doc and steps:
        steps[-1][1].extend(c for rest in by_doc.values() for c in rest)
    return steps


Ref = str | tuple[str, bytes] | Document
"""One input to read: a file path, a name (its suffix picks the reader) and the bytes, or a
Document already read (a crawled page), used as it is."""


def input_refs(paths: Sequence[str | Path], stdin: tuple[str, bytes] | None = None
               ) -> tuple[list[Ref], list[InputError], list[SkippedFile]]:
    """The inputs to read, in reading order (the files found, then stdin), the paths that do not
    exist, and the files in folders that have no reader."""
    files, errors, skipped = discover(paths)
    refs: list[Ref] = [str(path) for path in files]
    if stdin is not None:
        refs.append(stdin)
    return refs, errors, skipped


def read_ref(ref: Ref, root: Path | None = None) -> Document:
    """Read one input; InputError when it cannot be read. A relative path is read from `root`
    when given (another process's working folder) and still named as given."""
    if isinstance(ref, str):
        return read_path(root / ref if root is not None else Path(ref), ref)
    if isinstance(ref, Document):
        return ref
    name, data = ref
    return read_bytes(data, name, reader_for(name) or text_reader.read)


def read_refs(refs: Sequence[Ref], progress: Progress | None = None, root: Path | None = None
              ) -> tuple[list[Document], list[InputError]]:
    """Read inputs in order; an unreadable one becomes an error and the others are still read."""
    documents: list[Document] = []
    errors: list[InputError] = []
    for done, ref in enumerate(refs, start=1):
        try:
            documents.append(read_ref(ref, root))
        except InputError as exc:
            errors.append(exc)
        if progress is not None:
            progress("read", done, len(refs))
    return documents, errors


def read_inputs(paths: Sequence[str | Path], stdin: tuple[str, bytes] | None = None,
                progress: Progress | None = None
                ) -> tuple[list[Document], list[InputError], list[SkippedFile]]:
    """Read every input; an unreadable one becomes an error and the others are still read.
    Files in folders that have no reader come back as skipped."""
    refs, errors, skipped = input_refs(paths, stdin)
    documents, unread = read_refs(refs, progress)
    return documents, errors + unread, skipped


def strict_errors(skipped: Sequence[SkippedFile]) -> list[InputError]:
    """Under `strict`, each file found in a folder and not read is an error."""
    return [InputError(f"not read: {s.reason} (strict)", path=s.path, code=Code.INPUT_SKIPPED)
            for s in skipped]


def reviews_for(platform: MessagePlatform, settings: Settings) -> Feedback:
    """The reviewed findings a run honours (none when `settings.feedback` is off)."""
    return load_feedback(platform) if settings.feedback else Feedback("")


def merge_analyses(parts: Sequence[Analysis], index: PlatformIndex,
                   errors: Sequence[InputError] | None = None) -> Analysis:
    """One analysis of several, in the order given: what analysing all their documents at once
    gives (each claim is analysed on its own). `errors`, when given, replaces the parts'."""
    import numpy as np

    dim = index.vectors.shape[1]
    vectors = [p.vectors.reshape(-1, dim) for p in parts]
    return Analysis(
        index.platform, index,
        documents=tuple(d for p in parts for d in p.documents),
        results=tuple(r for p in parts for r in p.results),
        vectors=np.vstack(vectors) if vectors else np.zeros((0, dim), dtype=np.float32),
        errors=tuple(errors) if errors is not None else tuple(e for p in parts for e in p.errors),
        term_uses={k: v for p in parts for k, v in p.term_uses.items()},
    )


def finish(analysis: Analysis, findings: Sequence[Finding], settings: Settings,
           reviews: Feedback) -> Report:
    """Drop what reviewers accepted (noting verdicts gone stale), add one finding per unreadable
    input, sort, add the cross-asset sections when asked, and build the report. Needs no model:
    a client that had the checks run elsewhere finishes here."""
    kept, notes = _reviewed(analysis, list(findings), reviews)
    kept.extend(unreadable_findings(analysis.errors, settings.options))
    kept.sort(key=Finding.sort_key)
    across = None
    if settings.cross_asset:
        from msgcheck.cross_asset import cross_asset

        across = cross_asset(analysis)
    return build_report(analysis, kept, settings, notes, across)


def _reviewed(analysis: Analysis, findings: list[Finding], reviews: Feedback
              ) -> tuple[list[Finding], tuple[str, ...]]:
    """The findings reviewers did not accept, and notes on verdicts gone stale."""
    if not reviews.verdicts:
        return findings, ()
    gone = stale(reviews, (d.source for d in analysis.documents), findings,
                 (r.claim.text for r in analysis.results))
    kept = [f for f in findings if f.fingerprint not in reviews.suppressed]
    return kept, tuple(f"{reviews.path}: verdicts[{v.entry - 1}] ({v.verdict} {v.check} on "
                       f"{v.source}) matches nothing in this run any more; ignored" for v in gone)


def unreadable_findings(errors: Sequence[InputError], options: CheckOptions) -> list[Finding]:
    """One `io.unreadable` finding per input that could not be read."""
    severity = options.severity.get(UNREADABLE, Severity.ERROR)
    return [
        Finding(UNREADABLE, severity, f"[{e.code}] {e.message}", Location(e.path or "<input>"),
                evidence={"code": str(e.code), "reason": e.message})
        for e in errors
    ]


def build_report(analysis: Analysis, findings: Sequence[Finding], settings: Settings,
                 notes: tuple[str, ...] = (), cross_asset: CrossAsset | None = None) -> Report:
    """Summaries per document plus the sorted findings."""
    summaries: list[DocumentSummary] = []
    by_doc: dict[str, list[ClaimResult]] = {}
    for r in analysis.results:
        by_doc.setdefault(r.claim.document, []).append(r)
    for doc in analysis.documents:
        results = [r for r in by_doc.get(doc.source, []) if r.status != "not_a_claim"]
        summaries.append(DocumentSummary(
            source=doc.source,
            kind=doc.kind,
            claims=len(results),
            styles=dict(Counter(r.style for r in results)),
            pillars=dict(Counter(r.pillar for r in results if r.pillar)),
            statuses=dict(Counter(r.status for r in by_doc.get(doc.source, []))),
        ))
    for err in analysis.errors:
        summaries.append(DocumentSummary(err.path or "<input>", "unreadable", 0, {}, {}, {}))
    created = settings.created_at or _dt.datetime.now(_dt.timezone.utc).replace(
        microsecond=0).isoformat().replace("+00:00", "Z")
    return Report(
        findings=tuple(findings),
        documents=tuple(sorted(summaries, key=lambda d: d.source)),
        platform_digest=analysis.platform.digest,
        company=analysis.platform.company,
        tool_version=__version__,
        created_at=created,
        claims=analysis.results,
        pillars=tuple((p.id, p.name) for p in analysis.platform.pillars),
        notes=notes,
        cross_asset=cross_asset,
    )
