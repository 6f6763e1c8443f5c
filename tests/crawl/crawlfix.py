"""Shared pieces of the crawl tests: the feature site, fast crawl settings, a fake-model engine.

Kept out of a conftest.py on purpose (test folders here have no __init__.py, and two conftest
modules would clash): test modules import what they need from here.
"""

from __future__ import annotations

import re
from pathlib import Path

from sitesrv import Route, SiteServer, page

ROOT = Path(__file__).resolve().parents[2]
PLATFORM = ROOT / "message_platform"

HUGE_LIMIT = 1024 * 1024
"""max_bytes of the feature crawl: /huge is over it, /big under it."""


def fast_config(starts: list[str], **kw: object):
    """A CrawlConfig tuned for tests: short delays, timeouts and back-off."""
    from msgcheck.crawl import CrawlConfig

    values: dict[str, object] = dict(start_urls=tuple(starts), start_delay=0.01, timeout=1.0,
                                     retries=1, backoff=0.05, max_bytes=HUGE_LIMIT)
    values.update(kw)
    return CrawlConfig(**values)  # type: ignore[arg-type]


def calendar(path: str) -> Route | None:
    """An endless calendar: every month links to the previous and the next one."""
    m = re.fullmatch(r"/calendar/(\d{4})/(\d{2})", path)
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    index = year * 12 + month - 1
    prev_, next_ = index - 1, index + 1
    links = [f"/calendar/{prev_ // 12:04d}/{prev_ % 12 + 1:02d}",
             f"/calendar/{next_ // 12:04d}/{next_ % 12 + 1:02d}"]
    return Route(page(f"Events {year}-{month:02d}", ["Nothing planned yet."], links))


def feature_site(other_base: str) -> dict[str, Route]:
    """One page of each kind the crawler must handle (see test_crawl_site.py)."""
    malformed = (b"<html><head><title>Broken</title><body><p>Close the month in days, not"
                 b" weeks.<div><b>Unclosed bold <p>Approvals in one click</i></table></td>"
                 b"<a href='/about'>about</a><p>&bogus; &#xZZ; \xff\xfe end")
    big_text = "Invoices flow from inbox to ledger without anyone retyping them. " * 12_000
    home_links = [
        "/about", "/private/secret", f"{other_base}/elsewhere", "/flaky", "/old",
        "/loop-a", "/dup?ref=1", "/about?utm_source=news&utm_medium=email&gclid=abc",
        "/pricing?utm_campaign=spring&plan=pro", "/download", "/brochure.pdf", "/slow",
        "/malformed", "/huge", "/big", "/calendar/2026/01", "/missing",
        "mailto:sales@example.com", "javascript:void(0)", "#top",
    ]
    return {
        "/robots.txt": Route(b"User-agent: *\nDisallow: /private/\n\nSitemap: /sitemap.xml\n",
                             content_type="text/plain"),
        "/sitemap.xml": Route(
            b'<?xml version="1.0" encoding="UTF-8"?>\n'
            b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            b"<url><loc>/</loc></url><url><loc>/only-in-sitemap</loc></url></urlset>",
            content_type="application/xml"),
        "/": Route(page("Home", ["Close the month in days, not weeks."], home_links)),
        "/about": Route(page("About", ["Your AP team approves exceptions instead of keying "
                                       "data."], ["/"])),
        "/only-in-sitemap": Route(page("Sitemap only", ["Listed in the sitemap only."])),
        "/private/secret": Route(page("Secret", ["Never fetch me."])),
        "/flaky": Route(page("Flaky", ["Works on the second try."]), fail_first=1),
        "/old": Route(status=301, location="/new"),
        "/new": Route(page("New", ["Moved here."])),
        "/loop-a": Route(status=302, location="/loop-b"),
        "/loop-b": Route(status=302, location="/loop-a"),
        "/dup?ref=1": Route(page("About (copy)", ["Same as about."],
                                 head='<link rel="canonical" href="/about">')),
        "/pricing?plan=pro": Route(page("Pricing", ["Plans for every team."])),
        "/download": Route(b"%PDF-1.4 fake pdf bytes " * 100, content_type="application/pdf"),
        "/brochure.pdf": Route(b"%PDF-1.4", content_type="application/pdf"),
        "/slow": Route(page("Slow", ["Too slow."]), delay=3.0),
        "/malformed": Route(malformed),
        "/huge": Route(page("Huge", [big_text * 2])),
        "/big": Route(page("Big", [big_text[: HUGE_LIMIT // 2]])),
    }


def site_servers() -> tuple[SiteServer, SiteServer]:
    """The feature site and another host it links to (never to be requested)."""
    other = SiteServer({"/elsewhere": Route(page("Elsewhere", ["Another host."]))})
    site = SiteServer(feature_site(other.base), dynamic=calendar)
    return site, other


def fake_engine(platform):
    """The real pipeline with a hashed bag-of-words embedder: fast, no model download/load."""
    from conftest import FakeEmbedder

    from msgcheck.pipeline import Engine, Settings

    return Engine(platform, Settings(cache_dir=None, created_at="2026-01-01T00:00:00Z"),
                  embedder=FakeEmbedder(384))
