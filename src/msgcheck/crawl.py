"""The website crawler: Scrapy in a child process, a spool of fetched pages, the nightly run.

Why a child process: Twisted's reactor cannot be restarted (`ReactorNotRestartable`), so one
process can run one Scrapy crawl. The parent (the CLI, a test, a scheduler) starts
`python -m msgcheck.crawl CONFIG SPOOL` for every crawl and reads what the child writes to the
spool folder: `pages.jsonl`, one JSON object per fetched page, skipped URL or failure, and
`bodies/<sha256>` with the bytes of pages the parent has not analysed yet. The child watches its
standard input and exits when the parent goes away, so a killed run leaves no crawler behind.

What the child does that stock Scrapy does not:

* honours robots.txt `Crawl-delay` (`CrawlDelayThrottle`, an AutoThrottle subclass that reads the
  parsed robots.txt and keeps the host's delay at or above it); the same subclass lets a 304
  lower the delay as a 200 does (stock AutoThrottle would crawl a night of 304s at its start
  delay);
* retries with exponential back-off and `Retry-After` (`BackoffRetryMiddleware`);
* strips tracking parameters (utm_*, gclid, fbclid, mc_cid...) and follows `rel=canonical`
  before scheduling, so one page is fetched and analysed once;
* never leaves the allowed hosts, not even through a redirect (`HostGuardMiddleware`), and
  reports redirect loops by name (`RedirectLoopMiddleware`);
* stops downloading anything that is not HTML once its headers arrive;
* writes the HTTP cache crash-safely, and on a 304 only its headers (`CacheStorage`);
* sends `Cache-Control: max-age=0` with every request, so Scrapy's RFC 2616 HTTP cache turns
  the next night's crawl into conditional requests (If-None-Match / If-Modified-Since) answered
  with 304s, while the spider still gets the cached body and follows its links.

The parent side, `check_site`, compares page digests with the history store and sends only the
pages whose content changed to the analysis; unchanged pages keep their stored findings.
Nothing here imports Scrapy, SQLAlchemy or the models at module level.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

from msgcheck.version import __version__
from msgcheck.errors import InputError, MsgcheckError
from msgcheck.fileio import write_atomic
from msgcheck.model import Finding, Severity

if TYPE_CHECKING:
    from msgcheck.history import History, PageRecord
    from msgcheck.model import Document, Report
    from msgcheck.pipeline import Engine

USER_AGENT = f"msgcheck/{__version__} (+https://github.com/msgcheck/msgcheck)"
"""What every request says it is."""
ROBOTS_AGENT = "msgcheck"
"""The token matched against robots.txt `User-agent` lines."""

TRACKING_PARAMS = frozenset({
    "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "fbclid", "msclkid", "yclid", "twclid",
    "ttclid", "li_fat_id", "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi",
    "hsctatracking", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "vero_conv", "s_kwcid",
    "ef_id", "srsltid", "_openstat", "rb_clickid",
})
"""Query parameters that identify a click, not a page (compared in lower case)."""
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
"""Parameter-name prefixes of campaign tags (Google Analytics, Piwik/Matomo)."""

HTML_TYPES = ("text/html", "application/xhtml+xml")
"""Content types the crawler parses; everything else is recorded and skipped."""

SKIP_EXTENSIONS = frozenset((
    "7z avi bin bmp css csv dmg doc docx eot exe flac gif gz ico iso jar jpeg jpg js json m4a "
    "m4v mkv mov mp3 mp4 mpeg mpg odp ods odt ogg otf pdf png ppt pptx ps rar rss svg tar tgz "
    "tif tiff ttf txt wav webm webp wma wmv woff woff2 xls xlsx xml zip").split())
"""Link targets not worth a request: they are never HTML pages."""

SPOOL_PREFIX = "msgcheck-crawl-"
SPOOL_FILE = "pages.jsonl"
BODIES = "bodies"
CHILD_LOG = "crawl.log"


class CrawlError(MsgcheckError):
    """The crawl could not be judged at all (no start URL answered, the crawler failed)."""

    code = "E120"


# --------------------------------------------------------------------------------------------
# URLs


def strip_tracking(query: str) -> str:
    """The query string without tracking parameters, the rest sorted (a stable key)."""
    if not query:
        return ""
    kept = []
    for part in query.split("&"):
        if not part:
            continue
        name = unquote_plus(part.split("=", 1)[0]).strip().lower()
        if name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES):
            continue
        kept.append(part)
    return "&".join(sorted(kept))


def normalise_url(url: str, base: str | None = None) -> str | None:
    """Absolute http(s) URL without fragment, tracking parameters or default port; else None.

    Scheme and host are lower-cased, an empty path becomes `/`, and the remaining query
    parameters are sorted, so two spellings of one page give one string.
    """
    url = url.strip()
    if not url:
        return None
    if base is not None:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and not (scheme == "http" and port == 80 or
                                 scheme == "https" and port == 443):
        host = f"{host}:{port}"
    return urlunsplit((scheme, host, parts.path or "/", strip_tracking(parts.query), ""))


def netloc(url: str) -> str:
    """`host[:port]` of a normalised URL, as allowed hosts are compared."""
    return urlsplit(url).netloc.lower()


def _extension(url: str) -> str:
    path = urlsplit(url).path
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


# --------------------------------------------------------------------------------------------
# What a crawl is asked to do, and what it returns


@dataclass(frozen=True, slots=True)
class CrawlConfig:
    """Everything the crawler child needs; serialised to JSON for it."""

    start_urls: tuple[str, ...]
    """Pages to start from (normalised)."""
    sitemaps: tuple[str, ...] = ()
    """sitemap.xml (or sitemap index) URLs whose pages are crawled at depth 0."""
    allowed_hosts: tuple[str, ...] = ()
    """`host[:port]` values the crawl may request; empty: the start URLs' and sitemaps' hosts."""
    max_pages: int = 1000
    """Page requests scheduled at most (robots.txt and sitemaps not counted)."""
    max_depth: int = 10
    """Links followed from a start URL at most."""
    include: tuple[str, ...] = ()
    """A URL must match one of these regular expressions (when any is given)."""
    exclude: tuple[str, ...] = ()
    """A URL matching any of these regular expressions is not requested."""
    timeout: float = 30.0
    """Seconds a request may take before it fails (and is retried)."""
    retries: int = 2
    """Retries after the first attempt, for 5xx, 429, 408 and network errors."""
    backoff: float = 1.0
    """First retry waits this many seconds; each next one twice as long."""
    backoff_max: float = 30.0
    """Longest wait before a retry (also caps `Retry-After`)."""
    max_bytes: int = 5 * 1024 * 1024
    """Larger responses are abandoned and reported."""
    concurrency: int = 4
    """Concurrent requests per host at most."""
    start_delay: float = 0.25
    """AutoThrottle's delay until a host has answered once (then it follows the latency)."""
    max_delay: float = 30.0
    """AutoThrottle's longest delay."""
    target_concurrency: float = 2.0
    """AutoThrottle's target of parallel requests per host."""
    crawl_delay_cap: float = 60.0
    """A robots.txt `Crawl-delay` above this is honoured as this (and reported)."""
    http_cache_dir: str | None = None
    """Scrapy HTTP cache folder (RFC 2616 policy); None disables the cache."""
    user_agent: str = USER_AGENT
    """User-Agent header."""
    log_level: str = "WARNING"
    """Scrapy's log level in the child's log file."""

    def hosts(self) -> tuple[str, ...]:
        """Allowed `host[:port]` values."""
        if self.allowed_hosts:
            return tuple(sorted({h.lower() for h in self.allowed_hosts}))
        return tuple(sorted({netloc(u) for u in (*self.start_urls, *self.sitemaps)}))

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for the child and the run row."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CrawlConfig:
        """Inverse of `to_dict`."""
        values = dict(data)
        for key in ("start_urls", "sitemaps", "allowed_hosts", "include", "exclude"):
            values[key] = tuple(values.get(key) or ())
        return cls(**values)


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """An HTML page the crawl fetched (or revalidated)."""

    url: str
    """Normalised final URL: the page's identity in reports and history."""
    requested_url: str
    """The URL requested before redirects."""
    status: int
    """HTTP status of the page (200 for a revalidated page)."""
    content_type: str
    """Media type without parameters."""
    digest: str
    """sha256 of the body bytes."""
    size: int
    """Body length in bytes."""
    depth: int
    """Links followed from a start URL or sitemap."""
    cached: bool = False
    """The body came from the HTTP cache (revalidated with a 304, or stale after a 5xx)."""
    network_status: int | None = None
    """Status the server sent last (304 when revalidated); None when nothing was sent."""
    etag: str | None = None
    """ETag response header."""
    last_modified: str | None = None
    """Last-Modified response header."""
    body_path: str | None = None
    """File in the spool with the body; None when the parent said it already knows this digest."""


@dataclass(frozen=True, slots=True)
class FetchFailure:
    """A URL that could not be fetched, and why."""

    url: str
    """The URL requested."""
    reason: str
    """One line: `HTTP 503 Service Unavailable`, `timed out after 30s`, `redirect loop: ...`."""
    status: int | None = None
    """HTTP status when there was a response."""
    referer: str | None = None
    """The page that linked to it, when known."""


@dataclass(frozen=True, slots=True)
class SkippedUrl:
    """A URL the crawl decided not to fetch or not to parse."""

    url: str
    """The URL."""
    reason: str
    """`robots.txt`, `not HTML (application/pdf)`, `duplicate of <canonical>`..."""


@dataclass(frozen=True, slots=True)
class CrawlResult:
    """Everything one crawl returned."""

    pages: tuple[FetchedPage, ...]
    """HTML pages, sorted by URL."""
    failures: tuple[FetchFailure, ...]
    """Fetch failures, sorted by URL."""
    skipped: tuple[SkippedUrl, ...]
    """Skipped URLs, sorted by URL."""
    truncated: bool
    """True when `max_pages` stopped the crawl from scheduling more pages."""
    stats: dict[str, float]
    """Counters from Scrapy (requests, responses per status, retries, cache hits...)."""
    spool: Path
    """The spool folder (bodies of pages to analyse)."""

    def body(self, page: FetchedPage) -> bytes | None:
        """The page's bytes, when the child wrote them."""
        if page.body_path is None:
            return None
        return (self.spool / page.body_path).read_bytes()


# --------------------------------------------------------------------------------------------
# The parent: run the child, read its spool


ProgressFn = Callable[[dict[str, Any]], None]


def crawl(config: CrawlConfig, spool: Path, known: Mapping[str, str] | None = None,
          progress: ProgressFn | None = None, tick: Callable[[], None] | None = None,
          poll: float = 0.1) -> CrawlResult:
    """Run one crawl in a child process and return what it fetched.

    `known` maps URLs to the body digests the caller has already analysed: for those, the child
    writes no body. `progress` is called with every spool record as it arrives; `tick` about
    once per poll (a heartbeat). Raises CrawlError when the child fails before it finishes.
    """
    spool.mkdir(parents=True, exist_ok=True)
    (spool / BODIES).mkdir(exist_ok=True)
    (spool / "config.json").write_text(json.dumps(config.to_dict()), encoding="utf-8")
    (spool / "known.json").write_text(json.dumps(dict(known or {})), encoding="utf-8")
    out = spool / SPOOL_FILE
    out.touch()
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    records: list[dict[str, Any]] = []
    with open(spool / CHILD_LOG, "wb") as log, open(out, "rb") as reader:
        child = subprocess.Popen(
            [sys.executable, "-m", "msgcheck.crawl", str(spool / "config.json"), str(spool)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log, env=env)
        buffer = b""
        try:
            while True:
                done = child.poll() is not None
                chunk = reader.read()
                if chunk:
                    buffer += chunk
                    *lines, buffer = buffer.split(b"\n")
                    for line in lines:
                        if line.strip():
                            record = json.loads(line)
                            records.append(record)
                            if progress is not None:
                                progress(record)
                if tick is not None:
                    tick()
                if done:
                    break
                time.sleep(poll)
        except BaseException:
            child.kill()
            child.wait()
            raise
        finally:
            if child.stdin is not None:
                child.stdin.close()
    finished = [r for r in records if r["type"] == "done"]
    if child.returncode != 0 or not finished:
        tail = (spool / CHILD_LOG).read_text(errors="replace").strip().splitlines()[-5:]
        detail = f": {tail[-1]}" if tail else ""
        raise CrawlError(f"the crawler stopped with exit status {child.returncode}{detail}",
                         path=config.start_urls[0] if config.start_urls else None,
                         hint=f"its log is {spool / CHILD_LOG}")
    return _result(records, spool)


def _result(records: Sequence[dict[str, Any]], spool: Path) -> CrawlResult:
    pages: dict[str, FetchedPage] = {}
    failures: dict[str, FetchFailure] = {}
    skipped: dict[str, SkippedUrl] = {}
    done: dict[str, Any] = {}
    for r in records:
        kind = r.pop("type")
        if kind == "page":
            pages.setdefault(r["url"], FetchedPage(**r))
        elif kind == "failure":
            failures.setdefault(r["url"], FetchFailure(**r))
        elif kind == "skipped":
            skipped.setdefault(r["url"], SkippedUrl(**r))
        elif kind == "done":
            done = r
    for url in pages:
        failures.pop(url, None)
    return CrawlResult(
        pages=tuple(pages[u] for u in sorted(pages)),
        failures=tuple(failures[u] for u in sorted(failures)),
        skipped=tuple(skipped[u] for u in sorted(skipped) if u not in pages),
        truncated=bool(done.get("truncated")),
        stats=dict(sorted(done.get("stats", {}).items())),
        spool=spool,
    )


# --------------------------------------------------------------------------------------------
# The nightly run: crawl, analyse what changed, record the run


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
    from msgcheck.history import PageState
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


# --------------------------------------------------------------------------------------------
# The child: Scrapy. Everything below runs only in `python -m msgcheck.crawl`.


def _scrapy_settings(config: CrawlConfig, classes: Mapping[str, type]) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "USER_AGENT": config.user_agent,
        # Every request, robots.txt and sitemaps included, revalidates what the HTTP cache holds:
        # a conditional GET answered by a 304, never a stale copy taken on trust.
        "DEFAULT_REQUEST_HEADERS": {
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Language": "en",
            "Cache-Control": "max-age=0",
        },
        "ROBOTSTXT_OBEY": True,
        "ROBOTSTXT_USER_AGENT": ROBOTS_AGENT,
        "COOKIES_ENABLED": False,  # also keeps tldextract from fetching the suffix list
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": config.log_level,
        "LOGSTATS_INTERVAL": 0,
        "DOWNLOAD_TIMEOUT": config.timeout,
        "DOWNLOAD_MAXSIZE": config.max_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "DOWNLOAD_DELAY": 0,
        "DOWNLOAD_DELAY_JITTER": 0.0,  # Crawl-delay is a floor, not an average
        "CONCURRENT_REQUESTS": max(8, config.concurrency * 2),
        "CONCURRENT_REQUESTS_PER_DOMAIN": config.concurrency,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_DEBUG": config.log_level == "DEBUG",
        "AUTOTHROTTLE_START_DELAY": config.start_delay,
        "AUTOTHROTTLE_MAX_DELAY": config.max_delay,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": config.target_concurrency,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": config.retries,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "REDIRECT_MAX_TIMES": 10,
        # Scrapy starts this many asyncio workers for every callback's output; the spider yields
        # a handful of requests per page, and the default 100 made a 304 night CPU-bound.
        "CONCURRENT_ITEMS": 8,
        "DEPTH_LIMIT": 0,
        "DEPTH_PRIORITY": 1,  # breadth first: with --max-pages, the shallow pages come first
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        "HTTPERROR_ALLOW_ALL": False,
        "EXTENSIONS": {
            "scrapy.extensions.throttle.AutoThrottle": None,
            classes["CrawlDelayThrottle"]: 0,
            "scrapy.extensions.feedexport.FeedExporter": None,
            "scrapy.extensions.spiderstate.SpiderState": None,
            "scrapy.extensions.memdebug.MemoryDebugger": None,
            "scrapy.extensions.remote_control.RemoteControl": None,  # no listening socket
        },
        "SPIDER_MIDDLEWARES": {
            "scrapy.spidermiddlewares.depth.DepthMiddleware": None,  # the spider counts depth
        },
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
            "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
            classes["HostGuardMiddleware"]: 50,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            classes["BackoffRetryMiddleware"]: 550,
            classes["RedirectLoopMiddleware"]: 650,
            classes["NetworkStatusMiddleware"]: 950,
        },
    }
    if config.http_cache_dir:
        settings.update({
            "HTTPCACHE_ENABLED": True,
            "HTTPCACHE_POLICY": "scrapy.extensions.httpcache.RFC2616Policy",
            "HTTPCACHE_STORAGE": classes["CacheStorage"],
            "HTTPCACHE_DIR": str(Path(config.http_cache_dir).resolve()),
            "HTTPCACHE_GZIP": False,
        })
    return settings


def _classes() -> dict[str, type]:
    """Scrapy components, defined here so importing this module never imports Scrapy."""
    import asyncio

    import scrapy
    from scrapy import signals
    from scrapy.downloadermiddlewares.retry import RetryMiddleware
    from scrapy.exceptions import IgnoreRequest, StopDownload
    from scrapy.extensions.httpcache import FilesystemCacheStorage
    from scrapy.extensions.throttle import AutoThrottle

    class CrawlDelayThrottle(AutoThrottle):
        """AutoThrottle that keeps each host's delay at or above its robots.txt Crawl-delay."""

        def __init__(self, crawler: Any) -> None:
            super().__init__(crawler)
            self.cap = crawler.settings.getfloat("MSGCHECK_CRAWL_DELAY_CAP", 60.0)
            self.floors: dict[str, float] = {}
            self.measured: set[int] = set()
            crawler.signals.connect(self._robots_parsed, signal=signals.robots_parsed)

        def _robots_parsed(self, robotparser: Any, request: Any) -> None:
            delay = robotparser.crawl_delay(ROBOTS_AGENT)
            if not delay:
                return
            floor = min(float(delay), self.cap)
            downloader = self.crawler.engine.downloader
            key = downloader.get_slot_key(request)
            self.floors[key] = floor
            # New slots for this host (after Scrapy's slot GC) start at the floor too.
            downloader.per_slot_settings.setdefault(key, {})["delay"] = floor
            slot = downloader.slots.get(key)
            if slot is not None:
                slot.delay = max(slot.delay, floor)
            self.crawler.stats.set_value(f"msgcheck/crawl_delay/{key}", floor)

        def _adjust_delay(self, slot: Any, latency: float, response: Any) -> None:
            # Stock AutoThrottle only lowers the delay after a 200, so a night of 304s would
            # crawl at the start delay all night; a 304 is as healthy an answer as a 200.
            # And the start delay only stands until the host has answered once: averaging down
            # from it (stock behaviour) spent about 2 s of every night's crawl on that.
            target = latency / self.target_concurrency
            smoothed = target if id(slot) not in self.measured else (slot.delay + target) / 2.0
            self.measured.add(id(slot))
            new_delay = min(max(self.mindelay, target, smoothed), self.maxdelay)
            if response.status in (200, 304) or new_delay > slot.delay:
                slot.delay = new_delay
            key = None
            for name, candidate in self.crawler.engine.downloader.slots.items():
                if candidate is slot:
                    key = name
                    break
            floor = self.floors.get(key or "", 0.0)
            if slot.delay < floor:
                slot.delay = floor

    class HostGuardMiddleware:
        """Refuses requests to hosts outside the allowed set, redirects included."""

        def __init__(self, hosts: Iterable[str]) -> None:
            self.hosts = frozenset(hosts)

        @classmethod
        def from_crawler(cls, crawler: Any) -> HostGuardMiddleware:
            return cls(crawler.settings.getlist("MSGCHECK_HOSTS"))

        def process_request(self, request: Any) -> None:
            host = urlsplit(request.url).netloc.lower()
            if host not in self.hosts:
                raise IgnoreRequest(f"not followed: {host} is not an allowed host")

    class RedirectLoopMiddleware:
        """Turns a redirect back to a URL already in the chain into a named failure."""

        def process_response(self, request: Any, response: Any) -> Any:
            if response.status in (301, 302, 303, 307, 308) and b"Location" in response.headers:
                target = urljoin(request.url, response.headers[b"Location"].decode("latin-1"))
                chain = [*request.meta.get("redirect_urls", []), request.url]
                if normalise_url(target) in {normalise_url(u) for u in chain}:
                    shown = " -> ".join([*chain, target][-4:])
                    raise IgnoreRequest(f"redirect loop: {shown}")
            return response

    class NetworkStatusMiddleware:
        """Remembers the status the server sent, before the HTTP cache swaps in its copy."""

        def process_response(self, request: Any, response: Any) -> Any:
            request.meta["msgcheck_network_status"] = response.status
            return response

    class BackoffRetryMiddleware(RetryMiddleware):
        """Scrapy's retries, each one waiting twice as long (or as `Retry-After` asks)."""

        def __init__(self, settings: Any) -> None:
            super().__init__(settings)
            self.backoff = settings.getfloat("MSGCHECK_BACKOFF", 1.0)
            self.backoff_max = settings.getfloat("MSGCHECK_BACKOFF_MAX", 30.0)

        async def process_request(self, request: Any) -> None:
            wait = request.meta.get("msgcheck_not_before", 0.0) - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)

        # Newer Scrapy calls middlewares without `spider`; the base keeps it for old callers.
        def process_response(self, request: Any, response: Any) -> Any:  # type: ignore[override]
            result = super().process_response(request, response)
            if result is not response:
                retry_after = response.headers.get(b"Retry-After")
                self._schedule(result, retry_after)
            return result

        def process_exception(self, request: Any,  # type: ignore[override]
                              exception: Exception) -> Any:
            result = super().process_exception(request, exception)
            if result is not None:
                self._schedule(result, None)
            return result

        def _schedule(self, request: Any, retry_after: bytes | None) -> None:
            attempt = int(request.meta.get("retry_times", 1))
            wait = self.backoff * 2 ** (attempt - 1)
            if retry_after:
                try:
                    wait = max(wait, float(retry_after.decode().strip()))
                except ValueError:
                    pass
            request.meta["msgcheck_not_before"] = time.monotonic() + min(wait, self.backoff_max)

    class CacheStorage(FilesystemCacheStorage):
        """Scrapy's filesystem HTTP cache, written crash-safely, and not rewritten on a 304.

        Each file is written to a temporary name and renamed, and `pickled_meta` (what a lookup
        reads first) last, so a run killed mid-write leaves the entry old or absent, never a
        truncated body. A revalidated response (flagged `cached`) is not stored again: its body
        and validators are on disk already, and every request revalidates anyway
        (`max-age=0`), so the refreshed Date and timestamp would change nothing.
        """

        def store_response(self, spider: Any, request: Any, response: Any) -> None:
            import pickle

            from w3lib.http import headers_dict_to_raw

            rpath = Path(self._get_request_path(spider, request))
            if "cached" in response.flags and (rpath / "pickled_meta").exists():
                return
            rpath.mkdir(parents=True, exist_ok=True)
            metadata = {"url": request.url, "method": request.method,
                        "status": response.status, "response_url": response.url,
                        "timestamp": time.time()}
            write_atomic(rpath / "response_body", response.body)
            data = {k: v for k, v in response.to_dict().items()
                    if k not in {"url", "status", "headers", "body"}}
            write_atomic(rpath / "response_data", pickle.dumps(data, protocol=4))
            write_atomic(rpath / "response_headers",
                          headers_dict_to_raw(response.headers) or b"")
            write_atomic(rpath / "pickled_meta", pickle.dumps(metadata, protocol=4))

    class SiteSpider(scrapy.Spider):
        """Breadth-first over the allowed hosts; records pages, skips and failures."""

        name = "msgcheck"

        def __init__(self, config: CrawlConfig, spool: Path, known: dict[str, str],
                     **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.config = config
            self.spool_dir = spool
            self.known = known
            self.hosts = frozenset(config.hosts())
            self.include = [re.compile(p) for p in config.include]
            self.exclude = [re.compile(p) for p in config.exclude]
            self.seen: set[str] = set()
            self.recorded: set[str] = set()
            self.scheduled = 0
            self.truncated = False
            self.out = open(spool / SPOOL_FILE, "a", encoding="utf-8")  # noqa: SIM115

        @classmethod
        def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SiteSpider:
            spider = super().from_crawler(crawler, *args, **kwargs)
            crawler.signals.connect(spider._headers_received, signal=signals.headers_received)
            crawler.signals.connect(spider._closed, signal=signals.spider_closed)
            return spider

        # -- spool
        def emit(self, kind: str, **data: Any) -> None:
            self.out.write(json.dumps({"type": kind, **data}, sort_keys=True) + "\n")
            self.out.flush()

        def _closed(self, spider: Any, reason: str) -> None:
            stats = {k: v for k, v in self.crawler.stats.get_stats().items()
                     if isinstance(v, (int, float)) and not isinstance(v, bool)}
            self.emit("done", truncated=self.truncated, reason=reason, stats=stats)
            self.out.close()

        # -- scheduling
        def allowed(self, url: str) -> str | None:
            """Why `url` is not requested, or None when it may be."""
            if netloc(url) not in self.hosts:
                return "not followed: another host"
            if _extension(url) in SKIP_EXTENSIONS:
                return "not HTML (by extension)"
            if self.include and not any(p.search(url) for p in self.include):
                return "not included (--include)"
            if any(p.search(url) for p in self.exclude):
                return "excluded (--exclude)"
            return None

        def page_request(self, url: str, depth: int, referer: str | None = None,
                         quiet: bool = False) -> Any:
            if url in self.seen:
                return None
            why = self.allowed(url)
            if why is not None:
                if not quiet and not why.startswith("not followed"):
                    self.emit("skipped", url=url, reason=why)
                self.seen.add(url)
                return None
            if self.scheduled >= self.config.max_pages:
                self.truncated = True
                return None
            self.seen.add(url)
            self.scheduled += 1
            return scrapy.Request(
                url, callback=self.parse_page, errback=self.failed,
                meta={"msgcheck_kind": "page", "msgcheck_depth": depth,
                      "msgcheck_referer": referer, "msgcheck_requested": url})

        async def start(self) -> Any:
            for sitemap in self.config.sitemaps:
                yield scrapy.Request(sitemap, callback=self.parse_sitemap, errback=self.failed,
                                     meta={"msgcheck_kind": "sitemap"}, dont_filter=True)
            for url in self.config.start_urls:
                request = self.page_request(url, 0)
                if request is not None:
                    yield request

        def _headers_received(self, headers: Any, body_length: int, request: Any,
                              spider: Any) -> None:
            if request.meta.get("msgcheck_kind") != "page":
                return
            ctype = _media_type(headers.get(b"Content-Type"))
            if ctype and ctype not in HTML_TYPES:
                raise StopDownload(fail=False)  # not HTML: no need for the body

        # -- callbacks
        def parse_sitemap(self, response: Any) -> Any:
            from scrapy.utils.gz import gunzip
            from scrapy.utils.sitemap import Sitemap

            body = response.body
            if body[:2] == b"\x1f\x8b":
                try:
                    body = gunzip(body, max_size=self.config.max_bytes)
                except Exception as exc:
                    self.emit("failure", url=response.url, reason=f"bad gzip sitemap: {exc}",
                              status=response.status, referer=None)
                    return
            try:
                sitemap = Sitemap(body)
                entries = list(sitemap)
            except Exception as exc:
                self.emit("failure", url=response.url, reason=f"not a sitemap: {exc}",
                          status=response.status, referer=None)
                return
            for entry in entries:
                url = normalise_url(entry.get("loc", ""), response.url)
                if url is None:
                    continue
                if sitemap.type == "sitemapindex":
                    if netloc(url) in self.hosts and url not in self.seen:
                        self.seen.add(url)
                        yield scrapy.Request(url, callback=self.parse_sitemap,
                                             errback=self.failed,
                                             meta={"msgcheck_kind": "sitemap"})
                else:
                    request = self.page_request(url, 0, referer=response.url)
                    if request is not None:
                        yield request

        def parse_page(self, response: Any) -> Any:
            meta = response.meta
            depth = int(meta.get("msgcheck_depth", 0))
            url = normalise_url(response.url) or response.url
            requested = meta.get("msgcheck_requested", url)
            self.seen.add(url)
            ctype = _media_type(response.headers.get(b"Content-Type"))
            if ctype not in HTML_TYPES:
                self.emit("skipped", url=url, reason=f"not HTML ({ctype or 'no content type'})")
                return
            if url in self.recorded:
                return
            try:
                canonical_href = response.xpath(
                    "//link[contains(concat(' ', normalize-space(translate(@rel, "
                    "'CANONIAL', 'canonial')), ' '), ' canonical ')]/@href").get()
                robots_meta = " ".join(response.xpath(
                    "//meta[translate(@name, 'ROBTS', 'robts')='robots']/@content").getall())
                hrefs = response.xpath("//a/@href | //area/@href").getall()
            except Exception:  # not parseable as HTML at all: the reader will say so
                canonical_href, robots_meta, hrefs = None, "", []
            canonical = normalise_url(canonical_href, response.url) if canonical_href else None
            if canonical and canonical != url and netloc(canonical) in self.hosts:
                self.emit("skipped", url=url, reason=f"duplicate of {canonical} (rel=canonical)")
                request = self.page_request(canonical, depth, referer=url, quiet=True)
                if request is not None:
                    yield request
                return
            self.recorded.add(url)
            body = response.body
            digest = hashlib.sha256(body).hexdigest()
            body_path = None
            if self.known.get(url) != digest:
                body_path = f"{BODIES}/{digest}"
                target = self.spool_dir / body_path
                if not target.exists():
                    write_atomic(target, body)
            net = meta.get("msgcheck_network_status")
            self.emit(
                "page", url=url, requested_url=requested, status=response.status,
                content_type=ctype, digest=digest, size=len(body), depth=depth,
                cached="cached" in response.flags, network_status=net,
                etag=_header(response, b"ETag"), last_modified=_header(response, b"Last-Modified"),
                body_path=body_path)
            if "nofollow" in robots_meta.lower() or depth >= self.config.max_depth:
                return
            for href in hrefs:
                link = normalise_url(href, response.url)
                if link is None:
                    continue
                request = self.page_request(link, depth + 1, referer=url)
                if request is not None:
                    yield request

        def failed(self, failure: Any) -> None:
            request = failure.request
            url = normalise_url(request.url) or request.url
            meta = request.meta
            reason, status = _failure_reason(failure, self.config)
            if reason.startswith(("blocked by robots.txt", "not followed")):
                self.emit("skipped", url=url, reason=reason)
                return
            self.emit("failure", url=meta.get("msgcheck_requested", url), reason=reason,
                      status=status, referer=meta.get("msgcheck_referer"))

    return {
        "CrawlDelayThrottle": CrawlDelayThrottle,
        "HostGuardMiddleware": HostGuardMiddleware,
        "RedirectLoopMiddleware": RedirectLoopMiddleware,
        "NetworkStatusMiddleware": NetworkStatusMiddleware,
        "BackoffRetryMiddleware": BackoffRetryMiddleware,
        "CacheStorage": CacheStorage,
        "SiteSpider": SiteSpider,
    }


def _media_type(value: bytes | None) -> str:
    if not value:
        return ""
    return value.decode("latin-1").split(";", 1)[0].strip().lower()


def _header(response: Any, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _failure_reason(failure: Any, config: CrawlConfig) -> tuple[str, int | None]:
    """One line saying why a request failed, and the HTTP status when there was one."""
    from scrapy import exceptions as sx
    from scrapy.exceptions import IgnoreRequest
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.internet import defer, error

    refused = (error.ConnectionRefusedError, getattr(sx, "DownloadConnectionRefusedError", ()))
    timeouts = (error.TimeoutError, TimeoutError, getattr(sx, "DownloadTimeoutError", ()))
    dns = (error.DNSLookupError, getattr(sx, "CannotResolveHostError", ()))
    lost = (getattr(sx, "ResponseDataLossError", ()),)

    exc = failure.value
    if isinstance(exc, HttpError):
        from http import HTTPStatus

        status = exc.response.status
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = ""
        return f"HTTP {status} {phrase}".strip(), status
    if isinstance(exc, IgnoreRequest):
        text = str(exc) or "ignored"
        if "robots.txt" in text:
            return "blocked by robots.txt", None
        if "max redirections" in text:
            return "too many redirects", None
        return text, None
    if isinstance(exc, timeouts) or "timeout" in type(exc).__name__.lower():
        return f"timed out after {config.timeout:g}s", None
    if isinstance(exc, refused):
        return "connection refused", None
    if isinstance(exc, dns):
        return "host name not found (DNS)", None
    if isinstance(exc, lost):
        return "the connection closed before the page was complete", None
    if isinstance(exc, defer.CancelledError) and "max size" in str(exc):
        return f"larger than the {config.max_bytes // 1024} KiB limit", None
    name = type(exc).__name__
    text = " ".join(str(exc).split())[:200]
    if "maxsize" in text.lower() or "max size" in text.lower():
        return f"larger than the {config.max_bytes // 1024} KiB limit", None
    return f"{name}: {text}" if text else name, None


def _watch_parent() -> None:
    """Exit as soon as the parent closes our stdin (it finished, or it was killed)."""
    def watch() -> None:
        try:
            while sys.stdin.buffer.read(1024):
                pass
        except (OSError, ValueError):
            pass
        os._exit(3)

    threading.Thread(target=watch, name="msgcheck-parent-watch", daemon=True).start()


def child_main(argv: Sequence[str]) -> int:
    """`python -m msgcheck.crawl CONFIG.json SPOOL`: run one crawl, write the spool."""
    config_path, spool_arg = argv
    spool = Path(spool_arg)
    config = CrawlConfig.from_dict(json.loads(Path(config_path).read_text(encoding="utf-8")))
    known = json.loads((spool / "known.json").read_text(encoding="utf-8"))
    _watch_parent()
    from scrapy.crawler import CrawlerProcess

    classes = _classes()
    settings = _scrapy_settings(config, classes)
    settings.update({
        "MSGCHECK_HOSTS": list(config.hosts()),
        "MSGCHECK_BACKOFF": config.backoff,
        "MSGCHECK_BACKOFF_MAX": config.backoff_max,
        "MSGCHECK_CRAWL_DELAY_CAP": config.crawl_delay_cap,
    })
    process = CrawlerProcess(settings)
    process.crawl(classes["SiteSpider"], config=config, spool=spool, known=known)
    process.start()
    return 0


if __name__ == "__main__":
    status = child_main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    # The stdin watcher thread blocks in read(); a normal interpreter shutdown would abort on it.
    os._exit(status)
