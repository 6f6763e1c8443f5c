"""`msgcheck crawl` and `msgcheck history` as a user runs them: exit codes, formats, errors."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from crawlfix import PLATFORM
from sitesrv import Route, SiteServer, page


@pytest.fixture
def main(tmp_path, monkeypatch):
    """cli.main with the crawl commands registered (cli.py does that once wired)."""
    from msgcheck import cli as cli_module
    from msgcheck.cli.crawl import crawl, history

    for command in (crawl, history):
        if command.name not in cli_module.cli.commands:
            monkeypatch.setitem(cli_module.cli.commands, command.name, command)
    monkeypatch.setenv("MSGCHECK_DB", str(tmp_path / "history.sqlite"))
    return cli_module.main


def run(main, capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_importing_the_commands_loads_no_heavy_module():
    code = ("import sys, msgcheck.cli.crawl; heavy = [m for m in ('scrapy', 'sqlalchemy', "
            "'twisted', 'torch', 'spacy', 'msgcheck.pipeline', 'msgcheck.crawl', "
            "'msgcheck.history') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_start_url_that_does_not_answer_exits_2_with_a_clear_error(main, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, out, err = run(main, capsys, "crawl", f"http://127.0.0.1:{port}/", "--platform",
                         str(PLATFORM), "--timeout", "1", "--retries", "0", "--start-delay",
                         "0")
    assert code == 2 and out == ""
    first = err.strip().splitlines()[0]
    assert first.startswith(f"error[E120] http://127.0.0.1:{port}/: no page could be fetched")
    assert "connection refused" in first
    assert err.strip().splitlines()[1].startswith("hint: ")


def test_site_that_robots_txt_closes_entirely_cannot_be_judged(main, capsys):
    routes = {"/robots.txt": Route(b"User-agent: msgcheck\nDisallow: /\n",
                                   content_type="text/plain"), "/": Route(page("Home"))}
    with SiteServer(routes) as site:
        code, _, err = run(main, capsys, "crawl", site.url("/"), "--platform", str(PLATFORM),
                           "--start-delay", "0")
        assert [h.path for h in site.hits()] == ["/robots.txt"]
    assert code == 2 and "blocked by robots.txt" in err.splitlines()[0]


def test_bad_platform_exits_2_before_crawling(main, capsys, tmp_path):
    with SiteServer({"/": Route(page("Home"))}) as site:
        code, _, err = run(main, capsys, "crawl", site.url("/"), "--platform",
                           str(tmp_path / "nope.yaml"))
        assert site.hits() == []
    assert code == 2 and err.startswith("error[E2")


def test_usage_errors_exit_2(main, capsys):
    assert run(main, capsys, "crawl", "http://x/", "--platform", str(PLATFORM), "--include",
               "(")[0] == 2
    assert run(main, capsys, "crawl", "ftp://x/", "--platform", str(PLATFORM))[0] == 2
    assert run(main, capsys, "crawl", "--platform", str(PLATFORM))[0] == 2


def test_history_on_an_empty_store(main, capsys):
    code, out, _ = run(main, capsys, "history")
    assert code == 0 and out.startswith("no finished runs in sqlite:///")
    code, out, _ = run(main, capsys, "history", "--format", "json")
    assert code == 0 and json.loads(out)["runs"] == []


@pytest.mark.model
def test_crawl_with_the_real_model_reports_gates_on_new_findings_and_keeps_history(main,
                                                                                   capsys,
                                                                                   tmp_path):
    routes = {
        "/": Route(page("Home", ["Close the month in days, not weeks.",
                                 "Our best-in-class platform is seamless."], ["/team"])),
        "/team": Route(page("Team", ["Invoices flow from inbox to ledger without anyone "
                                     "retyping them."])),
    }
    with SiteServer(routes) as site:
        args = ["crawl", site.url("/"), "--platform", str(PLATFORM), "--start-delay", "0",
                "--fail-on", "warning"]
        code, out, _ = run(main, capsys, *args, "--format", "json")
        report = json.loads(out)
        assert code == 1
        assert report["kind"] == "crawl" and report["stats"]["pages"] == 2
        assert {f["check"] for f in report["new"]} >= {"terminology.avoid"}
        assert all(f["location"]["source"].startswith(site.base) for f in report["new"])
        pages = {p["url"]: p for p in report["pages"]}
        assert pages[site.url("/")]["analysed"] and pages[site.url("/")]["findings"]

        code, out, _ = run(main, capsys, *args, "--format", "markdown",
                           "--output", str(tmp_path / "r.md"))
        assert code == 0, "nothing new on an unchanged site"
        text = (tmp_path / "r.md").read_text()
        assert text.startswith("### msgcheck crawl: 0 new, 0 resolved")

        site.routes["/"] = Route(page("Home", ["Close the month in days, not weeks."],
                                      ["/team"]), modified=1.8e9)
        code, out, _ = run(main, capsys, *args)
        assert code == 0
        assert "resolved findings (" in out and "terminology.avoid" in out

    code, out, _ = run(main, capsys, "history", "--last", "5", "--format", "json")
    data = json.loads(out)
    assert [r["id"] for r in data["runs"]] == [1, 2, 3]
    assert data["series"]["new"][1] == 0 and data["series"]["resolved"][2] >= 1
    code, out, _ = run(main, capsys, "history")
    assert code == 0 and "pillar coverage" in out


def fake_nightly(calls: list):
    """A stand-in for the nightly run: records what the command resolved, reports one warning."""
    from msgcheck.crawl import CrawlReport, PageResult
    from msgcheck.model import Finding, Location, Severity

    def run_nightly(platform, config, db_url, settings, **kw):
        calls.append({"platform": platform, "config": config, "settings": settings})
        finding = Finding("alignment.drift", Severity.WARNING, "drifts",
                          Location("https://site.test/", 3, 1), claim="A claim")
        page = PageResult("https://site.test/", "Home", 200, False, True, 1, (finding,))
        stats = {"pages": 1, "analysed": 1, "reused": 0, "revalidated": 0, "failures": 0,
                 "skipped": 0, "seconds": {}}
        return CrawlReport(1, "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z",
                           config.start_urls, platform.company, platform.digest, (page,), (),
                           (), (finding,), (), {}, stats)

    return run_nightly


def test_msgcheck_toml_in_the_working_folder_is_honoured_and_flags_win(main, capsys, tmp_path,
                                                                       monkeypatch):
    calls: list = []
    monkeypatch.setattr("msgcheck.crawl.run_nightly", fake_nightly(calls))
    monkeypatch.delenv("MSGCHECK_PLATFORM", raising=False)
    monkeypatch.delenv("MSGCHECK_FAIL_ON", raising=False)
    monkeypatch.delenv("MSGCHECK_STYLE_MODEL", raising=False)
    (tmp_path / "msgcheck.toml").write_text(
        f'platform = "{PLATFORM}"\nfail-on = "warning"\nignore = ["terminology"]\n'
        '[severity]\n"alignment.drift" = "error"\n')
    monkeypatch.chdir(tmp_path)

    code, _, _ = run(main, capsys, "crawl", "https://site.test/", "--format", "json")
    assert code == 1, "fail-on = warning from msgcheck.toml gates the new warning"
    options = calls[-1]["settings"].options
    assert options.ignore == ("terminology",)
    assert options.severity["alignment.drift"].value == "error"
    assert calls[-1]["platform"].company == "Ledgerline"

    code, _, _ = run(main, capsys, "crawl", "https://site.test/", "--fail-on", "error",
                     "--ignore", "framing", "--format", "json")
    assert code == 0, "--fail-on on the command line wins over the file"
    assert calls[-1]["settings"].options.ignore == ("framing",)


def test_unknown_check_id_in_msgcheck_toml_is_a_usage_error(main, capsys, tmp_path,
                                                            monkeypatch):
    calls: list = []
    monkeypatch.setattr("msgcheck.crawl.run_nightly", fake_nightly(calls))
    (tmp_path / "msgcheck.toml").write_text('ignore = ["terminology.nope"]\n')
    monkeypatch.chdir(tmp_path)
    code, _, err = run(main, capsys, "crawl", "https://site.test/", "--platform", str(PLATFORM))
    assert code == 2 and err.startswith("error[E304]") and calls == []


def test_default_settings_keep_the_analysis_key_so_stored_findings_stay_reusable():
    """The key does not change with how the settings were resolved, only with their values."""
    from msgcheck.checks.base import CheckOptions
    from msgcheck.config import OptionsResolver, resolve
    from msgcheck.crawl import AnalysisSettings, analysis_key

    resolved = OptionsResolver(resolve(flags={}, config_path=None, first_input=None, env={}))
    assert analysis_key("p", AnalysisSettings(resolved.base())) == analysis_key(
        "p", AnalysisSettings(CheckOptions()))


def test_scheduler_comes_from_msgcheck_toml_unless_the_flag_names_one(main, capsys, tmp_path,
                                                                      monkeypatch):
    calls: list = []
    monkeypatch.setattr("msgcheck.crawl.run_nightly", fake_nightly(calls))
    (tmp_path / "msgcheck.toml").write_text(f'platform = "{PLATFORM}"\nscheduler = "local:3"\n')
    monkeypatch.chdir(tmp_path)
    run(main, capsys, "crawl", "https://site.test/")
    assert calls[-1]["settings"].scheduler == "local:3"
    run(main, capsys, "crawl", "https://site.test/", "--scheduler", "tcp://10.0.0.5:8786")
    assert calls[-1]["settings"].scheduler == "tcp://10.0.0.5:8786"


def test_bad_scheduler_value_is_refused_before_crawling(main, capsys):
    with SiteServer({"/": Route(page("Home"))}) as site:
        code, _, err = run(main, capsys, "crawl", site.url("/"), "--platform", str(PLATFORM),
                           "--scheduler", "somewhere")
        assert site.hits() == []
    assert code == 2 and err.startswith("error[E3") and "local[:N]" in err


def test_scheduler_without_dask_names_the_install_before_crawling(main, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with SiteServer({"/": Route(page("Home"))}) as site:
        code, _, err = run(main, capsys, "crawl", site.url("/"), "--platform", str(PLATFORM),
                           "--scheduler", "local:1")
        assert site.hits() == []
    assert code == 2
    assert err.startswith("error[E511]") and "pip install 'msgcheck[dask]'" in err


def test_unreachable_scheduler_is_one_line_and_exit_2(main, capsys):
    with SiteServer({"/": Route(page("Home", ["Close the month in days, not weeks."]))}) as site:
        code, out, err = run(main, capsys, "crawl", site.url("/"), "--platform", str(PLATFORM),
                             "--start-delay", "0", "--scheduler", "tcp://127.0.0.1:1")
    assert code == 2 and out == ""
    assert err.startswith("error[E510] cannot reach the scheduler at tcp://127.0.0.1:1 ")
    assert "Traceback" not in err and len(err.splitlines()) == 2  # the error and its hint


SCALE_SITE = {
    "/": Route(page("Home", ["Close the month in days, not weeks.",
                             "Our best-in-class platform is seamless."],
                    ["/team", "/pricing", "/blog"])),
    "/team": Route(page("Team", ["Invoices flow from inbox to ledger without retyping."])),
    "/pricing": Route(page("Pricing", ["Plans for every team.",
                                       "Leverage synergies with our AI-powered solution."])),
    "/blog": Route(page("Blog", ["Your AP team approves exceptions instead of keying data.",
                                 "Approvals in one click."])),
}


def comparable_crawl(out: str) -> dict:
    """The JSON crawl report without what differs between two runs of one site (times)."""
    report = json.loads(out)
    for key in ("started_at", "finished_at"):
        report["run"].pop(key)
    for key in ("seconds", "scrapy"):
        report["stats"].pop(key)
    return report


def recorded(db: Path, urls: list[str]) -> tuple[dict, dict]:
    """What the history store holds: the pages, and the open findings of each."""
    from msgcheck.history import History, db_url_from

    store = History(db_url_from(str(db)))
    try:
        return store.pages(""), store.open_findings(urls)
    finally:
        store.close()


@pytest.mark.model
def test_crawl_analysed_on_a_local_cluster_reports_and_records_as_in_process(main, capsys,
                                                                             tmp_path,
                                                                             monkeypatch):
    from msgcheck.crawl import nightly

    def no_engine_here(*_):
        raise AssertionError("the client built an engine")

    with SiteServer(dict(SCALE_SITE)) as site:
        args = ["crawl", site.url("/"), "--platform", str(PLATFORM), "--start-delay", "0",
                "--format", "json"]
        here = run(main, capsys, *args, "--db", str(tmp_path / "here.sqlite"))
        monkeypatch.setattr(nightly._Preload, "start", no_engine_here)
        monkeypatch.setattr(nightly._Preload, "get", no_engine_here)
        there = run(main, capsys, *args, "--db", str(tmp_path / "there.sqlite"),
                    "--scheduler", "local:2")
        urls = [site.url(p) for p in SCALE_SITE]
    assert here[0] == there[0], there[2]
    expected = comparable_crawl(here[1])
    assert expected["stats"]["analysed"] == len(SCALE_SITE) and expected["new"]
    assert comparable_crawl(there[1]) == expected
    assert recorded(tmp_path / "there.sqlite", urls) == recorded(tmp_path / "here.sqlite", urls)
