"""The parent side of a crawl: start the crawler child, follow its spool, return what it fetched.

Why a child process: Twisted's reactor cannot be restarted (`ReactorNotRestartable`), so one
process can run one Scrapy crawl. The parent (the CLI, a test, a scheduler) starts
`python -m msgcheck.crawl.child CONFIG SPOOL` for every crawl and reads what the child writes to
the spool folder: `pages.jsonl`, one JSON object per fetched page, skipped URL or failure, and
`bodies/<sha256>` with the bytes of pages the parent has not analysed yet. The child watches its
standard input and exits when the parent goes away, so a killed run leaves no crawler behind.

Nothing here imports Scrapy or Twisted: only `msgcheck.crawl.child` does, in the child.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from msgcheck.crawl.urls import netloc
from msgcheck.errors import Code, MsgcheckError
from msgcheck.version import __version__

USER_AGENT = f"msgcheck/{__version__} (+https://github.com/msgcheck/msgcheck)"
"""What every request says it is."""
ROBOTS_AGENT = "msgcheck"
"""The token matched against robots.txt `User-agent` lines."""

CHILD_MODULE = "msgcheck.crawl.child"
"""What the parent runs with `python -m` for each crawl."""
SPOOL_PREFIX = "msgcheck-crawl-"
SPOOL_FILE = "pages.jsonl"
BODIES = "bodies"
CHILD_LOG = "crawl.log"

ProgressFn = Callable[[dict[str, Any]], None]


class CrawlError(MsgcheckError):
    """The crawl could not be judged at all (no start URL answered, the crawler failed)."""

    code = Code.CRAWL


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
    # The child imports msgcheck from the same place as this process: the folder holding the
    # msgcheck package (runner.py is msgcheck/crawl/runner.py).
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    with open(spool / CHILD_LOG, "wb") as log, open(out, "rb") as reader:
        child = subprocess.Popen(
            [sys.executable, "-m", CHILD_MODULE, str(spool / "config.json"), str(spool)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log, env=env)
        try:
            records = _follow(child, reader, progress, tick, poll)
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


def _follow(child: subprocess.Popen[bytes], reader: IO[bytes], progress: ProgressFn | None,
            tick: Callable[[], None] | None, poll: float) -> list[dict[str, Any]]:
    """Read spool records as the child appends them, until it exits; every record, in order."""
    records: list[dict[str, Any]] = []
    buffer = b""
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
            return records
        time.sleep(poll)


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
