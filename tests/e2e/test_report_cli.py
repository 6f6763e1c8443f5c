"""What a scan prints for people: order, folding, no hard wrap off a terminal, relative paths,
the per-asset cap, and progress only on a terminal."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from msgcheck.cli import main
from msgcheck.pipeline import read_inputs

from conftest import DEMO, PLATFORM, ROOT

pytestmark = pytest.mark.model
RANK = {"error": 0, "warning": 1, "suggestion": 2}


@pytest.fixture(autouse=True)
def in_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_text_to_a_file_is_not_wrapped_reads_by_severity_and_uses_relative_paths(capsys,
                                                                                   tmp_path):
    target = tmp_path / "report.txt"
    code, _, err = run(capsys, "scan", str(DEMO), "--platform", str(PLATFORM), "-o",
                       str(target))
    assert code == 1 and "wrote" in err
    text = target.read_text(encoding="utf-8")
    assert str(ROOT) not in text
    assert "fixtures/demo/drafts/blog-month-end-close.md  draft" in text
    assert "fixtures/demo/drafts/landing-page.html  page" in text
    assert any(len(line) > 100 for line in text.splitlines())
    severities = [line.split()[0] for line in text.splitlines()
                  if line.split()[:1] and line.split()[0] in RANK]
    assert severities == sorted(severities, key=RANK.get)
    for word in ("similarity", "band", "cosine"):
        assert word not in text


def test_verbose_shows_the_numbers(capsys):
    _, plain, _ = run(capsys, "scan", str(DEMO / "drafts"), "--platform", str(PLATFORM))
    _, verbose, _ = run(capsys, "scan", str(DEMO / "drafts"), "--platform", str(PLATFORM), "-v")
    assert "evidence:" not in plain and "evidence: " in verbose


def test_json_keeps_every_finding_with_relative_sources_and_groups(capsys):
    _, out, _ = run(capsys, "scan", str(DEMO), "--platform", str(PLATFORM), "--format", "json")
    report = json.loads(out)
    assert len(report["findings"]) == sum(report["summary"]["findings"].values())
    for f in report["findings"]:
        assert f["location"]["source"].startswith("fixtures/demo/")
        assert f["display_location"].startswith("fixtures/demo/")
        assert len(f["group"]) == 16
    assert {d["asset"] for d in report["documents"]} == {"deck", "page", "draft"}


def test_a_path_outside_the_working_directory_is_shown_as_given(capsys, tmp_path):
    draft = tmp_path / "launch.md"
    draft.write_text("# Book meeting rooms and manage office visitors from one app\n")
    _, out, _ = run(capsys, "scan", str(draft), "--platform", str(PLATFORM), "--format", "json")
    assert json.loads(out)["documents"][0]["source"] == str(draft)


def test_the_cap_holds_back_findings_but_not_the_exit_status(capsys):
    args = ("scan", str(DEMO), "--platform", str(PLATFORM), "--fail-on", "error")
    full_code, full, _ = run(capsys, *args, "--max-findings-per-asset", "0")
    code, capped, _ = run(capsys, *args, "--max-findings-per-asset", "1")
    assert code == full_code == 1
    assert "held back" not in full
    assert "held back" in capped and "--max-findings-per-asset 0 shows all" in capped
    assert full.splitlines()[-1] == capped.splitlines()[-2]  # the same totals
    _, out, _ = run(capsys, *args, "--max-findings-per-asset", "1", "--format", "json")
    report = json.loads(out)
    sources = [f["location"]["source"] for f in report["findings"]]
    assert len(sources) == len(set(sources)) and report["held_back"]


def test_the_cap_comes_from_config_and_is_validated(capsys, tmp_path):
    config = tmp_path / "msgcheck.toml"
    config.write_text("max-findings-per-asset = 1\n")
    _, out, _ = run(capsys, "scan", str(DEMO), "--platform", str(PLATFORM), "--config",
                    str(config), "--format", "json")
    assert json.loads(out)["held_back"]
    config.write_text("max-findings-per-asset = -1\n")
    code, _, err = run(capsys, "scan", str(DEMO), "--platform", str(PLATFORM), "--config",
                       str(config))
    assert code == 2 and "max-findings-per-asset" in err and "Traceback" not in err


def test_check_lint_lines_are_not_capped_by_default(capsys):
    code, out, err = run(capsys, "check", str(DEMO / "drafts"), "--platform", str(PLATFORM),
                         "--no-daemon", "--max-findings-per-asset", "1")
    assert "held back" in err
    _, full, _ = run(capsys, "check", str(DEMO / "drafts"), "--platform", str(PLATFORM),
                     "--no-daemon")
    assert len(full.splitlines()) > len(out.splitlines())


def test_no_progress_bar_when_stderr_is_not_a_terminal(capsys):
    _, _, err = run(capsys, "scan", str(DEMO / "drafts"), "--platform", str(PLATFORM))
    assert "analysing" not in err and "\r" not in err and "\x1b" not in err


def test_progress_counts_files_and_claims_and_changes_nothing(engine):
    calls: list[tuple[str, int, int]] = []
    with_progress = engine.run([Path("fixtures/demo")], progress=lambda *a: calls.append(a))
    without = engine.run([Path("fixtures/demo")])
    files, _, _ = read_inputs([Path("fixtures/demo")])
    reads = [c for c in calls if c[0] == "read"]
    claims = [c for c in calls if c[0] == "analyse"]
    assert reads[-1] == ("read", len(files), len(files))
    assert claims[-1][1] == claims[-1][2] == len(with_progress.claims)
    assert [c[1] for c in claims] == sorted(c[1] for c in claims)
    assert with_progress.to_dict()["findings"] == without.to_dict()["findings"]
    assert os.getcwd() == str(ROOT)
