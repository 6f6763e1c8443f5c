"""The eval gate (trafilatura's eval_gate pattern): measured quality on the held-out sets is pinned
as floors in evaluation/floors.json. A change that lowers a score fails here; lower a floor only
on purpose, in its own commit, saying why. Measured values: docs/quality.md."""

from __future__ import annotations

import json

import pytest

from msgcheck.style.examples import load_examples
from msgcheck.style.model import load_style_model
from msgcheck.evaluate import load_labelled_platform, pillar_report, style_report, \
    summarise_pillars

from conftest import ROOT

pytestmark = pytest.mark.model
FLOORS = json.loads((ROOT / "evaluation" / "floors.json").read_text())


@pytest.fixture(scope="module")
def tools(nlp, cache_dir):
    from msgcheck.embed import engine_embedder

    return engine_embedder(cache_dir), nlp, load_style_model()


@pytest.mark.parametrize(("name", "floor"), [("style_eval", "style_heldout_macro_f1"),
                                             ("style_eval_genres", "style_genres_macro_f1")])
def test_style_on_held_out_sets(tools, name, floor):
    embedder, nlp, model = tools
    report = style_report(load_examples(ROOT / "evaluation" / f"{name}.jsonl"), model, embedder,
                          nlp)
    assert report["model"]["macro_f1"] >= FLOORS[floor], report["model"]
    best_baseline = max(report["rule_baseline"]["macro_f1"],
                        report["zero_shot_baseline"]["macro_f1"])
    assert report["model"]["macro_f1"] - best_baseline >= FLOORS["style_margin_over_best_baseline"]


def test_pillars_on_held_out_platforms(tools):
    embedder, nlp, model = tools
    folders = sorted((ROOT / "evaluation" / "pillars" / "heldout").iterdir())
    reports = [pillar_report(load_labelled_platform(f), embedder, model, nlp) for f in folders]
    summary = summarise_pillars(reports)["model"]
    assert summary["top1_nearest_pillar"] >= FLOORS["pillar_heldout_top1_nearest"], summary
    assert summary["exact"] >= FLOORS["pillar_heldout_exact"], summary
    assert summary["off_f1"] >= FLOORS["pillar_heldout_off_f1"], summary
