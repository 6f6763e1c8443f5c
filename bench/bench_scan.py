"""Benchmark: `scan` throughput (claims/s) next to the raw encoder on the same texts, and peak RSS.

Method
------
1. Build a corpus: Markdown drafts in a temporary folder, 60 bullet claims each, from the
   project's own labelled sentences (training and evaluation sets), at least 2,000 claims.
2. Raw encoder: the same claim texts through the encoder `scan` uses (ONNX Runtime fp32, batch
   64) and through the reference SentenceTransformer.encode (torch CPU, batch 64), each after one
   warm-up batch; best of `--repeat` runs.
3. scan, cold cache: Engine.run over the folder with an empty embedding cache, in the same process
   after the models are loaded (so model load is reported separately); best of `--repeat` runs,
   each with a fresh empty cache.
4. scan, warm cache: the same run again with the cache filled (what a nightly re-run sees).
5. Peak RSS: `msgcheck scan` as a subprocess on the corpus (cold cache), from getrusage in a
   small wrapper process (so a fork of this large process never counts).
The machine is shared: report the best of the repeats and expect +-10 %.

    .venv/bin/python bench/bench_scan.py [--claims 2400] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def corpus_texts(n: int) -> list[str]:
    texts: list[str] = []
    for path in sorted((ROOT / "src" / "msgcheck" / "style" / "data").glob("style_train*.jsonl")) + [
            ROOT / "evaluation" / "style_eval.jsonl"]:
        texts += [json.loads(line)["text"] for line in path.read_text().splitlines() if line]
    out = []
    while len(out) < n:
        out.extend(texts)
    return out[:n]


def write_corpus(folder: Path, texts: list[str], per_file: int = 60) -> None:
    for i in range(0, len(texts), per_file):
        chunk = texts[i:i + per_file]
        body = "# Draft %d\n\n" % (i // per_file) + "".join(
            f"- {t.replace(chr(10), ' ')}\n" for t in chunk)
        (folder / f"draft-{i // per_file:03d}.md").write_text(body, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=2400)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from msgcheck.embed.torch import default_embedder
    from msgcheck.pipeline import Engine, Settings
    from msgcheck.embed import backend as model_backend
    from msgcheck.platform import load_platform

    texts = corpus_texts(args.claims)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        write_corpus(folder, texts)
        def throughput(model: object) -> tuple[float, float]:
            t0 = time.perf_counter()
            model.encode(texts[:64])  # type: ignore[attr-defined]
            load = time.perf_counter() - t0
            runs = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                model.encode(texts)  # type: ignore[attr-defined]
                runs.append(time.perf_counter() - t)
            return load, len(texts) / min(runs)

        backend = model_backend()
        load_s, raw_rate = throughput(backend)
        torch_load_s, torch_rate = throughput(default_embedder())
        platform = load_platform(ROOT / "message_platform")
        cold = []
        report = None
        for r in range(args.repeat):
            engine = Engine(platform, Settings(cache_dir=Path(tmp) / f"cache-{r}"))
            engine.get_nlp()
            _ = engine.index
            t = time.perf_counter()
            report = engine.run([folder])
            cold.append(time.perf_counter() - t)
        t = time.perf_counter()
        engine.run([folder])
        warm = time.perf_counter() - t
        assert report is not None
        claims = sum(d.claims for d in report.documents)
        fragments = len(report.claims)
        from msgcheck.embed.onnx import model_root

        # A fresh embedding cache, but the ONNX export made at install (as a user has it).
        env = dict(os.environ, MSGCHECK_CACHE_DIR=str(Path(tmp) / "cli-cache"),
                   MSGCHECK_MODEL_DIR=str(model_root()))
        # Measured from a small wrapper process, so the peak is the CLI's own and not that of a
        # fork of this (large) benchmark process.
        wrapper = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], "
                   "capture_output=True); print(resource.getrusage("
                   "resource.RUSAGE_CHILDREN).ru_maxrss)")
        t = time.perf_counter()
        measured = subprocess.run(
            [sys.executable, "-c", wrapper, str(Path(sys.executable).parent / "msgcheck"),
             "scan", str(folder), "--platform", str(ROOT / "message_platform"), "--format",
             "json", "--output", str(Path(tmp) / "r.json")],
            env=env, check=False, capture_output=True, text=True)
        cli_s = time.perf_counter() - t
        rss_mib = int(measured.stdout.strip().splitlines()[-1]) / 1024
    result = {
        "claims_judged": claims,
        "fragments_total": fragments,
        "encoder": backend.identity,
        "encoder_load_s": round(load_s, 2),
        "raw_encoder_claims_per_s": round(raw_rate, 1),
        "reference_torch_load_s": round(torch_load_s, 2),
        "reference_torch_claims_per_s": round(torch_rate, 1),
        "scan_cold_cache_claims_per_s": round(claims / min(cold), 1),
        "scan_warm_cache_claims_per_s": round(claims / warm, 1),
        "cli_scan_wall_s_including_load": round(cli_s, 1),
        "cli_scan_peak_rss_mib": round(rss_mib),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
