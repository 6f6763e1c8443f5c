"""The nightly run end to end (crawl, analyse what changed, record), with a fake-model engine.

The analysis uses the real pipeline (spaCy, checks, style model) with a hashed bag-of-words
embedder, so these tests need no embedding model; terminology findings (exact terms from the
example platform) make new and resolved findings deterministic. Real-model runs are in
test_crawl_cli.py, marked `model`.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from crawlfix import PLATFORM, fake_engine, fast_config
from sitesrv import Route, SiteServer, page

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def platform():
    from msgcheck.platform import load_platform

    return load_platform(PLATFORM)


@pytest.fixture(scope="module")
def engine(platform):
    return fake_engine(platform)


def site_routes() -> dict[str, Route]:
    return {
        "/": Route(page("Home", ["Close the month in days, not weeks."],
                        ["/pricing", "/about"])),
        "/pricing": Route(page("Pricing", ["Our seamless onboarding takes a week.",
                                           "Pay suppliers on time, every time."])),
        "/about": Route(page("About", ["Ledgerline is based in Leeds."])),
    }


def nightly(site, db: Path, engine, platform, **kw):
    from msgcheck.crawl import analysis_key, check_site
    from msgcheck.history import History

    calls = []

    def factory():
        calls.append(1)
        return engine

    config = fast_config([site.url("/")], http_cache_dir=str(db.with_suffix(".httpcache")))
    history = History(f"sqlite:///{db}")
    try:
        report = check_site(config, history, factory, analysis_key(platform.digest,
                                                                   engine.settings),
                            company=platform.company, platform_digest=platform.digest, **kw)
    finally:
        history.close()
    return report, len(calls)


def test_second_night_revalidates_reuses_and_an_edit_shows_new_and_resolved(tmp_path, engine,
                                                                            platform):
    db = tmp_path / "h.sqlite"
    with SiteServer(site_routes()) as site:
        first, built = nightly(site, db, engine, platform)
        assert built == 1 and first.stats["analysed"] == 3
        avoid = [f for f in first.new if f.check == "terminology.avoid"]
        assert [f.location.source for f in avoid] == [site.url("/pricing")]

        site.clear()
        second, built = nightly(site, db, engine, platform)
        assert built == 0, "nothing changed: the models must not even be loaded"
        assert second.stats["reused"] == 3 and second.stats["revalidated"] == 3
        assert second.new == () and second.resolved == ()
        assert {f.fingerprint for f in second.findings} == {f.fingerprint for f in first.findings}
        assert all(h.status == 304 for h in site.hits() if h.path != "/robots.txt")
        assert second.summary["claims"] == first.summary["claims"]

        site.routes["/pricing"] = Route(page("Pricing", [
            "Our pre-built connector takes a week.", "Pay suppliers on time, every time.",
            "Unlike PayNimbus, we never double-pay."]), modified=1.8e9)
        site.clear()
        third, built = nightly(site, db, engine, platform)
        assert built == 1 and third.stats["analysed"] == 1 and third.stats["reused"] == 2
        assert "terminology.competitor" in {f.check for f in third.new}
        assert "terminology.avoid" in {f.check for f in third.resolved}
        assert {f.location.source for f in (*third.new, *third.resolved)} == {
            site.url("/pricing")}
        pricing = next(p for p in third.pages if p.url == site.url("/pricing"))
        assert pricing.analysed and set(pricing.new) == {f.fingerprint for f in third.new}
        report = third.to_dict()
        assert json.loads(json.dumps(report)) == report
        from msgcheck.report.crawl import render_markdown, render_text

        markdown = render_markdown(third)
        assert markdown.startswith(f"### msgcheck crawl: {len(third.new)} new, "
                                   f"{len(third.resolved)} resolved")
        assert "| warning |" in markdown or "| error |" in markdown
        text = render_text(third)
        assert "resolved findings (" in text and "terminology.avoid" in text

        # Markup only (a script, as a CSRF token would be): same text, nothing to analyse.
        about = page("About", ["Ledgerline is based in Leeds."],
                     head="<script>var token = 'x9';</script>")
        site.routes["/about"] = Route(about, modified=1.9e9)
        fourth, built = nightly(site, db, engine, platform)
        assert built == 0 and fourth.stats["analysed"] == 0 and fourth.new == ()
        con = sqlite3.connect(db)
        stored = con.execute("SELECT digest FROM pages WHERE url = ?",
                             (site.url("/about"),)).fetchone()[0]
        assert stored == hashlib.sha256(about).hexdigest()
        assert report["run"]["id"] == 3 and report["summary"]["resolved"] >= 1


def test_start_url_that_does_not_answer_fails_the_run_cleanly(tmp_path, engine, platform):
    import socket

    from msgcheck.crawl import CrawlError
    from msgcheck.history import trends

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    class Dead:
        def url(self, path: str) -> str:
            return f"http://127.0.0.1:{port}{path}"

    db = tmp_path / "h.sqlite"
    with pytest.raises(CrawlError) as err:
        nightly(Dead(), db, engine, platform)
    assert "connection refused" in err.value.render()
    assert err.value.render().startswith("error[E120] http://127.0.0.1:")
    assert [r["status"] for r in trends(f"sqlite:///{db}")["other_runs"]] == ["failed"]


RUNNER = textwrap.dedent("""
    import sys
    sys.path[:0] = [{tests!r}, {crawl!r}]
    from crawlfix import PLATFORM, fast_config, fake_engine
    from msgcheck.crawl import analysis_key, check_site
    from msgcheck.history import History
    from msgcheck.platform import load_platform
    platform = load_platform(PLATFORM)
    engine = fake_engine(platform)
    config = fast_config([sys.argv[1]], concurrency=1, timeout=5.0)
    history = History(sys.argv[2])
    check_site(config, history, lambda: engine, analysis_key(platform.digest, engine.settings),
               company=platform.company, platform_digest=platform.digest, lock_wait=0.5)
    print("finished")
""")


def slow_site(n: int = 12, delay: float = 0.25) -> dict[str, Route]:
    routes = {"/": Route(page("Home", ["Close the month in days, not weeks."],
                              [f"/s{i}" for i in range(n)]))}
    routes.update({f"/s{i}": Route(page(f"S{i}", ["Pay suppliers on time."]), delay=delay)
                   for i in range(n)})
    return routes


def start_runner(url: str, db_url: str, tmp_path: Path) -> subprocess.Popen:
    script = tmp_path / "runner.py"
    script.write_text(RUNNER.format(tests=str(ROOT / "tests"),
                                    crawl=str(ROOT / "tests" / "crawl")))
    # TMPDIR: the spool a killed run leaves behind stays inside the test's folder.
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), TMPDIR=str(tmp_path))
    return subprocess.Popen([sys.executable, str(script), url, db_url], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def test_kill_9_midway_leaves_the_store_consistent_and_the_next_run_works(tmp_path, engine,
                                                                          platform):
    db = tmp_path / "h.sqlite"
    db_url = f"sqlite:///{db}"
    with SiteServer(slow_site()) as site:
        runner = start_runner(site.url("/"), db_url, tmp_path)
        wait_for(lambda: any(h.path.startswith("/s") for h in site.hits()))
        os.kill(runner.pid, signal.SIGKILL)
        runner.wait()
        # The crawler child notices its parent is gone and stops requesting.
        time.sleep(1.5)
        count = len(site.hits())
        time.sleep(1.0)
        assert len(site.hits()) == count
        con = sqlite3.connect(db)
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("SELECT id, status FROM runs").fetchall() == [(1, "running")]
        assert con.execute("SELECT count(*) FROM pages").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM findings").fetchone() == (0,)
        con.close()

        site.routes.update({k: Route(v.body) for k, v in site.routes.items()})  # fast now
        report, _ = nightly(site, db, engine, platform)
        assert report.run_id == 2 and report.stats["pages"] == 13
        con = sqlite3.connect(db)
        assert con.execute("SELECT id, status FROM runs ORDER BY id").fetchall() == [
            (1, "abandoned"), (2, "finished")]
        assert con.execute("SELECT count(*) FROM locks").fetchone() == (0,)


def test_two_runs_at_once_the_second_refuses_and_the_first_finishes(tmp_path, engine, platform):
    from msgcheck.history import HistoryError

    db = tmp_path / "h.sqlite"
    db_url = f"sqlite:///{db}"
    with SiteServer(slow_site(8, 0.2)) as site:
        runner = start_runner(site.url("/"), db_url, tmp_path)
        wait_for(lambda: any(h.path.startswith("/s") for h in site.hits()))
        started = time.monotonic()
        with pytest.raises(HistoryError) as err:
            nightly(site, db, engine, platform, lock_wait=1.0)
        assert 0.9 <= time.monotonic() - started < 10
        line = err.value.render().splitlines()[0]
        assert line.startswith("error[E501] ") and "another msgcheck crawl" in line
        out, errors = runner.communicate(timeout=60)
        assert runner.returncode == 0, errors
        assert out.strip() == "finished"
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("SELECT id, status FROM runs").fetchall() == [(1, "finished")]
    assert con.execute("SELECT count(*) FROM pages").fetchone() == (9,)
