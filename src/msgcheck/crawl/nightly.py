"""The nightly run: crawl, analyse only the pages whose content changed, record the run.

`check_site` compares page digests with the history store and sends only the pages whose
content changed to the analysis; unchanged pages keep their stored findings, and a night on
which nothing changed never loads the models. `run_nightly` is the run as `msgcheck crawl`
starts it: it opens the store, and builds the engine only when a page needs it.

Nothing here imports Scrapy, SQLAlchemy or the models at module level.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgcheck.crawl.runner import (
    SPOOL_PREFIX,
    CrawlConfig,
    CrawlError,
    CrawlResult,
    FetchFailure,
    ProgressFn,
    SkippedUrl,
    crawl,
)
from msgcheck.errors import InputError
from msgcheck.history import History, PageRecord, PageState, RunDiff
from msgcheck.model import Finding, Severity
from msgcheck.version import __version__

if TYPE_CHECKING:
    from msgcheck.checks.base import CheckOptions
    from msgcheck.model import Document, Report
    from msgcheck.pipeline import Engine, Settings
    from msgcheck.platform import MessagePlatform


@dataclass(frozen=True, slots=True)
class PageResult:
    """One page of a crawl report."""

    url: str
    """Normalised URL."""
    title: str | None
    """The page title."""
    status: int
    """HTTP status."""
    cached: bool
    """The body came from the HTTP cache (a 304 revalidation)."""
    analysed: bool
    """True when the page was analysed this run; False when its stored results were reused."""
    claims: int
    """Claims judged on the page."""
    findings: tuple[Finding, ...]
    """The page's findings, sorted."""
    new: tuple[str, ...] = ()
    """Fingerprints of findings first seen this run."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        new = set(self.new)
        return {
            "url": self.url, "title": self.title, "status": self.status, "cached": self.cached,
            "analysed": self.analysed, "claims": self.claims,
            "findings": [dict(f.to_dict(), new=f.fingerprint in new) for f in self.findings],
        }


@dataclass(frozen=True, slots=True)
class CrawlReport:
    """The result of one nightly run: what was fetched, what changed since the last run."""

    run_id: int
    """Run id in the history store."""
    started_at: str
    """ISO-8601 UTC."""
    finished_at: str
    """ISO-8601 UTC."""
    start_urls: tuple[str, ...]
    """Where the crawl started."""
    company: str
    """The platform's company."""
    platform_digest: str
    """Digest of the platform judged against."""
    pages: tuple[PageResult, ...]
    """HTML pages fetched, sorted by URL."""
    failures: tuple[FetchFailure, ...]
    """URLs that could not be fetched, sorted."""
    skipped: tuple[SkippedUrl, ...]
    """URLs not fetched or not parsed on purpose, sorted."""
    new: tuple[Finding, ...]
    """Findings first seen this run, sorted."""
    resolved: tuple[Finding, ...]
    """Findings open after the previous run and gone now, sorted."""
    summary: dict[str, Any]
    """Per-pillar coverage, style mix, finding counts (as stored with the run)."""
    stats: dict[str, Any]
    """Timings and counters: pages analysed and reused, 304s, seconds per phase."""
    truncated: bool = False
    """`--max-pages` stopped the crawl before it ran out of links."""
    tool_version: str = __version__
    """msgcheck version."""

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding on the pages fetched this run, sorted."""
        return tuple(sorted((f for p in self.pages for f in p.findings), key=Finding.sort_key))

    def to_dict(self) -> dict[str, Any]:
        """The JSON crawl report (see docs/crawl.md)."""
        return {
            "version": 1,
            "kind": "crawl",
            "tool_version": self.tool_version,
            "run": {"id": self.run_id, "started_at": self.started_at,
                    "finished_at": self.finished_at, "start_urls": list(self.start_urls),
                    "truncated": self.truncated},
            "platform": {"company": self.company, "digest": self.platform_digest},
            "summary": self.summary,
            "stats": self.stats,
            "new": [f.to_dict() for f in self.new],
            "resolved": [f.to_dict() for f in self.resolved],
            "failures": [asdict(f) for f in self.failures],
            "skipped": [asdict(s) for s in self.skipped],
            "pages": [p.to_dict() for p in self.pages],
        }


@dataclass(frozen=True, slots=True)
class AnalysisSettings:
    """How changed pages are analysed; with the platform, all that stored findings depend on."""

    options: CheckOptions
    """Check selection, severities and thresholds."""
    style_model: str | None = None
    """Path of a team-trained style model; None for the bundled one."""
    cache_dir: Path | None = None
    """Folder of the embedding cache; None disables it."""
    created_at: str | None = None
    """Fixed report time for the analysis (tests, golden files); None means now."""
    scheduler: str | None = None
    """Dask scheduler the changed pages are analysed on (`local[:N]` or an address); None: in
    this process. The findings are the same either way, so it is not part of the key."""


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


def iso(moment: _dt.datetime) -> str:
    """ISO-8601 UTC with a Z, to the second."""
    return moment.astimezone(_dt.timezone.utc).replace(microsecond=0).isoformat().replace(
        "+00:00", "Z")


def document_digest(document: Document) -> str:
    """Digest of what the analysis reads from a page: block texts, scopes and places.

    Two bodies that differ only in markup the reader drops (a script, a CSRF token, a comment)
    give the same digest, so their stored findings are reused instead of analysed again.
    """
    h = hashlib.sha256()
    h.update((document.title or "").encode())
    for b in document.blocks:
        loc = b.location
        h.update(f"\x1e{b.scope}\x1f{loc.line}\x1f{loc.column}\x1f{loc.element}\x1f"
                 f"{','.join(sorted(b.ignore))}\x1f{b.text}".encode())
    return h.hexdigest()


def analysis_key(platform_digest: str, settings: Any) -> str:
    """What stored findings depend on besides the page: platform, msgcheck, checks, style model.

    `settings` is an AnalysisSettings or a pipeline.Settings: anything with `options` and
    `style_model`.

    Stored results are reused only under the same key; a new platform re-analyses every page.
    """
    style = getattr(settings, "style_model", None)
    style_id = "bundled"
    if style:
        try:
            style_id = hashlib.sha256(Path(style).read_bytes()).hexdigest()
        except OSError:
            style_id = str(style)
    options = getattr(settings, "options", None)
    raw = "\x1f".join((platform_digest, __version__, style_id, repr(options)))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def default_http_cache(db_url: str, cache_dir: Path) -> Path:
    """The HTTP cache beside a SQLite history file, else under the msgcheck cache folder."""
    if db_url.startswith("sqlite:///") and len(db_url) > len("sqlite:///"):
        path = Path(db_url[len("sqlite:///"):])
        return path.with_name(path.name + ".httpcache")
    tag = hashlib.sha256(db_url.encode()).hexdigest()[:12]
    return cache_dir / "httpcache" / tag


def run_nightly(platform: MessagePlatform, config: CrawlConfig, db_url: str,
                settings: AnalysisSettings, *, progress: ProgressFn | None = None,
                lock_wait: float = 5.0) -> CrawlReport:
    """One night as `msgcheck crawl` runs it: `check_site` on the store at `db_url`.

    The pipeline is imported and the engine built only when a page changed, so an unchanged
    night loads no model. With `settings.scheduler`, the changed pages are analysed on that
    Dask cluster instead, and this process builds no engine.
    """
    remote = None if settings.scheduler is None else _on_cluster(platform, settings,
                                                                 settings.scheduler)
    history = History(db_url)

    def make_engine() -> Engine:
        from msgcheck.pipeline import Engine

        return Engine(platform, _engine_settings(settings))

    try:
        return check_site(config, history, make_engine, analysis_key(platform.digest, settings),
                          company=platform.company, platform_digest=platform.digest,
                          progress=progress, lock_wait=lock_wait, remote=remote)
    finally:
        history.close()


def _engine_settings(settings: AnalysisSettings) -> Settings:
    from msgcheck.pipeline import Settings

    return Settings(options=settings.options, style_model=settings.style_model,
                    cache_dir=settings.cache_dir, created_at=settings.created_at)


def _on_cluster(platform: MessagePlatform, settings: AnalysisSettings, scheduler: str
                ) -> Callable[[Sequence[Document]], Report]:
    """Analyses pages on the Dask cluster at `scheduler`, as the engine would here; a value that
    is neither `local[:N]` nor an address, or Dask missing, is an error now, before the crawl."""
    from msgcheck.scale import check_scheduler

    check_scheduler(scheduler)

    def analyse(documents: Sequence[Document]) -> Report:
        from msgcheck import scale

        return scale.analyse_documents(platform, _engine_settings(settings), documents,
                                       scheduler)

    return analyse


@dataclass
class _Preload:
    """Builds the engine in a thread while the child crawls (the crawl barely uses the parent)."""

    factory: Callable[[], Engine]
    engine: Engine | None = None
    error: BaseException | None = None
    thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="msgcheck-preload", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            engine = self.factory()
            engine.get_nlp()
            _ = engine.index
            self.engine = engine
        except BaseException as exc:  # re-raised in the main thread by get()
            self.error = exc

    def get(self) -> Engine:
        if self.thread is not None:
            self.thread.join()
            if self.error is not None:
                raise self.error
            assert self.engine is not None
            return self.engine
        return self.factory()


@dataclass(frozen=True, slots=True)
class _Crawled:
    """A run whose crawl has returned: everything the analysis and the record need."""

    config: CrawlConfig
    """What was crawled."""
    history: History
    """The store, holding the run's lock."""
    run_id: int
    """The run's id in the store."""
    result: CrawlResult
    """What the crawl fetched."""
    stored: Mapping[str, PageRecord]
    """What the store knew about each page before this run."""
    preload: _Preload
    """The engine, built (or being built) only if a page needs analysis."""
    remote: Callable[[Sequence[Document]], Report] | None
    """Analyses the changed pages elsewhere (a Dask cluster); None: with the engine, here."""
    company: str
    """The platform's company."""
    platform_digest: str
    """Digest of the platform judged against."""
    started: _dt.datetime
    """When the run started."""
    clock: Callable[[], _dt.datetime]
    """Now, as the run tells time."""
    progress: ProgressFn | None
    """Called with each phase of the run."""
    t_start: float
    """perf_counter() when the run started."""
    t_crawl: float
    """perf_counter() when the crawl returned."""


@dataclass(frozen=True, slots=True)
class _Reading:
    """The fetched pages sorted out: to analyse, unreadable, or unchanged."""

    documents: tuple[Document, ...]
    """Pages whose text changed, read, in URL order."""
    errors: tuple[InputError, ...]
    """Pages the reader could not read."""
    text_digests: dict[str, str]
    """`document_digest` of every page read, by URL."""
    reused: frozenset[str]
    """URLs whose stored findings stand: same body, or same text."""


@dataclass(frozen=True, slots=True)
class _Outcome:
    """Every fetched page's state and findings this run, analysed or reused."""

    states: tuple[PageState, ...]
    """What the store records for each page."""
    findings: dict[str, list[Finding]]
    """The findings of each page, by URL."""


def check_site(config: CrawlConfig, history: History, engine_factory: Callable[[], Engine],
               key: str, *, company: str, platform_digest: str,
               progress: ProgressFn | None = None, lock_wait: float = 5.0,
               spool_root: Path | None = None,
               clock: Callable[[], _dt.datetime] = _now,
               remote: Callable[[Sequence[Document]], Report] | None = None) -> CrawlReport:
    """Crawl, analyse the pages whose content changed, and record the run in `history`.

    `key` is `analysis_key(...)`: stored findings are reused for unchanged pages only under the
    same key. `remote`, when given, analyses the changed pages in place of the engine (which
    is then never built here). The run holds the history lock from start to end; its results are written in one
    transaction at the end, so a run killed midway leaves the store as it was (the run row
    stays `running` and the next run marks it `abandoned`).
    """
    started = clock()
    t0 = time.perf_counter()
    run_id = history.begin(config.to_dict(), platform_digest, key, wait=lock_wait,
                           started_at=iso(started))
    _clean_old_spools(spool_root)
    spool = Path(tempfile.mkdtemp(prefix=SPOOL_PREFIX, dir=spool_root))
    try:
        stored = history.pages(key)
        known = {url: rec.digest for url, rec in stored.items() if rec.reusable}
        preload = _Preload(engine_factory)

        def on_record(record: dict[str, Any]) -> None:
            # First night (or a new platform): every page will be analysed, so load the models
            # while the child crawls, once the site has answered at all.
            if not known and remote is None and preload.thread is None and \
                    record.get("type") == "page":
                preload.start()
            if progress is not None:
                progress(record)

        result = crawl(config, spool, known, progress=on_record)
        t_crawl = time.perf_counter()
        if not result.pages:
            reasons = "; ".join([f"{f.url}: {f.reason}" for f in result.failures[:3]] +
                                [f"{s.url}: {s.reason}" for s in result.skipped[:3]])
            raise CrawlError(
                f"no page could be fetched ({reasons or 'nothing answered'})",
                path=config.start_urls[0] if config.start_urls else None,
                hint="check the start URL in a browser; the crawl obeys robots.txt and stays "
                     "on the start URLs' hosts")
        return _analyse_and_record(_Crawled(
            config=config, history=history, run_id=run_id, result=result, stored=stored,
            preload=preload, remote=remote, company=company, platform_digest=platform_digest, started=started,
            clock=clock, progress=progress, t_start=t0, t_crawl=t_crawl))
    except BaseException as exc:
        history.fail(run_id, f"{type(exc).__name__}: {exc}"[:500], finished_at=iso(clock()))
        raise
    finally:
        history.release()
        shutil.rmtree(spool, ignore_errors=True)


def _clean_old_spools(root: Path | None, older_than: float = 86_400) -> None:
    """Remove spool folders a killed run left behind (a day old: no live run is that slow)."""
    base = Path(root or tempfile.gettempdir())
    cutoff = time.time() - older_than
    for path in base.glob(SPOOL_PREFIX + "*"):
        try:
            if path.is_dir() and path.stat().st_mtime < cutoff:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            pass


def _analyse_and_record(run: _Crawled) -> CrawlReport:
    """Analyse what changed, reuse the rest, write the run in one transaction, report it."""
    reading = _read_pages(run.result, run.stored)
    t_read = time.perf_counter()
    if run.progress is not None:
        run.progress({"type": "phase", "phase": "analysis", "pages": len(reading.documents),
                      "reused": len(reading.reused)})
    analysed = _analyse(reading.documents, run.preload, run.remote)
    t_analyse = time.perf_counter()
    outcome = _outcome(run, reading, analysed)
    failures = run.result.failures
    gone = [f.url for f in failures if f.status in (404, 410)]
    unreachable = [f.url for f in failures if f.status not in (404, 410)]
    unreachable += [e.path for e in reading.errors if e.path]
    summary = run_summary(outcome.states, outcome.findings, run.result)
    diff = run.history.commit(run.run_id, outcome.states, outcome.findings, gone=gone,
                              unreachable=unreachable, complete=not run.result.truncated,
                              summary=summary, finished_at=iso(run.clock()))
    seconds = {
        "crawl": round(run.t_crawl - run.t_start, 2),
        "analysis": round(t_analyse - t_read, 2),
        "total": round(time.perf_counter() - run.t_start, 2),
    }
    return _report(run, reading, outcome, diff, dict(summary, **diff.counts()), seconds)


def _read_pages(result: CrawlResult, stored: Mapping[str, PageRecord]) -> _Reading:
    """Read the pages whose body changed; a page whose text did not change is reused too."""
    from msgcheck.ingest import html as html_reader
    from msgcheck.ingest import read_bytes

    documents: list[Document] = []
    errors: list[InputError] = []
    text_digests: dict[str, str] = {}
    reused: set[str] = set()
    for page in result.pages:
        record = stored.get(page.url)
        if record is not None and record.reusable and record.digest == page.digest:
            reused.add(page.url)
            continue
        body = result.body(page)
        if body is None:  # the child skipped it as known; cannot happen unless the store moved
            body = b""
        try:
            document = read_bytes(body, page.url, html_reader.read)
        except InputError as exc:
            errors.append(exc)
            continue
        text_digests[page.url] = document_digest(document)
        if record is not None and record.reusable and record.text_digest == \
                text_digests[page.url]:
            reused.add(page.url)  # markup changed, text did not
            continue
        documents.append(document)
    return _Reading(tuple(documents), tuple(errors), text_digests, frozenset(reused))


def _analyse(documents: Sequence[Document], preload: _Preload,
             remote: Callable[[Sequence[Document]], Report] | None = None
             ) -> dict[str, tuple[list[Finding], dict[str, Any], str | None]]:
    """Findings, summary and title of each document; the engine is only touched when needed,
    and not at all when `remote` analyses them."""
    if not documents:
        return {}
    if remote is not None:
        return _per_page(remote(documents), documents)
    engine = preload.get()
    analysis = engine.analyze(list(documents))
    return _per_page(engine.report(analysis), documents)


def _outcome(run: _Crawled, reading: _Reading,
             analysed: Mapping[str, tuple[list[Finding], dict[str, Any], str | None]]
             ) -> _Outcome:
    """Each page's state and findings: stored ones for reused pages, fresh ones otherwise."""
    pages = run.result.pages
    open_findings = run.history.open_findings([p.url for p in pages if p.url in reading.reused])
    states: list[PageState] = []
    current: dict[str, list[Finding]] = {}
    for page in pages:
        record = run.stored.get(page.url)
        if page.url in reading.reused:
            assert record is not None
            findings = open_findings.get(page.url, [])
            summary, title = record.summary, record.title
        elif page.url in analysed:
            findings, summary, title = analysed[page.url]
        else:
            continue
        current[page.url] = findings
        states.append(PageState(
            url=page.url, digest=page.digest,
            text_digest=reading.text_digests.get(page.url) or (
                record.text_digest if record else ""),
            status=page.status, title=title, summary=summary,
            changed=page.url not in reading.reused))
    return _Outcome(tuple(states), current)


def _report(run: _Crawled, reading: _Reading, outcome: _Outcome, diff: RunDiff,
            summary: dict[str, Any], seconds: dict[str, float]) -> CrawlReport:
    """The run's report: pages with their new findings marked, failures, figures."""
    result = run.result
    new_set = {f.fingerprint for f in diff.new}
    cached_urls = {p.url for p in result.pages if p.cached}
    current = outcome.findings
    pages = tuple(
        PageResult(
            url=s.url, title=s.title, status=s.status,
            cached=s.url in cached_urls,
            analysed=s.changed, claims=int(s.summary.get("claims", 0)),
            findings=tuple(sorted(current.get(s.url, []), key=Finding.sort_key)),
            new=tuple(sorted(f.fingerprint for f in current.get(s.url, [])
                             if f.fingerprint in new_set)))
        for s in sorted(outcome.states, key=lambda s: s.url))
    unreadable = tuple(
        FetchFailure(e.path or "<page>", f"[{e.code}] {e.message}") for e in reading.errors)
    stats: dict[str, Any] = {
        "pages": len(result.pages),
        "analysed": sum(1 for s in outcome.states if s.changed),
        "reused": len(reading.reused),
        "revalidated": sum(1 for p in result.pages if p.network_status == 304),
        "failures": len(result.failures) + len(unreadable),
        "skipped": len(result.skipped),
        "seconds": seconds,
        "scrapy": result.stats,
    }
    return CrawlReport(
        run_id=run.run_id, started_at=iso(run.started), finished_at=iso(run.clock()),
        start_urls=run.config.start_urls, company=run.company,
        platform_digest=run.platform_digest, pages=pages,
        failures=tuple(sorted((*result.failures, *unreadable), key=lambda f: f.url)),
        skipped=result.skipped, new=diff.new, resolved=diff.resolved, summary=summary,
        stats=stats, truncated=result.truncated)


def _per_page(report: Report, documents: Sequence[Document]
              ) -> dict[str, tuple[list[Finding], dict[str, Any], str | None]]:
    by_page: dict[str, list[Finding]] = {d.source: [] for d in documents}
    for f in report.findings:
        by_page.setdefault(f.location.source, []).append(f)
    titles = {d.source: d.title for d in documents}
    out: dict[str, tuple[list[Finding], dict[str, Any], str | None]] = {}
    for summary in report.documents:
        if summary.source in titles:
            data = summary.to_dict()
            data.pop("source", None)
            out[summary.source] = (by_page.get(summary.source, []), data,
                                   titles[summary.source])
    return out


def run_summary(states: Sequence[Any], findings: Mapping[str, Sequence[Finding]],
                result: CrawlResult) -> dict[str, Any]:
    """Per-pillar coverage, style mix and finding counts of the pages fetched this run."""
    claims = sum(int(s.summary.get("claims", 0)) for s in states)
    styles: Counter[str] = Counter()
    pillars: Counter[str] = Counter()
    pillar_pages: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    for s in states:
        styles.update(s.summary.get("styles", {}))
        pillars.update(s.summary.get("pillars", {}))
        pillar_pages.update(p for p, n in s.summary.get("pillars", {}).items() if n)
        statuses.update(s.summary.get("statuses", {}))
    counts = {sev.value: 0 for sev in Severity}
    by_check: Counter[str] = Counter()
    for page_findings in findings.values():
        for f in page_findings:
            counts[f.severity.value] += 1
            by_check[f.check] += 1
    judged = max(1, sum(styles.values()))
    return {
        "pages": len(states),
        "failures": len(result.failures),
        "claims": claims,
        "coverage": {p: {"claims": n, "pages": pillar_pages[p],
                         "share": round(n / max(1, claims), 3)}
                     for p, n in sorted(pillars.items())},
        "styles": {s: {"claims": n, "share": round(n / judged, 3)}
                   for s, n in sorted(styles.items())},
        "statuses": dict(sorted(statuses.items())),
        "findings": counts,
        "by_check": dict(sorted(by_check.items())),
    }
