"""Training and cross-validating the style model (scikit-learn, seeded, deterministic)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from msgcheck.embed import Embedder
from msgcheck.model import STYLES
from msgcheck.style.examples import Example, data_digest
from msgcheck.style.features import featurize
from msgcheck.style.model import (
    DEFAULT_ALPHA,
    DEFAULT_EMBEDDING_SCALE,
    DEFAULT_HIDDEN,
    DEFAULT_MEMBERS,
    SEED,
    Layer,
    StyleModel,
)


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


def fit_style_model(
    embeddings: np.ndarray,
    lexical: np.ndarray,
    labels: Sequence[str],
    *,
    embedding_identity: str,
    hidden: int = DEFAULT_HIDDEN,
    alpha: float = DEFAULT_ALPHA,
    members: int = DEFAULT_MEMBERS,
    embedding_scale: float = DEFAULT_EMBEDDING_SCALE,
    meta: dict[str, Any] | None = None,
) -> StyleModel:
    """Fit `members` small networks with fixed seeds (deterministic) and keep their weights.

    `hidden=0` fits a multinomial logistic regression instead (one linear layer, C = 1/alpha).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    mean = lexical.mean(axis=0)
    scale = lexical.std(axis=0)
    scale[scale < 1e-6] = 1.0
    partial = StyleModel(tuple(STYLES), (), mean, scale, embedding_scale, embedding_identity)
    x = partial.design(embeddings, lexical)
    y = np.asarray([STYLES.index(label) for label in labels])  # type: ignore[arg-type]
    fitted: list[tuple[Layer, ...]] = []
    for k in range(members):
        if hidden <= 0:
            lr = LogisticRegression(C=1.0 / alpha, max_iter=5000, random_state=SEED + k).fit(x, y)
            order = [list(lr.classes_).index(i) for i in range(len(STYLES))]
            fitted.append(((lr.coef_[order].T.copy(), lr.intercept_[order].copy()),))
            continue
        net = MLPClassifier((hidden,), alpha=alpha, max_iter=800, random_state=SEED + k)
        net.fit(x, y)
        order = [list(net.classes_).index(i) for i in range(len(STYLES))]
        layers = list(zip(net.coefs_, net.intercepts_))
        w_last, b_last = layers[-1]
        layers[-1] = (w_last[:, order], b_last[order])
        fitted.append(tuple((w.copy(), b.copy()) for w, b in layers))
    return StyleModel(
        classes=tuple(STYLES),
        members=tuple(fitted),
        lex_mean=mean,
        lex_scale=scale,
        embedding_scale=embedding_scale,
        embedding_identity=embedding_identity,
        meta=dict(meta or {}, hidden=hidden, alpha=alpha, members=members,
                  embedding_scale=embedding_scale,
                  counts=dict(sorted(Counter(labels).items()))),
    )
