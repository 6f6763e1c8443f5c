"""The pain / feature / neutral style classifier.

Three small neural networks (one hidden layer of 64 units, seeded), averaged, over the claim's
sentence embedding plus the lexical features of `features.py`. scikit-learn fits them (at
training time only); the fitted weights are stored as plain JSON (weights, biases, scaling, the
training data's digest), so the model is inspectable and safe to load: no pickles. Inference is
a few matrix products in numpy, so checking a draft never imports scikit-learn.

The bundled model is trained on `data/style_train*.jsonl` (labelling guide: docs/labelling.md) and
rebuilt with `msgcheck train --output src/msgcheck/data/style_model.json`; a test retrains it and
compares, so the file in git always matches the data.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from msgcheck.errors import ConfigError, ModelError
from msgcheck.features import FEATURE_NAMES
from msgcheck.model import STYLES, normalise_text

MODEL_FORMAT = 1
MODEL_KIND = "msgcheck-style-mlp-bag"
# Chosen by 5-fold cross-validation on the training data (docs/quality.md has the search).
DEFAULT_HIDDEN = 64
DEFAULT_ALPHA = 0.1
DEFAULT_MEMBERS = 3
DEFAULT_EMBEDDING_SCALE = 2.0
SEED = 13
MIN_PER_CLASS = 5


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled sentence."""

    text: str
    """The sentence."""
    style: str
    """pain | feature | neutral."""
    pillar: str | None = None
    """A pillar id or `off_platform`, when labelled."""
    source: str = ""
    """File and row it came from, for error messages."""


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
            raise ModelError(f"invalid style model: {exc}", path=source, code="E402") from None


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
            text = resources.files("msgcheck.data").joinpath(BUNDLED_MODEL).read_text("utf-8")
        except FileNotFoundError:
            raise ModelError("the bundled style model is missing", code="E402",
                             hint="rebuild it with `msgcheck train`") from None
        return StyleModel.from_json(text, "bundled style model")
    p = Path(path)
    try:
        return StyleModel.from_json(p.read_text("utf-8"), str(p))
    except OSError as exc:
        raise ModelError(f"cannot read style model: {exc.strerror}", path=str(p),
                         code="E402") from None


def bundled_training_files() -> list[Path]:
    """The project's own labelled training data."""
    folder = Path(str(resources.files("msgcheck.data")))
    return sorted(folder.glob("style_train*.jsonl"))


# ---------------------------------------------------------------- labelled data


def load_examples(path: str | Path, *, min_per_class: int = MIN_PER_CLASS,
                  require_all_classes: bool = True) -> list[Example]:
    """Read labelled examples from CSV or JSONL (columns: text, style, optional pillar).

    Every problem (missing column, unknown label, empty text, duplicate row, too few examples per
    class) is a ConfigError naming the file and the row.
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path=str(p), code="E310") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text (byte {exc.start})", path=str(p), code="E310") from None
    suffix = p.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        rows = _jsonl_rows(text, str(p))
    elif suffix in (".csv", ".tsv"):
        rows = _csv_rows(text, str(p), "\t" if suffix == ".tsv" else ",")
    else:
        raise ConfigError(f"unsupported training file type {suffix!r}", path=str(p), code="E311",
                          hint="use .csv or .jsonl with columns text, style[, pillar]")
    examples: list[Example] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        where = f"{p}:{line}"
        text_value = row.get("text")
        style = row.get("style")
        if text_value is None or style is None:
            missing = [k for k in ("text", "style") if row.get(k) is None]
            raise ConfigError(f"row is missing column {', '.join(missing)}", path=str(p),
                              line=line, code="E312",
                              hint="each row needs text and style (pain, feature or neutral)")
        if not isinstance(text_value, str) or not text_value.strip():
            raise ConfigError("empty text", path=str(p), line=line, code="E313")
        style = str(style).strip().lower()
        if style not in STYLES:
            raise ConfigError(f"unknown style label {style!r}", path=str(p), line=line,
                              code="E314", hint="labels are pain, feature and neutral")
        key = normalise_text(text_value).lower()
        if key in seen:
            raise ConfigError(f"duplicate text (first at row {seen[key]})", path=str(p),
                              line=line, code="E315")
        seen[key] = line
        pillar = row.get("pillar")
        pillar = str(pillar).strip() if pillar not in (None, "") else None
        examples.append(Example(text_value.strip(), style, pillar, where))
    counts = Counter(e.style for e in examples)
    needed = STYLES if require_all_classes else tuple(counts)
    short = [s for s in needed if counts.get(s, 0) < min_per_class]
    if short:
        got = ", ".join(f"{s}={counts.get(s, 0)}" for s in STYLES)
        raise ConfigError(
            f"too few examples: at least {min_per_class} per class needed ({got})",
            path=str(p), code="E316")
    return examples


def _jsonl_rows(text: str, shown: str) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"invalid JSON: {exc.msg}", path=shown, line=line,
                              code="E311") from None
        if not isinstance(value, dict):
            raise ConfigError("expected a JSON object per line", path=shown, line=line,
                              code="E311")
        rows.append((line, value))
    return rows


def _csv_rows(text: str, shown: str, delimiter: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    if reader.fieldnames is None:
        raise ConfigError("empty file", path=shown, code="E311")
    fields = [f.strip().lower() for f in reader.fieldnames]
    for required in ("text", "style"):
        if required not in fields:
            raise ConfigError(f"missing column {required!r} in the header", path=shown, line=1,
                              code="E312", hint="the header must name text and style")
    reader.fieldnames = fields
    rows = []
    for row in reader:
        rows.append((reader.line_num, {k: v for k, v in row.items() if k is not None}))
    return rows


def data_digest(examples: Sequence[Example]) -> str:
    """sha256 over the (text, style) pairs in order."""
    h = hashlib.sha256()
    for e in examples:
        h.update(f"{e.text}\x1f{e.style}\n".encode())
    return h.hexdigest()


# ---------------------------------------------------------------- training


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
