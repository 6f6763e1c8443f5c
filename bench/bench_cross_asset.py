"""Benchmark: time and peak memory of the cross-asset analysis at 10k and 100k claims.

Method
------
Claims are generated, not embedded: each claim gets a 384-d unit vector drawn around one of 2,000
"message" centres (so shadow-message clustering has real structure), a status (60 % aligned,
20 % drift, 20 % off-platform), a style and a pillar, spread over `claims / 50` assets (decks,
pages and drafts). The platform is the bundled example with random unit vectors for its texts.
We time `cross_asset.cross_asset(analysis)` alone (best of `--repeat`) and measure its peak
Python heap with tracemalloc. Growth from 10k to 100k shows whether the analysis stays
near-linear (the shadow-message clustering uses hash buckets, never an all-pairs matrix).

    .venv/bin/python bench/bench_cross_asset.py [--sizes 10000 100000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from msgcheck.analysis import Analysis, PlatformIndex, calibrate  # noqa: E402
from msgcheck.cross_asset import cross_asset  # noqa: E402
from msgcheck.model import Claim, ClaimResult, Document, Location  # noqa: E402
from msgcheck.platform import load_platform  # noqa: E402


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def synthetic(n: int, seed: int = 0) -> Analysis:
    rng = np.random.default_rng(seed)
    platform = load_platform(ROOT / "message_platform")
    texts = list(platform.pillar_texts) + list(platform.value_proposition)
    ids = {p.id: i for i, p in enumerate(platform.pillars)}
    pillar_of = np.asarray([ids[t.pillar] if t.pillar else -1 for t in texts])
    vectors = unit(rng.standard_normal((len(texts), 384)))
    cal = calibrate(platform, vectors, pillar_of, unit(rng.standard_normal((100, 384))),
                    [t.kind for t in texts])
    index = PlatformIndex(platform, tuple(texts), vectors, pillar_of,
                          unit(rng.standard_normal((2, 384))), cal)
    centres = unit(rng.standard_normal((2000, 384)))
    which = rng.integers(0, 2000, n)
    claim_vectors = unit(centres[which] + 0.025 * rng.standard_normal((n, 384)))
    n_assets = max(2, n // 50)
    kinds = ["pptx", "html", "markdown"]
    docs = [Document(f"asset-{a:05d}.{['pptx', 'html', 'md'][a % 3]}", kinds[a % 3], ())
            for a in range(n_assets)]
    statuses = rng.choice(["aligned", "drift", "off_platform"], n, p=[0.6, 0.2, 0.2])
    styles = rng.choice(["pain", "feature", "neutral"], n)
    pillar_ids = [p.id for p in platform.pillars]
    results = []
    for i in range(n):
        doc = docs[i % n_assets]
        claim = Claim(f"claim {which[i]} variant {i}", Location(doc.source, i + 1, 1), "bullet",
                      doc.source, i)
        status = str(statuses[i])
        results.append(ClaimResult(
            claim=claim, status=status, style=str(styles[i]),  # type: ignore[arg-type]
            style_scores={"pain": 0.3, "feature": 0.3, "neutral": 0.4},
            pillar=None if status == "off_platform" else pillar_ids[which[i] % len(pillar_ids)],
            similarity=0.5, margin=0.1, nearest_text=texts[which[i] % len(texts)].text,
            nearest_kind="key_message", value_prop_similarity=0.4))
    return Analysis(platform, index, tuple(docs), tuple(results), claim_vectors)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        analysis = synthetic(n)
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            extras = cross_asset(analysis)
            times.append(time.perf_counter() - t)
        tracemalloc.start()
        cross_asset(analysis)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rows.append({"claims": n, "assets": len(analysis.documents),
                     "seconds": round(min(times), 2), "peak_mib": round(peak / 2**20, 1),
                     "shadow_messages": len(extras.shadow_messages)})
    if len(rows) >= 2:
        rows.append({"time_ratio": round(rows[-1]["seconds"] / rows[0]["seconds"], 1),
                     "size_ratio": rows[-1]["claims"] // rows[0]["claims"]})
    print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
