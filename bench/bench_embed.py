"""Benchmark: MiniLM embeddings via torch (sentence-transformers) against onnxruntime fp32 and int8.

int8 comes in two builds: `onnx-int8` (static, the `onnx-int8` backend: activation scales fixed
at build time by calibrating on the bundled sentences) and `onnx-int8-dynamic` (per-batch scales;
not served, since a text's vector then depends on its batch).

Method
------
1. Corpus: the first 2,000 distinct texts of the project's labelled marketing sentences, the style
   training sets (src/msgcheck/style/data/style_train_{a,b,c}.jsonl, 1,860 distinct) topped up from
   evaluation/style_eval.jsonl. All paths encode the same texts in the same order.
2. Export: the three ONNX models are exported once, each in a fresh subprocess, into a temporary cache
   folder (`MSGCHECK_CACHE_DIR`), before anything is timed. The export time is reported on its own
   and is not part of any load time.
3. Throughput and peak RSS: one fresh subprocess per path. It loads the model, encodes one warm-up
   batch of 64, then encodes the 2,000 texts `--repeat` times (batch 64, 2 threads: torch
   `set_num_threads(2)`, onnxruntime intra-op threads 2). Reported: sentences/s of the best run,
   and the subprocess's own peak RSS (getrusage ru_maxrss) after all runs. It saves its vectors.
4. Cold start: `--cold` fresh subprocesses per path, run in turn (paths interleaved). Each one
   times, from before its first import: the import of the embedder's module, the first encode of
   one sentence (model load + first inference), then the encode of `--draft` further sentences
   (about a 1,000-word draft). The parent also times the whole subprocess (interpreter start
   included). Best and median are reported; the page cache is warm (every path has run before).
5. Agreement: for each ONNX path, the cosine of each sentence's vector with the torch vector, on
   the 2,000 texts: min and mean (all vectors are L2-normalised, so cosine is a dot product). For
   the int8 paths also with the onnx-fp32 vector, on the 2,000 texts and on the evaluation
   sentences (evaluation/style_eval.jsonl), which the static int8 calibration never saw (the
   2,000 texts are training sentences, so partly the calibration set).
The machine is shared with other work: best-of-N damps the noise, and the load average at start
and end is printed; expect +-10 % or worse under load.

    .venv/bin/python bench/bench_embed.py [--sentences 2000] [--repeat 3] [--cold 5] [--draft 70]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PATHS = ("torch-fp32", "onnx-fp32", "onnx-int8-dynamic", "onnx-int8")
PRECISION = {"onnx-fp32": "fp32", "onnx-int8-dynamic": "int8-dynamic", "onnx-int8": "int8"}


def heldout() -> list[str]:
    """The distinct evaluation sentences (never used to calibrate the static int8 model)."""
    lines = (ROOT / "evaluation" / "style_eval.jsonl").read_text(encoding="utf-8").splitlines()
    return list(dict.fromkeys(json.loads(line)["text"] for line in lines if line.strip()))


def corpus(n: int) -> list[str]:
    """The first n distinct texts of the training sets, then the evaluation set."""
    data = ROOT / "src" / "msgcheck" / "style" / "data"
    files = sorted(data.glob("style_train_*.jsonl")) + [ROOT / "evaluation" / "style_eval.jsonl"]
    texts: dict[str, None] = {}
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.setdefault(json.loads(line)["text"], None)
    if len(texts) < n:
        raise SystemExit(f"only {len(texts)} distinct sentences available, {n} asked for")
    return list(texts)[:n]


def make_embedder(path: str) -> Any:
    """The embedder for one path (the import is part of what the cold start measures)."""
    if path == "torch-fp32":
        import torch

        torch.set_num_threads(2)
        from msgcheck.embed.torch import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(batch_size=64)
    from msgcheck.embed.onnx import OnnxEmbedder

    return OnnxEmbedder(PRECISION[path], batch_size=64, threads=2)


def peak_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --- subprocess workers ----------------------------------------------------------------------


def worker_throughput(path: str, texts_file: Path, out_file: Path, repeat: int) -> dict:
    import numpy as np

    texts = json.loads(texts_file.read_text(encoding="utf-8"))
    embedder = make_embedder(path)
    embedder.encode(texts[:64])  # load + warm-up
    times, vectors = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        vectors = embedder.encode(texts)
        times.append(time.perf_counter() - start)
    np.save(out_file, np.asarray(vectors, dtype=np.float32))
    np.save(out_file.with_suffix(".heldout.npy"), embedder.encode(heldout()))
    return {"best_s": min(times), "runs_s": times, "rate": len(texts) / min(times),
            "peak_rss_mib": peak_rss_mib()}


def worker_cold(path: str, texts_file: Path, start: float) -> dict:
    # `start` was taken before any import of this process's own work: see main's worker branch.
    embedder = make_embedder(path)
    imported = time.perf_counter()
    embedder.encode(["Close the month in days, not weeks."])
    loaded = time.perf_counter()
    texts = json.loads(texts_file.read_text(encoding="utf-8"))
    embedder.encode(texts)
    drafted = time.perf_counter()
    return {"import_s": imported - start, "load_first_s": loaded - start,
            "draft_s": drafted - start, "rss_mib": peak_rss_mib()}


# --- the parent ------------------------------------------------------------------------------


def run_child(args: list[str], env: dict[str, str]) -> tuple[dict, float]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, *args], env=env, capture_output=True,
                          text=True, timeout=1800)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"worker {args} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1]), wall


def print_tables(results: dict, args: argparse.Namespace) -> None:
    print()
    start, end = results["load_avg_start"][0], results["load_avg_end"][0]
    print(f"{results['sentences']} sentences; load average {start:.2f} at start, "
          f"{end:.2f} at end")
    print("| path | sentences/s | peak RSS MiB | import s | import+load+1st s | + "
          f"{args.draft} sentences s | process wall s | RSS after draft MiB | cosine vs torch "
          "min / mean |")
    print("|---|---|---|---|---|---|---|---|---|")
    for path in PATHS:
        r, c = results[path], results[path]["cold"]
        agree = r.get("cosine_vs_torch")
        agreement = f"{agree['min']:.6f} / {agree['mean']:.6f}" if agree else "(reference)"

        def cell(key: str, c: dict = c) -> str:
            return f"{c[key]['best']:.2f} ({c[key]['median']:.2f})"

        print(f"| {path} | {r['rate']:.0f} | {r['peak_rss_mib']:.0f} | {cell('import_s')} | "
              f"{cell('load_first_s')} | {cell('draft_s')} | {cell('process_wall_s')} | "
              f"{c['rss_mib']['best']:.0f} | {agreement} |")
    print(f"cold-start cells: best of {args.cold} (median)")
    print("| path | cosine vs onnx-fp32 min / mean | on the held-out evaluation sentences |")
    print("|---|---|---|")
    for path in PATHS[2:]:
        a, h = results[path]["cosine_vs_fp32"], results[path]["heldout_cosine_vs_fp32"]
        print(f"| {path} | {a['min']:.4f} / {a['mean']:.4f} | {h['min']:.4f} / {h['mean']:.4f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3, help="throughput runs per path (best)")
    parser.add_argument("--cold", type=int, default=5, help="fresh cold-start processes per path")
    parser.add_argument("--draft", type=int, default=70,
                        help="sentences encoded after the cold load (~1,000 words)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    import numpy as np

    texts = corpus(args.sentences)
    results: dict = {"sentences": len(texts), "load_avg_start": os.getloadavg(),
                     "python": sys.version.split()[0]}
    with tempfile.TemporaryDirectory(prefix="bench-embed-") as tmp:
        work = Path(tmp)
        env = dict(os.environ, MSGCHECK_CACHE_DIR=str(work / "cache"), HF_HUB_OFFLINE="1",
                   TRANSFORMERS_OFFLINE="1", HF_HUB_DISABLE_PROGRESS_BARS="1",
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"),
                                                            os.environ.get("PYTHONPATH")])))
        texts_file = work / "texts.json"
        texts_file.write_text(json.dumps(texts), encoding="utf-8")
        draft_file = work / "draft.json"
        draft_file.write_text(json.dumps(texts[-args.draft:]), encoding="utf-8")

        for path in PATHS[1:]:
            info, wall = run_child(["--worker", "export", "--path", path], env)
            results[f"export_{path}_s"] = wall
            results[f"export_{path}_mib"] = info["size_mib"]
            print(f"export {path}: {wall:.1f} s in a fresh process, {info['size_mib']:.1f} MiB",
                  flush=True)

        vectors, held = {}, {}
        for path in PATHS:
            out = work / f"{path}.npy"
            info, _ = run_child(["--worker", "throughput", "--path", path, "--texts",
                                 str(texts_file), "--out", str(out), "--repeat",
                                 str(args.repeat)], env)
            results[path] = info
            vectors[path] = np.load(out)
            held[path] = np.load(out.with_suffix(".heldout.npy"))
            print(f"{path}: {info['rate']:.0f} sentences/s (best of {args.repeat}: "
                  + ", ".join(f"{t:.2f}" for t in info["runs_s"]) + " s), "
                  f"peak RSS {info['peak_rss_mib']:.0f} MiB", flush=True)

        cold: dict[str, list[dict]] = {p: [] for p in PATHS}
        for _ in range(args.cold):
            for path in PATHS:
                info, wall = run_child(["--worker", "cold", "--path", path, "--texts",
                                        str(draft_file)], env)
                info["process_wall_s"] = wall
                cold[path].append(info)
        for path in PATHS:
            runs = cold[path]
            summary = {key: {"best": min(r[key] for r in runs),
                             "median": statistics.median(r[key] for r in runs)}
                       for key in ("import_s", "load_first_s", "draft_s", "process_wall_s",
                                   "rss_mib")}
            results[path]["cold"] = summary
        for path in PATHS[1:]:
            cosines = (vectors[path] * vectors["torch-fp32"]).sum(axis=1)
            results[path]["cosine_vs_torch"] = {"min": float(cosines.min()),
                                                "mean": float(cosines.mean())}
        for path in PATHS[2:]:
            for key, got, ref in (("cosine_vs_fp32", vectors[path], vectors["onnx-fp32"]),
                                  ("heldout_cosine_vs_fp32", held[path], held["onnx-fp32"])):
                cosines = (got * ref).sum(axis=1)
                results[path][key] = {"min": float(cosines.min()), "mean": float(cosines.mean())}
    results["load_avg_end"] = os.getloadavg()

    print_tables(results, args)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def worker_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", required=True, choices=("export", "throughput", "cold"))
    parser.add_argument("--path", required=True, choices=PATHS)
    parser.add_argument("--texts", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if args.worker == "export":
        from msgcheck.embed.onnx import ensure_exported

        model = ensure_exported(PRECISION[args.path])
        info = {"size_mib": model.stat().st_size / 2**20}
    elif args.worker == "throughput":
        info = worker_throughput(args.path, args.texts, args.out, args.repeat)
    else:
        info = worker_cold(args.path, args.texts, START)
    print(json.dumps(info))


START = time.perf_counter()  # before the worker's first import of msgcheck, numpy or a model

if __name__ == "__main__":
    if "--worker" in sys.argv:
        worker_main(sys.argv[1:])
    else:
        main()
