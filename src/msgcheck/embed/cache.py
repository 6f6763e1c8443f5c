"""A SQLite cache of embeddings, keyed by model identity plus the normalised text, so unchanged
content is never embedded twice."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from msgcheck.embed.base import DIMENSIONS, Embedder
from msgcheck.model import normalise_text


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
