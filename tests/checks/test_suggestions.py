"""Suggestions only where they help, and messages in plain words."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from msgcheck.checks import CheckOptions, run_checks
from msgcheck.checks.base import helpful_suggestion
from msgcheck.ingest import markdown
from msgcheck.model import Claim, ClaimResult, Location

KEY = "Close the month in days, not weeks."
PROOF = "Customers close 6 days faster."


def fake_analysis(off: float = 0.33) -> SimpleNamespace:
    texts = (SimpleNamespace(text=KEY, pillar="faster-close"),
             SimpleNamespace(text=PROOF, pillar="faster-close"),
             SimpleNamespace(text="Every invoice has an audit trail.", pillar="audit-ready"))
    return SimpleNamespace(index=SimpleNamespace(calibration=SimpleNamespace(off=off),
                                                 texts=texts))


def result(similarity: float, status: str = "drift", pillar: str | None = "faster-close",
           nearest: str = PROOF) -> ClaimResult:
    claim = Claim("Books, done", Location("a.md", 1, 1), "heading", "a.md")
    return ClaimResult(claim, status, "pain", {}, pillar=pillar, similarity=similarity,  # type: ignore[arg-type]
                       nearest_text=nearest, suggestion=KEY)


def test_suggests_from_the_lower_bound_of_the_drift_band():
    assert helpful_suggestion(fake_analysis(), result(0.33)) == KEY
    assert helpful_suggestion(fake_analysis(), result(0.45, status="unsure")) == KEY


def test_no_suggestion_when_the_nearest_text_is_merely_the_least_unrelated():
    assert helpful_suggestion(fake_analysis(), result(0.12, status="off_platform",
                                                      pillar=None)) is None
    assert helpful_suggestion(fake_analysis(), result(0.2, status="unsure")) is None
    assert helpful_suggestion(fake_analysis(), result(0.2, nearest="Every invoice has an "
                                                      "audit trail.")) is None


def test_drift_below_the_band_suggests_when_its_nearest_text_is_its_own_pillar():
    assert helpful_suggestion(fake_analysis(), result(0.2)) == KEY


def test_an_explicit_text_is_gated_the_same_way():
    assert helpful_suggestion(fake_analysis(), result(0.5), "other") == "other"
    assert helpful_suggestion(fake_analysis(), result(0.1, status="off_platform",
                                                      pillar=None), "other") is None


JARGON = re.compile(r"similarity|band|cosine|\d\.\d\d")


@pytest.mark.model
def test_alignment_messages_are_plain_and_unrelated_lines_get_no_suggestion(engine):
    doc = markdown.read(b"# Book meeting rooms and manage office visitors from one app\n\n"
                        b"# Get more done with less\n", "draft.md")
    findings = run_checks(engine.analyze([doc]), CheckOptions(select=("alignment",
                                                                      "framing")))
    by_check = {}
    for f in findings:
        by_check.setdefault(f.check, []).append(f)
        assert not JARGON.search(f.message), f.message
    off = by_check["alignment.off-platform"][0]
    assert off.message.startswith("no pillar of the platform backs this line")
    assert off.suggestion is None and off.evidence["similarity"] < off.evidence["band_off"]
    drift = by_check["alignment.drift"][0]
    assert drift.message.startswith("close to pillar '")
    assert drift.suggestion and drift.evidence["similarity"] >= drift.evidence["band_off"]
    unrelated = [f for f in by_check.get("framing.feature-heavy", []) if f.claim == off.claim]
    assert all(f.suggestion is None for f in unrelated)


@pytest.mark.model
def test_a_retired_line_is_answered_with_the_approved_line_that_replaced_it(engine):
    doc = markdown.read(b"The all-in-one finance automation platform for growing businesses.\n",
                        "landing.md")
    report = engine.report(engine.analyze([doc]))
    [finding] = [f for f in report.findings if f.check == "messaging.retired"]
    # The demo platform's value proposition took over from the retired all-in-one slogan.
    assert finding.suggestion in {t.text for t in engine.platform.value_proposition}
