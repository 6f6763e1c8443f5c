"""Training and cross-validating the style model (scikit-learn, seeded, deterministic)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from msgcheck.classify import (
    SEED,
    Example,
    StyleModel,
    data_digest,
    fit_style_model,
)
from msgcheck.embed import Embedder
from msgcheck.features import featurize
from msgcheck.model import STYLES


@dataclass(frozen=True)
class Encoded:
    """Examples with their embeddings and lexical features computed once."""

    examples: tuple[Example, ...]
    embeddings: np.ndarray
    lexical: np.ndarray

    @property
    def labels(self) -> list[str]:
        """Style labels in order."""
        return [e.style for e in self.examples]


def model_examples(examples: Sequence[Example]) -> list[Example]:
    """The examples the model is responsible for.

    Fragments that segmentation already labels (CTAs, navigation, legal lines, attributions) never
    reach the model at run time, so it is neither trained nor cross-validated on them.
    """
    from msgcheck.segment import fragment_kind

    return [e for e in examples if fragment_kind(e.text, "body") is None]


def encode_examples(examples: Sequence[Example], embedder: Embedder, nlp: Any) -> Encoded:
    """Embed and featurise the examples the model is responsible for (see model_examples)."""
    examples = model_examples(examples)
    texts = [e.text for e in examples]
    return Encoded(tuple(examples), embedder.encode(texts), featurize(texts, nlp))


def train(encoded: Encoded, embedder_identity: str, **params: Any) -> StyleModel:
    """Fit on every example (params: hidden, alpha, members, embedding_scale)."""
    meta = {"examples": len(encoded.examples), "data_sha256": data_digest(encoded.examples)}
    return fit_style_model(encoded.embeddings, encoded.lexical, encoded.labels,
                           embedding_identity=embedder_identity, meta=meta, **params)


def cross_validate(encoded: Encoded, embedder_identity: str, *, folds: int = 5,
                   **params: Any) -> dict[str, Any]:
    """Stratified k-fold (seeded) predictions; returns macro-F1 and the per-class report."""
    from sklearn.model_selection import StratifiedKFold

    labels = np.asarray(encoded.labels)
    predicted = np.empty(len(labels), dtype=object)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    for train_idx, test_idx in splitter.split(encoded.embeddings, labels):
        model = fit_style_model(encoded.embeddings[train_idx], encoded.lexical[train_idx],
                                list(labels[train_idx]), embedding_identity=embedder_identity,
                                **params)
        probs = model.predict_proba(encoded.embeddings[test_idx], encoded.lexical[test_idx])
        predicted[test_idx] = [model.classes[i] for i in probs.argmax(axis=1)]
    return style_scores(list(labels), list(predicted))


def style_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Per-class precision / recall / F1, macro-F1, accuracy and the confusion matrix."""
    classes = list(STYLES)
    out: dict[str, Any] = {"n": len(gold), "per_class": {}}
    f1s = []
    for c in classes:
        tp = sum(1 for g, p in zip(gold, predicted) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, predicted) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, predicted) if g == c and p != c)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        f1s.append(f1)
        out["per_class"][c] = {"precision": round(precision, 3), "recall": round(recall, 3),
                               "f1": round(f1, 3), "support": tp + fn}
    out["macro_f1"] = round(float(np.mean(f1s)), 3)
    out["accuracy"] = round(sum(1 for g, p in zip(gold, predicted) if g == p) / max(1, len(gold)), 3)
    out["confusion"] = {g: {p: sum(1 for a, b in zip(gold, predicted) if a == g and b == p)
                            for p in classes} for g in classes}
    return out
