"""Reviewed findings: `msgcheck feedback` writes verdicts beside the platform; later runs honour
them as suppressions, as examples of a pillar, and as reviewed drift."""

from __future__ import annotations

import json
import shutil

import pytest

from msgcheck import feedback as fb
from msgcheck.cli import main
from msgcheck.errors import ConfigError
from msgcheck.model import Finding, Location, Severity
from msgcheck.platform import load_platform

from conftest import PLATFORM


@pytest.fixture
def platform_dir(tmp_path):
    target = tmp_path / "platform"
    shutil.copytree(PLATFORM if PLATFORM.is_dir() else PLATFORM.parent, target)
    return target


def finding(claim: str, source: str = "post.md", check: str = "alignment.drift") -> Finding:
    return Finding(check, Severity.SUGGESTION, "msg", Location(source, 3, 1), claim=claim)


def test_record_then_load_round_trips_and_replaces_by_fingerprint(platform_dir):
    platform = load_platform(platform_dir)
    path = fb.feedback_path(platform)
    f = finding("Our revolutionary AP suite.")
    first = fb.Verdict(f.fingerprint, "accepted", f.check, "post.md", f.claim or "")
    fb.record(path, first, fb.load(path, platform))
    again = fb.Verdict(f.fingerprint, "pillar", f.check, "post.md", f.claim or "", "faster-close")
    loaded = fb.record(path, again, fb.load(path, platform))
    assert fb.load(path, platform).verdicts == loaded.verdicts
    assert [v.verdict for v in loaded.verdicts] == ["pillar"]
    assert loaded.suppressed == {f.fingerprint}
    assert loaded.examples() == {"faster-close": ("Our revolutionary AP suite.",)}


def test_teaching_adds_examples_and_changes_the_digest(platform_dir):
    platform = load_platform(platform_dir)
    verdict = fb.Verdict("abcdef0123456789", "pillar", "alignment.drift", "a.md",
                         "Books closed by day three.", "faster-close", 1)
    taught = fb.teach(platform, fb.Feedback("f.yaml", (verdict,)))
    assert taught.digest != platform.digest
    assert [t.text for t in taught.pillar("faster-close").examples] == ["Books closed by day three."]
    assert fb.teach(platform, fb.Feedback("f.yaml")) is platform


def test_stale_verdicts_are_those_whose_asset_was_read_but_finding_or_claim_is_gone():
    live, gone = finding("Still here."), finding("Rewritten since.")
    verdicts = (fb.Verdict(live.fingerprint, "accepted", live.check, "post.md", "Still here.", entry=1),
                fb.Verdict(gone.fingerprint, "accepted", gone.check, "post.md", "Rewritten since.",
                           entry=2),
                fb.Verdict("0" * 16, "drift", "alignment.drift", "post.md", "Still here.", entry=3),
                fb.Verdict("1" * 16, "drift", "alignment.drift", "other.md", "Not read.", entry=4))
    stale = fb.stale(fb.Feedback("f", verdicts), ["post.md"], [live], ["Still here."])
    assert [v.entry for v in stale] == [2]


@pytest.mark.parametrize(("text", "needle"), [
    ("version: 1\nverdicts: [1, 2\n", "not YAML"),
    ("version: 2\nverdicts: []\n", "not a msgcheck feedback file"),
    ("version: 1\nverdicts:\n- {fingerprint: ab, verdict: maybe, check: c, source: s, claim: x}\n",
     "unknown verdict"),
    ("version: 1\nverdicts:\n- {fingerprint: ab, verdict: pillar, check: c, source: s, claim: x,"
     " pillar: nope}\n", "unknown pillar"),
    ("version: 1\nverdicts:\n- {verdict: accepted, check: c, source: s, claim: x}\n",
     "verdicts[0]: missing fingerprint"),
])
def test_a_broken_feedback_file_is_an_error_naming_the_file_and_entry(platform_dir, text, needle):
    platform = load_platform(platform_dir)
    path = fb.feedback_path(platform)
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        fb.load(path, platform)
    assert needle in err.value.message and err.value.path == str(path)


def test_find_needs_a_unique_prefix():
    rows = [{"fingerprint": "abcdef11"}, {"fingerprint": "abcdef22"}]
    assert fb.find("abcdef1", rows, "r.json")["fingerprint"] == "abcdef11"
    for prefix, needle in (("abcdef", "ambiguous"), ("zzzzzz", "no finding"), ("ab", "6 char")):
        with pytest.raises(ConfigError, match=needle):
            fb.find(prefix, rows, "r.json")


@pytest.mark.model
def test_verdicts_change_later_runs(platform_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "post.md").write_text(
        "# Ledgerline\n\nThe industry-leading AP automation suite.\n\n"
        "Invoices wait in email inboxes for days.\n")
    args = ["--platform", str(platform_dir), "--no-daemon"]
    assert main(["check", "post.md", *args, "--format", "json", "-o", "r.json"]) in (0, 1)
    report = json.loads((tmp_path / "r.json").read_text())
    drift = [f for f in report["findings"] if f["check"] == "alignment.drift"]
    assert [f["claim"] for f in drift] == ["The industry-leading AP automation suite."]
    capsys.readouterr()

    # Accepted: the finding is gone from the next run.
    assert main(["feedback", drift[0]["fingerprint"][:8], "--report", "r.json", "--accept",
                 "--platform", str(platform_dir)]) == 0
    assert main(["check", "post.md", *args, "--format", "json"]) == 0
    after = json.loads(capsys.readouterr().out)
    assert not [f for f in after["findings"] if f["check"] == "alignment.drift"]

    # Reviewed as drift: a claim the bands leave alone is drift from now on, wherever it is.
    line = "Invoices wait in email inboxes for days."
    (tmp_path / "r2.json").write_text(json.dumps({"findings": [
        {"fingerprint": "feedc0de00000000", "check": "alignment.drift", "message": line,
         "claim": line, "location": {"source": "post.md"}}]}))
    assert main(["feedback", "feedc0de", "--report", "r2.json", "--drift",
                 "--platform", str(platform_dir)]) == 0
    capsys.readouterr()
    assert main(["classify", "--platform", str(platform_dir), str(tmp_path / "post.md")]) == 0
    rows = {r["text"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows[line]["status"] == "drift" and rows[line]["drift_basis"] == "reviewed as drift"

    # Stale: the accepted claim is rewritten; the run says so and goes on.
    (tmp_path / "post.md").write_text("# Ledgerline\n\nClose the month in days, not weeks.\n")
    assert main(["check", "post.md", *args]) == 0
    err = capsys.readouterr().err
    assert "matches nothing in this run any more; ignored" in err


def test_a_learning_curve_scores_every_point_on_the_same_lines(platform_dir):
    from msgcheck.evaluate import Corpus, LabelledLine, teach_corpus

    platform = load_platform(platform_dir)
    lines = tuple(LabelledLine(f"Line {i} about closing faster.", "pain",
                               "faster-close" if i % 2 else "audit-ready", None, ())
                  for i in range(30)) + (LabelledLine("Off-topic line.", "neutral", None, None, ()),)
    corpus = Corpus("fictional", platform, lines)
    points = [teach_corpus(corpus, n, seed=1, held=10) for n in (0, 5, 10)]
    assert points[0][0] is platform
    assert points[0][1] == points[1][1] == points[2][1]
    assert len(points[0][1]) == len(lines) - 20
    for (taught, _), n in zip(points[1:], (5, 10)):
        assert len(taught.pillar("faster-close").examples) == n
        assert taught.digest != platform.digest
    assert points[1][0].digest != points[2][0].digest
