"""Cross-asset views for `scan`: coverage, style mix, leads, competing claims, shadow messages.

Each asset is judged against the platform by the checks; this module looks across assets:

* **coverage**: assets x pillars, how many claims support each pillar;
* **style mix**: pain / feature / neutral per asset;
* **leads**: which pillars the pages lead with versus the decks and drafts;
* **competing claims**: for a pillar, assets whose copy stays close to the platform's approved
  wording and assets that say something of their own: "1 page says X, close to the approved
  wording; 2 of 3 decks say Y instead". Only platform text is ever called approved;
* **shadow messages**: off-platform claims that recur across assets, clustered. Clustering is
  near-linear: random-hyperplane buckets (several tables) and a leader pass inside each bucket, so
  100k claims never meet an all-pairs matrix; a final complete-linkage pass keeps two claims in
  one cluster only when every pair in it is as close as the threshold.

Everything here is a pure function of the Analysis; the result is a frozen `CrossAsset` that the
pipeline hands to the Report when it builds it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from msgcheck.analysis import (
    Analysis,
    by_document,
    far_from_platform,
    lead_score,
    supports_pillar,
)
from msgcheck.checks.base import judged
from msgcheck.model import ClaimResult, CrossAsset, asset_kind

SHADOW_MIN_ASSETS = 2
SHADOW_LIMIT = 20
HASH_TABLES = 4
BUCKET_TARGET = 64
SEED = 7


def cross_asset(analysis: Analysis) -> CrossAsset:
    """Every cross-asset section, as JSON-ready data."""
    kinds = {d.source: d.kind for d in analysis.documents}
    cal = analysis.index.calibration
    docs = {s: [r for r in rs if judged(r)] for s, rs in by_document(analysis.results).items()}
    for source in kinds:
        docs.setdefault(source, [])
    pillars = [{"id": p.id, "name": p.name} for p in analysis.platform.pillars]
    ids = [p["id"] for p in pillars]
    assets = []
    for source in sorted(docs):
        rs = docs[source]
        counts = Counter(r.pillar for r in rs if supports_pillar(r, cal))
        assets.append({
            "source": source,
            "group": asset_kind(source, kinds.get(source, "")),
            "claims": len(rs),
            "counts": {pid: counts.get(pid, 0) for pid in ids},
            "off_platform": sum(1 for r in rs if far_from_platform(r, cal)),
            "drift": sum(1 for r in rs if r.status == "drift"),
        })
    note = None
    if len(assets) < 2:
        note = "only one asset: nothing to compare across assets"
    elif all(a["claims"] == 0 for a in assets):
        note = "no asset has claims to compare"
    style_mix = [{"source": s, "claims": len(docs[s]),
                  **{k: sum(1 for r in docs[s] if r.style == k) for k in ("pain", "feature", "neutral")}}
                 for s in sorted(docs)]
    return CrossAsset.of(
        coverage={"pillars": pillars, "assets": assets, "note": note},
        style_mix=style_mix,
        leads=leads(assets, analysis),
        competing=competing(docs, kinds, analysis),
        shadow_messages=shadow_messages(analysis),
        value_prop=value_prop(analysis),
    )


def leads(assets: Sequence[dict[str, Any]], analysis: Analysis) -> dict[str, Any] | None:
    """Share of each group's on-platform claims per pillar, and which pillar each group leads with."""
    names = {p.id: p.name for p in analysis.platform.pillars}
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for a in assets:
        groups[a["group"]].update(a["counts"])
    shares: dict[str, dict[str, float]] = {}
    for group, counts in sorted(groups.items()):
        total = sum(counts.values())
        if total:
            shares[group] = {pid: round(n / total, 3) for pid, n in sorted(counts.items())}
    if len(shares) < 2:
        return None if not shares else {"groups": shares, "statement": None}
    label = {"page": "pages lead", "deck": "decks lead", "draft": "drafts lead"}
    parts = []
    for group in sorted(shares, key=lambda g: ("page", "deck", "draft").index(g)
                        if g in ("page", "deck", "draft") else 9):
        share = shares[group]
        top = max(sorted(share), key=lambda pid: share[pid])
        parts.append(f"{label.get(group, group)} with {names.get(top, top)} "
                     f"({share[top]:.0%} of on-platform claims)")
    statement = "; ".join(parts)
    return {"groups": shares, "statement": statement[:1].upper() + statement[1:] + "."}


def competing(docs: dict[str, list[ClaimResult]], kinds: dict[str, str],
              analysis: Analysis) -> list[dict[str, Any]]:
    """Pillars on which some assets stay close to the approved wording while others only talk
    around it.

    For each pillar, an asset either carries an aligned claim on it (close to the platform's
    approved text) or only drifting ones (it says something of its own on the same subject). When
    both kinds of asset exist, the pillar gets a statement such as 'On Faster close, 1 page says
    "X", close to the approved wording; 2 of 3 decks say "Y" instead', quoting each side's closest
    claim, and `approved` holds the platform text the aligned side sits nearest to. Page copy is
    never called approved: only the platform's own text is.
    """
    out = []
    for pillar in analysis.platform.pillars:
        said: dict[str, ClaimResult] = {}
        other: dict[str, ClaimResult] = {}
        for source, rs in sorted(docs.items()):
            mine = [r for r in rs if r.pillar == pillar.id and r.style != "neutral"
                    and len(r.claim.text.split()) >= 4 and r.status in ("aligned", "drift")]
            aligned = [r for r in mine if r.status == "aligned"]
            if aligned:
                said[source] = max(aligned, key=lambda r: (r.similarity, -r.claim.index))
            elif mine:
                other[source] = max(mine, key=lambda r: (r.similarity, -r.claim.index))
        if not said or not other:
            continue
        closest = max(said.values(), key=lambda r: (r.similarity, r.claim.text))
        groups = [
            {"message": "on message", "assets": sorted(said),
             "example": _representative(said, kinds)},
            {"message": "drifting", "assets": sorted(other),
             "example": _representative(other, kinds)},
        ]
        statement = (f"On {pillar.name}, {_who(sorted(said), kinds, False)} "
                     f"\"{groups[0]['example']}\", close to the approved wording; "
                     f"{_who(sorted(other), kinds, True)} \"{groups[1]['example']}\" instead.")
        out.append({"pillar": pillar.id, "pillar_name": pillar.name, "statement": statement,
                    "approved": closest.nearest_text, "groups": groups})
    return out


def _representative(chosen: dict[str, ClaimResult], kinds: dict[str, str]) -> str:
    """A page's claim when pages are among the assets, else the closest claim."""
    pages = [s for s in chosen if asset_kind(s, kinds.get(s, "")) == "page"]
    pool = pages or list(chosen)
    text = max((chosen[s] for s in pool), key=lambda r: (r.similarity, r.claim.text)).claim.text
    return text.strip().strip("\"'\u201c\u201d")


def _who(assets: list[str], kinds: dict[str, str], counted: bool) -> str:
    """'1 page says', '2 of 5 decks say', '3 assets say'."""
    groups = Counter(asset_kind(a, kinds.get(a, "")) for a in assets)
    total = Counter(asset_kind(a, k) for a, k in kinds.items())
    n = len(assets)
    if len(groups) == 1:
        kind = next(iter(groups))
        of = f" of {total[kind]}" if counted and total[kind] > n else ""
        return f"{n}{of} {kind}{'' if n == 1 else 's'} {'says' if n == 1 else 'say'}"
    return "1 asset says" if n == 1 else f"{n} assets say"


def _buckets(vectors: np.ndarray, seed: int = SEED) -> list[np.ndarray]:
    """Random-hyperplane hash codes, one array per table; about BUCKET_TARGET rows a bucket."""
    rng = np.random.default_rng(seed)
    codes = []
    bits = int(min(16, max(1, np.ceil(np.log2(max(2, vectors.shape[0] / BUCKET_TARGET))))))
    weights = 1 << np.arange(bits)
    for _ in range(HASH_TABLES):
        planes = rng.standard_normal((vectors.shape[1], bits)).astype(np.float32)
        codes.append(((vectors @ planes) > 0).astype(np.int64) @ weights)
    return codes


def cluster(vectors: np.ndarray, threshold: float) -> np.ndarray:
    """Near-linear clustering: union of leader clusters found inside hash buckets.

    Two claims end up together when, in some hash table, they share a bucket and one is within
    `threshold` cosine of the other's bucket leader. Returns a cluster label per row.
    """
    n = vectors.shape[0]
    parent = np.arange(n)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for codes in _buckets(vectors):
        order = np.argsort(codes, kind="stable")
        start = 0
        while start < n:
            end = start
            while end < n and codes[order[end]] == codes[order[start]]:
                end += 1
            members = order[start:end]
            leaders: list[int] = []
            for m in members:
                if leaders:
                    sims = vectors[leaders] @ vectors[m]
                    j = int(np.argmax(sims))
                    if sims[j] >= threshold:
                        a, b = find(int(m)), find(leaders[j])
                        if a != b:
                            parent[max(a, b)] = min(a, b)
                        continue
                leaders.append(int(m))
            start = end
    return _complete_linkage(vectors, np.asarray([find(i) for i in range(n)]), threshold)


def _complete_linkage(vectors: np.ndarray, labels: np.ndarray, threshold: float) -> np.ndarray:
    """Split each cluster so that every pair inside is within `threshold`.

    The union over hash tables chains: A joins B's leader in one table, B joins C's in another,
    and A and C, which say unrelated things, would end up together. Members are placed in row
    order into the first sub-cluster they are close enough to in full, so the result is
    deterministic; clusters are small (recurring off-platform lines), so this stays cheap.
    """
    out = labels.copy()
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    for members in np.split(order, bounds):
        if members.size < 3 and (members.size < 2 or
                                 float(vectors[members[0]] @ vectors[members[1]]) >= threshold):
            continue
        subs: list[list[int]] = []
        for m in sorted(int(x) for x in members):
            for sub in subs:
                if float((vectors[sub] @ vectors[m]).min()) >= threshold:
                    sub.append(m)
                    break
            else:
                subs.append([m])
        for sub in subs:
            out[sub] = sub[0]
    return out


def shadow_messages(analysis: Analysis) -> list[dict[str, Any]]:
    """Off-platform claims (not neutral) that recur in at least two assets, clustered."""
    cal = analysis.index.calibration
    rows = [i for i, r in enumerate(analysis.results)
            if far_from_platform(r, cal) and r.style != "neutral" and judged(r)]
    if len(rows) < 2:
        return []
    vectors = analysis.vectors[rows]
    # Two claims carry the same message when they are as close as a pillar's closest texts.
    threshold = min(0.8, max(0.55, analysis.index.calibration.restate))
    labels = cluster(vectors, threshold)
    groups: dict[int, list[int]] = defaultdict(list)
    for local, label in enumerate(labels):
        groups[int(label)].append(local)
    names = {p.id: p.name for p in analysis.platform.pillars}
    out = []
    for members in groups.values():
        results = [analysis.results[rows[m]] for m in members]
        assets = sorted({r.claim.document for r in results})
        if len(assets) < SHADOW_MIN_ASSETS:
            continue
        centroid = vectors[members].mean(axis=0)
        ranked = sorted(members, key=lambda m: (-float(vectors[m] @ centroid), rows[m]))
        reps = list(dict.fromkeys(analysis.results[rows[m]].claim.text for m in ranked))[:3]
        sims = analysis.index.vectors @ (centroid / max(np.linalg.norm(centroid), 1e-9))
        nearest = analysis.index.texts[int(np.argmax(sims))]
        if float(sims.max()) >= analysis.index.calibration.off and nearest.pillar:
            suggestion = (f"used in {len(assets)} assets: add it to the platform under "
                          f"'{names[nearest.pillar]}' if it is approved, or retire it")
        else:
            suggestion = (f"used in {len(assets)} assets and backed by no pillar: add it to the "
                          "platform as a message, or retire it")
        out.append({"size": len(results), "assets": assets, "representatives": reps,
                    "suggestion": suggestion})
    out.sort(key=lambda g: (-len(g["assets"]), -g["size"], g["representatives"][0]))
    return out[:SHADOW_LIMIT]


def value_prop(analysis: Analysis) -> list[dict[str, Any]]:
    """Each asset's lead and how close it is to the value proposition."""
    band = analysis.index.calibration.value_prop
    out = []
    for source, rs in sorted(by_document(analysis.results).items()):
        lead, score = lead_score(rs)
        if not lead:
            continue
        out.append({"source": source, "lead": " / ".join(r.claim.text for r in lead),
                    "similarity": score, "band": band, "aligned": score >= band})
    return out
