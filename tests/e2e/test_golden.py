"""Golden files: what the readers extract from the demo decks, and the demo's findings.

Regenerate after an intended change with `UPDATE_GOLDEN=1 make test` and review the diff.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from msgcheck.ingest import read_path

from conftest import DEMO, FIXTURES, ROOT

GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _compare(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{name} changed; see module docstring"


def test_fixture_script_regenerates_the_committed_decks(tmp_path: Path):
    subprocess.run([sys.executable, str(FIXTURES / "make_fixtures.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    committed = sorted((DEMO / "decks").glob("*.pptx"))
    assert [p.name for p in committed] == sorted(p.name for p in tmp_path.glob("*.pptx"))
    for deck in committed:
        assert (tmp_path / deck.name).read_bytes() == deck.read_bytes(), deck.name


@pytest.mark.parametrize("deck", sorted(p.name for p in (DEMO / "decks").glob("*.pptx")))
def test_deck_extraction_matches_golden(deck: str):
    doc = read_path(DEMO / "decks" / deck, source=deck)
    lines = [f"{b.location}\t{b.scope}\t{b.text}" for b in doc.blocks]
    _compare(f"{deck}.blocks.txt", "\n".join(lines) + "\n")


@pytest.mark.model
def test_demo_findings_match_golden(engine):
    os.chdir(ROOT)
    report = engine.run([Path("fixtures/demo")])
    lines = [f"{f.location}\t{f.severity.value}\t{f.check}\t{f.claim or f.message}"
             for f in report.findings]
    _compare("demo.findings.txt", "\n".join(lines) + "\n")
