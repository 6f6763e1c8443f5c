"""Cross-asset views: coverage, leads, competing claims, shadow messages, value proposition."""

from __future__ import annotations

import numpy as np
import pytest

from msgcheck import cross_asset as cross_asset_module
from msgcheck.cross_asset import cluster, competing, cross_asset, shadow_messages
from msgcheck.ingest import html, markdown
from msgcheck.model import asset_kind


@pytest.mark.parametrize(("source", "reader", "kind"), [
    ("q3/enterprise.pptx", "pptx", "deck"),
    ("q3/enterprise.PDF", "", "deck"),
    ("https://ledgerline.example/pricing", "html", "page"),
    ("https://ledgerline.example/notes.md", "markdown", "page"),
    ("site/pricing.html", "html", "page"),
    ("site/pricing.htm", "html", "page"),
    ("site/docs/intro.mdx", "markdown", "page"),
    ("site/src/index.njk", "text", "page"),
    ("<stdin>", "html", "page"),
    ("drafts/launch.md", "markdown", "draft"),
    ("drafts/launch.txt", "text", "draft"),
    ("drafts/launch.docx", "docx", "draft"),
    ("<stdin>", "text", "draft"),
])
def test_asset_kind_names_decks_pages_and_drafts(source, reader, kind):
    assert asset_kind(source, reader) == kind


def test_cluster_does_not_chain_unrelated_rows_across_hash_tables(monkeypatch):
    # a~b and b~c are as close as the threshold, a and c are unrelated. One hash table puts a
    # and b in a bucket, another b and c (b leads there): the union used to join all three.
    theta = np.arccos(0.3)
    a = np.array([1.0, 0.0, 0.0])
    c = np.array([np.cos(theta), np.sin(theta), 0.0])
    b = (a + c) / np.linalg.norm(a + c)
    vectors = np.asarray([a, b, c], dtype=np.float32)
    tables = [np.array([0, 0, 1]), np.array([2, 3, 3])]
    monkeypatch.setattr(cross_asset_module, "_buckets", lambda v, seed=7: tables)
    labels = cluster(vectors, 0.75)
    assert labels[0] != labels[2]
    assert labels[0] == labels[1] or labels[1] == labels[2]


def test_cluster_keeps_a_tight_group_together(monkeypatch):
    vectors = np.asarray([[1.0, 0.0], [0.99, 0.141], [0.98, 0.199]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    monkeypatch.setattr(cross_asset_module, "_buckets",
                        lambda v, seed=7: [np.array([0, 0, 1]), np.array([2, 3, 3])])
    assert len(set(cluster(vectors, 0.9))) == 1


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
def test_shadow_messages_join_paraphrases_and_keep_unrelated_lines_apart(engine):
    paraphrase = ("Schedule social media posts across every channel.",
                  "Plan and publish social posts on every channel from one calendar.")
    unrelated = ("Send branded newsletters to your customers every week.",
                 "Chat with your customers from one shared inbox.")
    docs = [_doc("a.md", f"# Grow your audience\n\n- {paraphrase[0]}\n- {unrelated[0]}\n"),
            _doc("b.md", f"# Reach people\n\n- {paraphrase[1]}\n- {unrelated[1]}\n")]
    shadows = shadow_messages(engine.analyze(docs))
    together = [set(s["representatives"]) for s in shadows]
    assert set(paraphrase) in together
    assert not any(set(unrelated) <= group for group in together)


@pytest.mark.model
def test_competing_claims_never_call_asset_copy_approved(engine):
    docs = [html.read(b"<h1>Close faster</h1><ul><li>Close the month in days, not "
                      b"weeks.</li></ul>", "site.html"),
            _doc("pitch.md", "# Wrap up the month faster with fewer spreadsheets\n")]
    analysis = engine.analyze(docs)
    items = competing({d.source: list(r for r in analysis.results if r.claim.document ==
                                       d.source) for d in analysis.documents},
                      {d.source: d.kind for d in analysis.documents}, analysis)
    assert items
    for item in items:
        assert [g["message"] for g in item["groups"]] == ["on message", "drifting"]
        assert "close to the approved wording" in item["statement"]
        platform_texts = {t.text for t in analysis.index.texts}
        assert item["approved"] in platform_texts


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
