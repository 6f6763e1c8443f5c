"""Shared fixtures: a fast fake embedder for unit tests, and the real models loaded once."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
PLATFORM = ROOT / "message_platform"
FIXTURES = ROOT / "fixtures"
DEMO = FIXTURES / "demo"

# The tests never touch the user's embedding cache, and never the network. The ONNX export
# (made once at install by `make`) is shared, so each session does not export it again.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
if "MSGCHECK_MODEL_DIR" not in os.environ:
    from msgcheck.embed import default_cache_dir as _default_cache_dir

    os.environ["MSGCHECK_MODEL_DIR"] = str(_default_cache_dir())


class FakeEmbedder:
    """Hashed bag of words, normalised: similar wording gives similar vectors. Unit tests only."""

    identity = "fake-hash-64"

    def __init__(self, dims: int = 64) -> None:
        self.dims = dims
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                h = int(hashlib.md5(word.encode()).hexdigest(), 16)
                out[i, h % self.dims] += 1.0
            norm = np.linalg.norm(out[i])
            out[i] = out[i] / norm if norm else out[i]
            if not norm:
                out[i, 0] = 1.0
        return out


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One embedding cache for the whole session (real-model tests share vectors)."""
    return tmp_path_factory.mktemp("msgcheck-cache")


@pytest.fixture(scope="session")
def nlp():
    from msgcheck.segment import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def platform():
    from msgcheck.platform import load_platform

    return load_platform(PLATFORM)


@pytest.fixture(scope="session")
def engine(platform, cache_dir):
    """The real pipeline: MiniLM, spaCy, the bundled style model, the example platform."""
    from msgcheck.pipeline import Engine, Settings

    return Engine(platform, Settings(cache_dir=cache_dir, created_at="2026-01-01T00:00:00Z"))


@pytest.fixture(autouse=True)
def _isolated_cache(monkeypatch: pytest.MonkeyPatch, cache_dir: Path) -> None:
    monkeypatch.setenv("MSGCHECK_CACHE_DIR", str(cache_dir))
