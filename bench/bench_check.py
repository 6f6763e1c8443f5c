"""Benchmark: cold and warm `msgcheck check` of a 1,000-word Markdown draft, and the cost split.

Method
------
* The draft: about 1,000 words of the project's held-out sentences as Markdown paragraphs
  (written to a temporary folder), checked against the bundled example platform.
* "Cold" means a new process, as a pre-commit hook or an editor save starts one: nothing loaded,
  but the platform has been embedded before (its vectors sit in the embedding cache, as after any
  earlier run on the same platform). The draft's own claims are new to the cache on every run
  (each run gets a fresh, uniquely reworded draft), so they are embedded every time.
* "Warm" means a `msgcheck serve` process is running with the models loaded; `check` hands the
  work to it. The draft is new on every run here too.
* Each figure is the median of `--runs` (default 5) wall-clock runs of the real CLI in a
  subprocess (`time.perf_counter` around `subprocess.run`), after one untimed run that fills the
  platform's cache entries and exports the ONNX model if needed.
* The cost split runs the stages one by one in a fresh process and times each: imports, spaCy
  load, style model load, embedding model load, platform index, analysis of the draft, checks.
The machine is shared (2 cores): expect +-10 %.

    .venv/bin/python bench/bench_check.py [--runs 5]
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

ROOT = Path(__file__).resolve().parent.parent
MSGCHECK = str(Path(sys.executable).parent / "msgcheck")
PLATFORM = str(ROOT / "message_platform")

SPLIT = r'''
import json, sys, time
t = time.perf_counter(); marks = {}
def mark(name):
    global t
    now = time.perf_counter(); marks[name] = round(now - t, 3); t = now
import msgcheck.cli, msgcheck.pipeline, msgcheck.platform
mark("imports (cli, pipeline, numpy, pydantic, yaml)")
from msgcheck.segment import load_nlp
load_nlp(); mark("spaCy import and load (tagger + senter)")
from msgcheck.style.model import load_style_model
load_style_model(); mark("style model load (JSON)")
from msgcheck.pipeline import Engine, Settings
from msgcheck.embed import engine_embedder
from msgcheck.embed import default_cache_dir
emb = engine_embedder(default_cache_dir()); emb.inner.encode(["warm"])
mark("embedding model load")
platform = msgcheck.platform.load_platform(sys.argv[1])
engine = Engine(platform, Settings(cache_dir=default_cache_dir()), embedder=emb)
engine.index; mark("platform load and index (cached vectors, calibration)")
from msgcheck.pipeline import read_inputs
docs, errors, _ = read_inputs([sys.argv[2]])
analysis = engine.analyze(docs, errors); mark("read, segment, embed claims, style, similarity")
report = engine.report(analysis); mark("checks and report")
print(json.dumps(marks))
'''


def draft(path: Path, salt: int) -> None:
    texts = [json.loads(line)["text"] for line in
             (ROOT / "evaluation" / "style_eval.jsonl").read_text().splitlines() if line]
    out, words, i = ["# Closing the books faster", ""], 0, 0
    while words < 1000:
        t = texts[i % len(texts)]
        i += 1
        out += [f"{t.rstrip('.')} (note {salt}-{i}).", ""]
        words += len(t.split()) + 2
    path.write_text("\n".join(out), encoding="utf-8")


def timed(args: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(args, env=env, capture_output=True, check=False)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, MSGCHECK_SOCKET=str(Path(tmp) / "s.sock"))
        env.pop("MSGCHECK_NO_DAEMON", None)
        path = Path(tmp) / "draft.md"
        draft(path, 0)
        base = [MSGCHECK, "check", str(path), "--platform", PLATFORM, "--fail-on", "never"]
        timed(base + ["--no-daemon"], env)  # fills the platform's cache entries
        cold = []
        for r in range(args.runs):
            draft(path, 100 + r)
            cold.append(timed(base + ["--no-daemon"], env))
        server = subprocess.Popen([MSGCHECK, "serve", "--platform", PLATFORM, "--idle-timeout",
                                   "300"], env=env, stderr=subprocess.DEVNULL)
        try:
            while not (Path(tmp) / "s.sock").exists():
                time.sleep(0.1)
            timed(base, env)
            warm = []
            for r in range(args.runs):
                draft(path, 200 + r)
                warm.append(timed(base, env))
            warm_repeat = [timed(base, env) for _ in range(args.runs)]
        finally:
            server.terminate()
            server.wait()
        draft(path, 999)
        split = subprocess.run([sys.executable, "-c", SPLIT, PLATFORM, str(path)], env=env,
                               capture_output=True, text=True, check=True)
    result = {
        "cold_check_median_s": round(statistics.median(cold), 2),
        "cold_runs_s": [round(x, 2) for x in cold],
        "warm_check_new_draft_median_s": round(statistics.median(warm), 2),
        "warm_check_same_draft_median_s": round(statistics.median(warm_repeat), 2),
        "cost_split_s": json.loads(split.stdout.strip().splitlines()[-1]),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
