"""The nightly run: crawl, analyse only the pages whose content changed, record the run.

`check_site` compares page digests with the history store and sends only the pages whose
content changed to the analysis; unchanged pages keep their stored findings, and a night on
which nothing changed never loads the models.

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
from msgcheck.history import History, PageRecord, PageState
from msgcheck.model import Finding, Severity
from msgcheck.version import __version__

if TYPE_CHECKING:
    from msgcheck.model import Document, Report
    from msgcheck.pipeline import Engine


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

    `settings` is a pipeline.Settings, or anything with its `options` and `style_model`.

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


def check_site(config: CrawlConfig, history: History, engine_factory: Callable[[], Engine],
               key: str, *, company: str, platform_digest: str,
               progress: ProgressFn | None = None, lock_wait: float = 5.0,
               spool_root: Path | None = None,
               clock: Callable[[], _dt.datetime] = _now) -> CrawlReport:
    """Crawl, analyse the pages whose content changed, and record the run in `history`.

    `key` is `analysis_key(...)`: stored findings are reused for unchanged pages only under the
    same key. The run holds the history lock from start to end; its results are written in one
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
            if not known and preload.thread is None and record.get("type") == "page":
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
        report = _analyse_and_record(config, history, run_id, result, stored, preload, key,
                                     company=company, platform_digest=platform_digest,
                                     started=started, clock=clock, progress=progress,
                                     timings={"start": t0, "crawl": t_crawl})
        return report
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


def _analyse_and_record(config: CrawlConfig, history: History, run_id: int,
                        result: CrawlResult, stored: Mapping[str, PageRecord],
                        preload: _Preload, key: str, *, company: str, platform_digest: str,
                        started: _dt.datetime, clock: Callable[[], _dt.datetime],
                        progress: ProgressFn | None, timings: dict[str, float]) -> CrawlReport:
    from msgcheck.ingest import html as html_reader
    from msgcheck.ingest import read_bytes

    to_analyse: list[Document] = []
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
        to_analyse.append(document)
    analysed: dict[str, tuple[list[Finding], dict[str, Any], str | None]] = {}
    t_read = time.perf_counter()
    if progress is not None:
        progress({"type": "phase", "phase": "analysis", "pages": len(to_analyse),
                  "reused": len(reused)})
    if to_analyse:
        engine = preload.get()
        analysis = engine.analyze(to_analyse)
        fresh = engine.report(analysis)
        analysed = _per_page(fresh, to_analyse)
    t_analyse = time.perf_counter()
    open_findings = history.open_findings([p.url for p in result.pages if p.url in reused])
    states: list[PageState] = []
    current: dict[str, list[Finding]] = {}
    for page in result.pages:
        record = stored.get(page.url)
        if page.url in reused:
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
            text_digest=text_digests.get(page.url) or (record.text_digest if record else ""),
            status=page.status, title=title, summary=summary, changed=page.url not in reused))
    gone = [f.url for f in result.failures if f.status in (404, 410)]
    unreachable = [f.url for f in result.failures if f.status not in (404, 410)]
    unreachable += [e.path for e in errors if e.path]
    summary = run_summary(states, current, result)
    diff = history.commit(run_id, states, current, gone=gone, unreachable=unreachable,
                          complete=not result.truncated, summary=summary,
                          finished_at=iso(clock()))
    t_end = time.perf_counter()
    new_set = {f.fingerprint for f in diff.new}
    cached_urls = {p.url for p in result.pages if p.cached}
    pages = tuple(
        PageResult(
            url=s.url, title=s.title, status=s.status,
            cached=s.url in cached_urls,
            analysed=s.changed, claims=int(s.summary.get("claims", 0)),
            findings=tuple(sorted(current.get(s.url, []), key=Finding.sort_key)),
            new=tuple(sorted(f.fingerprint for f in current.get(s.url, [])
                             if f.fingerprint in new_set)))
        for s in sorted(states, key=lambda s: s.url))
    unreadable = tuple(
        FetchFailure(e.path or "<page>", f"[{e.code}] {e.message}") for e in errors)
    stats: dict[str, Any] = {
        "pages": len(result.pages),
        "analysed": sum(1 for s in states if s.changed),
        "reused": len(reused),
        "revalidated": sum(1 for p in result.pages if p.network_status == 304),
        "failures": len(result.failures) + len(unreadable),
        "skipped": len(result.skipped),
        "seconds": {
            "crawl": round(timings["crawl"] - timings["start"], 2),
            "analysis": round(t_analyse - t_read, 2),
            "total": round(t_end - timings["start"], 2),
        },
        "scrapy": result.stats,
    }
    return CrawlReport(
        run_id=run_id, started_at=iso(started), finished_at=iso(clock()),
        start_urls=config.start_urls, company=company, platform_digest=platform_digest,
        pages=pages,
        failures=tuple(sorted((*result.failures, *unreadable), key=lambda f: f.url)),
        skipped=result.skipped, new=diff.new, resolved=diff.resolved,
        summary=dict(summary, **diff.counts()),
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
