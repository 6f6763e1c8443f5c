"""Cross-asset views: coverage, leads, competing claims, shadow messages, value proposition."""

from __future__ import annotations

import numpy as np
import pytest

from msgcheck.cross_asset import asset_group, cluster, cross_asset
from msgcheck.ingest import markdown


def test_asset_groups():
    assert asset_group("pptx", "a.pptx") == "deck"
    assert asset_group("html", "page.html") == "website"
    assert asset_group("markdown", "https://x.example/p") == "website"
    assert asset_group("markdown", "post.md") == "draft"


def test_cluster_groups_near_duplicates_and_separates_the_rest():
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((20, 64))
    rows = []
    for c in centres:
        for _ in range(5):
            v = c + 0.05 * rng.standard_normal(64)
            rows.append(v / np.linalg.norm(v))
    labels = cluster(np.asarray(rows, dtype=np.float32), 0.8)
    for k in range(20):
        assert len(set(labels[k * 5:(k + 1) * 5])) == 1
    assert len(set(labels)) >= 18  # hashing may split a group, never merges unrelated ones


def test_cluster_handles_many_rows_quickly():
    rng = np.random.default_rng(1)
    v = rng.standard_normal((20000, 32)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    labels = cluster(v, 0.9)
    assert labels.shape == (20000,)


def _doc(name: str, text: str):
    return markdown.read(text.encode(), name)


@pytest.mark.model
def test_single_asset_says_there_is_nothing_to_compare(engine):
    analysis = engine.analyze([_doc("one.md", "# Close faster\n\nStop paying twice.\n")])
    extras = cross_asset(analysis).to_dict()
    assert extras["coverage"]["note"].startswith("only one asset")
    assert extras["competing"] == [] and extras["shadow_messages"] == []
    assert extras["leads"] is None or extras["leads"]["statement"] is None


@pytest.mark.model
def test_shadow_message_across_assets(engine):
    docs = [
        _doc("a.md", "# Close faster\n\n- Schedule social media posts across every channel.\n"
                     "- Stop paying the same invoice twice.\n"),
        _doc("b.md", "# AP that runs itself\n\n- Plan and publish social posts on every channel "
                     "from one calendar.\n- Close the month in days, not weeks.\n"),
        _doc("c.md", "# Audit-ready\n\n- Hand your auditors the approval history.\n"),
    ]
    extras = cross_asset(engine.analyze(docs)).to_dict()
    shadows = extras["shadow_messages"]
    assert shadows, extras
    assert shadows[0]["assets"] == ["a.md", "b.md"]
    assert any("social" in r for r in shadows[0]["representatives"])
    assert "add it to the platform" in shadows[0]["suggestion"]


@pytest.mark.model
def test_coverage_counts_claims_per_pillar(engine):
    docs = [_doc("a.md", "# Close faster\n\n- Close the month in days, not weeks.\n"
                         "- Stop paying the same invoice twice.\n"),
            _doc("b.md", "# Audit\n\n- Every invoice carries its own audit trail.\n")]
    cov = cross_asset(engine.analyze(docs)).coverage
    by_source = {a["source"]: a for a in cov["assets"]}
    assert by_source["a.md"]["counts"]["faster-close"] >= 1
    assert by_source["a.md"]["counts"]["spend-control"] >= 1
    assert by_source["b.md"]["counts"]["audit-ready"] >= 1
    assert cov["note"] is None


@pytest.mark.model
def test_assets_with_no_claims_do_not_crash(engine):
    docs = [_doc("a.md", "[Learn more](https://x.example)\n"), _doc("b.md", "Pricing\n")]
    extras = cross_asset(engine.analyze(docs)).to_dict()
    assert extras["coverage"]["note"] == "no asset has claims to compare"
