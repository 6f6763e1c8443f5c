"""A real local website for crawl tests and the crawl benchmark.

`SiteServer` is a threaded `http.server` on 127.0.0.1 (an ephemeral port) that serves a dict of
routes, answers conditional requests (ETag / If-None-Match, Last-Modified / If-Modified-Since)
with 304, and keeps a log of every request with its headers, so tests assert what the crawler
did on the wire rather than what it says it did. Nothing here reaches beyond the loopback.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Route:
    """What one path answers."""

    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds to wait before answering (a slow page)."""
    fail_first: int = 0
    """Answer 503 this many times first (a flaky page)."""
    location: str | None = None
    """Redirect target (with status 301/302)."""
    validators: bool = True
    """Send ETag and Last-Modified, and honour conditional requests."""
    modified: float = 1_700_000_000.0
    """Last-Modified as epoch seconds."""


@dataclass(frozen=True)
class Hit:
    """One logged request."""

    time: float
    method: str
    path: str
    headers: dict[str, str]
    status: int


Dynamic = Callable[[str], Route | None]


class SiteServer:
    """A threaded HTTP server with routes, conditional GETs and a request log."""

    def __init__(self, routes: dict[str, Route] | None = None,
                 dynamic: Dynamic | None = None) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.dynamic = dynamic
        self.log: list[Hit] = []
        self.lock = threading.Lock()
        self.failures: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:  # noqa: N802
                server._handle(self)

            def do_HEAD(self) -> None:  # noqa: N802
                server._handle(self, head=True)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        """`http://127.0.0.1:PORT`."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """Absolute URL of a path."""
        return self.base + path

    def __enter__(self) -> SiteServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- log queries
    def hits(self, path: str | None = None) -> list[Hit]:
        """Logged requests, optionally for one path (query string included)."""
        with self.lock:
            return [h for h in self.log if path is None or h.path == path]

    def paths(self) -> set[str]:
        """Every path requested."""
        return {h.path for h in self.hits()}

    def clear(self) -> None:
        """Forget the log (between two crawls)."""
        with self.lock:
            self.log.clear()

    # -- serving
    def _route(self, path: str) -> Route | None:
        route = self.routes.get(path)
        if route is None and self.dynamic is not None:
            route = self.dynamic(path)
        return route

    def _handle(self, req: BaseHTTPRequestHandler, head: bool = False) -> None:
        path = req.path
        route = self._route(path)
        headers = {k.lower(): v for k, v in req.headers.items()}
        status, body, out = self._answer(path, route, headers)
        with self.lock:
            self.log.append(Hit(time.monotonic(), req.command, path, headers, status))
        if route is not None and route.delay:
            time.sleep(route.delay)
        try:
            req.send_response(status)
            for name, value in out.items():
                req.send_header(name, value)
            req.send_header("Content-Length", str(len(body)))
            req.end_headers()
            if not head and body:
                req.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _answer(self, path: str, route: Route | None,
                headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        if route is None:
            return 404, b"<html><body><h1>Not found</h1></body></html>", {
                "Content-Type": "text/html"}
        with self.lock:
            seen = self.failures.get(path, 0)
            if seen < route.fail_first:
                self.failures[path] = seen + 1
                return 503, b"busy", {"Content-Type": "text/plain", "Retry-After": "0"}
        out = dict(route.headers)
        if route.location is not None:
            out["Location"] = route.location
            return route.status, b"", out
        out["Content-Type"] = route.content_type
        if route.validators and route.status == 200:
            etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
            modified = email.utils.formatdate(route.modified, usegmt=True)
            out["ETag"] = etag
            out["Last-Modified"] = modified
            if headers.get("if-none-match") == etag:
                return 304, b"", {"ETag": etag, "Last-Modified": modified}
            since = headers.get("if-modified-since")
            if since and "if-none-match" not in headers:
                parsed = email.utils.parsedate_to_datetime(since).timestamp()
                if parsed >= int(route.modified):
                    return 304, b"", {"ETag": etag, "Last-Modified": modified}
        return route.status, route.body, out


def page(title: str, paragraphs: Iterable[str] = (), links: Iterable[str] = (),
         head: str = "") -> bytes:
    """A small HTML page."""
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    nav = "".join(f'<li><a href="{href}">{href}</a></li>\n' for href in links)
    return (f"<!doctype html>\n<html><head><title>{title}</title>{head}</head>\n<body>\n"
            f"<h1>{title}</h1>\n{body}<ul>\n{nav}</ul>\n</body></html>\n").encode()


def sentences() -> list[str]:
    """Marketing sentences from the project's own labelled data (deterministic order)."""
    out: list[str] = []
    data = ROOT / "src" / "msgcheck" / "style" / "data"
    for path in sorted(data.glob("style_train*.jsonl")) + [ROOT / "evaluation" /
                                                           "style_eval.jsonl"]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                text = json.loads(line)["text"]
                out.append(text.replace("<", "&lt;").replace(">", "&gt;"))
    return out


def generated_site(n: int, per_page: int = 8, fanout: int = 5, base: str = "") -> dict[str, Route]:
    """`n` linked pages (`/p/0` ... ) of marketing copy, a sitemap, and robots.txt.

    Page i links to pages 2i+1 .. 2i+fanout-ish and back to the home page, so the whole site is
    reachable from `/` within about log2(n) clicks.
    """
    texts = sentences()
    routes: dict[str, Route] = {}
    for i in range(n):
        paras = [texts[(i * per_page + j) % len(texts)] for j in range(per_page)]
        links = ["/"] + [f"/p/{k}" for k in range(2 * i + 1, 2 * i + 1 + fanout) if k < n]
        routes[f"/p/{i}"] = Route(page(f"Page {i}", paras, links))
    routes["/"] = Route(page("Home", texts[:3], ["/p/0", "/p/1", "/p/2"]))
    urls = "".join(f"<url><loc>{base}/p/{i}</loc></url>" for i in range(n))
    routes["/sitemap.xml"] = Route(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{urls}</urlset>".encode(), content_type="application/xml")
    routes["/robots.txt"] = Route(b"User-agent: *\nAllow: /\n", content_type="text/plain")
    return routes
