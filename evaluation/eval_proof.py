"""Precision and recall of the proof checks on a labelled set of claims.

Each line of the data file is `{"text": ..., "expected": "figure-mismatch" | "unsupported" |
"ok"}`; every claim is judged on its own (one block per line) against the platform. A claim is
predicted `figure-mismatch` when `proof.figure-mismatch` reports it, else `unsupported` when
`proof.unsupported` does, else `ok`.

    .venv/bin/python evaluation/eval_proof.py                       # proof_claims.jsonl
    .venv/bin/python evaluation/eval_proof.py --data FILE --platform DIR --show-errors

The file is an evaluation set: read the errors to understand the checks, do not tune on it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LABELS = ("figure-mismatch", "unsupported", "ok")


def predict(texts: list[str], platform: Path, cache_dir: Path) -> list[tuple[str, list[str]]]:
    """(predicted label, finding messages) per text."""
    from msgcheck.checks import CheckOptions
    from msgcheck.checks.proof import figure_mismatch, unsupported
    from msgcheck.model import Block, Document, Location
    from msgcheck.pipeline import Engine, Settings
    from msgcheck.platform import load_platform

    engine = Engine(load_platform(platform), Settings(cache_dir=cache_dir))
    source = "proof-eval"
    doc = Document(source, "lines", tuple(
        Block(t, Location(source, n, 1), "body") for n, t in enumerate(texts, start=1)))
    analysis = engine.analyze([doc])
    options = CheckOptions()
    found: dict[int, list[tuple[str, str]]] = {}
    for run in (figure_mismatch, unsupported):
        for f in run(analysis, options):
            found.setdefault(f.location.line or 0, []).append((f.check, f.message))
    out = []
    for n in range(1, len(texts) + 1):
        checks = {c for c, _ in found.get(n, [])}
        label = ("figure-mismatch" if "proof.figure-mismatch" in checks
                 else "unsupported" if "proof.unsupported" in checks else "ok")
        out.append((label, [f"{c}: {m}" for c, m in found.get(n, [])]))
    return out


def scores(expected: list[str], predicted: list[str]) -> dict[str, dict[str, float]]:
    """Precision, recall and F1 per check (each check as a detector of its own label)."""
    out: dict[str, dict[str, float]] = {}
    for label in ("figure-mismatch", "unsupported"):
        tp = sum(e == label and p == label for e, p in zip(expected, predicted))
        fp = sum(e != label and p == label for e, p in zip(expected, predicted))
        fn = sum(e == label and p != label for e, p in zip(expected, predicted))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[label] = {"precision": round(precision, 3), "recall": round(recall, 3),
                      "f1": round(f1, 3), "tp": tp, "fp": fp, "fn": fn}
    flagged_e = [e != "ok" for e in expected]
    flagged_p = [p != "ok" for p in predicted]
    tp = sum(a and b for a, b in zip(flagged_e, flagged_p))
    fp = sum(b and not a for a, b in zip(flagged_e, flagged_p))
    fn = sum(a and not b for a, b in zip(flagged_e, flagged_p))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    out["any-flag"] = {"precision": round(precision, 3), "recall": round(recall, 3),
                       "f1": round(2 * precision * recall / (precision + recall), 3)
                       if precision + recall else 0.0, "tp": tp, "fp": fp, "fn": fn}
    out["accuracy"] = {"value": round(sum(e == p for e, p in zip(expected, predicted))
                                      / max(1, len(expected)), 3)}
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation and print the scores (and, on request, the errors)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=HERE / "proof_claims.jsonl")
    parser.add_argument("--platform", type=Path, default=ROOT / "message_platform")
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    rows = [json.loads(line) for line in args.data.read_text("utf-8").splitlines()
            if line.strip()]
    texts = [r["text"] for r in rows]
    expected = [r["expected"] for r in rows]
    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache_dir or Path(tmp)
        predicted = predict(texts, args.platform, cache)
    labels = [p for p, _ in predicted]
    result = scores(expected, labels)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{len(rows)} claims from {args.data.name} against {args.platform.name}")
        for name in ("figure-mismatch", "unsupported", "any-flag"):
            s = result[name]
            print(f"  {name:16s} P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f}  "
                  f"(tp={s['tp']} fp={s['fp']} fn={s['fn']})")
        print(f"  accuracy         {result['accuracy']['value']:.3f}")
        confusion = Counter(zip(expected, labels))
        print("  confusion (expected -> predicted):")
        for e in LABELS:
            print("    " + e.ljust(16) + "  ".join(f"{p}={confusion[(e, p)]}" for p in LABELS))
    if args.show_errors:
        for row, (label, messages) in zip(rows, predicted):
            if label != row["expected"]:
                print(f"\n[{row['expected']} -> {label}] {row['text']}")
                for m in messages:
                    print(f"    {m}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
