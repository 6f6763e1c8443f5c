"""The crawler against a real local site: what it requests, what it skips, what it reports.

Every assertion about politeness (robots.txt, other hosts, tracking parameters, conditional
requests) reads the server's request log, not the crawler's own account.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from crawlfix import HUGE_LIMIT, calendar, fast_config, site_servers
from sitesrv import Route, SiteServer, page


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """Two crawls of the feature site with one HTTP cache: (site, other, first, second)."""
    from msgcheck.crawl import crawl

    tmp = tmp_path_factory.mktemp("crawl-site")
    site, other = site_servers()
    with site, other:
        config = fast_config([site.url("/")], sitemaps=(site.url("/sitemap.xml"),),
                             max_pages=40, max_depth=4, http_cache_dir=str(tmp / "cache"))
        first = crawl(config, tmp / "spool1")
        first_log = site.hits()
        site.clear()
        known = {p.url: p.digest for p in first.pages}
        second = crawl(config, tmp / "spool2", known)
        second_log = site.hits()
        yield {"site": site, "other": other, "first": first, "second": second,
               "log1": first_log, "log2": second_log, "config": config}


def paths(log) -> list[str]:
    return [h.path for h in log]


def by_url(result, base):
    return {p.url.replace(base, ""): p for p in result.pages}


def test_robots_txt_is_read_first_and_disallowed_paths_are_never_requested(crawled):
    log = paths(crawled["log1"])
    assert log[0] == "/robots.txt"
    assert not any(p.startswith("/private") for p in log)
    skipped = {s.url.split(":", 2)[-1].split("/", 1)[-1]: s.reason
               for s in crawled["first"].skipped}
    assert skipped["private/secret"] == "blocked by robots.txt"


def test_another_host_is_never_requested(crawled):
    assert crawled["other"].hits() == []


def test_user_agent_names_msgcheck_and_its_home(crawled):
    agents = {h.headers.get("user-agent") for h in crawled["log1"]}
    assert agents == {"msgcheck/0.1.0 (+https://github.com/msgcheck/msgcheck)"}


def test_sitemap_pages_are_crawled(crawled):
    assert "/only-in-sitemap" in paths(crawled["log1"])
    assert "/only-in-sitemap" in by_url(crawled["first"], crawled["site"].base)


def test_503_is_retried_with_backoff_and_then_fetched(crawled):
    hits = [
        h for h in crawled["log1"] if h.path == "/flaky"]
    assert [h.status for h in hits] == [503, 200]
    assert hits[1].time - hits[0].time >= 0.04  # the back-off waited
    assert by_url(crawled["first"], crawled["site"].base)["/flaky"].status == 200


def test_redirect_is_followed_and_recorded_under_the_final_url(crawled):
    pages = by_url(crawled["first"], crawled["site"].base)
    assert "/new" in pages and "/old" not in pages
    assert pages["/new"].requested_url.endswith("/old")


def test_redirect_loop_is_reported_not_followed_forever(crawled):
    loop_hits = [p for p in paths(crawled["log1"]) if p.startswith("/loop-")]
    assert 2 <= len(loop_hits) <= 4
    failures = {f.url.replace(crawled["site"].base, ""): f.reason
                for f in crawled["first"].failures}
    assert failures["/loop-a"].startswith("redirect loop")


def test_canonical_duplicate_is_fetched_but_analysed_once_under_the_canonical(crawled):
    first = crawled["first"]
    base = crawled["site"].base
    assert "/dup?ref=1" not in by_url(first, base)
    dup = next(s for s in first.skipped if s.url.endswith("/dup?ref=1"))
    assert dup.reason == f"duplicate of {base}/about (rel=canonical)"
    assert paths(crawled["log1"]).count("/about") == 1


def test_tracking_parameters_are_stripped_before_scheduling(crawled):
    log = paths(crawled["log1"])
    assert not any("utm_" in p or "gclid" in p for p in log)
    assert "/pricing?plan=pro" in log


def test_non_html_is_not_parsed_and_known_binary_links_are_not_requested(crawled):
    first = crawled["first"]
    skipped = {s.url.replace(crawled["site"].base, ""): s.reason for s in first.skipped}
    assert skipped["/download"] == "not HTML (application/pdf)"
    assert "/download" not in by_url(first, crawled["site"].base)
    assert "/brochure.pdf" not in paths(crawled["log1"])


def test_slow_page_times_out_and_is_reported(crawled):
    failures = {f.url.replace(crawled["site"].base, ""): f.reason
                for f in crawled["first"].failures}
    assert failures["/slow"] == "timed out after 1s"
    assert 1 <= paths(crawled["log1"]).count("/slow") <= 2


def test_malformed_html_is_still_a_page(crawled):
    page_ = by_url(crawled["first"], crawled["site"].base)["/malformed"]
    assert page_.status == 200 and page_.body_path is not None


def test_page_over_the_size_limit_is_reported_and_a_big_one_under_it_is_kept(crawled):
    first = crawled["first"]
    failures = {f.url.replace(crawled["site"].base, ""): f.reason for f in first.failures}
    assert failures["/huge"] == f"larger than the {HUGE_LIMIT // 1024} KiB limit"
    assert by_url(first, crawled["site"].base)["/big"].size > HUGE_LIMIT // 2


def test_missing_page_is_a_404_failure(crawled):
    failures = {f.url.replace(crawled["site"].base, ""): f for f in crawled["first"].failures}
    assert failures["/missing"].status == 404
    assert failures["/missing"].reason == "HTTP 404 Not Found"
    assert failures["/missing"].referer == crawled["site"].url("/")


def test_endless_calendar_stays_within_max_depth_and_max_pages(crawled):
    config = crawled["config"]
    calendar_hits = [p for p in paths(crawled["log1"]) if p.startswith("/calendar/")]
    # /calendar/2026/01 is at depth 1; max_depth 4 allows 3 more clicks either way.
    assert 1 < len(set(calendar_hits)) <= 1 + 2 * (config.max_depth - 1)
    pages_requested = {p for p in paths(crawled["log1"]) if p not in ("/robots.txt",
                                                                      "/sitemap.xml")}
    assert len(pages_requested) <= config.max_pages


def test_second_crawl_sends_conditional_requests_and_gets_304s(crawled):
    log2 = crawled["log2"]
    home = [h for h in log2 if h.path == "/"]
    assert home and home[0].headers.get("if-none-match")
    assert home[0].headers.get("if-modified-since")
    assert home[0].status == 304
    revalidated = [p for p in crawled["second"].pages if p.network_status == 304]
    assert len(revalidated) >= len(crawled["first"].pages) - 2
    assert all(p.cached for p in revalidated)
    # Same pages, same digests; the parent knew them, so no body was written again.
    first = {p.url: p.digest for p in crawled["first"].pages}
    second = {p.url: p.digest for p in crawled["second"].pages}
    assert second == first
    assert all(p.body_path is None for p in crawled["second"].pages)


def test_max_pages_caps_an_endless_site(tmp_path):
    from msgcheck.crawl import crawl

    with SiteServer({}, dynamic=calendar) as site:
        config = fast_config([site.url("/calendar/2026/01")], max_pages=12, max_depth=1000)
        result = crawl(config, tmp_path / "spool")
        requested = {h.path for h in site.hits()} - {"/robots.txt"}
    assert len(requested) == 12
    assert len(result.pages) == 12 and result.truncated


def test_include_and_exclude_patterns(tmp_path):
    from msgcheck.crawl import crawl

    routes = {"/": Route(page("Home", [], ["/blog/a", "/blog/b", "/shop/c", "/blog/drafts/x"])),
              "/blog/a": Route(page("A")), "/blog/b": Route(page("B")),
              "/shop/c": Route(page("C")), "/blog/drafts/x": Route(page("X"))}
    with SiteServer(routes) as site:
        config = fast_config([site.url("/")], include=(r"/$", r"/blog/"),
                             exclude=(r"/drafts/",))
        crawl(config, tmp_path / "spool")
        requested = {h.path for h in site.hits()} - {"/robots.txt"}
    assert requested == {"/", "/blog/a", "/blog/b"}


def test_robots_crawl_delay_is_honoured(tmp_path):
    from msgcheck.crawl import crawl

    routes = {"/robots.txt": Route(b"User-agent: msgcheck\nCrawl-delay: 1\n",
                                   content_type="text/plain"),
              "/": Route(page("Home", [], ["/a", "/b", "/c"])),
              "/a": Route(page("A")), "/b": Route(page("B")), "/c": Route(page("C"))}
    with SiteServer(routes) as site:
        result = crawl(fast_config([site.url("/")], concurrency=4), tmp_path / "spool")
        times = sorted(h.time for h in site.hits() if h.path != "/robots.txt")
    assert len(result.pages) == 4
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.9, gaps
    assert result.stats.get("msgcheck/crawl_delay/127.0.0.1") == 1


def test_start_url_that_does_not_answer_is_a_failure_with_a_reason(tmp_path):
    from msgcheck.crawl import crawl

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    result = crawl(fast_config([f"http://127.0.0.1:{port}/"]), tmp_path / "spool")
    assert time.monotonic() - started < 20
    assert result.pages == ()
    assert [f.reason for f in result.failures] == ["connection refused"]


def test_child_exits_when_its_parent_closes_the_pipe(tmp_path):
    """The watchdog: a crawler whose parent is gone stops instead of crawling on."""
    import json
    import os
    import subprocess
    import sys

    from msgcheck.crawl import CrawlConfig

    routes = {"/": Route(page("Home", [], [f"/s{i}" for i in range(20)]))}
    routes.update({f"/s{i}": Route(page(f"S{i}"), delay=0.5) for i in range(20)})
    with SiteServer(routes) as site:
        spool = tmp_path / "spool"
        (spool / "bodies").mkdir(parents=True)
        (spool / "known.json").write_text("{}")
        cfg = spool / "config.json"
        cfg.write_text(json.dumps(CrawlConfig((site.url("/"),), start_delay=0.01,
                                              concurrency=1).to_dict()))
        env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2] / "src"))
        child = subprocess.Popen([sys.executable, "-m", "msgcheck.crawl.child", str(cfg),
                                  str(spool)],
                                 stdin=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        deadline = time.monotonic() + 20
        while not any(h.path.startswith("/s") for h in site.hits()):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        child.stdin.close()
        assert child.wait(timeout=10) == 3
        count = len(site.hits())
        time.sleep(1.0)
        assert len(site.hits()) == count


def test_the_parent_side_imports_neither_scrapy_nor_twisted():
    """Only the child imports Scrapy: starting a crawl costs the parent no reactor."""
    import subprocess
    import sys

    code = ("import sys, msgcheck.crawl, msgcheck.crawl.child; heavy = [m for m in ('scrapy', "
            "'twisted', 'sqlalchemy', 'msgcheck.pipeline') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
