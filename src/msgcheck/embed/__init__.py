"""Sentence embeddings: the Embedder protocol, its backends and the SQLite cache.

A new backend is a module here implementing `Embedder` (an `identity` and `encode`), added to
`BACKENDS` by name. `MSGCHECK_BACKEND` picks one (default `onnx`: the same vectors as torch,
cosine 0.9999998, and it starts in 0.3 s instead of 5; `onnx-int8`: statically quantised, see
docs/benchmarks.md for its speed and quality).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from msgcheck.embed import onnx, torch
from msgcheck.embed.base import DIMENSIONS, MODEL_NAME, Embedder, default_cache_dir, model_path
from msgcheck.embed.cache import CachedEmbedder, EmbeddingCache

__all__ = ["BACKENDS", "DIMENSIONS", "MODEL_NAME", "CachedEmbedder", "Embedder", "EmbeddingCache",
           "backend", "default_cache_dir", "engine_embedder", "model_path"]

BACKENDS: dict[str, Callable[[], Embedder]] = {
    "onnx": onnx.best_embedder,
    "onnx-int8": onnx.int8_embedder,
    "torch": torch.default_embedder,
}
"""Backend name -> the process-wide embedder of that backend (loaded on first encode). `onnx`
falls back to `torch` when onnxruntime is missing or the model cannot be exported; `onnx-int8`
falls back to `onnx` (with a note on stderr) when its model is neither built nor buildable."""

DEFAULT_BACKEND = "onnx"

_EMBEDDERS: dict[str, CachedEmbedder] = {}


def backend(name: str | None = None) -> Embedder:
    """The embedder of a backend (by `BACKENDS` name; None: `$MSGCHECK_BACKEND`, else onnx)."""
    chosen = (name or os.environ.get("MSGCHECK_BACKEND") or DEFAULT_BACKEND).lower()
    return BACKENDS.get(chosen, BACKENDS[DEFAULT_BACKEND])()


def engine_embedder(cache_dir: Path | None = None, name: str | None = None) -> CachedEmbedder:
    """The process-wide embedder of a backend, with the SQLite cache in `cache_dir` (None: no
    cache)."""
    inner = backend(name)
    key = f"{inner.identity}|{cache_dir}"
    if key not in _EMBEDDERS:
        cache = EmbeddingCache(cache_dir / "embeddings.sqlite") if cache_dir else None
        _EMBEDDERS[key] = CachedEmbedder(inner, cache)
    return _EMBEDDERS[key]
