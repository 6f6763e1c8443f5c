"""Evaluation: the shipped judgements against baselines, through the production code path.

Every figure here comes from `Engine.classify`, the code `msgcheck classify` and `check` run, so
the quality gate measures what users get, not a copy of it.

* **Style**: a keyword/rule baseline and a zero-shot baseline (nearest of embedded label
  descriptions) next to msgcheck, with per-class precision, recall, F1, macro-F1 and a confusion
  matrix.
* **Pillar sets** (the project's own fictional platforms, `claims.jsonl`): top-1 pillar and the
  off-platform decision, next to the nearest-text baseline.
* **Real-copy corpora** (`platform.yaml` + `labels.jsonl`, real companies' copy labelled by two
  annotators): style macro-F1, pillar top-1 beside the nearest-text baseline, alignment precision,
  false alarms, drift recall per category and findings per 100 claims, on all rows and on
  undisputed rows; and the learning curve when a team adds N of its own lines per pillar as
  `examples`. Nothing in msgcheck is fitted on any corpus company (the style model trains only on
  the project's own data), so every corpus figure is out of sample for the company it scores.

Used by `msgcheck evaluate`, the eval-gate tests and docs/quality.md.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from msgcheck.analysis import brand_pattern, mask_brands, pillar_scores
from msgcheck.embed import Embedder
from msgcheck.errors import Code, ConfigError
from msgcheck.model import STYLES, ClaimResult, Finding
from msgcheck.platform import MessagePlatform, PlatformText, load_platform, with_examples
from msgcheck.style.examples import Example
from msgcheck.style.features import ABOUT, CTA_VERBS, OUTCOME, PROBLEM, SECOND_PERSON, SPEC
from msgcheck.style.train import style_scores

Judge = Callable[[MessagePlatform, Sequence[str]], list[tuple[ClaimResult, list[Finding]]]]
"""The production judgement of lines against a platform: `Engine(platform).classify(lines)`."""

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


def style_report(examples: Sequence[Example], judge: Judge, platform: MessagePlatform,
                 embedder: Embedder) -> dict[str, Any]:
    """Baselines and msgcheck (segmentation rules plus the model, as `classify` runs them) on one
    labelled set. Style does not depend on the platform; any platform serves."""
    texts = [e.text for e in examples]
    gold = [e.style for e in examples]
    shipped = [r.style for r, _ in judge(platform, texts)]
    vectors = embedder.encode(texts)
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


def nearest_text(platform: MessagePlatform, texts: Sequence[str],
                 embedder: Embedder) -> tuple[list[str], np.ndarray]:
    """The plain baseline: the pillar of the single most similar platform text (key messages,
    pains, proof points, features; brand names masked the same way msgcheck masks them), and
    that similarity."""
    brands = brand_pattern(platform)
    pillar_texts = [t for t in platform.pillar_texts if t.kind != "example"]
    ids = [p.id for p in platform.pillars]
    owner = np.asarray([ids.index(str(t.pillar)) for t in pillar_texts])
    vectors = embedder.encode([mask_brands(t.text, brands) for t in pillar_texts])
    claims = embedder.encode([mask_brands(t, brands) for t in texts])
    best = pillar_scores(claims @ vectors.T, owner, len(ids))
    return [ids[int(i)] for i in best.argmax(axis=1)], best.max(axis=1)


def pillar_report(labelled: LabelledPlatform, judge: Judge, embedder: Embedder) -> dict[str, Any]:
    """The nearest-text baseline and msgcheck (its classify path) on one labelled platform."""
    texts = list(labelled.texts)
    # Baseline off-platform: one global cut-off (the median of the background scores across
    # platforms is about 0.25) on the best text similarity.
    nearest, best = nearest_text(labelled.platform, texts, embedder)
    baseline = ["off_platform" if b < 0.25 else n for b, n in zip(best, nearest)]
    results = [r for r, _ in judge(labelled.platform, texts)]
    shipped = ["off_platform" if r.status == "off_platform" else (r.pillar or "off_platform")
               for r in results]
    nearest_only = [r.pillar or "off_platform" for r in results]
    gold = list(labelled.pillars)
    shipped_metrics = _pillar_metrics(gold, shipped)
    shipped_metrics["top1_nearest_pillar"] = _pillar_metrics(gold, nearest_only)["top1"]
    return {
        "platform": labelled.name,
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


# ---------------------------------------------------------------- real-copy corpora

DRIFT_CATEGORIES = ("era", "off_message", "avoided_term", "number_mismatch", "unsupported_proof",
                    "terminology")
CHECK_WORDS = {"avoided_term": ("avoid",), "number_mismatch": ("proof", "figure"),
               "terminology": ("name",), "unsupported_proof": ("proof",),
               "era": ("retired", "drift", "off-platform"), "off_message": ("drift", "off-platform")}
"""A drift label is caught by a finding whose check id names its category (era and off-message
are also caught by the claim's status)."""
FLAGGED = ("drift", "off_platform")


@dataclass(frozen=True, slots=True)
class LabelledLine:
    """One labelled line of a real-copy corpus."""

    text: str
    """The line, verbatim from a page."""
    style: str
    """pain | feature | neutral."""
    pillar: str | None
    """A pillar id, `value_proposition`, or None (supports no pillar)."""
    drift: str | None
    """None, or why the line should draw a finding (one of DRIFT_CATEGORIES)."""
    disputed: tuple[str, ...]
    """Fields a second, blind annotator labelled differently."""


@dataclass(frozen=True, slots=True)
class Corpus:
    """A real company's platform and its labelled copy."""

    name: str
    """The folder's name (the company)."""
    platform: MessagePlatform
    """The company's platform."""
    lines: tuple[LabelledLine, ...]
    """Labelled lines, in file order."""


@dataclass(frozen=True, slots=True)
class CorpusScores:
    """The real-copy measures on one set of lines."""

    lines: int
    """Lines scored."""
    style_macro_f1: float
    """Macro-F1 over pain / feature / neutral."""
    pillar_top1: float
    """On lines labelled with a pillar id: share where msgcheck names it."""
    baseline_top1: float
    """The same for the plain baseline (nearest single platform text)."""
    precision: float
    """Of lines called drift / off_platform, the share labelled with a drift category."""
    flagged: int
    """Lines called drift / off_platform."""
    false_alarms: float
    """Of on-message lines (a pillar or value-proposition label, no drift), the share flagged."""
    recall: dict[str, float]
    """Per drift category present: the share caught (by status or a finding naming it)."""
    findings_per_100: float
    """Findings of any severity per 100 lines."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class CorpusReport:
    """One corpus, all rows and undisputed rows, with the examples it was taught."""

    name: str
    """The company."""
    examples_per_pillar: int
    """Labelled lines per pillar given to msgcheck as `examples` (and held out from scoring)."""
    all_rows: CorpusScores
    """Every scored line."""
    undisputed: CorpusScores
    """Lines the two annotators labelled alike."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {"corpus": self.name, "examples_per_pillar": self.examples_per_pillar,
                "all": self.all_rows.to_dict(), "undisputed": self.undisputed.to_dict()}


def load_corpus(folder: Path) -> Corpus:
    """`folder/platform.yaml` plus `folder/labels.jsonl`; every problem is a ConfigError naming
    the file and the row."""
    platform_file, labels_file = folder / "platform.yaml", folder / "labels.jsonl"
    for needed in (platform_file, labels_file):
        if not needed.is_file():
            raise ConfigError(f"not a labelled corpus: {needed.name} is missing", path=str(folder),

                              code=Code.CORPUS_INCOMPLETE, hint="a corpus folder holds platform.yaml and "
                              "labels.jsonl (one labelled line per row)")
    platform = load_platform(platform_file)
    ids = {p.id for p in platform.pillars} | {"value_proposition"}
    lines = []
    for row_no, raw in enumerate(labels_file.read_text("utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        lines.append(_labelled_line(raw, ids, str(labels_file), row_no))
    if not lines:
        raise ConfigError("no labelled lines", path=str(labels_file), code=Code.CORPUS_INCOMPLETE)
    return Corpus(folder.name, platform, tuple(lines))


def _labelled_line(raw: str, pillar_ids: set[str], shown: str, row: int) -> LabelledLine:
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"invalid JSON: {exc.msg}", path=shown, line=row,
                          code=Code.DATA_FORMAT) from None
    if not isinstance(value, dict) or not isinstance(value.get("text"), str):
        raise ConfigError("expected an object with text", path=shown, line=row,
                          code=Code.DATA_COLUMN)
    style, pillar, drift = value.get("style"), value.get("pillar"), value.get("drift")
    if style not in STYLES:
        raise ConfigError(f"unknown style label {style!r}", path=shown, line=row,
                          code=Code.DATA_STYLE,
                          hint="labels are pain, feature and neutral")
    if pillar is not None and pillar not in pillar_ids:
        raise ConfigError(f"unknown pillar {pillar!r} (not in the corpus platform)", path=shown,
                          line=row, code=Code.DATA_UNKNOWN_LABEL)
    if drift is not None and drift not in DRIFT_CATEGORIES:
        raise ConfigError(f"unknown drift category {drift!r}", path=shown, line=row,
                          code=Code.DATA_UNKNOWN_LABEL,
                          hint="one of " + ", ".join(DRIFT_CATEGORIES))
    return LabelledLine(value["text"], style, pillar, drift, tuple(value.get("disputed") or ()))


def teach_corpus(corpus: Corpus, per_pillar: int, seed: int = 0, held: int | None = None
                 ) -> tuple[MessagePlatform, list[int]]:
    """The corpus platform taught `per_pillar` of the company's own on-message lines per pillar
    (a seeded draw), and the indices of the lines left to score.

    `held` (at least `per_pillar`) sets aside that many candidates per pillar whatever
    `per_pillar` is, so that every point of a learning curve is scored on the same lines.
    """
    held = max(per_pillar, held or 0)
    order = list(range(len(corpus.lines)))
    random.Random(seed).shuffle(order)
    candidates: dict[str, list[int]] = {}
    for i in order:
        line = corpus.lines[i]
        if line.pillar and line.pillar != "value_proposition" and not line.drift:
            bucket = candidates.setdefault(line.pillar, [])
            if len(bucket) < held:
                bucket.append(i)
    set_aside = {i for ids in candidates.values() for i in ids}
    scored = [i for i in range(len(corpus.lines)) if i not in set_aside]
    if per_pillar <= 0:
        return corpus.platform, scored
    taken = {pillar: ids[:per_pillar] for pillar, ids in candidates.items()}
    chosen = sorted(i for ids in taken.values() for i in ids)
    examples = {pillar: [corpus.lines[i].text for i in ids] for pillar, ids in taken.items()}
    return with_examples(corpus.platform, examples, "evaluation", json.dumps(chosen)), scored


def corpus_scores(lines: Sequence[LabelledLine],
                  judged: Sequence[tuple[ClaimResult, list[Finding]]],
                  baseline: Sequence[str]) -> CorpusScores:
    """The real-copy measures for lines and what msgcheck said of them."""
    gold = [line.style for line in lines]
    predicted = [r.style for r, _ in judged]
    with_pillar = [i for i, line in enumerate(lines)
                   if line.pillar not in (None, "value_proposition")]
    flagged = [i for i, (r, _) in enumerate(judged) if r.status in FLAGGED]
    on_message = [i for i, line in enumerate(lines) if line.pillar is not None and not line.drift]
    recall = {}
    for category in DRIFT_CATEGORIES:
        rows = [i for i, line in enumerate(lines) if line.drift == category]
        if rows:
            recall[category] = _share(sum(_caught(category, *judged[i]) for i in rows), len(rows))
    return CorpusScores(
        lines=len(lines),
        style_macro_f1=round(float(style_scores(gold, predicted)["macro_f1"]), 3),
        pillar_top1=_share(sum(judged[i][0].pillar == lines[i].pillar for i in with_pillar),
                           len(with_pillar)),
        baseline_top1=_share(sum(baseline[i] == lines[i].pillar for i in with_pillar),
                             len(with_pillar)),
        precision=_share(sum(bool(lines[i].drift) for i in flagged), len(flagged)),
        flagged=len(flagged),
        false_alarms=_share(sum(judged[i][0].status in FLAGGED for i in on_message),
                            len(on_message)),
        recall=recall,
        findings_per_100=round(100 * sum(len(f) for _, f in judged) / max(1, len(lines)), 1),
    )


def _share(hits: int, total: int) -> float:
    return round(hits / total, 3) if total else 0.0


def _caught(category: str, result: ClaimResult, findings: Sequence[Finding]) -> bool:
    if category in ("era", "off_message") and result.status in FLAGGED:
        return True
    return any(w in f.check for f in findings for w in CHECK_WORDS.get(category, ()))


def corpus_report(corpus: Corpus, judge: Judge, embedder: Embedder,
                  examples_per_pillar: int = 0, seed: int = 0, held: int | None = None
                  ) -> CorpusReport:
    """Score msgcheck on one corpus, optionally taught some of the company's own lines (`held`:
    see `teach_corpus`)."""
    platform, rows = teach_corpus(corpus, examples_per_pillar, seed, held)
    lines = [corpus.lines[i] for i in rows]
    texts = [line.text for line in lines]
    judged = judge(platform, texts)
    baseline, _ = nearest_text(platform, texts, embedder)
    firm = [i for i, line in enumerate(lines) if not line.disputed]
    return CorpusReport(
        corpus.name, examples_per_pillar,
        corpus_scores(lines, judged, baseline),
        corpus_scores([lines[i] for i in firm], [judged[i] for i in firm],
                      [baseline[i] for i in firm]))


def pooled(reports: Sequence[CorpusReport], name: str = "all") -> CorpusReport:
    """Line-weighted figures over several corpora (recall pooled per category)."""
    def pool(parts: Sequence[CorpusScores]) -> CorpusScores:
        n = sum(p.lines for p in parts) or 1
        weigh = lambda field: round(sum(getattr(p, field) * p.lines for p in parts) / n, 3)
        flagged = sum(p.flagged for p in parts)
        categories = sorted({c for p in parts for c in p.recall})
        return CorpusScores(
            lines=sum(p.lines for p in parts), style_macro_f1=weigh("style_macro_f1"),
            pillar_top1=weigh("pillar_top1"), baseline_top1=weigh("baseline_top1"),
            precision=round(sum(p.precision * p.flagged for p in parts) / flagged, 3)
            if flagged else 0.0,
            flagged=flagged, false_alarms=weigh("false_alarms"),
            recall={c: round(float(np.mean([p.recall[c] for p in parts if c in p.recall])), 3)
                    for c in categories},
            findings_per_100=weigh("findings_per_100"))
    first = reports[0].examples_per_pillar if reports else 0
    return CorpusReport(name, first, pool([r.all_rows for r in reports]),
                        pool([r.undisputed for r in reports]))


def render_corpora(reports: Sequence[CorpusReport]) -> str:
    """A plain-text table: one row per corpus and examples-per-pillar, all rows then undisputed."""
    head = (f"  {'corpus':12} {'ex/p':>4} {'rows':>4} {'lines':>5} {'style':>6} {'pillar':>6} "
            f"{'base':>6} {'prec':>6} {'flag':>4} {'alarm':>6} {'f/100':>6}  recall")
    lines = ["Real copy (pillar: msgcheck top-1; base: nearest-text baseline; prec: alignment "
             "precision; alarm: false alarms)", head]
    for r in reports:
        for label, sc in (("all", r.all_rows), ("firm", r.undisputed)):
            recall = " ".join(f"{k}={v:.2f}" for k, v in sc.recall.items())
            lines.append(f"  {r.name:12} {r.examples_per_pillar:>4} {label:>4} {sc.lines:>5} "
                         f"{sc.style_macro_f1:>6.3f} {sc.pillar_top1:>6.3f} "
                         f"{sc.baseline_top1:>6.3f} "
                         f"{sc.precision:>6.3f} {sc.flagged:>4} {sc.false_alarms:>6.3f} "
                         f"{sc.findings_per_100:>6.1f}  {recall}")
    return "\n".join(lines) + "\n"


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


def engine_judge(settings: Any) -> Judge:
    """The production judgement: an Engine per platform (models shared), its classify path."""
    from msgcheck.pipeline import Engine

    def judge(platform: MessagePlatform, texts: Sequence[str]
              ) -> list[tuple[ClaimResult, list[Finding]]]:
        judged = Engine(platform, settings).classify(list(texts))
        by_line = {r.claim.location.line: (r, f) for r, f in judged}
        return [by_line[n] for n in range(1, len(texts) + 1)]

    return judge


def style_only_platform() -> MessagePlatform:
    """A one-pillar platform for scoring style alone (style does not read the platform)."""
    from msgcheck.platform import Pillar

    vp = PlatformText("Style evaluation.", "value_proposition", None)
    pillar = Pillar("any", "Any", (PlatformText("Any claim.", "key_message", "any"),), (), (), ())
    return MessagePlatform("", (vp,), (pillar,), (), (), (), (), (), (), "<style evaluation>",
                           "style-only")
