"""The reference backend: sentence-transformers on torch (CPU).

Loaded once per process, lazily: importing sentence-transformers alone costs seconds.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from msgcheck.embed.base import DIMENSIONS, MODEL_NAME, MODEL_PACKAGE, model_path, package_version
from msgcheck.errors import ModelError


class SentenceTransformerEmbedder:
    """The reference path: sentence-transformers on torch, CPU, batch encoding."""

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def identity(self) -> str:
        """Model name, package version and backend."""
        return f"{MODEL_NAME}@{MODEL_PACKAGE}=={package_version()}/torch-fp32"

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
