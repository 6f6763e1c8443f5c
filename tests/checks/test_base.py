"""What every check declares (scopes, what it judges, thresholds) and the helpers checks share."""

from __future__ import annotations

import dataclasses

import pytest

from msgcheck.checks import ALL
from msgcheck.checks.base import (
    ALL_SCOPES,
    JUDGED_SCOPES,
    CheckOptions,
    at_offset,
    judged,
    threshold_key,
)
from msgcheck.model import Claim, ClaimResult, Location

NOT_THRESHOLDS = {"select", "ignore", "severity"}


@pytest.mark.parametrize("check", ALL, ids=lambda c: c.id)
def test_every_check_declares_what_it_judges_and_reads(check):
    assert check.judges in ("claim", "asset")
    assert check.scopes and check.scopes <= ALL_SCOPES
    fields = {f.name for f in dataclasses.fields(CheckOptions)} - NOT_THRESHOLDS
    assert set(check.options) <= fields, f"{check.id} reads an option CheckOptions lacks"


def test_every_threshold_is_read_by_some_check():
    declared = {name for check in ALL for name in check.options}
    assert declared == {f.name for f in dataclasses.fields(CheckOptions)} - NOT_THRESHOLDS


def test_thresholds_read_by_framing_checks():
    by_id = {c.id: c for c in ALL}
    assert by_id["framing.asset-ratio"].options == ("asset_ratio_max", "asset_ratio_min_claims")
    assert by_id["framing.feature-heavy"].options == ("feature_run",)
    assert by_id["framing.asset-ratio"].judges == "asset"
    assert threshold_key("asset_ratio_min_claims") == "asset-ratio-min-claims"


def _result(scope: str, status: str = "aligned") -> ClaimResult:
    claim = Claim("Close the month in days.", Location("a.md", 3, 5),
                  scope, "a.md")  # type: ignore[arg-type]
    return ClaimResult(claim, status, "pain", {})  # type: ignore[arg-type]


def test_notes_meta_and_fragments_are_not_judged():
    assert JUDGED_SCOPES == ALL_SCOPES - {"notes", "meta"}
    assert judged(_result("body")) and judged(_result("link"))
    assert not judged(_result("notes")) and not judged(_result("meta"))
    assert not judged(_result("body", "not_a_claim"))
    assert judged(_result("notes"), ALL_SCOPES)


def test_a_match_inside_a_claim_moves_the_column_only_where_columns_are_known():
    assert at_offset(Location("a.md", 3, 5), 7) == Location("a.md", 3, 12)
    deck = Location("d.pptx", 1, None, 4, "Title 1")
    assert at_offset(deck, 7) == deck
