"""int8 versions of the exported MiniLM graph, built with onnxruntime's quantisation tools.

Static (`quantize_static_int8`, the `onnx-int8` backend): weights per output channel, activations
with scales fixed at build time by calibrating on a bundled, fixed set of sentences (MinMax, so
the same inputs always give the same model). At run time nothing depends on the batch, so a text's
vector is bit-identical whether it is encoded alone or with others.

Kept in fp32, because quantising them costs too much agreement with fp32 (measured on the
evaluation sentences, cosine min / mean against fp32):

- the attention products (Q.K^T and softmax.V): both inputs are activations;
- the feed-forward output projections, whose input (after GELU) has a few outlier channels that
  a per-tensor activation scale cannot hold.

MatMul outputs are not requantised (onnxruntime then runs MatMulIntegerToFloat): requantising
them cost agreement and speed. Measured against fp32 on the 420 evaluation sentences, which the
calibration never sees (cosine min / mean): with requantised outputs, 0.85 / 0.92; with float
outputs and the projections in int8, 0.973 / 0.987; as built, 0.975 / 0.991 (docs/benchmarks.md).

Dynamic (`quantize_dynamic_int8`) computes activation scales per batch: a text's vector then
depends on its batch-mates, so it is only built for the benchmark, never served.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

CALIBRATION_BATCH = 32
_PACKAGE = Path(__file__).resolve().parent.parent
STYLE_DATA = _PACKAGE / "style" / "data"
BACKGROUND = _PACKAGE / "data" / "background.txt"


def calibration_texts() -> list[str]:
    """The bundled sentences, distinct, in a fixed order: the style training sets, then the
    background sentences."""
    texts: dict[str, None] = {}
    for path in sorted(STYLE_DATA.glob("style_train_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.setdefault(json.loads(line)["text"], None)
    for line in BACKGROUND.read_text(encoding="utf-8").splitlines():
        if line.strip():
            texts.setdefault(line.strip(), None)
    return list(texts)


def _feeds(tokenizer: Any, texts: list[str]) -> Iterator[dict[str, np.ndarray]]:
    for start in range(0, len(texts), CALIBRATION_BATCH):
        encodings = tokenizer.encode_batch(texts[start:start + CALIBRATION_BATCH])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        yield {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}


def kept_in_fp32(model_file: Path, feed_forward_out: bool = True) -> list[str]:
    """Names of the MatMul nodes left unquantised: the attention products (no weight input) and,
    with `feed_forward_out`, the feed-forward output projections."""
    import onnx

    graph = onnx.load(str(model_file), load_external_data=False).graph
    weights = {init.name for init in graph.initializer}
    keep = []
    for node in graph.node:
        if node.op_type != "MatMul":
            continue
        attention_product = not any(name in weights for name in node.input)
        projection = "/output/dense/" in node.name and "/attention/" not in node.name
        if attention_product or (feed_forward_out and projection):
            keep.append(node.name)
    return keep


def _prepare(source: Path, target: Path) -> Path:
    from onnxruntime.quantization.shape_inference import quant_pre_process

    # The pre-processing onnxruntime asks for (it warns without it); symbolic shape inference
    # cannot follow this graph, so only the ONNX shape inference and basic optimisation run.
    prepared = target.with_name(target.stem + ".prepared.onnx")
    quant_pre_process(str(source), str(prepared), skip_symbolic_shape=True)
    return prepared


def quantize_static_int8(source: Path, target: Path, tokenizer: Any,
                         feed_forward_out_fp32: bool = True) -> None:
    """`source` (fp32) to `target`: QDQ, per-channel int8 weights, activation scales calibrated
    (MinMax) on `calibration_texts()`; MatMul outputs stay float (no requantisation)."""
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self.feeds = _feeds(tokenizer, calibration_texts())

        def get_next(self) -> dict[str, np.ndarray] | None:
            return next(self.feeds, None)

    prepared = _prepare(source, target)
    # reduce_range: 7-bit weights, so CPUs without VNNI (u8 x s8 products summed in 16 bits)
    # cannot saturate and give different vectors from those that have it.
    quantize_static(str(prepared), str(target), Reader(), quant_format=QuantFormat.QDQ,
                    per_channel=True, reduce_range=True, weight_type=QuantType.QInt8,
                    activation_type=QuantType.QUInt8, op_types_to_quantize=["MatMul"],
                    nodes_to_exclude=kept_in_fp32(prepared, feed_forward_out_fp32),
                    calibrate_method=CalibrationMethod.MinMax,
                    extra_options={"CalibMovingAverage": False,
                                   "OpTypesToExcludeOutputQuantization": ["MatMul"]})


def quantize_dynamic_int8(source: Path, target: Path) -> None:
    """`source` (fp32) to `target` with per-batch activation scales (benchmark only)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Per-tensor int8 is too lossy for MiniLM (cosine about 0.96 against fp32); per-channel is not.
    quantize_dynamic(str(_prepare(source, target)), str(target), per_channel=True,
                     weight_type=QuantType.QInt8)
