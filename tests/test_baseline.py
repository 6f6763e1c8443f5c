"""Baselines: write today's findings, then report only new ones; corrupt files are clear errors."""

from __future__ import annotations

import json

import pytest

from msgcheck import baseline
from msgcheck.errors import ConfigError
from msgcheck.model import Finding, Location, Report, Severity


def _finding(claim: str, line: int = 1) -> Finding:
    return Finding("terminology.avoid", Severity.WARNING, "avoid it", Location("a.md", line, 1),
                   claim=claim)


def _report(*findings: Finding) -> Report:
    return Report(findings=findings, documents=(), platform_digest="d1", company="Acme",
                  tool_version="0.1.0", created_at="2026-01-01T00:00:00Z")


def test_round_trip_and_line_moves_do_not_make_findings_new(tmp_path):
    path = tmp_path / "baseline.json"
    assert baseline.write(_report(_finding("Seamless sync", 3), _finding("Seamless sync", 3)),
                          path) == 1
    known, header = baseline.load(path)
    assert header["platform_digest"] == "d1"
    moved = (_finding("Seamless  sync", 30), _finding("A best-in-class tool", 31))
    assert [f.claim for f in baseline.new_findings(moved, known)] == ["A best-in-class tool"]


@pytest.mark.parametrize(
    ("content", "needle"),
    [("{not json", "corrupt baseline"), ('{"format": 1}', "not a msgcheck baseline"),
     ('{"format": 1, "tool": "msgcheck", "findings": [{"x": 1}]}', "findings[0]")],
)
def test_corrupt_baseline(tmp_path, content, needle):
    path = tmp_path / "b.json"
    path.write_text(content)
    with pytest.raises(ConfigError, match=needle.replace("[", r"\[")):
        baseline.load(path)


def test_missing_baseline(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        baseline.load(tmp_path / "nope.json")


def test_written_file_is_reviewable_json(tmp_path):
    path = tmp_path / "b.json"
    baseline.write(_report(_finding("Seamless sync")), path)
    data = json.loads(path.read_text())
    assert data["findings"][0]["claim"] == "Seamless sync" and data["tool"] == "msgcheck"
