"""Every check has examples that must flag and examples that must pass, run on the real models."""

from __future__ import annotations

import pytest

from msgcheck.checks import ALL
from msgcheck.ingest import markdown

CASES = [(check.id, i, ex) for check in ALL for i, ex in enumerate(check.examples)]


@pytest.mark.parametrize("check", ALL, ids=lambda c: c.id)
def test_every_check_has_flag_and_pass_examples(check):
    assert any(e.flags for e in check.examples), f"{check.id} has no must-flag example"
    assert any(not e.flags for e in check.examples), f"{check.id} has no must-pass example"
    assert check.summary and check.run.__doc__


def test_check_ids_are_unique_and_dotted_kebab():
    ids = [c.id for c in ALL]
    assert len(ids) == len(set(ids))
    for cid in ids:
        area, name = cid.split(".")
        assert area.isalpha() and name.replace("-", "").isalpha() and name == name.lower()


@pytest.mark.model
@pytest.mark.parametrize(("check_id", "n", "example"), CASES,
                         ids=[f"{c}-{n}-{'flag' if e.flags else 'pass'}" for c, n, e in CASES])
def test_example(engine, check_id, n, example):
    source = example.source or f"example-{n}.md"
    doc = markdown.read(example.text.encode(), source)
    report = engine.report(engine.analyze([doc]))
    hits = [f for f in report.findings if f.check == check_id]
    if example.flags:
        assert hits, f"{check_id} should flag: {example.text!r}"
        assert all(f.location.source == source for f in hits)
    else:
        assert not hits, f"{check_id} should pass: {example.text!r} -> {hits[0].message}"


def test_reference_page_is_current():
    from msgcheck.checks import reference_markdown

    from conftest import ROOT

    page = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
    assert page.rstrip("\n") == reference_markdown().rstrip("\n"), \
        "regenerate with: msgcheck checks --markdown > docs/checks.md"
