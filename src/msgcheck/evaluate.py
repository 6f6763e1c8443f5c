"""Evaluation: the shipped judgements against baselines, on labelled sets.

Style: a keyword/rule baseline, a zero-shot baseline (nearest of embedded label descriptions), and
the shipped model, side by side with per-class precision, recall, F1, macro-F1 and a confusion
matrix. Pillars: for each platform with labelled claims, the nearest-text baseline (plain maximum
similarity, global bands) next to the shipped matcher (soft-max pooling, calibrated bands, the
neutral rule): top-1 accuracy and off-platform precision and recall.

Used by `msgcheck evaluate`, the eval-gate tests and docs/quality.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from msgcheck.analysis import (
    build_index,
    mask_brands,
    pillar_scores,
    pooled_pillar_scores,
)
from msgcheck.embed import Embedder
from msgcheck.model import STYLES
from msgcheck.platform import MessagePlatform, load_platform
from msgcheck.style.examples import Example
from msgcheck.style.features import (
    ABOUT,
    CTA_VERBS,
    OUTCOME,
    PROBLEM,
    SECOND_PERSON,
    SPEC,
    featurize,
)
from msgcheck.style.model import StyleModel
from msgcheck.style.train import style_scores

# Zero-shot prototypes: the labelling guide's definitions, phrased a few ways. Not examples.
PROTOTYPES: dict[str, tuple[str, ...]] = {
    "pain": (
        "a customer problem, cost or risk the buyer suffers today",
        "the business outcome the buyer wants: save time, cut costs, grow revenue, reduce risk",
        "your team wastes hours and loses money because of this problem",
        "customers achieved a measurable result after switching",
    ),
    "feature": (
        "a product capability, specification or technical attribute",
        "integrations, APIs, supported platforms and deployment options",
        "the software includes this feature and setting",
        "technical specs: latency, storage, encryption, formats",
    ),
    "neutral": (
        "a call to action, navigation link or section heading",
        "a fact about the company: founded, headquarters, mission, team",
        "general industry context or a definition",
        "a legal notice, copyright line, or the name and job title of a person",
    ),
}


def rule_baseline(texts: Sequence[str]) -> list[str]:
    """Keyword rules a copy editor might write: problem/outcome words -> pain, spec words -> feature."""
    out = []
    for text in texts:
        words = re.findall(r"[a-z0-9'-]+", text.lower())
        bag = set(words)
        n_pain = len(bag & PROBLEM) + len(bag & OUTCOME) + (1 if bag & SECOND_PERSON else 0)
        n_feat = len(bag & SPEC)
        if not words or (words[0] in CTA_VERBS and len(words) <= 5) or bag & ABOUT and not n_feat:
            out.append("neutral")
        elif n_pain > n_feat and n_pain >= 1:
            out.append("pain")
        elif n_feat >= 1:
            out.append("feature")
        elif re.search(r"\d\s*(%|x\b)", text):
            out.append("pain")
        else:
            out.append("neutral")
    return out


def zero_shot_baseline(vectors: np.ndarray, embedder: Embedder) -> list[str]:
    """Nearest class prototype (mean of its embedded definitions)."""
    protos = []
    for style in STYLES:
        v = embedder.encode(list(PROTOTYPES[style])).mean(axis=0)
        protos.append(v / np.linalg.norm(v))
    sims = vectors @ np.stack(protos).T
    return [STYLES[i] for i in sims.argmax(axis=1)]


def predict_styles(texts: Sequence[str], model: StyleModel, embedder: Embedder, nlp: Any,
                   vectors: np.ndarray | None = None) -> list[str]:
    """What msgcheck answers for each text: `neutral` for fragments segmentation labels as not a
    claim (CTAs, navigation, legal lines...), the model's label otherwise."""
    from msgcheck.segment import fragment_kind

    vectors = embedder.encode(list(texts)) if vectors is None else vectors
    probs = model.predict_proba(vectors, featurize(list(texts), nlp))
    return ["neutral" if fragment_kind(t, "body") else model.classes[int(i)]
            for t, i in zip(texts, probs.argmax(axis=1))]


def style_report(examples: Sequence[Example], model: StyleModel, embedder: Embedder,
                 nlp: Any) -> dict[str, Any]:
    """Baselines and msgcheck (segmentation rules plus the model) on one labelled set."""
    texts = [e.text for e in examples]
    gold = [e.style for e in examples]
    vectors = embedder.encode(texts)
    shipped = predict_styles(texts, model, embedder, nlp, vectors)
    return {
        "n": len(examples),
        "rule_baseline": style_scores(gold, rule_baseline(texts)),
        "zero_shot_baseline": style_scores(gold, zero_shot_baseline(vectors, embedder)),
        "model": style_scores(gold, shipped),
    }


@dataclass(frozen=True)
class LabelledPlatform:
    """A platform and its claims labelled with a pillar id or off_platform."""

    name: str
    platform: MessagePlatform
    texts: tuple[str, ...]
    pillars: tuple[str, ...]
    styles: tuple[str | None, ...]


def load_labelled_platform(folder: Path) -> LabelledPlatform:
    """`folder/platform.yaml` plus `folder/claims.jsonl` ({text, pillar[, style]} per line)."""
    platform = load_platform(folder)
    rows = [json.loads(line) for line in (folder / "claims.jsonl").read_text("utf-8").splitlines()
            if line.strip()]
    return LabelledPlatform(folder.name, platform, tuple(r["text"] for r in rows),
                            tuple(r["pillar"] for r in rows), tuple(r.get("style") for r in rows))


def _pillar_metrics(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    on = [i for i, g in enumerate(gold) if g != "off_platform"]
    off_gold = [g == "off_platform" for g in gold]
    off_pred = [p == "off_platform" for p in predicted]
    tp = sum(1 for g, p in zip(off_gold, off_pred) if g and p)
    precision = tp / max(1, sum(off_pred))
    recall = tp / max(1, sum(off_gold))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "claims": len(gold),
        "on_platform": len(on),
        "top1": round(sum(1 for i in on if predicted[i] == gold[i]) / max(1, len(on)), 3),
        "exact": round(sum(1 for g, p in zip(gold, predicted) if g == p) / max(1, len(gold)), 3),
        "off_precision": round(precision, 3),
        "off_recall": round(recall, 3),
        "off_f1": round(f1, 3),
    }


def pillar_report(labelled: LabelledPlatform, embedder: Embedder, model: StyleModel,
                  nlp: Any) -> dict[str, Any]:
    """Nearest-text baseline and the shipped matcher on one labelled platform."""
    index = build_index(labelled.platform, embedder)
    ids = [p.id for p in labelled.platform.pillars]
    n = len(ids)
    texts = list(labelled.texts)
    vectors = embedder.encode([mask_brands(t, index.brands) for t in texts])
    sims = vectors @ index.vectors.T
    plain = pillar_scores(sims, index.pillar_of, n)
    best = np.maximum(plain.max(axis=1), sims[:, index.pillar_of < 0].max(axis=1))
    # Baseline: nearest approved text decides the pillar; one global cut-off (the median of the
    # background scores across platforms is about 0.25) decides off-platform.
    baseline = ["off_platform" if b < 0.25 else ids[int(i)]
                for b, i in zip(plain.max(axis=1), plain.argmax(axis=1))]
    pooled = pooled_pillar_scores(sims, index.pillar_of, n)
    from msgcheck.segment import fragment_kind

    probs = model.predict_proba(embedder.encode(texts), featurize(texts, nlp))
    neutral = probs[:, list(model.classes).index("neutral")]
    neutral = np.where([fragment_kind(t, "body") is not None for t in texts], 1.0, neutral)
    shipped = []
    for i in range(len(texts)):
        status = index.calibration.status(float(best[i]), float(neutral[i]))
        shipped.append("off_platform" if status == "off_platform" else ids[int(pooled[i].argmax())])
    nearest_only = [ids[int(i)] for i in pooled.argmax(axis=1)]
    gold = list(labelled.pillars)
    shipped_metrics = _pillar_metrics(gold, shipped)
    shipped_metrics["top1_nearest_pillar"] = _pillar_metrics(gold, nearest_only)["top1"]
    return {
        "platform": labelled.name,
        "calibration": index.calibration.to_dict(),
        "nearest_text_baseline": _pillar_metrics(gold, baseline),
        "model": shipped_metrics,
    }


def summarise_pillars(reports: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Claim-weighted means over platforms."""
    out: dict[str, Any] = {}
    for key in ("nearest_text_baseline", "model"):
        rows = [r[key] for r in reports]
        total_on = sum(r["on_platform"] for r in rows)
        total = sum(r["claims"] for r in rows)
        out[key] = {
            "top1": round(sum(r["top1"] * r["on_platform"] for r in rows) / max(1, total_on), 3),
            "exact": round(sum(r["exact"] * r["claims"] for r in rows) / max(1, total), 3),
            "off_precision": round(float(np.mean([r["off_precision"] for r in rows])), 3),
            "off_recall": round(float(np.mean([r["off_recall"] for r in rows])), 3),
            "off_f1": round(float(np.mean([r["off_f1"] for r in rows])), 3),
        }
    model_rows = [r["model"] for r in reports]
    total_on = sum(r["on_platform"] for r in model_rows)
    out["model"]["top1_nearest_pillar"] = round(
        sum(r["top1_nearest_pillar"] * r["on_platform"] for r in model_rows) / max(1, total_on), 3)
    return out


def render_text(style: dict[str, Any] | None, pillars: Sequence[dict[str, Any]]) -> str:
    """A plain-text report: style table, confusion matrix, pillar table."""
    lines: list[str] = []
    if style is not None:
        lines.append(f"Style ({style['n']} sentences)")
        lines.append(f"  {'system':22} {'macro-F1':>8} {'acc':>6}   " + "   ".join(
            f"{s:>7}-P {s:>7}-R {s:>7}-F1" for s in STYLES))
        for key, label in (("rule_baseline", "keyword rules"), ("zero_shot_baseline",
                                                                   "zero-shot prototypes"),
                           ("model", "msgcheck model")):
            r = style[key]
            cells = "   ".join(
                f"{r['per_class'][s]['precision']:>9.3f} {r['per_class'][s]['recall']:>9.3f} "
                f"{r['per_class'][s]['f1']:>10.3f}" for s in STYLES)
            lines.append(f"  {label:22} {r['macro_f1']:>8.3f} {r['accuracy']:>6.3f}   {cells}")
        lines.append("  confusion (rows gold, columns predicted): " + " / ".join(STYLES))
        for g in STYLES:
            row = style["model"]["confusion"][g]
            lines.append(f"    {g:8} " + " ".join(f"{row[p]:>5}" for p in STYLES))
    if pillars:
        lines.append("")
        lines.append("Pillars")
        lines.append(f"  {'platform':14} {'system':22} {'top-1':>6} {'exact':>6} {'off-P':>6} "
                     f"{'off-R':>6} {'off-F1':>6}")
        for r in pillars:
            for key, label in (("nearest_text_baseline", "nearest text, 0.25"),
                               ("model", "msgcheck matcher")):
                m = r[key]
                lines.append(f"  {r['platform']:14} {label:22} {m['top1']:>6.3f} {m['exact']:>6.3f} "
                             f"{m['off_precision']:>6.3f} {m['off_recall']:>6.3f} {m['off_f1']:>6.3f}")
        s = summarise_pillars(pillars)
        for key, label in (("nearest_text_baseline", "nearest text, 0.25"),
                           ("model", "msgcheck matcher")):
            m = s[key]
            lines.append(f"  {'ALL':14} {label:22} {m['top1']:>6.3f} {m['exact']:>6.3f} "
                         f"{m['off_precision']:>6.3f} {m['off_recall']:>6.3f} {m['off_f1']:>6.3f}")
        lines.append(f"  (msgcheck top-1 if the off-platform decision is ignored: "
                     f"{s['model']['top1_nearest_pillar']:.3f})")
    return "\n".join(lines) + "\n"
