"""Benchmark: `scan` in-process against `--scheduler local:1` and `local:2`, and recovery.

Method
------
1. Corpus: `--drafts` generated Ledgerline drafts (tests/corpusgen.py, Markdown and text, no
   sentence repeated, so the embedding cache saves nothing), at least 5,000 claims; the claim
   count is the report's.
2. Each mode runs in a fresh child process with its own empty embedding cache (a cold run):
   * in-process: build the Engine (model load, timed), then `Engine.run` over the folder;
   * local:N: start a LocalCluster of N worker processes, one thread each (timed), then
     `msgcheck.scale.run` against it: the workers load the models when the run registers its
     plugin, so model load is inside the run's time; each worker's model-load seconds are read
     back from the worker.
   claims/s is claims / run seconds (model load included, cluster start not); "steady" divides
   by the run seconds less the slowest worker's model load.
3. Peak RSS: `getrusage(RUSAGE_SELF).ru_maxrss` of the child (the client, or the in-process
   run) and of each worker process (asked with `client.run`).
4. Recovery: on the same local:2 cluster, a second cold run (new cache) in which one worker's
   process is killed (SIGKILL) as soon as the first batch completes; the nanny starts a new one,
   which loads the models again, and the dead worker's batch is retried. Reported: that run's
   seconds less the undisturbed run's, the seconds from the kill to the replacement process's
   start, and to its models being loaded (start plus its model-load seconds; the imports that
   come first are counted in neither, so "ready" is a lower bound).
One run per mode on a shared 2-core machine: expect +-10 %.

    .venv/bin/python bench/bench_dask.py [--drafts 900]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
PLATFORM = ROOT / "message_platform"


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def settings(cache: Path):
    from msgcheck.pipeline import Settings

    return Settings(cache_dir=cache, created_at="2026-01-01T00:00:00Z", cross_asset=True)


def claims_of(report) -> int:
    return sum(d.claims for d in report.documents)


def in_process(corpus: Path, cache: Path) -> dict:
    from msgcheck.pipeline import Engine
    from msgcheck.platform import load_platform

    start = time.perf_counter()
    engine = Engine(load_platform(PLATFORM), settings(cache))
    engine.get_nlp()
    _ = engine.index
    load = time.perf_counter() - start
    start = time.perf_counter()
    report = engine.run([corpus])
    seconds = time.perf_counter() - start
    return {"claims": claims_of(report), "run_s": seconds, "model_load_s": [load],
            "client_rss_mib": peak_rss_mib()}


def timed_scale_run(address: str, corpus: Path, cache: Path, progress=None):
    from msgcheck import scale
    from msgcheck.platform import load_platform

    start = time.perf_counter()
    report = scale.run([corpus], None, load_platform(PLATFORM), settings(cache), address,
                       progress)
    return report, time.perf_counter() - start


def on_cluster(workers: int, corpus: Path, cache: Path, recovery: bool) -> dict:
    import dask
    from distributed import Client, LocalCluster

    from msgcheck.scale import ALLOWED_FAILURES

    start = time.perf_counter()
    with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}), \
            LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                         dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        cluster_s = time.perf_counter() - start
        report, seconds = timed_scale_run(cluster.scheduler_address, corpus, cache)
        loads = client.run(_load_seconds)
        rss = client.run(peak_rss_mib)
        out = {"claims": claims_of(report), "run_s": seconds, "cluster_start_s": cluster_s,
               "model_load_s": sorted(v for vs in loads.values() for v in vs),
               "client_rss_mib": peak_rss_mib(), "worker_rss_mib": sorted(rss.values())}
        if recovery:
            out.update(_recovery(client, cluster.scheduler_address, corpus, cache, seconds))
    return out


def _load_seconds() -> list[float]:
    from msgcheck.scale.worker import LOAD_SECONDS

    return list(LOAD_SECONDS.values())


def _recovery(client, address: str, corpus: Path, cache: Path, undisturbed: float) -> dict:
    pids = client.run(os.getpid)
    victim = min(pids.values())
    killed: list[float] = []

    def kill_once(stage: str, done: int, total: int) -> None:
        if not killed:
            killed.append(time.time())
            os.kill(victim, signal.SIGKILL)

    report, seconds = timed_scale_run(address, corpus, cache.with_name(cache.name + "-kill"),
                                      kill_once)
    replacement = [w for w, pid in client.run(os.getpid).items() if pid not in pids.values()]
    started = client.run(_started, workers=replacement)
    loads = client.run(_load_seconds, workers=replacement)
    restart = min(started.values()) - killed[0]
    return {"killed_run_s": seconds, "recovery_s": seconds - undisturbed,
            "replacement_started_s": restart,
            "replacement_ready_s": restart + max(v for vs in loads.values() for v in vs),
            "killed_run_claims": claims_of(report)}


def _started() -> float:
    """When this process started, on the wall clock."""
    import psutil

    return psutil.Process().create_time()


def child(mode: str, corpus: Path, cache: Path) -> None:
    if mode == "in-process":
        result = in_process(corpus, cache)
    else:
        workers = int(mode.partition(":")[2])
        result = on_cluster(workers, corpus, cache, recovery=workers == 2)
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--drafts", type=int, default=900)
    parser.add_argument("--child", nargs=3, metavar=("MODE", "CORPUS", "CACHE"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    from corpusgen import write_corpus

    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus(Path(tmp) / "corpus", args.drafts, unique=True)
        results = {}
        for mode in ("in-process", "local:1", "local:2"):
            cache = Path(tmp) / f"cache-{mode.replace(':', '')}"
            done = subprocess.run([sys.executable, __file__, "--child", mode, str(corpus),
                                   str(cache)], capture_output=True, text=True, check=True)
            results[mode] = json.loads(done.stdout.strip().splitlines()[-1])
            r = results[mode]
            steady = r["run_s"] - (max(r["model_load_s"]) if mode != "in-process" else 0)
            r["claims_per_s"] = r["claims"] / r["run_s"]
            r["steady_claims_per_s"] = r["claims"] / steady
            print(mode, json.dumps({k: (round(v, 2) if isinstance(v, float) else
                                        [round(x, 2) for x in v] if isinstance(v, list) else v)
                                    for k, v in r.items()}), flush=True)


if __name__ == "__main__":
    main()
