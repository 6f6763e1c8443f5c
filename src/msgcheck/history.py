"""Run history of nightly crawls: SQLAlchemy Core over SQLite by default, PostgreSQL for teams.

What is stored (docs/crawl.md has the full picture):

* `runs`: one row per run: times, status (`running`, `finished`, `failed`, `abandoned`), the
  platform digest, the crawl settings, and a summary (per-pillar coverage, style mix, finding
  counts, new and resolved counts). A row is `finished` only by the transaction that writes the
  run's results, so a run killed midway stays `running` and the next run marks it `abandoned`.
* `pages`: the current state of each page: body digest, text digest, the analysis summary
  (claims, styles, pillars) and the runs it was first seen, last seen and last changed in.
* `findings`: one row per finding *occurrence*: opened in `first_seen_run`, closed in
  `resolved_run`. A finding that stays open costs nothing per night; only what changes is written.
* `locks`: one row while a run holds the store (`RunLock`, which also keeps it alive with a
  heartbeat thread). A second run waits briefly, then refuses (`error[E501]`). A lock whose
  process is gone (same host) or whose heartbeat stopped (`STALE_AFTER`) is taken over.

`History` is the store: it opens a run, reads what earlier runs left, and writes a run's results
in one transaction. What that transaction changes is worked out by pure functions
(`diff_findings`, `plan_pages`), so the diff can be read and tested apart from the SQL.

`trends(db_url, last_n)` returns the history as plain data for renderers (text, JSON, HTML).
SQLAlchemy is imported lazily; PostgreSQL URLs need a driver (psycopg) only when used.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgcheck.errors import Code, MsgcheckError
from msgcheck.model import Finding, Location, Severity

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

SCHEMA_VERSION = 1
LOCK_NAME = "crawl"
STALE_AFTER = 300.0
"""Seconds without a heartbeat after which another host's lock is considered dead."""
HEARTBEAT_EVERY = 15.0
"""Seconds between heartbeats of the lock holder."""


class HistoryError(MsgcheckError):
    """The history store cannot be used: bad URL, missing driver, held by another run."""

    code = Code.HISTORY_BUSY


def default_db_url(cache_dir: Path) -> str:
    """`sqlite:///<cache_dir>/history.sqlite`."""
    return f"sqlite:///{(cache_dir / 'history.sqlite').resolve()}"


def db_url_from(value: str) -> str:
    """A URL as given (`sqlite:///...`, `postgresql://...`), or a file path made a SQLite URL."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def redact(url: str) -> str:
    """The URL with any password hidden, for messages and reports."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("@")[-1]


@dataclass(frozen=True, slots=True)
class PageRecord:
    """What the store knows about a page."""

    url: str
    """Normalised URL."""
    digest: str
    """sha256 of the body last analysed."""
    text_digest: str
    """Digest of the document the reader made of it (see crawl.nightly.document_digest)."""
    title: str | None
    """Page title."""
    summary: dict[str, Any]
    """claims, styles, pillars, statuses of the page."""
    reusable: bool
    """True when its stored findings were computed under the current analysis key."""


@dataclass(frozen=True, slots=True)
class PageState:
    """A page as this run saw it, to be written."""

    url: str
    """Normalised URL."""
    digest: str
    """sha256 of the body."""
    text_digest: str
    """Digest of the document."""
    status: int
    """HTTP status."""
    title: str | None
    """Page title."""
    summary: dict[str, Any]
    """claims, styles, pillars, statuses."""
    changed: bool
    """True when analysed this run (its findings are authoritative for the diff)."""


@dataclass(frozen=True, slots=True)
class RunDiff:
    """What changed in one run."""

    new: tuple[Finding, ...]
    """Findings first seen in this run, sorted."""
    resolved: tuple[Finding, ...]
    """Findings open before and gone now, sorted."""
    open: int = 0
    """Findings open in the store after the run (all pages)."""
    gone: int = 0
    """Known pages the run resolved as gone (404/410, or no longer reached)."""

    def counts(self) -> dict[str, int]:
        """What the run adds to its summary: new, resolved, open and gone counts."""
        return {"new": len(self.new), "resolved": len(self.resolved), "open": self.open,
                "gone": self.gone}


def _tables() -> tuple[Any, dict[str, Any]]:
    from sqlalchemy import (
        Column,
        Float,
        Index,
        Integer,
        MetaData,
        String,
        Table,
        Text,
    )

    md = MetaData()
    meta = Table("msgcheck_meta", md,
                 Column("key", String(64), primary_key=True),
                 Column("value", Text, nullable=False))
    runs = Table(
        "runs", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("started_at", String(32), nullable=False),
        Column("finished_at", String(32)),
        Column("status", String(16), nullable=False),
        Column("platform_digest", String(80), nullable=False),
        Column("analysis_key", String(64), nullable=False),
        Column("tool_version", String(32), nullable=False),
        Column("config", Text, nullable=False),
        Column("summary", Text),
        Column("error", Text),
        Column("pid", Integer),
        Column("host", String(255)),
    )
    pages = Table(
        "pages", md,
        Column("url", String(2048), primary_key=True),
        Column("digest", String(64), nullable=False),
        Column("text_digest", String(64), nullable=False),
        Column("analysis_key", String(64), nullable=False),
        Column("status", Integer, nullable=False),
        Column("title", Text),
        Column("summary", Text, nullable=False),
        Column("first_seen_run", Integer, nullable=False),
        Column("last_seen_run", Integer, nullable=False),
        Column("last_changed_run", Integer, nullable=False),
        Column("gone_run", Integer),
    )
    findings = Table(
        "findings", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("fingerprint", String(32), nullable=False),
        Column("url", String(2048), nullable=False),
        Column("check", String(128), nullable=False),
        Column("severity", String(16), nullable=False),
        Column("message", Text, nullable=False),
        Column("location", Text, nullable=False),
        Column("claim", Text),
        Column("suggestion", Text),
        Column("evidence", Text),
        Column("count", Integer, nullable=False),
        Column("first_seen_run", Integer, nullable=False),
        Column("resolved_run", Integer),
        Index("ix_findings_open", "url", "resolved_run"),
        Index("ix_findings_fingerprint", "fingerprint"),
        Index("ix_findings_resolved", "resolved_run"),
    )
    locks = Table(
        "locks", md,
        Column("name", String(32), primary_key=True),
        Column("token", String(64), nullable=False),
        Column("run_id", Integer),
        Column("pid", Integer, nullable=False),
        Column("host", String(255), nullable=False),
        Column("acquired_at", String(32), nullable=False),
        Column("heartbeat", Float, nullable=False),
    )
    return md, {"meta": meta, "runs": runs, "pages": pages, "findings": findings,
                "locks": locks}


def connect(db_url: str) -> Engine:
    """An SQLAlchemy engine for the URL, tables created; HistoryError when it cannot be used."""
    try:
        from sqlalchemy import create_engine, event
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
    except ImportError:
        raise HistoryError("SQLAlchemy is not installed", hint="pip install sqlalchemy") from None
    try:
        if db_url.startswith("sqlite"):
            path = db_url.split(":///", 1)[-1] if ":///" in db_url else ""
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(db_url, connect_args={"timeout": 30})

            @event.listens_for(engine, "connect")
            def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
                # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin, and
                # take the write lock at BEGIN so a transaction never fails to upgrade later.
                dbapi_conn.isolation_level = None
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.close()

            @event.listens_for(engine, "begin")
            def _sqlite_begin(conn: Any) -> None:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            engine = create_engine(db_url, pool_pre_ping=True)
        md, _ = _tables()
        md.create_all(engine)
    except (NoSuchModuleError, ImportError, ModuleNotFoundError) as exc:
        raise HistoryError(
            f"no database driver for this URL: {exc}", path=redact(db_url),
            hint="for PostgreSQL install a driver (pip install 'psycopg[binary]') and use "
                 "postgresql+psycopg://user@host/db") from None
    except ArgumentError as exc:
        raise HistoryError(f"not a database URL: {exc}", path=db_url,
                           hint="use sqlite:///path/history.sqlite, a file path, or "
                                "postgresql://user@host/db") from None
    except SQLAlchemyError as exc:
        raise HistoryError(f"cannot open the history database: {exc.__class__.__name__}: "
                           f"{str(exc).splitlines()[0]}", path=redact(db_url)) from None
    return engine


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunLock:
    """The store's crawl lock: one row in `locks`, taken with a wait, kept alive by heartbeats."""

    def __init__(self, engine: Engine, locks: Any, db_url: str) -> None:
        self.engine = engine
        self.locks = locks
        self.db_url = db_url
        self.token: str | None = None
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def acquire(self, *, wait: float, started_at: str) -> str:
        """Take the lock, waiting up to `wait` seconds; a dead holder's lock is taken over.

        Raises HistoryError naming the holder when the wait runs out.
        """
        from sqlalchemy import delete, insert, select
        from sqlalchemy.exc import IntegrityError

        locks = self.locks
        token = f"{socket.gethostname()}:{os.getpid()}:{time.time_ns()}"
        deadline = time.monotonic() + wait
        while True:
            try:
                with self.engine.begin() as conn:
                    conn.execute(insert(locks).values(
                        name=LOCK_NAME, token=token, pid=os.getpid(), host=socket.gethostname(),
                        acquired_at=started_at, heartbeat=time.time()))
                break
            except IntegrityError:
                pass
            with self.engine.begin() as conn:
                holder = conn.execute(select(locks).where(locks.c.name == LOCK_NAME)).first()
                if holder is not None and _stale(holder):
                    conn.execute(delete(locks).where(locks.c.name == LOCK_NAME,
                                                     locks.c.token == holder.token))
                    continue
            if time.monotonic() >= deadline:
                raise HistoryError(_held_message(holder), path=redact(self.db_url),
                                   hint="wait for that run to finish; a run whose process "
                                        "died is taken over automatically")
            time.sleep(0.2)
        self.token = token
        return token

    def start_heartbeat(self) -> None:
        """Beat every HEARTBEAT_EVERY seconds in a thread until `release`."""
        self._stop.clear()
        self._beat = threading.Thread(target=self._heartbeat_loop, name="msgcheck-heartbeat",
                                      daemon=True)
        self._beat.start()

    def _heartbeat_loop(self) -> None:
        while not self._stop.wait(HEARTBEAT_EVERY):
            self.heartbeat()

    def heartbeat(self) -> None:
        """Tell other runs this one is alive."""
        if self.token is None:
            return
        from sqlalchemy import update

        try:
            with self.engine.begin() as conn:
                conn.execute(update(self.locks).where(self.locks.c.token == self.token).values(
                    heartbeat=time.time()))
        except Exception:  # a missed heartbeat only makes the lock look older
            pass

    def dropped(self) -> None:
        """Note that the lock row is gone (the run's commit deleted it in its transaction)."""
        self.token = None

    def release(self) -> None:
        """Stop the heartbeat and drop the lock if this run still holds it."""
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=5)
            self._beat = None
        if self.token is None:
            return
        from sqlalchemy import delete

        with self.engine.begin() as conn:
            conn.execute(delete(self.locks).where(self.locks.c.token == self.token))
        self.token = None


def _stale(holder: Any) -> bool:
    """A holder whose process is gone (same host) or whose heartbeat stopped is dead."""
    if holder.host == socket.gethostname() and not _pid_alive(int(holder.pid)):
        return True
    return time.time() - float(holder.heartbeat) > STALE_AFTER


def _held_message(holder: Any) -> str:
    if holder is None:
        return "the history database is busy"
    run = f"run {holder.run_id}, " if holder.run_id is not None else ""
    return (f"another msgcheck crawl is using this history ({run}pid {holder.pid} on "
            f"{holder.host}, since {holder.acquired_at})")


@dataclass
class History:
    """The store of one history database: runs, pages and findings; its RunLock guards a run."""

    db_url: str
    engine: Any = None
    tables: dict[str, Any] = field(default_factory=dict)
    lock: RunLock = field(init=False)
    key: str = ""

    def __post_init__(self) -> None:
        if self.engine is None:
            self.engine = connect(self.db_url)
        _, self.tables = _tables()
        self.lock = RunLock(self.engine, self.tables["locks"], self.db_url)

    # -- the run row
    def begin(self, config: Mapping[str, Any], platform_digest: str, key: str, *,
              wait: float = 5.0, started_at: str) -> int:
        """Take the lock (waiting up to `wait` seconds), mark dead runs abandoned, open a run."""
        from sqlalchemy import insert, update

        from msgcheck.version import __version__

        token = self.lock.acquire(wait=wait, started_at=started_at)
        locks, runs = self.tables["locks"], self.tables["runs"]
        with self.engine.begin() as conn:
            conn.execute(update(runs).where(runs.c.status == "running").values(
                status="abandoned", error="the run stopped before it finished"))
            result = conn.execute(insert(runs).values(
                started_at=started_at, status="running", platform_digest=platform_digest,
                analysis_key=key, tool_version=__version__,
                config=json.dumps(dict(config), sort_keys=True),
                pid=os.getpid(), host=socket.gethostname()))
            run_id = int(result.inserted_primary_key[0])
            conn.execute(update(locks).where(locks.c.token == token).values(run_id=run_id))
        self.key = key
        self.lock.start_heartbeat()
        return run_id

    def release(self) -> None:
        """Stop the heartbeat and drop the lock if this run still holds it."""
        self.lock.release()

    def fail(self, run_id: int, reason: str, *, finished_at: str) -> None:
        """Mark a run failed (its results are not written)."""
        from sqlalchemy import update

        runs = self.tables["runs"]
        try:
            with self.engine.begin() as conn:
                conn.execute(update(runs).where(runs.c.id == run_id,
                                                 runs.c.status == "running").values(
                    status="failed", finished_at=finished_at, error=reason))
        except Exception:  # the original error matters more than this one
            pass

    # -- reads
    def pages(self, key: str) -> dict[str, PageRecord]:
        """Every known page that is not gone; `reusable` when stored under `key`."""
        from sqlalchemy import select

        pages = self.tables["pages"]
        with self.engine.connect() as conn:
            rows = conn.execute(select(
                pages.c.url, pages.c.digest, pages.c.text_digest, pages.c.title,
                pages.c.summary, pages.c.analysis_key).where(pages.c.gone_run.is_(None))).all()
        return {r.url: PageRecord(r.url, r.digest, r.text_digest, r.title,
                                  json.loads(r.summary), r.analysis_key == key) for r in rows}

    def open_findings(self, urls: Sequence[str]) -> dict[str, list[Finding]]:
        """Open findings of these pages, rebuilt as Findings."""
        with self.engine.connect() as conn:
            rows = _open_rows(conn, self.tables["findings"], urls)
        return {url: findings_from_rows(page_rows) for url, page_rows in rows.items()}

    # -- the run's one write
    def commit(self, run_id: int, states: Sequence[PageState],
               current: Mapping[str, Sequence[Finding]], *, gone: Sequence[str] = (),
               unreachable: Sequence[str] = (), complete: bool = False,
               summary: Mapping[str, Any], finished_at: str) -> RunDiff:
        """Write the run's pages and finding changes, and mark it finished: one transaction.

        Findings are compared by fingerprint for pages analysed this run; pages answering
        404/410 (`gone`) resolve theirs, and so do known pages a `complete` crawl no longer
        reached (but not pages that failed for other reasons: they keep theirs open). The run
        row stores `summary` with the diff's counts added (`RunDiff.counts`); the lock is
        dropped in the same transaction, so a finished run never holds it.
        """
        from sqlalchemy import delete, func, select, update

        t = self.tables
        findings_t, runs, locks = t["findings"], t["runs"], t["locks"]
        with self.engine.begin() as conn:
            known = _known_pages(conn, t["pages"])
            lost = _lost_pages(known, {s.url for s in states}, gone, unreachable, complete)
            changed = [s for s in states if s.changed]
            open_rows = _open_rows(conn, findings_t, [s.url for s in changed] + sorted(lost))
            changes = diff_findings(changed, current, open_rows, sorted(lost), run_id)
            _write_findings(conn, findings_t, changes, run_id)
            _write_pages(conn, t["pages"], plan_pages(states, known, run_id, self.key),
                         sorted(lost), run_id)
            open_count = int(conn.execute(select(func.count()).select_from(findings_t).where(
                findings_t.c.resolved_run.is_(None))).scalar_one())
            diff = RunDiff(tuple(sorted(changes.new, key=Finding.sort_key)),
                           tuple(sorted(changes.resolved, key=Finding.sort_key)), open_count,
                           len(lost))
            conn.execute(update(runs).where(runs.c.id == run_id).values(
                status="finished", finished_at=finished_at,
                summary=json.dumps(dict(summary, **diff.counts()), sort_keys=True)))
            if self.lock.token is not None:
                conn.execute(delete(locks).where(locks.c.token == self.lock.token))
        self.lock.dropped()
        return diff

    def close(self) -> None:
        """Release the lock and dispose of the engine."""
        self.release()
        self.engine.dispose()


# --------------------------------------------------------------------------------------------
# The diff of one run: what to insert, update and close (pure), then the writes


@dataclass(frozen=True, slots=True)
class FindingChanges:
    """How the findings table changes in one run."""

    new: tuple[Finding, ...]
    """Findings first seen this run, in page order."""
    resolved: tuple[Finding, ...]
    """Findings open before and gone now, in page order."""
    inserts: tuple[dict[str, Any], ...]
    """Rows of the new findings."""
    updates: tuple[dict[str, Any], ...]
    """Changed columns of findings still open (moved, reworded), keyed by `b_id`."""
    closes: tuple[int, ...]
    """Ids of the rows the run resolves."""


@dataclass(frozen=True, slots=True)
class PageWrites:
    """How the pages table changes in one run."""

    inserts: tuple[dict[str, Any], ...]
    """Rows of pages never seen before."""
    changes: tuple[dict[str, Any], ...]
    """Pages whose stored state changed, keyed by `b_url`."""
    seen: tuple[str, ...]
    """Unchanged pages: only `last_seen_run` moves."""


def diff_findings(changed: Sequence[PageState], current: Mapping[str, Sequence[Finding]],
                  open_rows: Mapping[str, Sequence[Mapping[str, Any]]], lost: Sequence[str],
                  run_id: int) -> FindingChanges:
    """Compare the findings of analysed pages with their open rows, by fingerprint.

    A fingerprint without an open row is new; an open row whose fingerprint is gone is
    resolved, and so is every open row of a `lost` page.
    """
    new: list[Finding] = []
    resolved: list[Finding] = []
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    closes: list[int] = []
    for s in changed:
        rows = {r["fingerprint"]: r for r in open_rows.get(s.url, [])}
        for fp, (finding, count) in _dedupe(current.get(s.url, ())).items():
            data = _finding_row(finding, count)
            row = rows.pop(fp, None)
            if row is None:
                new.append(finding)
                inserts.append(dict(data, fingerprint=fp, url=s.url, first_seen_run=run_id,
                                    resolved_run=None))
            elif any(row[k] != v for k, v in data.items()):
                updates.append(dict(data, b_id=row["id"]))
        for row in rows.values():
            closes.append(row["id"])
            resolved.extend(findings_from_rows([row]))
    for url in lost:
        for row in open_rows.get(url, []):
            closes.append(row["id"])
            resolved.extend(findings_from_rows([row]))
    return FindingChanges(tuple(new), tuple(resolved), tuple(inserts), tuple(updates),
                          tuple(closes))


def plan_pages(states: Sequence[PageState], known: Mapping[str, Any], run_id: int,
               key: str) -> PageWrites:
    """The page rows to insert, to change, and to mark seen, for the pages this run fetched."""
    inserts, changes, seen = [], [], []
    for s in states:
        values = {"digest": s.digest, "text_digest": s.text_digest, "status": s.status,
                  "title": s.title, "summary": json.dumps(s.summary, sort_keys=True),
                  "analysis_key": key}
        if s.url not in known:
            inserts.append(dict(values, url=s.url, first_seen_run=run_id, last_seen_run=run_id,
                                last_changed_run=run_id, gone_run=None))
        elif (s.changed or known[s.url].gone_run is not None
              or known[s.url].digest != s.digest):  # e.g. markup changed, text did not
            changed_run = run_id if s.changed else known[s.url].last_changed_run
            changes.append(dict(values, b_url=s.url, last_seen_run=run_id,
                                last_changed_run=changed_run, gone_run=None))
        else:
            seen.append(s.url)
    return PageWrites(tuple(inserts), tuple(changes), tuple(seen))


def _lost_pages(known: Mapping[str, Any], seen: set[str], gone: Sequence[str],
                unreachable: Sequence[str], complete: bool) -> set[str]:
    """Known pages this run resolves: 404/410 answers, and what a complete crawl never reached."""
    lost = set(gone) & set(known)
    if complete:
        lost |= {u for u, r in known.items()
                 if u not in seen and r.gone_run is None} - set(unreachable)
    return lost


def _known_pages(conn: Connection, pages: Any) -> dict[str, Any]:
    from sqlalchemy import select

    return {r.url: r for r in conn.execute(select(
        pages.c.url, pages.c.gone_run, pages.c.digest, pages.c.last_changed_run))}


def _open_rows(conn: Connection, findings: Any, urls: Sequence[str]
               ) -> dict[str, list[Mapping[str, Any]]]:
    from sqlalchemy import select

    out: dict[str, list[Mapping[str, Any]]] = {}
    for chunk in _chunks(list(urls), 500):
        for row in conn.execute(select(findings).where(
                findings.c.url.in_(chunk), findings.c.resolved_run.is_(None))).mappings():
            out.setdefault(row["url"], []).append(dict(row))
    return out


def _write_findings(conn: Connection, findings: Any, changes: FindingChanges,
                    run_id: int) -> None:
    from sqlalchemy import bindparam, insert, update

    if changes.inserts:
        conn.execute(insert(findings), list(changes.inserts))
    if changes.updates:
        conn.execute(update(findings).where(findings.c.id == bindparam("b_id"))
                     .values({k: bindparam(k) for k in changes.updates[0] if k != "b_id"}),
                     list(changes.updates))
    for chunk in _chunks(changes.closes, 500):
        conn.execute(update(findings).where(findings.c.id.in_(chunk)).values(
            resolved_run=run_id))


def _write_pages(conn: Connection, pages: Any, writes: PageWrites, lost: Sequence[str],
                 run_id: int) -> None:
    from sqlalchemy import bindparam, insert, update

    if writes.inserts:
        conn.execute(insert(pages), list(writes.inserts))
    if writes.changes:
        conn.execute(update(pages).where(pages.c.url == bindparam("b_url")).values(
            {k: bindparam(k) for k in writes.changes[0] if k != "b_url"}), list(writes.changes))
    for chunk in _chunks(writes.seen, 500):
        conn.execute(update(pages).where(pages.c.url.in_(chunk)).values(last_seen_run=run_id))
    for chunk in _chunks(lost, 500):
        conn.execute(update(pages).where(pages.c.url.in_(chunk)).values(gone_run=run_id))


def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _dedupe(findings: Sequence[Finding]) -> dict[str, tuple[Finding, int]]:
    """One entry per fingerprint (the first in document order) with how often it occurs."""
    out: dict[str, tuple[Finding, int]] = {}
    for f in sorted(findings, key=Finding.sort_key):
        fp = f.fingerprint
        if fp in out:
            out[fp] = (out[fp][0], out[fp][1] + 1)
        else:
            out[fp] = (f, 1)
    return out


def _finding_row(f: Finding, count: int) -> dict[str, Any]:
    return {
        "check": f.check, "severity": f.severity.value, "message": f.message,
        "location": json.dumps(f.location.to_dict(), sort_keys=True), "claim": f.claim,
        "suggestion": f.suggestion,
        "evidence": json.dumps(f.evidence, sort_keys=True, default=str) if f.evidence else None,
        "count": count,
    }


def findings_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """Findings rebuilt from stored `findings` rows, sorted."""
    out = []
    for r in rows:
        loc = json.loads(r["location"])
        out.append(Finding(
            check=r["check"], severity=Severity(r["severity"]), message=r["message"],
            location=Location(**loc), claim=r["claim"],
            evidence=json.loads(r["evidence"]) if r["evidence"] else {},
            suggestion=r["suggestion"]))
    return sorted(out, key=Finding.sort_key)


# --------------------------------------------------------------------------------------------
# Trends: plain data for the `history` command and for renderers


def trends(db_url: str, last_n: int = 30) -> dict[str, Any]:
    """The last `last_n` finished runs, oldest first, with per-run figures and series.

    Returns `{"db", "runs": [...], "pillars", "styles", "series": {"coverage": {pillar: [...]},
    "styles": {style: [...]}, "findings": {severity: [...]}, "new": [...], "resolved": [...],
    "pages": [...]}, "other_runs": [...]}`; shares are fractions of the run's claims. Plain
    JSON-ready data, so a text, JSON or HTML renderer needs nothing else.
    """
    from sqlalchemy import select

    engine = connect(db_url)
    _, tables = _tables()
    runs = tables["runs"]
    try:
        with engine.connect() as conn:
            finished = conn.execute(select(runs).where(runs.c.status == "finished")
                                    .order_by(runs.c.id.desc()).limit(max(1, last_n))).all()
            first_id = min((r.id for r in finished), default=0)
            others = conn.execute(select(runs.c.id, runs.c.status, runs.c.started_at,
                                         runs.c.error)
                                  .where(runs.c.status != "finished", runs.c.id >= first_id)
                                  .order_by(runs.c.id)).all()
    finally:
        engine.dispose()
    rows = list(reversed(finished))
    out_runs: list[dict[str, Any]] = []
    pillars: set[str] = set()
    styles: set[str] = set()
    for r in rows:
        s = json.loads(r.summary or "{}")
        coverage = {p: v.get("share", 0.0) for p, v in s.get("coverage", {}).items()}
        style = {k: v.get("share", 0.0) for k, v in s.get("styles", {}).items()}
        pillars.update(coverage)
        styles.update(style)
        out_runs.append({
            "id": r.id, "started_at": r.started_at, "finished_at": r.finished_at,
            "platform_digest": r.platform_digest, "tool_version": r.tool_version,
            "pages": s.get("pages", 0), "failures": s.get("failures", 0),
            "claims": s.get("claims", 0), "findings": s.get("findings", {}),
            "new": s.get("new", 0), "resolved": s.get("resolved", 0), "open": s.get("open", 0),
            "coverage": coverage, "styles": style,
        })
    severities = ("error", "warning", "suggestion")
    series = {
        "coverage": {p: [run["coverage"].get(p, 0.0) for run in out_runs]
                     for p in sorted(pillars)},
        "styles": {k: [run["styles"].get(k, 0.0) for run in out_runs] for k in sorted(styles)},
        "findings": {sev: [run["findings"].get(sev, 0) for run in out_runs]
                     for sev in severities},
        "new": [run["new"] for run in out_runs],
        "resolved": [run["resolved"] for run in out_runs],
        "pages": [run["pages"] for run in out_runs],
    }
    return {
        "db": redact(db_url),
        "runs": out_runs,
        "pillars": sorted(pillars),
        "styles": sorted(styles),
        "series": series,
        "other_runs": [{"id": o.id, "status": o.status, "started_at": o.started_at,
                        "error": o.error} for o in others],
    }
