"""A team adapts the style model: train on its own examples, evaluate, and use it via config."""

from __future__ import annotations

import json

import pytest

from msgcheck.cli import main

from conftest import PLATFORM, ROOT

pytestmark = pytest.mark.model

TEAM = """text,style,pillar
Month-end stretches into week three because invoices wait for sign-off,pain,faster-close
Approvers forget invoices sitting in their inbox for days,pain,faster-close
Late fees pile up when nobody sees the due dates,pain,supplier-trust
Our suppliers phone the AP desk every morning about remittances,pain,supplier-trust
We pay some invoices twice and only find out at audit,pain,spend-control
Line-level three-way match against POs and goods receipts,feature,spend-control
Approval chains by entity amount and cost centre,feature,spend-control
Remittance advice emailed to suppliers automatically,feature,supplier-trust
Native connector for NetSuite and Sage Intacct,feature,faster-close
Tamper-evident log of every approval,feature,audit-ready
Ledgerline has offices in Leeds and Toronto,neutral,off_platform
Our customer advisory board meets twice a year,neutral,off_platform
The finance software market keeps consolidating,neutral,off_platform
Ledgerline is a member of the Institute of Financial Operations,neutral,off_platform
Our support team answers in English and French,neutral,off_platform
"""


def run(capsys, *args):
    code = main(list(args))
    return code, capsys.readouterr()


def test_train_is_deterministic_and_the_model_is_used_by_config(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("MSGCHECK_NO_DAEMON", "1")
    data = tmp_path / "team.csv"
    data.write_text(TEAM)
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert run(capsys, "train", "--data", str(data), "--output", str(a))[0] == 0
    assert run(capsys, "train", "--data", str(data), "--output", str(b))[0] == 0
    assert a.read_bytes() == b.read_bytes()
    model = json.loads(a.read_text())
    assert model["kind"] == "msgcheck-style-mlp-bag" and model["meta"]["examples"] > 1700
    (tmp_path / ".git").mkdir()
    (tmp_path / "msgcheck.toml").write_text(f'platform = "{PLATFORM}"\nstyle-model = "a.json"\n')
    draft = tmp_path / "post.md"
    draft.write_text("# Close the month in days, not weeks\n\nStop paying the same invoice twice.\n")
    code, out = run(capsys, "config", str(tmp_path))
    assert f'style-model = "{a}"' in out.out
    assert run(capsys, "check", str(draft))[0] == 0


def test_evaluate_reports_baselines_and_pillars_for_team_data(capsys, tmp_path):
    data = tmp_path / "team.csv"
    data.write_text(TEAM)
    code, out = run(capsys, "evaluate", "--data", str(data), "--platform", str(PLATFORM),
                    "--format", "json")
    assert code == 0
    report = json.loads(out.out)
    assert set(report["style"]) >= {"rule_baseline", "zero_shot_baseline", "model"}
    assert report["style"]["model"]["confusion"]["pain"]
    assert report["pillars"][0]["platform"] == "--data"
    assert 0 <= report["pillars_summary"]["model"]["top1"] <= 1


def test_evaluate_refuses_unknown_pillars(capsys, tmp_path):
    data = tmp_path / "team.csv"
    data.write_text(TEAM.replace("audit-ready", "audit-readiness"))
    code, out = run(capsys, "evaluate", "--data", str(data), "--platform", str(PLATFORM))
    assert code == 2 and "unknown pillar 'audit-readiness'" in out.err and "team.csv:11" in out.err


def test_evaluate_on_the_projects_held_out_sets_prints_a_table(capsys):
    code, out = run(capsys, "evaluate", "--data", str(ROOT / "evaluation" / "style_eval.jsonl"))
    assert code == 0 and "keyword rules" in out.out and "msgcheck model" in out.out
