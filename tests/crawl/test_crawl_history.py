"""The history store: what changed per run, the lock, failed and abandoned runs, trends."""

from __future__ import annotations

import json
import sqlite3

import pytest

from msgcheck.errors import MsgcheckError
from msgcheck.history import History, HistoryError, PageState, trends
from msgcheck.model import Finding, Location, Severity


def finding(url: str, claim: str, check: str = "alignment.drift", line: int = 3) -> Finding:
    return Finding(check, Severity.WARNING, f"about {claim}", Location(url, line, 1), claim,
                   {"score": 0.3}, "Close the month in days.")


def state(url: str, digest: str = "d1", claims: int = 2, changed: bool = True) -> PageState:
    return PageState(url, digest, "t" + digest, 200, "Title",
                     {"claims": claims, "styles": {"pain": 1, "feature": claims - 1},
                      "pillars": {"faster-close": 1}, "statuses": {"aligned": 1}}, changed)


def summary(pages: int = 1) -> dict:
    return {"pages": pages, "claims": 2, "findings": {"error": 0, "warning": 1, "suggestion": 0},
            "coverage": {"faster-close": {"claims": 1, "pages": 1, "share": 0.5}},
            "styles": {"pain": {"claims": 1, "share": 0.5}}}


def run(history: History, states, current, **kw):
    run_id = history.begin({"start_urls": ["u"]}, "platform", "key", wait=0.5,
                           started_at="2026-01-01T00:00:00Z")
    diff = history.commit(run_id, states, current, summary=summary(len(states)),
                          finished_at="2026-01-01T00:01:00Z", **kw)
    history.release()
    return run_id, diff


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'h.sqlite'}"


def test_new_then_unchanged_then_resolved_stores_only_changes(db):
    a, b = finding("https://s/a", "one"), finding("https://s/a", "two")
    h = History(db)
    _, d1 = run(h, [state("https://s/a")], {"https://s/a": [a, b]})
    assert [f.claim for f in d1.new] == ["one", "two"] and d1.resolved == ()
    _, d2 = run(h, [state("https://s/a", changed=False)], {"https://s/a": [a, b]})
    assert d2.new == () and d2.resolved == ()
    _, d3 = run(h, [state("https://s/a", "d2")], {"https://s/a": [b]})
    assert d3.new == () and [f.claim for f in d3.resolved] == ["one"]
    assert d3.open == 1
    con = sqlite3.connect(db.removeprefix("sqlite:///"))
    assert con.execute("SELECT count(*) FROM findings").fetchone()[0] == 2
    assert con.execute("SELECT first_seen_run, resolved_run FROM findings WHERE claim='one'"
                       ).fetchone() == (1, 3)
    assert [r[0] for r in con.execute("SELECT status FROM runs ORDER BY id")] == [
        "finished"] * 3


def test_reused_findings_come_back_identical(db):
    a = finding("https://s/a", "one")
    h = History(db)
    run(h, [state("https://s/a")], {"https://s/a": [a]})
    assert h.open_findings(["https://s/a"]) == {"https://s/a": [a]}
    assert h.open_findings(["https://s/a"])["https://s/a"][0].fingerprint == a.fingerprint
    assert h.pages("key")["https://s/a"].reusable
    assert not h.pages("other-key")["https://s/a"].reusable


def test_moved_finding_updates_its_place_without_a_new_row(db):
    h = History(db)
    run(h, [state("https://s/a")], {"https://s/a": [finding("https://s/a", "one", line=3)]})
    _, d = run(h, [state("https://s/a", "d2")],
               {"https://s/a": [finding("https://s/a", "one", line=9)]})
    assert d.new == () and d.resolved == ()
    assert h.open_findings(["https://s/a"])["https://s/a"][0].location.line == 9


def test_404_resolves_and_transient_failure_keeps_findings(db):
    h = History(db)
    run(h, [state("https://s/a"), state("https://s/b")],
        {"https://s/a": [finding("https://s/a", "x")],
         "https://s/b": [finding("https://s/b", "y")]})
    _, d = run(h, [], {}, gone=["https://s/a"], unreachable=["https://s/b"], complete=True)
    assert [f.claim for f in d.resolved] == ["x"]
    assert "https://s/a" not in h.pages("key") and "https://s/b" in h.pages("key")


def test_complete_crawl_resolves_pages_no_longer_linked_but_a_truncated_one_does_not(db):
    h = History(db)
    run(h, [state("https://s/a"), state("https://s/b")],
        {"https://s/a": [], "https://s/b": [finding("https://s/b", "y")]})
    _, truncated = run(h, [state("https://s/a", changed=False)], {"https://s/a": []},
                       complete=False)
    assert truncated.resolved == ()
    _, complete = run(h, [state("https://s/a", changed=False)], {"https://s/a": []},
                      complete=True)
    assert [f.claim for f in complete.resolved] == ["y"]


def test_second_run_on_a_held_store_waits_then_refuses_with_one_clear_line(db):
    first, second = History(db), History(db)
    first.begin({}, "p", "k", wait=0, started_at="2026-01-01T00:00:00Z")
    with pytest.raises(HistoryError) as err:
        second.begin({}, "p", "k", wait=0.5, started_at="2026-01-01T00:00:01Z")
    text = err.value.render()
    assert text.startswith("error[E501] ")
    assert "another msgcheck crawl is using this history (run 1, pid" in text.splitlines()[0]
    first.release()
    assert second.begin({}, "p", "k", wait=0.5, started_at="2026-01-01T00:00:02Z") == 2
    second.release()


def test_lock_of_a_dead_process_is_taken_over_and_its_run_marked_abandoned(db):
    h = History(db)
    h.begin({}, "p", "k", wait=0, started_at="2026-01-01T00:00:00Z")
    # Simulate kill -9: the process is gone, its lock row and `running` run row remain.
    con = sqlite3.connect(db.removeprefix("sqlite:///"))
    con.execute("UPDATE locks SET pid = 2147483646")
    con.commit()
    h.lock.token = None  # this object no longer owns it
    h.lock._stop.set()
    again = History(db)
    run_id = again.begin({}, "p", "k", wait=0.5, started_at="2026-01-01T00:00:05Z")
    assert run_id == 2
    statuses = dict(con.execute("SELECT id, status FROM runs").fetchall())
    assert statuses == {1: "abandoned", 2: "running"}
    again.release()


def test_failed_run_is_marked_and_releases_the_lock(db):
    h = History(db)
    run_id = h.begin({}, "p", "k", wait=0, started_at="2026-01-01T00:00:00Z")
    h.fail(run_id, "CrawlError: nothing answered", finished_at="2026-01-01T00:00:09Z")
    h.release()
    data = trends(db, 10)
    assert data["runs"] == []
    assert data["other_runs"] == [{"id": 1, "status": "failed",
                                   "started_at": "2026-01-01T00:00:00Z",
                                   "error": "CrawlError: nothing answered"}]


def test_trends_is_plain_json_ready_data_oldest_first(db):
    h = History(db)
    for i in range(4):
        run(h, [state("https://s/a", f"d{i}")], {"https://s/a": [finding("https://s/a", f"c{i}")]})
    data = trends(db, 3)
    assert json.loads(json.dumps(data)) == data
    assert [r["id"] for r in data["runs"]] == [2, 3, 4]
    assert data["series"]["new"] == [1, 1, 1] and data["series"]["resolved"] == [1, 1, 1]
    assert data["series"]["coverage"] == {"faster-close": [0.5, 0.5, 0.5]}
    assert data["pillars"] == ["faster-close"]


def test_postgres_url_without_a_driver_is_a_clear_error():
    pytest.importorskip("sqlalchemy")
    try:
        import psycopg2  # noqa: F401
        pytest.skip("a PostgreSQL driver is installed")
    except ImportError:
        pass
    with pytest.raises(MsgcheckError) as err:
        History("postgresql://user:secret@db.invalid/msgcheck")
    text = err.value.render()
    assert text.startswith("error[E501] postgresql://user:***@db.invalid/msgcheck:")
    assert "secret" not in text and "hint:" in text


def test_the_diff_is_a_pure_function_of_fresh_findings_and_open_rows():
    from msgcheck.history import _finding_row, diff_findings

    kept, moved, gone = (finding("https://s/a", "kept"), finding("https://s/a", "moved"),
                         finding("https://s/a", "gone"))
    fresh = finding("https://s/a", "fresh")

    def row(f: Finding, row_id: int) -> dict:
        return dict(_finding_row(f, 1), id=row_id, fingerprint=f.fingerprint, url=f.location.source)

    open_rows = {"https://s/a": [row(kept, 1), row(moved, 2), row(gone, 3)],
                 "https://s/lost": [row(finding("https://s/lost", "x"), 4)]}
    moved_now = finding("https://s/a", "moved", line=9)
    changes = diff_findings([state("https://s/a")], {"https://s/a": [kept, moved_now, fresh]},
                            open_rows, ["https://s/lost"], run_id=7)
    assert [f.claim for f in changes.new] == ["fresh"]
    assert [f.claim for f in changes.resolved] == ["gone", "x"]
    assert changes.closes == (3, 4)
    assert [u["b_id"] for u in changes.updates] == [2]
    assert changes.inserts[0]["first_seen_run"] == 7


def test_page_plan_inserts_new_pages_and_only_touches_last_seen_of_unchanged_ones():
    from types import SimpleNamespace

    from msgcheck.history import plan_pages

    known = {"https://s/same": SimpleNamespace(gone_run=None, digest="d1", last_changed_run=2),
             "https://s/markup": SimpleNamespace(gone_run=None, digest="old", last_changed_run=2)}
    plan = plan_pages([state("https://s/new"), state("https://s/same", changed=False),
                       state("https://s/markup", changed=False)], known, run_id=5, key="k")
    assert [r["url"] for r in plan.inserts] == ["https://s/new"]
    assert plan.seen == ("https://s/same",)
    assert [(c["b_url"], c["last_changed_run"]) for c in plan.changes] == [("https://s/markup", 2)]
