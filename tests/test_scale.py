"""Scale-out on Dask: the same report as in-process, worker deaths survived, poison inputs lost
alone, and the errors a user can cause (no scheduler, no Dask)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from msgcheck.cli import main
from msgcheck.scale import (
    ALLOWED_FAILURES,
    BATCH_FILES,
    batch_files,
    local_workers,
    plan_batches,
)

from conftest import DEMO, PLATFORM, ROOT
from corpusgen import write_corpus

CORPUS = 300


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def comparable(out: str) -> dict:
    """The JSON report without what differs between two runs of the same input (the time)."""
    report = json.loads(out)
    report.pop("created_at")
    return report


def scan_json(capsys, target: Path, *extra: str) -> dict:
    code, out, err = run(capsys, "scan", str(target), "--platform", str(PLATFORM),
                         "--format", "json", *extra)
    assert code in (0, 1), err
    return comparable(out)


# --- planning and parsing (no Dask needed) ---

def test_batches_keep_input_order_and_limits():
    refs = [f"f{i}.md" for i in range(10)] + [("<stdin>", b"x" * 100)]
    batches = plan_batches(refs, files=4, max_bytes=50)
    assert [r for b in batches for r in b] == refs
    assert all(len(b) <= 4 for b in batches)
    assert batches[-1] == [("<stdin>", b"x" * 100)]  # over the byte limit: a batch of its own


def test_small_corpora_get_smaller_batches_so_every_worker_has_several():
    assert batch_files(100_000, 8) == BATCH_FILES
    assert batch_files(300, 2) == 38  # 8 batches: 4 per worker
    assert batch_files(6, 2) == 1
    assert batch_files(5, 0) == batch_files(5, 1) == 2  # no worker joined yet: as one


def test_scheduler_values():
    assert local_workers("local:3") == 3
    assert local_workers("local") == (os.cpu_count() or 1)
    assert local_workers("tcp://10.0.0.5:8786") is None
    from msgcheck.errors import ConfigError

    for bad in ("local:0", "local:x", "somewhere"):
        with pytest.raises(ConfigError):
            local_workers(bad)


def test_unreachable_scheduler_is_one_line_and_exit_2(capsys, tmp_path):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (tmp_path / "a.md").write_text("# Close the month in days\n", encoding="utf-8")
    start = time.monotonic()
    code, out, err = run(capsys, "scan", str(tmp_path), "--platform", str(PLATFORM),
                         "--scheduler", f"tcp://127.0.0.1:{port}")
    assert code == 2 and out == ""
    assert err.startswith("error[E510] cannot reach the scheduler at tcp://127.0.0.1:")
    assert "Traceback" not in err and len(err.splitlines()) == 2  # the error and its hint
    assert time.monotonic() - start < 15


def test_missing_extra_names_the_install(capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    (tmp_path / "a.md").write_text("# Close the month in days\n", encoding="utf-8")
    code, _, err = run(capsys, "scan", str(tmp_path), "--platform", str(PLATFORM),
                       "--scheduler", "local:1")
    assert code == 2
    assert err.startswith("error[E511]") and "pip install 'msgcheck[dask]'" in err


# --- on a real cluster ---

@pytest.fixture(scope="module")
def cluster():
    """One local cluster of two worker processes for the module, dying workers replaced."""
    import dask
    from distributed import LocalCluster

    with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                         dashboard_address=None, silence_logs=logging.ERROR) as local:
        yield local.scheduler_address


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus"), CORPUS)


@pytest.fixture(scope="module")
def in_process(corpus) -> dict:
    """The in-process report of the corpus; run first, so every claim is in the shared cache."""
    import io
    from contextlib import redirect_stdout

    buffer = io.StringIO()
    with redirect_stdout(buffer):
        code = main(["scan", str(corpus), "--platform", str(PLATFORM), "--format", "json"])
    assert code in (0, 1)
    return comparable(buffer.getvalue())


def reader_hook(name: str, marks: Path, every_time: bool):
    """A worker plugin (test only) whose Markdown reader ends the worker's process on `name`:
    every time, or only the first time in the whole cluster. Each death leaves a file in
    `marks`."""
    from distributed import WorkerPlugin

    class Hook(WorkerPlugin):
        def setup(self, worker):
            from msgcheck import ingest

            original = self.original = ingest.READERS[".md"]

            def read(data, source):
                if source.endswith(name):
                    try:
                        fd = os.open(marks / f"death-{len(os.listdir(marks))}",
                                     os.O_CREAT | os.O_EXCL)
                    except FileExistsError:
                        fd = None
                    if fd is not None:
                        os.close(fd)
                        if every_time or len(os.listdir(marks)) == 1:
                            os._exit(1)
                return original(data, source)

            ingest.READERS[".md"] = read

        def teardown(self, worker):
            from msgcheck import ingest

            ingest.READERS[".md"] = self.original

    return Hook()


def with_hook(address: str, hook, scan):
    from distributed import Client

    with Client(address) as client:
        client.register_plugin(hook, name="test-reader-hook")
        try:
            return scan()
        finally:
            client.unregister_worker_plugin("test-reader-hook")


@pytest.mark.model
def test_demo_report_equals_in_process(capsys):
    expected = scan_json(capsys, DEMO)
    assert expected["findings"]
    assert scan_json(capsys, DEMO, "--scheduler", "local:2") == expected


@pytest.mark.model
def test_generated_corpus_report_equals_in_process(capsys, cluster, corpus, in_process):
    assert len(in_process["documents"]) == CORPUS
    assert len(plan_batches([str(p) for p in corpus.rglob("*") if p.is_file()])) > 2
    assert scan_json(capsys, corpus, "--scheduler", cluster) == in_process


@pytest.mark.model
def test_relative_paths_are_read_from_the_clients_folder(capsys, cluster, monkeypatch):
    monkeypatch.chdir(DEMO.parent)  # the workers started in another folder
    expected = scan_json(capsys, Path(DEMO.name))
    assert len(expected["documents"]) == 6
    assert scan_json(capsys, Path(DEMO.name), "--scheduler", cluster) == expected


@pytest.mark.model
def test_a_worker_killed_mid_run_changes_nothing(capsys, cluster, corpus, in_process, tmp_path):
    marks = tmp_path / "marks"
    marks.mkdir()
    hook = reader_hook("draft-0151.md", marks, every_time=False)
    report = with_hook(cluster, hook, lambda: scan_json(capsys, corpus, "--scheduler", cluster))
    assert len(os.listdir(marks)) >= 1  # a worker died reading it
    assert report == in_process


@pytest.mark.model
def test_an_input_that_kills_every_worker_is_unreadable_alone(capsys, cluster, corpus,
                                                             in_process, tmp_path):
    marks = tmp_path / "marks"
    marks.mkdir()
    hook = reader_hook("draft-0201.md", marks, every_time=True)
    report = with_hook(cluster, hook, lambda: scan_json(capsys, corpus, "--scheduler", cluster))
    poison = str(corpus / "batch-04" / "draft-0201.md")
    # Bounded: the batch's tries, then the file's own.
    assert 0 < len(os.listdir(marks)) <= 2 * (ALLOWED_FAILURES + 1)
    lost = [f for f in report["findings"] if f["location"]["source"] == poison]
    assert [(f["check"], f["evidence"]["code"]) for f in lost] == [("io.unreadable", "E112")]
    def others(items):
        return [x for x in items if x["location"]["source"] != poison]

    assert others(report["findings"]) == others(in_process["findings"])
    assert others(report["claims"]) == others(in_process["claims"])
    assert len(report["documents"]) == CORPUS


@pytest.mark.model
def test_an_in_process_scan_does_not_import_dask(tmp_path):
    (tmp_path / "a.md").write_text("# Close the month in days, not weeks\n", encoding="utf-8")
    script = ("import sys; from msgcheck.cli import main; "
              f"code = main(['scan', {str(tmp_path)!r}, '--platform', {str(PLATFORM)!r}, "
              "'--format', 'json']); "
              "print(code, 'DASK' if {'dask', 'distributed'} & set(sys.modules) else 'NONE', "
              "file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True,
                          text=True, cwd=ROOT, timeout=300)
    assert done.stderr.strip().splitlines()[-1] in ("0 NONE", "1 NONE"), done.stderr


@pytest.mark.model
def test_stdin_is_shipped_with_its_batch_and_progress_counts_every_input(engine, platform,
                                                                       cluster):
    from msgcheck import scale
    from msgcheck.report import RENDERERS

    draft = (DEMO / "drafts" / "blog-month-end-close.md").read_bytes()
    inputs = ([DEMO / "drafts"], ("draft.md", draft))
    seen: list[tuple[str, int, int]] = []
    report = scale.run(*inputs, platform, engine.settings, cluster,
                       lambda *step: seen.append(step))
    assert RENDERERS["json"](report) == RENDERERS["json"](engine.run(*inputs))
    assert "draft.md" in [d.source for d in report.documents]
    assert seen[-1] == ("check", 4, 4) and all(s[0] == "check" for s in seen)


def test_merged_analyses_keep_order_vectors_and_term_uses():
    from types import SimpleNamespace

    import numpy as np

    from msgcheck.analysis import Analysis
    from msgcheck.errors import InputError
    from msgcheck.pipeline import merge_analyses

    index = SimpleNamespace(vectors=np.zeros((3, 4)), platform="p")

    def part(name: str, rows: int, uses: dict, errors=()) -> Analysis:
        vectors = np.full((rows, 4), float(len(name))) if rows else np.zeros((0, 0))
        return Analysis("p", index, (name,), tuple(f"{name}{i}" for i in range(rows)), vectors,
                        errors, uses)

    first = part("a", 2, {("a", 0, 0, 0): np.ones(4)})
    empty = part("bb", 0, {}, (InputError("x", path="bb"),))
    last = part("ccc", 1, {("ccc", 0, 0, 0): np.zeros(4)})
    merged = merge_analyses([first, empty, last], index)
    assert merged.documents == ("a", "bb", "ccc")
    assert merged.results == ("a0", "a1", "ccc0")
    assert merged.vectors.tolist() == [[1.0] * 4, [1.0] * 4, [3.0] * 4]
    assert set(merged.term_uses) == {("a", 0, 0, 0), ("ccc", 0, 0, 0)}
    assert [e.path for e in merged.errors] == ["bb"]
    assert merge_analyses([], index).vectors.shape == (0, 4)
    assert merge_analyses([first], index, errors=()).errors == ()
