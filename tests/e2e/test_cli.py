"""The CLI as a user runs it: exit codes, formats, bad input, and the classify contract."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from msgcheck.cli import main

from conftest import DEMO, PLATFORM, ROOT

pytestmark = pytest.mark.model


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_scan_demo_json_has_version_documents_and_several_kinds_of_findings(capsys):
    code, out, _ = run(capsys, "scan", str(DEMO), "--platform", str(PLATFORM), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["version"] == 1
    assert len(report["documents"]) == 6
    kinds = {f["check"] for f in report["findings"]}
    assert {"terminology.avoid", "terminology.product-name", "terminology.competitor",
            "messaging.retired", "framing.asset-ratio", "framing.feature-heavy"} <= kinds
    assert kinds & {"alignment.off-platform", "alignment.drift"}
    for f in report["findings"]:
        assert (ROOT / f["location"]["source"]).resolve().is_relative_to(DEMO.resolve())
        assert f["severity"] in ("error", "warning", "suggestion")
    assert report["findings"] == sorted(report["findings"], key=lambda f: (
        f["location"]["source"], f["location"].get("slide", 0), f["location"].get("line", 0),
        f["location"].get("column", 0), f["location"].get("element", ""), f["check"],
        f["message"]))


def test_scan_text_output_lists_documents_then_findings(capsys):
    code, out, _ = run(capsys, "scan", str(DEMO / "decks"), "--platform", str(PLATFORM))
    assert code == 1
    assert out.index("enterprise-pitch.pptx") < out.index("midmarket-pitch-rep-edit.pptx")
    assert "slide 3" in out and "documents" in out.splitlines()[-1]


def test_fail_on_never_and_select(capsys):
    code, out, _ = run(capsys, "scan", str(DEMO), "--platform", str(PLATFORM), "--fail-on",
                       "never", "--format", "json", "--select", "terminology")
    assert code == 0
    assert {f["check"].split(".")[0] for f in json.loads(out)["findings"]} == {"terminology"}


def test_one_broken_deck_does_not_lose_the_others(capsys, tmp_path):
    shutil.copy(DEMO / "drafts" / "blog-month-end-close.md", tmp_path / "post.md")
    (tmp_path / "deck.pptx").write_text("not really a deck")
    (tmp_path / "empty.pptx").write_bytes(b"")
    code, out, err = run(capsys, "scan", str(tmp_path), str(tmp_path / "missing.md"),
                         "--platform", str(PLATFORM), "--format", "json")
    assert code == 1 and "Traceback" not in err
    report = json.loads(out)
    unreadable = {Path(f["location"]["source"]).name: f["message"]
                  for f in report["findings"] if f["check"] == "io.unreadable"}
    assert set(unreadable) == {"deck.pptx", "empty.pptx", "missing.md"}
    assert "not a .pptx file" in unreadable["deck.pptx"]
    post = [d for d in report["documents"] if d["source"].endswith("post.md")][0]
    assert post["claims"] > 5


def test_empty_folder_is_reported_not_crashed(capsys, tmp_path):
    code, out, err = run(capsys, "scan", str(tmp_path), "--platform", str(PLATFORM),
                         "--format", "json")
    assert code == 2 and not out
    assert err.strip() == f"error[E110] {tmp_path}: folder holds no file msgcheck reads"


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "data").mkdir(parents=True)
    shutil.copy(DEMO / "drafts" / "blog-month-end-close.md", site / "post.md")
    for name in ("data/nav.yml", "data/team.yml", "layout.haml", "feed.json"):
        (site / name).write_text("x: 1\n")
    (site / ".git").mkdir()
    (site / ".git" / "HEAD").write_text("ref: main\n")
    return site


def test_scan_lists_the_files_it_did_not_read(capsys, tmp_path):
    site = _site(tmp_path)
    code, out, err = run(capsys, "scan", str(site), "--platform", str(PLATFORM), "--format",
                         "json", "--fail-on", "never")
    report = json.loads(out)
    assert code == 0 and [d["source"] for d in report["documents"]] == [str(site / "post.md")]
    assert report["summary"]["skipped"] == {".yml": 2, ".haml": 1, ".json": 1}
    assert [Path(s["path"]).name for s in report["skipped"]] == [
        "nav.yml", "team.yml", "feed.json", "layout.haml"]
    code, out, _ = run(capsys, "scan", str(site), "--platform", str(PLATFORM), "--fail-on",
                       "never")
    assert ("skipped 4 files not read: 2 .yml, 1 .haml, 1 .json (use --strict to fail on them)"
            in out)


def test_strict_makes_unread_files_errors(capsys, tmp_path):
    site = _site(tmp_path)
    code, out, _ = run(capsys, "scan", str(site), "--platform", str(PLATFORM), "--format",
                       "json", "--strict", "--select", "terminology")
    report = json.loads(out)
    unread = [f for f in report["findings"] if f["evidence"].get("code") == "E111"]
    assert code == 1 and len(unread) == 4
    assert unread[0]["check"] == "io.unreadable" and unread[0]["severity"] == "error"
    (site / "msgcheck.toml").write_text("strict = true\n")
    code, out, _ = run(capsys, "scan", str(site), "--platform", str(PLATFORM), "--format",
                       "json", "--select", "terminology", "--fail-on", "error")
    assert code == 1 and len(json.loads(out)["skipped"]) == 5  # msgcheck.toml is not read


def test_folder_of_only_unsupported_files_is_one_line_and_exit_2(capsys, tmp_path):
    for name in ("a.yml", "b.yml", "c.haml"):
        (tmp_path / name).write_text("x: 1\n")
    code, out, err = run(capsys, "scan", str(tmp_path), "--platform", str(PLATFORM))
    assert code == 2 and not out and "Traceback" not in err
    assert err.splitlines() == [
        f"error[E110] {tmp_path}: folder holds no file msgcheck reads (it holds 3 files: "
        "2 .yml, 1 .haml)",
        "skipped 3 files not read: 2 .yml, 1 .haml (use --strict to fail on them)"]


def test_output_file(capsys, tmp_path):
    target = tmp_path / "r.json"
    code, _, err = run(capsys, "scan", str(DEMO / "drafts"), "--platform", str(PLATFORM),
                       "--format", "json", "--output", str(target))
    assert code == 1 and json.loads(target.read_text())["version"] == 1
    assert "wrote" in err


def test_missing_platform_is_exit_2_with_one_line_error(capsys, tmp_path):
    code, _, err = run(capsys, "scan", str(DEMO), "--platform", str(tmp_path / "nope.yaml"))
    assert code == 2 and err.startswith("error[E203]") and "Traceback" not in err


def test_misspelt_platform_key_names_key_path_and_line(capsys, tmp_path):
    bad = tmp_path / "platform.yaml"
    bad.write_text((PLATFORM / "platform.yaml").read_text().replace("key_messages:", "key_mesages:", 1))
    code, _, err = run(capsys, "platform", "validate", str(bad))
    assert code == 2
    first = err.splitlines()[0]
    assert first.startswith(f"error[E201] {bad}:") and "pillars[0].key_mesages: unknown key" in first
    assert "did you mean `key_messages`" in err


def test_platform_validate_ok(capsys):
    code, out, _ = run(capsys, "platform", "validate", str(PLATFORM))
    assert code == 0 and out.startswith("ok:") and "Ledgerline" in out


def test_classify_contract(capsys, tmp_path, monkeypatch):
    lines = ["Close the month in days, not weeks.", "", "Learn more",
             "Touchless invoice capture from email, PDF and EDI",
             "Book meeting rooms and manage office visitors from one app.",
             "Meet LedgerLine Match",
             "The industry's leading platform for accounts payable."]
    src = tmp_path / "claims.txt"
    src.write_text("\n".join(lines) + "\n")
    code, out, _ = run(capsys, "classify", "--platform", str(PLATFORM), str(src))
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["text"] for r in rows] == [l for l in lines if l]
    for r in rows:
        assert {"text", "style", "style_scores", "pillar", "similarity", "status",
                "findings"} <= set(r)
        assert r["style"] in ("pain", "feature", "neutral")
        assert set(r["style_scores"]) == {"pain", "feature", "neutral"}
        assert r["status"] in ("aligned", "drift", "off_platform", "unsure", "not_a_claim")
    assert rows[0]["status"] == "aligned" and rows[0]["pillar"] == "faster-close"
    assert rows[0]["style"] == "pain"
    assert rows[1]["status"] == "not_a_claim" and rows[1]["pillar"] is None
    assert rows[2]["style"] == "feature"
    # One body line far from every pillar: unsure, no finding (similarity alone is not precise
    # enough on real copy to call it); its nearest pillar is still named.
    assert rows[3]["status"] == "unsure" and rows[3]["pillar"] and rows[3]["findings"] == []
    assert [f["check"] for f in rows[4]["findings"]] == ["terminology.product-name"]
    # Self-praise the platform never uses is off-message framing, whatever the similarity.
    assert rows[5]["status"] == "drift"


def test_classify_reads_stdin(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "msgcheck.cli", "classify", "--platform", str(PLATFORM), "-"],
        input="Stop paying the same invoice twice.\n", capture_output=True, text=True,
        cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    row = json.loads(proc.stdout)
    assert row["pillar"] == "spend-control"


def test_training_file_errors_name_file_and_row(capsys, tmp_path):
    bad = tmp_path / "team.csv"
    bad.write_text("text,style\nCut DSO by 12 days,pain\nREST API,specs\n")
    code, _, err = run(capsys, "train", "--data", str(bad), "--output", str(tmp_path / "m.json"))
    assert code == 2 and f"{bad}:3" in err and "unknown style label 'specs'" in err
    assert not (tmp_path / "m.json").exists()


def test_checks_lists_every_check(capsys):
    code, out, _ = run(capsys, "checks")
    assert code == 0
    for cid in ("alignment.off-platform", "alignment.drift", "framing.feature-heavy",
                "framing.asset-ratio", "terminology.avoid", "terminology.product-name",
                "terminology.competitor", "messaging.retired", "io.unreadable"):
        assert cid in out


def test_help_and_validate_do_not_import_heavy_libraries():
    code = (
        "import sys\nfrom msgcheck.cli import main\n"
        f"main(['platform', 'validate', {str(PLATFORM)!r}])\n"
        "heavy = [m for m in ('torch', 'spacy', 'sentence_transformers', 'sklearn', 'pptx')"
        " if m in sys.modules]\nprint(heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip().splitlines()[-1] == "[]", proc.stdout + proc.stderr


def test_usage_error_is_exit_2(capsys):
    code, _, err = run(capsys, "scan", str(DEMO))
    assert code == 2 and "no platform" in err
    code, _, _ = run(capsys, "scan", str(DEMO), "--platform", str(PLATFORM), "--format", "pdf")
    assert code == 2


@pytest.mark.parametrize("fmt", ["html", "markdown", "sarif"])
def test_scan_writes_every_report_format(capsys, tmp_path, fmt):
    target = tmp_path / f"report.{fmt}"
    code, _, _ = run(capsys, "scan", str(DEMO), "--platform", str(PLATFORM), "--format", fmt,
                     "--output", str(target))
    assert code == 1
    text = target.read_text(encoding="utf-8")
    if fmt == "html":
        assert "Coverage" in text and "Shadow messages" in text and "http://" not in text
    elif fmt == "markdown":
        assert text.startswith("#") and "enterprise-pitch.pptx" in text
    else:
        assert json.loads(text)["version"] == "2.1.0"
