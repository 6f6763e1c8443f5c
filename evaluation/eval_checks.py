"""Per-check precision and recall of `scan` on real companies' pages with labelled sentences.

Each real corpus folder holds `platform.yaml`, `labels.jsonl` (one labelled sentence per line, see
docs/quality.md), `sentence_pages.tsv` (which rendered page each sentence comes from) and
`pages/rendered/*.md`. The pages are scanned as a user would scan them, in context: the lead of a
page, its balance and its neighbours all count. Each finding is matched to the labelled sentence
of its page whose text contains the finding's claim or is contained in it; findings on lines
nobody labelled (page furniture, headings left out of the label set) are counted apart.

A finding is right when its line carries the label its check stands for:

    alignment.* / messaging.*      any drift label (the line should draw a finding)
    proof.*                        unsupported_proof or number_mismatch
    terminology.*                  avoided_term or terminology
    framing.feature-heavy          style feature (the line is feature framing)

framing.asset-ratio is right when more than half of its page's labelled lines are features (on
pages with at least six labelled lines). Recall is per drift category: the share of labelled
lines with that category that carry a finding of a check standing for it.

    .venv/bin/python evaluation/eval_checks.py --corpora ../realdev        # every company
    .venv/bin/python evaluation/eval_checks.py --corpora DIR --json out.json --show-errors

The corpora are third-party copy read at run time; nothing of theirs is stored in the project.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_CORPORA = ROOT.parent / "shared" / "realdev"

RIGHT = {
    "alignment": None,  # any drift label
    "messaging": None,
    "proof": {"unsupported_proof", "number_mismatch"},
    "terminology": {"avoided_term", "terminology"},
}
SEVERE = ("warning", "error")
# framing.asset-ratio is right when more than this share of the page's labelled lines are
# features (the check's default limit), judged on pages with enough labelled lines.
ASSET_CHECK = "framing.asset-ratio"
ASSET_SHARE = 0.5
ASSET_MIN_LINES = 6
_SPACE = re.compile(r"\s+")


def norm(text: str) -> str:
    """Lower case, one space, no surrounding punctuation: for matching claims to labels."""
    return _SPACE.sub(" ", text).strip().strip(" .!?:;*_#-\"'").lower()


@dataclass
class Labelled:
    id: str
    page: str
    text: str
    style: str
    drift: str | None


@dataclass
class Tally:
    findings: int = 0
    labelled: int = 0
    right: int = 0
    severe: int = 0
    severe_right: int = 0
    errors: int = 0
    errors_right: int = 0
    wrong: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        share = (lambda a, b: round(a / b, 3) if b else None)
        return {"findings": self.findings, "labelled": self.labelled,
                "precision": share(self.right, self.labelled),
                "severe": self.severe, "severe_precision": share(self.severe_right, self.severe),
                "errors": self.errors, "error_precision": share(self.errors_right, self.errors)}


def page_of_sentences(folder: Path) -> dict[str, str]:
    """Sentence id -> rendered page name, from `sentence_pages.tsv` or `provenance.jsonl`
    (`repo@commit:path`, rendered as `<commit[:10]>_<path with _ for />.md`)."""
    table = folder / "sentence_pages.tsv"
    if table.exists():
        rows = (line.split("\t", 1) for line in table.read_text().splitlines()[1:] if "\t" in line)
        return {i: Path(p).with_suffix(".md").name for i, p in rows}
    out = {}
    for raw in (folder / "provenance.jsonl").read_text().splitlines():
        if raw.strip():
            row = json.loads(raw)
            commit, path = row["source"].split("@", 1)[1].split(":", 1)
            out[row["id"]] = f"{commit[:10]}_{Path(path).with_suffix('').as_posix()}.md" \
                .replace("/", "_")
    return out


def load_labels(folder: Path) -> list[Labelled]:
    pages = page_of_sentences(folder)
    out = []
    for raw in (folder / "labels.jsonl").read_text().splitlines():
        if raw.strip():
            row = json.loads(raw)
            out.append(Labelled(row["id"], pages.get(row["id"], ""), row["text"],
                                row["style"], row.get("drift")))
    return out


def match(claim: str, page: str, labels: Sequence[Labelled]) -> Labelled | None:
    """The labelled sentence of `page` this claim comes from, if any."""
    c = norm(claim)
    if len(c) < 4:
        return None
    best = None
    for lab in labels:
        if lab.page != page:
            continue
        t = norm(lab.text)
        if c == t:
            return lab
        if (len(c) >= 15 and c in t) or (len(t) >= 15 and t in c):
            best = best or lab
    return best


def is_right(check: str, lab: Labelled) -> bool:
    if check == "framing.feature-heavy":
        return lab.style == "feature"
    family = check.split(".", 1)[0]
    kinds = RIGHT.get(family)
    if family not in RIGHT:
        return bool(lab.drift)
    return bool(lab.drift) if kinds is None else lab.drift in kinds


def asset_right(page: str, labels: Sequence[Labelled]) -> bool | None:
    """Whether the labelled lines of a page are mostly features (more than ASSET_SHARE of them);
    None when too few of its lines are labelled to say."""
    rows = [lab for lab in labels if lab.page == page]
    if len(rows) < ASSET_MIN_LINES:
        return None
    return sum(lab.style == "feature" for lab in rows) / len(rows) > ASSET_SHARE


def recall_family(drift: str) -> tuple[str, ...]:
    return tuple(f for f, kinds in RIGHT.items() if kinds is None or drift in kinds)


def scan(folder: Path, settings: Any = None) -> dict[str, Any]:
    from msgcheck.pipeline import Engine, Settings
    from msgcheck.platform import load_platform

    # The corpus is judged as shipped, not as reviewed.
    settings = replace(settings or Settings(), feedback=False)
    engine = Engine(load_platform(folder / "platform.yaml"), settings)
    pages = sorted((folder / "pages" / "rendered").glob("*.md"))
    report = engine.run(pages)
    claims = sum(1 for c in report.claims if c.status != "not_a_claim")
    return {"findings": list(report.findings), "claims": claims}


def evaluate(folder: Path, settings: Any = None) -> dict[str, Any]:
    """Per-check tallies, unmatched findings and recall for one labelled corpus folder."""
    labels = load_labels(folder)
    result = scan(folder, settings)
    tallies: dict[str, Tally] = defaultdict(Tally)
    caught: dict[str, set[str]] = defaultdict(set)
    unmatched = 0
    for f in result["findings"]:
        t = tallies[f.check]
        t.findings += 1
        page = Path(f.location.source).name
        if f.check == ASSET_CHECK:
            ok_page = asset_right(page, labels)
            if ok_page is None:
                unmatched += 1
                continue
            t.labelled += 1
            t.right += ok_page
            t.severe += f.severity in SEVERE
            t.severe_right += ok_page and f.severity in SEVERE
            if not ok_page:
                t.wrong.append(f"{page} [asset] {f.severity}: {f.message}")
            continue
        if not f.claim:
            continue
        lab = match(f.claim, page, labels)
        if lab is None:
            unmatched += 1
            continue
        t.labelled += 1
        ok = is_right(f.check, lab)
        t.right += ok
        if f.severity in SEVERE:
            t.severe += 1
            t.severe_right += ok
        if f.severity == "error":
            t.errors += 1
            t.errors_right += ok
        if not ok:
            t.wrong.append(f"{lab.id} [{lab.drift or lab.style}] {f.severity}: {f.message} | "
                           f"{f.claim[:120]}")
        if lab.drift:
            caught[f.check.split(".", 1)[0]].add(lab.id)
    recall = {}
    for kind in sorted({lab.drift for lab in labels if lab.drift}):
        rows = [lab for lab in labels if lab.drift == kind]
        hit = sum(any(lab.id in caught[fam] for fam in recall_family(kind)) for lab in rows)
        recall[kind] = {"lines": len(rows), "caught": hit, "recall": round(hit / len(rows), 3)}
    return {"company": folder.name, "claims": result["claims"],
            "findings": len(result["findings"]), "unmatched": unmatched,
            "checks": {k: tallies[k] for k in sorted(tallies)}, "recall": recall}


def pooled(results: Sequence[dict[str, Any]]) -> dict[str, Tally]:
    out: dict[str, Tally] = defaultdict(Tally)
    for r in results:
        for check, t in r["checks"].items():
            p = out[check]
            for name in ("findings", "labelled", "right", "severe", "severe_right", "errors",
                         "errors_right"):
                setattr(p, name, getattr(p, name) + getattr(t, name))
    return out


def overall(tallies: dict[str, Tally]) -> dict[str, Any]:
    total = Tally()
    for t in tallies.values():
        for name in ("findings", "labelled", "right", "severe", "severe_right", "errors",
                     "errors_right"):
            setattr(total, name, getattr(total, name) + getattr(t, name))
    return total.to_dict()


def render(results: Sequence[dict[str, Any]]) -> str:
    lines = []
    head = f"{'check':28s} {'found':>5s} {'lab':>4s} {'prec':>5s} {'warn+':>5s} {'prec':>5s} " \
           f"{'err':>4s} {'prec':>5s}"
    fmt = (lambda v: "  -  " if v is None else f"{v:5.2f}")
    for r in [*results, {"company": "all", "checks": pooled(results), "claims": sum(
            x["claims"] for x in results), "findings": sum(x["findings"] for x in results),
            "unmatched": sum(x["unmatched"] for x in results), "recall": _pooled_recall(results)}]:
        per100 = 100 * r["findings"] / r["claims"] if r["claims"] else 0.0
        lines.append(f"\n== {r['company']}: {r['findings']} findings on {r['claims']} claims "
                     f"({per100:.1f} per 100 claims), {r['unmatched']} on unlabelled lines")
        lines.append(head)
        for check, t in sorted(r["checks"].items()):
            d = t.to_dict()
            lines.append(f"{check:28s} {d['findings']:5d} {d['labelled']:4d} {fmt(d['precision'])} "
                         f"{d['severe']:5d} {fmt(d['severe_precision'])} {d['errors']:4d} "
                         f"{fmt(d['error_precision'])}")
        o = overall(r["checks"])
        lines.append(f"{'ALL':28s} {o['findings']:5d} {o['labelled']:4d} {fmt(o['precision'])} "
                     f"{o['severe']:5d} {fmt(o['severe_precision'])} {o['errors']:4d} "
                     f"{fmt(o['error_precision'])}")
        lines.append("recall: " + ", ".join(f"{k} {v['caught']}/{v['lines']}"
                                            for k, v in r["recall"].items()))
    return "\n".join(lines)


def _pooled_recall(results: Sequence[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, dict[str, Any]] = {}
    for r in results:
        for k, v in r["recall"].items():
            p = out.setdefault(k, {"lines": 0, "caught": 0})
            p["lines"] += v["lines"]
            p["caught"] += v["caught"]
    for v in out.values():
        v["recall"] = round(v["caught"] / v["lines"], 3)
    return dict(sorted(out.items()))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--show-errors", action="store_true", help="list the wrong findings")
    args = parser.parse_args(argv)
    if not args.corpora.is_dir():
        print(f"{args.corpora}: no such folder", file=sys.stderr)
        return 2
    folders = sorted(p for p in args.corpora.iterdir() if (p / "labels.jsonl").exists()
                     and (p / "pages" / "rendered").is_dir())
    results = [evaluate(f) for f in folders]
    print(render(results))
    if args.show_errors:
        for r in results:
            for check, t in sorted(r["checks"].items()):
                for w in t.wrong:
                    print(f"{r['company']} {check}: {w}")
    if args.json:
        data = [{**r, "checks": {k: t.to_dict() for k, t in r["checks"].items()}}
                for r in results]
        data.append({"company": "all", "overall": overall(pooled(results)),
                     "checks": {k: t.to_dict() for k, t in sorted(pooled(results).items())},
                     "recall": _pooled_recall(results)})
        args.json.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main())
