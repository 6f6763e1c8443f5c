"""The style classifier: labelled-data validation, the JSON model, reproducibility and its floor."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from msgcheck.style.model import StyleModel, load_style_model
from msgcheck.style.examples import bundled_training_files, load_examples
from msgcheck.style.train import fit_style_model
from msgcheck.errors import ConfigError, ModelError
from msgcheck.style.features import FEATURE_NAMES

from conftest import ROOT

FLOORS = json.loads((ROOT / "evaluation" / "floors.json").read_text())


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _rows(n: int = 5) -> list[dict]:
    rows = []
    for i in range(n):
        rows += [{"text": f"Cut close time by {i + 10}%", "style": "pain"},
                 {"text": f"REST API number {i}", "style": "feature"},
                 {"text": f"Founded in {2000 + i}", "style": "neutral"}]
    return rows


def test_jsonl_and_csv_examples_load(tmp_path):
    jl = _write(tmp_path, "a.jsonl", "\n".join(json.dumps(r) for r in _rows()) + "\n")
    assert len(load_examples(jl)) == 15
    csv_text = "text,style,pillar\n" + "\n".join(f'"{r["text"]}",{r["style"]},' for r in _rows())
    ex = load_examples(_write(tmp_path, "a.csv", csv_text))
    assert len(ex) == 15 and ex[0].pillar is None and ex[0].source.endswith("a.csv:2")


@pytest.mark.parametrize(
    ("rows_text", "line", "needle"),
    [
        ('{"text": "x"}', 1, "missing column style"),
        ('{"text": "x", "style": "benefit"}', 1, "unknown style label"),
        ('{"text": "  ", "style": "pain"}', 1, "empty text"),
        ('{"text": "x", "style": "pain"}\n{"text": "X ", "style": "pain"}', 2, "duplicate text"),
        ('{"text": "x", "style": "pain"', 1, "invalid JSON"),
    ],
)
def test_bad_rows_name_file_and_row(tmp_path, rows_text, line, needle):
    p = _write(tmp_path, "bad.jsonl", rows_text + "\n")
    with pytest.raises(ConfigError) as info:
        load_examples(p)
    assert needle in info.value.message
    assert info.value.line == line and info.value.path == str(p)


def test_csv_without_style_column_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="missing column 'style'"):
        load_examples(_write(tmp_path, "x.csv", "text,label\nhello,pain\n"))


def test_too_few_examples_per_class(tmp_path):
    p = _write(tmp_path, "few.jsonl", "\n".join(json.dumps(r) for r in _rows(2)) + "\n")
    with pytest.raises(ConfigError, match="too few examples"):
        load_examples(p)


def test_model_json_round_trip_and_inference_is_numpy_only():
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(30, 8)).astype(np.float32)
    lex = rng.random(size=(30, len(FEATURE_NAMES))).astype(np.float32)
    labels = ["pain", "feature", "neutral"] * 10
    model = fit_style_model(emb, lex, labels, embedding_identity="test")
    again = StyleModel.from_json(model.to_json())
    assert np.allclose(model.predict_proba(emb, lex), again.predict_proba(emb, lex), atol=1e-4)
    assert np.allclose(again.predict_proba(emb, lex).sum(axis=1), 1.0)


def test_corrupt_model_file_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="invalid style model"):
        load_style_model(_write(tmp_path, "m.json", '{"format": 1}'))


def test_bundled_training_data_meets_the_brief():
    examples = [e for f in bundled_training_files() for e in load_examples(f)]
    assert len(examples) >= 400
    counts = {s: sum(e.style == s for e in examples) for s in ("pain", "feature", "neutral")}
    assert max(counts.values()) - min(counts.values()) <= len(examples) * 0.05
    industries = set()
    for f in bundled_training_files():
        industries |= {json.loads(l)["industry"] for l in f.read_text().splitlines() if l}
    assert len(industries) >= 8


@pytest.fixture(scope="module")
def encoded_training(nlp, cache_dir):
    from msgcheck.embed import engine_embedder
    from msgcheck.style.train import encode_examples

    examples = [e for f in bundled_training_files() for e in load_examples(f)]
    model = engine_embedder(cache_dir)
    return encode_examples(examples, model, nlp), model.identity


@pytest.mark.model
def test_bundled_model_is_reproducible_from_the_data(encoded_training):
    from msgcheck.style.train import train

    encoded, identity = encoded_training
    retrained = train(encoded, identity)
    bundled = load_style_model()
    assert bundled.meta["data_sha256"] == retrained.meta["data_sha256"], \
        "training data changed: rebuild the model with `make model`"
    probs_a = bundled.predict_proba(encoded.embeddings, encoded.lexical)
    probs_b = retrained.predict_proba(encoded.embeddings, encoded.lexical)
    assert np.abs(probs_a - probs_b).max() < 0.01


@pytest.mark.model
def test_cross_validated_macro_f1_stays_above_its_floor(encoded_training):
    from msgcheck.style.train import cross_validate

    encoded, identity = encoded_training
    scores = cross_validate(encoded, identity, folds=5)
    assert scores["macro_f1"] >= FLOORS["style_cv_macro_f1"], scores
