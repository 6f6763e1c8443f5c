"""The spider: breadth first over the allowed hosts, recording pages, skips and failures.

Every record goes to the spool as one JSON line (`pages.jsonl`), and the body of a page the
parent has not analysed yet to `bodies/<sha256>`; the parent reads both as they appear.
"""

from __future__ import annotations

import hashlib
import json
import re
from http import HTTPStatus
from pathlib import Path
from typing import Any

import scrapy
from scrapy import exceptions as sx
from scrapy import signals
from scrapy.exceptions import IgnoreRequest, StopDownload
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap
from twisted.internet import defer, error

from msgcheck.crawl.runner import BODIES, SPOOL_FILE, CrawlConfig
from msgcheck.crawl.urls import SKIP_EXTENSIONS, extension, netloc, normalise_url
from msgcheck.fileio import write_atomic

HTML_TYPES = ("text/html", "application/xhtml+xml")
"""Content types the crawler parses; everything else is recorded and skipped."""


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
        """The spider, connected to the signals it listens to."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._headers_received, signal=signals.headers_received)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    # -- spool
    def emit(self, kind: str, **data: Any) -> None:
        """Append one record to the spool, flushed so the parent sees it at once."""
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
        if extension(url) in SKIP_EXTENSIONS:
            return "not HTML (by extension)"
        if self.include and not any(p.search(url) for p in self.include):
            return "not included (--include)"
        if any(p.search(url) for p in self.exclude):
            return "excluded (--exclude)"
        return None

    def page_request(self, url: str, depth: int, referer: str | None = None,
                     quiet: bool = False) -> Any:
        """A request for `url`, or None when it was seen, is not allowed, or the cap is hit.

        A URL not allowed is recorded as skipped unless `quiet` (or it is on another host).
        """
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
        """The sitemaps first, then the start URLs."""
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
        """Schedule the pages (or nested sitemaps) a sitemap lists."""
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
        """Record an HTML page (its body to the spool when new) and follow its links."""
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
        """Record why a request failed (robots.txt and other hosts count as skipped)."""
        request = failure.request
        url = normalise_url(request.url) or request.url
        meta = request.meta
        reason, status = _failure_reason(failure, self.config)
        if reason.startswith(("blocked by robots.txt", "not followed")):
            self.emit("skipped", url=url, reason=reason)
            return
        self.emit("failure", url=meta.get("msgcheck_requested", url), reason=reason,
                  status=status, referer=meta.get("msgcheck_referer"))


def _media_type(value: bytes | None) -> str:
    if not value:
        return ""
    return value.decode("latin-1").split(";", 1)[0].strip().lower()


def _header(response: Any, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _failure_reason(failure: Any, config: CrawlConfig) -> tuple[str, int | None]:
    """One line saying why a request failed, and the HTTP status when there was one."""
    refused = (error.ConnectionRefusedError, getattr(sx, "DownloadConnectionRefusedError", ()))
    timeouts = (error.TimeoutError, TimeoutError, getattr(sx, "DownloadTimeoutError", ()))
    dns = (error.DNSLookupError, getattr(sx, "CannotResolveHostError", ()))
    lost = (getattr(sx, "ResponseDataLossError", ()),)

    exc = failure.value
    if isinstance(exc, HttpError):
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
