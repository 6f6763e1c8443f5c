"""The pain / feature / neutral style classifier.

Three small neural networks (one hidden layer of 64 units, seeded), averaged, over the claim's
sentence embedding plus the lexical features of `style/features.py`. scikit-learn fits them (at
training time only); the fitted weights are stored as plain JSON (weights, biases, scaling, the
training data's digest), so the model is inspectable and safe to load: no pickles. Inference is
a few matrix products in numpy, so checking a draft never imports scikit-learn.

The bundled model is trained on `style/data/style_train*.jsonl` (labelling guide: docs/labelling.md) and
rebuilt with `msgcheck train --output src/msgcheck/style/data/style_model.json`; a test retrains it and
compares, so the file in git always matches the data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from msgcheck.errors import Code, ModelError
from msgcheck.model import STYLES
from msgcheck.style.features import FEATURE_NAMES

MODEL_FORMAT = 1
MODEL_KIND = "msgcheck-style-mlp-bag"
# Chosen by 5-fold cross-validation on the training data (docs/quality.md has the search).
DEFAULT_HIDDEN = 64
DEFAULT_ALPHA = 0.1
DEFAULT_MEMBERS = 3
DEFAULT_EMBEDDING_SCALE = 2.0
SEED = 13
MIN_PER_CLASS = 5


Layer = tuple[np.ndarray, np.ndarray]
"""A dense layer: weights (inputs, outputs) and bias (outputs,)."""


@dataclass(frozen=True)
class StyleModel:
    """A fitted style model in plain arrays: the average of a few small networks.

    Each member is a list of dense layers, ReLU between them and softmax at the end; a logistic
    regression is a member with one layer. Everything is numbers in JSON, no pickle.
    """

    classes: tuple[str, ...]
    """Class order of the output units."""
    members: tuple[tuple[Layer, ...], ...]
    """The networks whose probabilities are averaged."""
    lex_mean: np.ndarray
    """Mean of each lexical feature on the training set."""
    lex_scale: np.ndarray
    """Standard deviation of each lexical feature (1 where constant)."""
    embedding_scale: float
    """Multiplier applied to the normalised embedding before the first layer."""
    embedding_identity: str
    """The embedding model the weights were fitted on."""
    meta: dict[str, Any] = field(default_factory=dict)
    """Training facts: examples per class, hyperparameters, data digest."""

    def design(self, embeddings: np.ndarray, lexical: np.ndarray) -> np.ndarray:
        """The model's input matrix."""
        lex = (lexical - self.lex_mean) / self.lex_scale
        return np.hstack([embeddings * self.embedding_scale, lex]).astype(np.float64)

    def predict_proba(self, embeddings: np.ndarray, lexical: np.ndarray) -> np.ndarray:
        """Class probabilities, rows summing to 1, columns in `classes` order."""
        if embeddings.shape[0] == 0:
            return np.zeros((0, len(self.classes)))
        x = self.design(embeddings, lexical)
        total = np.zeros((x.shape[0], len(self.classes)))
        for layers in self.members:
            h = x
            for i, (w, b) in enumerate(layers):
                h = h @ w + b
                if i < len(layers) - 1:
                    h = np.maximum(h, 0.0)
            h = h - h.max(axis=1, keepdims=True)
            e = np.exp(h)
            total += e / e.sum(axis=1, keepdims=True)
        return total / len(self.members)

    def to_json(self) -> str:
        """Stable JSON text (6 decimals)."""
        def r(a: np.ndarray) -> Any:
            return np.round(a.astype(np.float64), 6).tolist()

        data = {
            "format": MODEL_FORMAT,
            "kind": MODEL_KIND,
            "classes": list(self.classes),
            "lexical_features": list(FEATURE_NAMES),
            "embedding_identity": self.embedding_identity,
            "embedding_scale": self.embedding_scale,
            "meta": self.meta,
            "lex_mean": r(self.lex_mean),
            "lex_scale": r(self.lex_scale),
            "members": [[{"weights": r(w), "bias": r(b)} for w, b in layers]
                        for layers in self.members],
        }
        return json.dumps(data, separators=(",", ":"), sort_keys=False) + "\n"

    @classmethod
    def from_json(cls, text: str, source: str = "style model") -> StyleModel:
        """Load and check a model file."""
        try:
            data = json.loads(text)
            if data.get("format") != MODEL_FORMAT or data.get("kind") != MODEL_KIND:
                raise ValueError(f"not a msgcheck style model ({MODEL_KIND}, format 1)")
            if tuple(data["lexical_features"]) != FEATURE_NAMES:
                raise ValueError("its lexical features differ from this msgcheck's; retrain it")
            classes = tuple(data["classes"])
            if sorted(classes) != sorted(STYLES):
                raise ValueError("classes must be pain, feature and neutral")
            members = tuple(
                tuple((np.asarray(layer["weights"], dtype=np.float64),
                       np.asarray(layer["bias"], dtype=np.float64)) for layer in member)
                for member in data["members"])
            for member in members:
                if not member or member[0][0].shape[0] <= len(data["lex_mean"]) or \
                        member[-1][0].shape[1] != len(classes):
                    raise ValueError("layer shapes do not match the features and classes")
            return cls(
                classes=classes,
                members=members,
                lex_mean=np.asarray(data["lex_mean"], dtype=np.float64),
                lex_scale=np.asarray(data["lex_scale"], dtype=np.float64),
                embedding_scale=float(data["embedding_scale"]),
                embedding_identity=str(data["embedding_identity"]),
                meta=dict(data.get("meta", {})),
            )
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise ModelError(f"invalid style model: {exc}", path=source,
                             code=Code.STYLE_MODEL) from None


BUNDLED_MODEL = "style_model.json"


_LOADED: dict[tuple[str, float], StyleModel] = {}


def load_style_model(path: str | Path | None = None) -> StyleModel:
    """The model at `path`, or the bundled one (memoised per file and modification time)."""
    key = ("", 0.0) if path is None else (str(path), _mtime(path))
    if key not in _LOADED:
        _LOADED[key] = _read_style_model(path)
    return _LOADED[key]


def _mtime(path: str | Path) -> float:
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return -1.0


def _read_style_model(path: str | Path | None) -> StyleModel:
    if path is None:
        try:
            text = resources.files("msgcheck.style").joinpath("data", BUNDLED_MODEL).read_text("utf-8")
        except FileNotFoundError:
            raise ModelError("the bundled style model is missing", code=Code.STYLE_MODEL,
                             hint="rebuild it with `msgcheck train`") from None
        return StyleModel.from_json(text, "bundled style model")
    p = Path(path)
    try:
        return StyleModel.from_json(p.read_text("utf-8"), str(p))
    except OSError as exc:
        raise ModelError(f"cannot read style model: {exc.strerror}", path=str(p),
                         code=Code.STYLE_MODEL) from None
