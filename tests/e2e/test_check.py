"""`msgcheck check`, the pre-publish gate, as a user and CI run it."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from msgcheck.cli import main

from conftest import DEMO, PLATFORM, ROOT

pytestmark = pytest.mark.model

BAD = "# Meet LedgerLine Match\n\nA seamless connection to your ERP.\n"
GOOD = "# Close the month in days, not weeks\n\nInvoices flow from inbox to ledger without anyone retyping them.\n"


@pytest.fixture(autouse=True)
def _no_daemon(monkeypatch):
    monkeypatch.setenv("MSGCHECK_NO_DAEMON", "1")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _project(tmp_path: Path, config: str = "") -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "msgcheck.toml").write_text(f'platform = "{PLATFORM}"\n{config}')
    return tmp_path


def test_linter_lines_point_at_line_and_column(capsys, tmp_path):
    project = _project(tmp_path)
    draft = project / "draft.md"
    draft.write_text(BAD)
    code, out, err = run(capsys, "check", str(draft))
    assert code == 0  # default fail-on error: these are warnings
    lines = out.splitlines()
    assert f"{draft}:1:8: warning terminology.product-name 'LedgerLine Match' is not the product" \
        in "\n".join(lines)
    assert any(l.startswith(f"{draft}:3:3: warning terminology.avoid") for l in lines)
    assert "warnings" in err
    code, _, _ = run(capsys, "check", str(draft), "--fail-on", "warning")
    assert code == 1


def test_fail_on_from_config_and_never(capsys, tmp_path):
    project = _project(tmp_path, 'fail-on = "warning"\n')
    (project / "draft.md").write_text(BAD)
    assert run(capsys, "check", str(project / "draft.md"))[0] == 1
    assert run(capsys, "check", str(project / "draft.md"), "--fail-on", "never")[0] == 0


def test_per_path_override_and_select(capsys, tmp_path):
    project = _project(tmp_path, 'fail-on = "warning"\n[[overrides]]\npaths = ["legal/**"]\n'
                                 'ignore = ["terminology"]\n')
    (project / "legal").mkdir()
    (project / "legal" / "terms.md").write_text(BAD)
    code, out, _ = run(capsys, "check", str(project / "legal" / "terms.md"),
                       "--select", "terminology")
    assert code == 0 and out == ""


def test_stdin_with_a_name_picks_the_reader(capsys, tmp_path, monkeypatch):
    project = _project(tmp_path)
    monkeypatch.chdir(project)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(BAD.encode())))
    code, out, _ = run(capsys, "check", "-", "--stdin-name", "post.md", "--fail-on", "warning")
    assert code == 1 and out.startswith("post.md:1:8: warning terminology.product-name")


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02\x03binary"])
def test_empty_or_binary_stdin_cannot_be_judged(capsys, tmp_path, monkeypatch, data):
    project = _project(tmp_path)
    monkeypatch.chdir(project)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, err = run(capsys, "check", "-")
    assert code == 2 and "error[E104]" in err and "Traceback" not in err


def test_unreadable_file_is_reported_and_others_still_checked(capsys, tmp_path):
    project = _project(tmp_path)
    (project / "good.md").write_text(BAD)
    (project / "notes.key").write_bytes(b"keynote")
    (project / "brief.pdf").write_bytes(b"%PDF-1.4")
    (project / "deck.pptx").write_text("not a deck")
    code, out, _ = run(capsys, "check", str(project / "good.md"), str(project / "notes.key"),
                       str(project / "brief.pdf"), str(project / "deck.pptx"))
    assert code == 1
    assert "io.unreadable [E103] unsupported format '.key'" in out
    assert "brief.pdf: error io.unreadable [E104] corrupt PDF" in out
    assert "io.unreadable [E107] not a .pptx file" in out
    assert "terminology.product-name" in out


def test_config_errors_are_exit_2_with_the_key(capsys, tmp_path):
    project = _project(tmp_path, "colour = true\n")
    (project / "a.md").write_text(GOOD)
    code, _, err = run(capsys, "check", str(project / "a.md"))
    assert code == 2 and "colour: unknown key" in err and str(project / "msgcheck.toml") in err
    project2 = tmp_path / "p2"
    project2.mkdir()
    _project(project2, '[[overrides]]\npaths = ["[oops"]\n')
    (project2 / "a.md").write_text(GOOD)
    code, _, err = run(capsys, "check", str(project2 / "a.md"))
    assert code == 2 and "unbalanced" in err
    code, _, err = run(capsys, "check", str(project2 / "a.md"), "--config",
                       str(project / "msgcheck.toml"))
    assert code == 2
    code, _, err = run(capsys, "check", str(DEMO / "drafts"), "--platform", str(PLATFORM),
                       "--ignore", "alignment.nope")
    assert code == 2 and "unknown check id 'alignment.nope'" in err


def test_baseline_adopts_today_and_reports_only_new(capsys, tmp_path):
    project = _project(tmp_path, 'fail-on = "warning"\n')
    draft = project / "draft.md"
    draft.write_text(BAD)
    baseline = project / ".msgcheck-baseline.json"
    code, _, err = run(capsys, "check", str(draft), "--write-baseline", str(baseline))
    assert code == 0 and "accepted as the baseline" in err
    assert run(capsys, "check", str(draft), "--baseline", str(baseline))[0] == 0
    draft.write_text("\n\n" + BAD + "\nOur best-in-class matching engine.\n")
    code, out, _ = run(capsys, "check", str(draft), "--baseline", str(baseline))
    assert code == 1 and "best-in-class" in out and "LedgerLine" not in out
    baseline.write_text("{broken")
    code, _, err = run(capsys, "check", str(draft), "--baseline", str(baseline))
    assert code == 2 and "corrupt baseline" in err


def test_sarif_and_json_formats(capsys, tmp_path):
    project = _project(tmp_path)
    (project / "draft.md").write_text(BAD)
    code, out, _ = run(capsys, "check", str(project / "draft.md"), "--format", "sarif")
    sarif = json.loads(out)
    result = sarif["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
    assert "partialFingerprints" in result
    code, out, _ = run(capsys, "check", str(project / "draft.md"), "--format", "json")
    assert json.loads(out)["version"] == 1


def test_decks_and_docx_are_checked_with_slide_and_paragraph(capsys, tmp_path):
    import docx

    project = _project(tmp_path, 'fail-on = "warning"\n')
    shutil.copy(DEMO / "decks" / "midmarket-pitch-rep-edit.pptx", project / "deck.pptx")
    document = docx.Document()
    document.add_heading("Close faster with Ledgerline", level=1)
    document.add_paragraph("Our fraud-proof payment runs protect every supplier.")
    document.save(project / "brief.docx")
    code, out, _ = run(capsys, "check", str(project / "deck.pptx"), str(project / "brief.docx"))
    assert code == 1
    assert f"{project / 'deck.pptx'}:slide 3:Title 1: warning terminology.product-name" in out
    assert f"{project / 'brief.docx'}:2:5: warning terminology.avoid" in out or \
        f"{project / 'brief.docx'}:2:" in out


def test_config_command_shows_sources(capsys, tmp_path):
    project = _project(tmp_path, 'fail-on = "warning"\n')
    code, out, _ = run(capsys, "config", str(project))
    assert code == 0
    assert f'fail-on = "warning"  # {project / "msgcheck.toml"}' in out
    assert "select = []  # default" in out


def test_pre_commit_hook_fails_on_a_bad_draft_and_passes_a_fixed_one(tmp_path):
    import yaml

    hook = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())[0]
    repo = tmp_path / "site"
    repo.mkdir()
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com",
               PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), MSGCHECK_NO_DAEMON="1")

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)

    git("init", "-q")
    (repo / "msgcheck.toml").write_text(f'platform = "{PLATFORM}"\nfail-on = "warning"\n')
    # The hook as published, run with this environment's msgcheck (a `repo: local` copy, so the
    # test does not build a fresh virtualenv with torch in it).
    local = dict(hook, language="system",
                 entry=str(Path(sys.executable).parent / hook["entry"].split()[0]) + " " +
                 " ".join(hook["entry"].split()[1:]))
    local.pop("minimum_pre_commit_version", None)
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(
        {"repos": [{"repo": "local", "hooks": [local]}]}))
    (repo / "post.md").write_text(BAD)
    git("add", ".")
    pre_commit = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
    bad = subprocess.run(pre_commit, cwd=repo, capture_output=True, text=True, env=env, timeout=600)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "terminology.product-name" in bad.stdout
    (repo / "post.md").write_text(GOOD)
    git("add", ".")
    good = subprocess.run(pre_commit, cwd=repo, capture_output=True, text=True, env=env, timeout=600)
    assert good.returncode == 0, good.stdout + good.stderr
