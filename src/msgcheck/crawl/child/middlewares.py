"""Downloader middlewares: stay on the allowed hosts, name redirect loops, back off on retries."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest

from msgcheck.crawl.urls import normalise_url


class HostGuardMiddleware:
    """Refuses requests to hosts outside the allowed set, redirects included."""

    def __init__(self, hosts: Iterable[str]) -> None:
        self.hosts = frozenset(hosts)

    @classmethod
    def from_crawler(cls, crawler: Any) -> HostGuardMiddleware:
        """The middleware for a crawler: the hosts come from the `MSGCHECK_HOSTS` setting."""
        return cls(crawler.settings.getlist("MSGCHECK_HOSTS"))

    def process_request(self, request: Any) -> None:
        """Raise IgnoreRequest for a request to another host."""
        host = urlsplit(request.url).netloc.lower()
        if host not in self.hosts:
            raise IgnoreRequest(f"not followed: {host} is not an allowed host")


class RedirectLoopMiddleware:
    """Turns a redirect back to a URL already in the chain into a named failure."""

    def process_response(self, request: Any, response: Any) -> Any:
        """The response, unless it redirects to a URL the chain has visited already."""
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
        """The response, its status noted in the request's meta."""
        request.meta["msgcheck_network_status"] = response.status
        return response


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, each one waiting twice as long (or as `Retry-After` asks)."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff = settings.getfloat("MSGCHECK_BACKOFF", 1.0)
        self.backoff_max = settings.getfloat("MSGCHECK_BACKOFF_MAX", 30.0)

    async def process_request(self, request: Any) -> None:
        """Hold a retried request until its back-off has passed."""
        wait = request.meta.get("msgcheck_not_before", 0.0) - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)

    # Newer Scrapy calls middlewares without `spider`; the base keeps it for old callers.
    def process_response(self, request: Any, response: Any) -> Any:  # type: ignore[override]
        """Scrapy's retry decision; a retry is scheduled after its back-off."""
        result = super().process_response(request, response)
        if result is not response:
            retry_after = response.headers.get(b"Retry-After")
            self._schedule(result, retry_after)
        return result

    def process_exception(self, request: Any,  # type: ignore[override]
                          exception: Exception) -> Any:
        """Scrapy's retry decision for a network error; a retry waits its back-off."""
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
