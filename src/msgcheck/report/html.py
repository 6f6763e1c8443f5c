"""HTML report: one self-contained page for people (a marketing lead, a sales enablement team).

Header with counts, then the cross-asset sections a later stage put in `report.extras` (coverage
heatmap, style mix, leads, competing claims, shadow messages, value proposition, trends), then
every finding grouped by document.

Built from `Report.to_dict()`, like every other format. The page is one file that makes no request
of any kind: CSS is inline, charts are inline SVG whose geometry is computed here, there are no
fonts, images or links out, and a Content-Security-Policy `<meta>` (`default-src 'none'`, the one
inline script allowed by its hash) backs that up, so even a bug in escaping could neither run code
nor phone home. Everything from the inputs (claims, file names, URLs, pillar names) goes through
Jinja2's autoescaping; nothing from them is marked safe, and only numbers computed here reach a
`style` attribute or SVG geometry. The small script (filtering findings) is optional: without
JavaScript the filter controls stay hidden and the whole report is shown.

Output is deterministic: sections and rows in a fixed order, numbers formatted with fixed
precision, and the only time is the report's own injected `created_at`.
"""

from __future__ import annotations

import base64
import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from msgcheck.model import STYLES, Report, Severity
from msgcheck.report.words import held_back, plural

SEVERITIES: tuple[str, ...] = tuple(s.value for s in Severity)

# Okabe & Ito's palette: distinguishable with every common colour-vision deficiency, and each
# use below also carries a text label, so colour is never the only cue.
SEVERITY_COLOURS = {"error": "#D55E00", "warning": "#E69F00", "suggestion": "#0072B2"}
STYLE_COLOURS = {"pain": "#D55E00", "feature": "#0072B2", "neutral": "#A3A3A3"}
SERIES_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
# Past seven series, colours repeat with a dash pattern so lines stay tellable apart.
SERIES_DASHES = ("", "6 3", "2 3", "8 3 2 3")

# ColorBrewer "Blues": single-hue and sequential, safe for colour-blind readers and in greyscale.
HEAT_SCALE: tuple[tuple[int, int, int], ...] = (
    (247, 251, 255), (222, 235, 247), (198, 219, 239), (158, 202, 225), (107, 174, 214),
    (66, 146, 198), (33, 113, 181), (8, 81, 156), (8, 48, 107),
)
HEAT_FLOOR = 0.15
"""Where a count of 1 starts on the scale, so 1 is visibly different from 0."""
DARK_TEXT = "#000000"
"""Black, not a softer dark: mid-scale blues need it for 4.5:1 contrast (WCAG AA)."""
LIGHT_TEXT = "#ffffff"

GROUP_ORDER = ("page", "deck", "draft")
GROUP_LABELS = {"page": "Pages", "deck": "Decks", "draft": "Drafts"}
NEEDS_TWO = "Cross-asset comparison needs two or more assets."
SINGLE_ASSET_NOTE = "Only one asset. " + NEEDS_TWO

# Trend chart geometry, in SVG user units (the SVG scales to the page width).
CHART_WIDTH = 520
CHART_HEIGHT = 240
CHART_PAD = (14, 16, 30, 40)
"""Top, right, bottom, left padding around the plot area."""
MAX_X_LABELS = 12


@dataclass(frozen=True, slots=True)
class Segment:
    """One coloured piece of a horizontal bar (user units: the bar is 100 wide)."""

    label: str
    """What the piece counts (a style, a pillar...)."""
    count: int
    """The number it stands for."""
    x: str
    """Left edge, formatted."""
    width: str
    """Width, formatted."""
    colour: str
    """Fill colour (computed here, never from input)."""
    percent: str
    """Share of the bar, as shown to people (`29%`)."""


@dataclass(frozen=True, slots=True)
class Marker:
    """A data point on a line chart."""

    x: str
    """Horizontal position, formatted."""
    y: str
    """Vertical position, formatted."""
    title: str
    """Tooltip text."""


@dataclass(frozen=True, slots=True)
class Series:
    """One line of a line chart."""

    label: str
    """Legend text."""
    colour: str
    """Stroke colour."""
    dash: str
    """SVG stroke-dasharray, empty for a solid line."""
    points: str
    """SVG polyline points."""
    markers: tuple[Marker, ...]
    """One per run."""


@dataclass(frozen=True, slots=True)
class Tick:
    """An axis tick: position and label."""

    at: str
    """Position along its axis, formatted."""
    label: str
    """Text shown."""


@dataclass(frozen=True, slots=True)
class LineChart:
    """A line chart over runs, fully laid out for the template."""

    id: str
    """HTML id (generated here)."""
    title: str
    """Caption."""
    series: tuple[Series, ...]
    """The lines."""
    x_ticks: tuple[Tick, ...]
    """Run labels along the bottom."""
    y_ticks: tuple[Tick, ...]
    """Gridlines and their values."""
    left: int
    """Plot area left edge."""
    right: int
    """Plot area right edge."""
    top: int
    """Plot area top edge."""
    bottom: int
    """Plot area bottom edge."""
    width: int = CHART_WIDTH
    """viewBox width."""
    height: int = CHART_HEIGHT
    """viewBox height."""


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("msgcheck.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["csp_hash"] = _csp_hash
    return env


def _csp_hash(script: str) -> str:
    """The base64 SHA-256 that a CSP `'sha256-...'` source needs to allow exactly this script.

    The template hashes the very text it puts in its one `<script>`, so editing the script can
    never leave a stale hash behind (the browser test would see it blocked)."""
    digest = hashlib.sha256(str(script).encode("utf-8")).digest()
    return base64.b64encode(digest).decode("ascii")


# --- small, forgiving readers: extras come from other stages and may miss keys --------------


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _seq(value: Any) -> Sequence[Any]:
    return value if isinstance(value, list | tuple) else ()


def _strs(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in _seq(value) if v is not None and str(v)]


def _number(value: Any) -> float:
    """A finite number, or 0. A `{"claims": n}` mapping (as run summaries store it) counts as n."""
    if isinstance(value, Mapping):
        value = value.get("claims", value.get("count", 0))
    if isinstance(value, bool):
        return float(value)
    try:
        out = float(value)
    except (TypeError, ValueError):
        return 0.0
    return out if math.isfinite(out) else 0.0


def _count(value: Any) -> int:
    return max(0, round(_number(value)))


def _fmt(value: float, digits: int = 2) -> str:
    """Fixed precision, trailing zeros trimmed: 12, 12.5, 0.41."""
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _percent(part: float, whole: float) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def _sentence(text: str) -> str:
    """Capitalised, ending in a full stop."""
    text = " ".join(text.split())
    if not text:
        return text
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _ordered(names: Iterable[str], preferred: Sequence[str]) -> list[str]:
    names = set(names)
    return [n for n in preferred if n in names] + sorted(names - set(preferred))


# --- colours -------------------------------------------------------------------------------


def _luminance(rgb: Sequence[int]) -> float:
    """WCAG relative luminance."""
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: float, b: float) -> float:
    hi, lo = max(a, b), min(a, b)
    return (hi + 0.05) / (lo + 0.05)


def heat_colour(count: float, top: float) -> tuple[str, str]:
    """(background, text colour) for a heatmap cell: white for 0, then the Blues scale."""
    if count <= 0 or top <= 0:
        return "#ffffff", "#5c6470"
    t = HEAT_FLOOR + (1 - HEAT_FLOOR) * min(1.0, count / top)
    pos = t * (len(HEAT_SCALE) - 1)
    i = min(int(pos), len(HEAT_SCALE) - 2)
    f = pos - i
    low, high = HEAT_SCALE[i], HEAT_SCALE[i + 1]
    rgb = tuple(round(a + (b - a) * f) for a, b in zip(low, high, strict=True))
    lum = _luminance(rgb)
    text = DARK_TEXT if _contrast(lum, 0.0) >= _contrast(lum, 1.0) else LIGHT_TEXT
    return "#{:02x}{:02x}{:02x}".format(*rgb), text


def _series_style(i: int) -> tuple[str, str]:
    n = len(SERIES_COLOURS)
    return SERIES_COLOURS[i % n], SERIES_DASHES[(i // n) % len(SERIES_DASHES)]


# --- sections ------------------------------------------------------------------------------


def _pillar_names(data: Mapping[str, Any], coverage: Mapping[str, Any]) -> dict[str, str]:
    names = {str(p["id"]): str(p.get("name") or p["id"])
             for p in _seq(data.get("platform", {}).get("pillars")) if _map(p).get("id")}
    for p in _seq(coverage.get("pillars")):
        p = _map(p)
        if p.get("id"):
            names[str(p["id"])] = str(p.get("name") or p["id"])
    return names


def _pillar_order(data: Mapping[str, Any], coverage: Mapping[str, Any]) -> list[str]:
    order = [str(_map(p).get("id")) for p in _seq(coverage.get("pillars")) if _map(p).get("id")]
    order += [str(_map(p).get("id")) for p in _seq(data["platform"].get("pillars"))
              if _map(p).get("id")]
    return list(dict.fromkeys(order))


def _coverage(extras: Mapping[str, Any], names: Mapping[str, str],
              order: Sequence[str]) -> dict[str, Any] | None:
    raw = extras.get("coverage")
    if raw is None:
        return None
    coverage = _map(raw)
    assets = [_map(a) for a in _seq(coverage.get("assets")) if _map(a).get("source") is not None]
    seen = {str(k) for a in assets for k in _map(a.get("counts"))}
    columns = [p for p in order if p in seen or p in names] + sorted(seen - set(order))
    top = max((_number(v) for a in assets for v in _map(a.get("counts")).values()), default=0.0)
    rows: list[dict[str, Any]] = []
    for a in assets:
        counts = _map(a.get("counts"))
        claims = _count(a.get("claims"))
        cells: list[dict[str, Any]] = []
        for pid in columns:
            n = _count(counts.get(pid, 0))
            bg, fg = heat_colour(n, top)
            share = f" ({_percent(n, claims)} of its claims)" if claims else ""
            cells.append({"count": n, "bg": bg, "fg": fg,
                          "title": f"{a['source']} \u2014 {names.get(pid, pid)}: "
                                   f"{plural(n, 'claim')}{share}"})
        rows.append({"source": str(a["source"]), "group": str(a.get("group") or ""),
                     "claims": claims, "cells": cells,
                     "off_platform": _count(a.get("off_platform")),
                     "drift": _count(a.get("drift"))})
    uncovered = [names.get(p, p) for i, p in enumerate(columns)
                 if rows and all(r["cells"][i]["count"] == 0 for r in rows)]
    note = _sentence(str(coverage["note"])) if coverage.get("note") else None
    if len(rows) < 2:
        note = SINGLE_ASSET_NOTE if not note else (
            note if "two or more" in note else f"{note} {NEEDS_TWO}")
    legend = []
    if top > 0:
        steps = sorted({1, *(max(1, round(top * f)) for f in (0.25, 0.5, 0.75)), round(top)})
        for n in steps:
            bg, fg = heat_colour(n, top)
            legend.append({"count": n, "bg": bg, "fg": fg})
    return {"columns": [{"id": p, "name": names.get(p, p)} for p in columns], "rows": rows,
            "note": note, "uncovered": uncovered if len(rows) >= 2 else [], "legend": legend}


def _bar(parts: Sequence[tuple[str, int, str]]) -> list[Segment]:
    total = sum(n for _, n, _ in parts)
    out: list[Segment] = []
    x = 0.0
    for label, n, colour in parts:
        if n <= 0 or total <= 0:
            continue
        width = 100 * n / total
        out.append(Segment(label, n, _fmt(x, 3), _fmt(width, 3), colour, _percent(n, total)))
        x += width
    return out


def _style_mix(extras: Mapping[str, Any], data: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    raw = extras.get("style_mix")
    if raw is not None:
        items = [(_map(r).get("source"), _map(r), _map(r).get("claims"))
                 for r in _seq(raw) if _map(r).get("source") is not None]
    else:
        # No cross-asset stage ran (e.g. `msgcheck check`): the per-document summaries still
        # know each asset's style counts.
        docs = [d for d in data["documents"] if d.get("kind") != "unreadable"]
        if not any(sum(_count(v) for v in _map(d.get("styles")).values()) for d in docs):
            return None
        items = [(d["source"], _map(d.get("styles")), d.get("claims")) for d in docs]
    rows = []
    for source, styles, claims in items:
        counts = {s: _count(styles.get(s, 0)) for s in STYLES}
        total = sum(counts.values())
        rows.append({"source": str(source), "counts": counts,
                     "claims": _count(claims) if claims is not None else total,
                     "segments": _bar([(s, counts[s], STYLE_COLOURS[s]) for s in STYLES])})
    return rows


def _leads(extras: Mapping[str, Any], names: Mapping[str, str],
           order: Sequence[str]) -> dict[str, Any] | None:
    raw = extras.get("leads")
    if raw is None:
        return None
    leads = _map(raw)
    groups = _map(leads.get("groups"))
    group_ids = _ordered((str(g) for g in groups), GROUP_ORDER)
    shares = {g: {str(p): min(1.0, max(0.0, _number(v))) for p, v in _map(groups[g]).items()}
              for g in group_ids}
    pillar_ids = _ordered({p for s in shares.values() for p in s}, order)
    tops = {g: _top(s) for g, s in shares.items() if s}
    rows = []
    for pid in pillar_ids:
        cells = []
        for g in group_ids:
            share = shares[g].get(pid, 0.0)
            cells.append({"share": share, "percent": f"{round(share * 100)}%",
                          "width": _fmt(100 * share, 3),
                          "lead": tops.get(g) == pid and share > 0,
                          "colour": SERIES_COLOURS[group_ids.index(g) % len(SERIES_COLOURS)]})
        rows.append({"id": pid, "name": names.get(pid, pid), "cells": cells})
    return {"statement": str(leads["statement"]) if leads.get("statement") else None,
            "groups": [{"id": g, "label": GROUP_LABELS.get(g, g.title()),
                        "colour": SERIES_COLOURS[i % len(SERIES_COLOURS)],
                        "lead": names.get(tops[g], tops[g]) if g in tops else None}
                       for i, g in enumerate(group_ids)],
            "rows": rows}


def _top(shares: Mapping[str, float]) -> str:
    """The pillar with the largest share; ties go to the first id in sorted order."""
    return max(sorted(shares), key=lambda pid: shares[pid])


def _competing(extras: Mapping[str, Any], names: Mapping[str, str]) -> list[dict[str, Any]] | None:
    raw = extras.get("competing")
    if raw is None:
        return None
    out = []
    for item in (_map(i) for i in _seq(raw)):
        pid = str(item.get("pillar") or "")
        out.append({
            "pillar": str(item.get("pillar_name") or names.get(pid, pid) or "Unnamed pillar"),
            "statement": str(item.get("statement") or ""),
            "approved": str(item.get("approved") or ""),
            "groups": [{"message": str(_map(g).get("message") or ""),
                        "assets": _strs(_map(g).get("assets")),
                        "example": str(_map(g).get("example") or "")}
                       for g in _seq(item.get("groups"))],
        })
    return out


def _shadow(extras: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    raw = extras.get("shadow_messages")
    if raw is None:
        return None
    return [{"size": _count(_map(i).get("size")), "assets": _strs(_map(i).get("assets")),
             "representatives": _strs(_map(i).get("representatives")),
             "suggestion": str(_map(i).get("suggestion") or "")}
            for i in _seq(raw)]


def _value_prop(extras: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    raw = extras.get("value_prop")
    if raw is None:
        return None
    rows = []
    for item in (_map(i) for i in _seq(raw)):
        if item.get("source") is None:
            continue
        sim = _number(item.get("similarity"))
        band = _number(item.get("band")) if item.get("band") is not None else None
        aligned = item.get("aligned")
        if not isinstance(aligned, bool):
            aligned = None if band is None else sim >= band
        rows.append({"source": str(item["source"]), "lead": str(item.get("lead") or ""),
                     "similarity": _fmt(sim), "band": None if band is None else _fmt(band),
                     "aligned": aligned,
                     "bar": _fmt(100 * min(1.0, max(0.0, sim)), 3),
                     "band_x": None if band is None else _fmt(100 * min(1.0, max(0.0, band)), 3)})
    return rows


def _nice_max(value: float) -> tuple[float, float]:
    """An axis top at or above `value` and a tick step that divide into about four ticks."""
    if value <= 0:
        return 1.0, 1.0
    rough = value / 4
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)
    step = max(step, 1.0)  # the series are counts: no tick at 2.5 claims
    return step * math.ceil(value / step), step


def _line_chart(chart_id: str, title: str, labels: Sequence[str],
                series: Sequence[tuple[str, str, str, Sequence[float]]]) -> LineChart:
    top_pad, right_pad, bottom_pad, left_pad = CHART_PAD
    left, right = left_pad, CHART_WIDTH - right_pad
    top, bottom = top_pad, CHART_HEIGHT - bottom_pad
    y_max, step = _nice_max(max((v for *_, values in series for v in values), default=0.0))
    n = len(labels)

    def x_at(i: int) -> float:
        return (left + right) / 2 if n == 1 else left + (right - left) * i / (n - 1)

    def y_at(v: float) -> float:
        return bottom - (bottom - top) * v / y_max

    lines = []
    for label, colour, dash, values in series:
        coords = [(x_at(i), y_at(v)) for i, v in enumerate(values)]
        lines.append(Series(
            label=label, colour=colour, dash=dash,
            points=" ".join(f"{_fmt(x, 1)},{_fmt(y, 1)}" for x, y in coords),
            markers=tuple(Marker(_fmt(x, 1), _fmt(y, 1), f"{labels[i]}: {label} {_fmt(values[i])}")
                          for i, (x, y) in enumerate(coords)),
        ))
    every = max(1, math.ceil(n / MAX_X_LABELS))
    x_ticks = tuple(Tick(_fmt(x_at(i), 1), labels[i]) for i in range(n)
                    if i % every == 0 or i == n - 1)
    y_ticks = []
    value = 0.0
    while value <= y_max + step / 1000:
        y_ticks.append(Tick(_fmt(y_at(value), 1), _fmt(value)))
        value += step
    return LineChart(chart_id, title, tuple(lines), x_ticks, tuple(y_ticks),
                     left, right, top, bottom)


def _trends(extras: Mapping[str, Any], names: Mapping[str, str],
            order: Sequence[str]) -> dict[str, Any] | None:
    raw = extras.get("trends")
    if raw is None:
        return None
    runs = [_map(r) for r in _seq(raw) if isinstance(r, Mapping)]
    if not runs:
        return {"runs": 0, "charts": [], "first": None, "last": None}
    labels = [f"run {r['run']}" if r.get("run") is not None else f"#{i + 1}"
              for i, r in enumerate(runs)]
    charts = [_line_chart("trend-findings", "Findings per severity", labels, [
        (sev, SEVERITY_COLOURS[sev], "", [_number(_map(r.get("findings")).get(sev)) for r in runs])
        for sev in SEVERITIES
    ])]
    pillar_ids = _ordered({str(p) for r in runs for p in _map(r.get("coverage"))}, order)
    if pillar_ids:
        charts.append(_line_chart("trend-coverage", "Claims per pillar", labels, [
            (names.get(pid, pid), *_series_style(i),
             [_number(_map(r.get("coverage")).get(pid)) for r in runs])
            for i, pid in enumerate(pillar_ids)
        ]))
    if any(_map(r.get("styles")) for r in runs):
        charts.append(_line_chart("trend-styles", "Claims per style", labels, [
            (s, STYLE_COLOURS[s], "", [_number(_map(r.get("styles")).get(s)) for r in runs])
            for s in STYLES
        ]))
    return {"runs": len(runs), "charts": charts,
            "first": str(runs[0].get("created_at") or labels[0]),
            "last": str(runs[-1].get("created_at") or labels[-1])}


def _finding_key(f: Mapping[str, Any]) -> tuple[Any, ...]:
    loc = f["location"]
    return (loc["source"], loc.get("slide") or loc.get("page") or 0, loc.get("line") or 0,
            loc.get("column") or 0, loc.get("element") or "", f["check"], f["message"])


def _documents(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    findings = sorted(data["findings"], key=_finding_key)
    by_source: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        by_source.setdefault(f["location"]["source"], []).append({
            **f,
            "evidence": [(str(k), _fmt(v, 3) if isinstance(v, float) else str(v))
                         for k, v in _map(f.get("evidence")).items()],
        })
    summaries = {d["source"]: d for d in data["documents"]}
    out = []
    for i, source in enumerate(sorted(set(summaries) | set(by_source)), start=1):
        doc = summaries.get(source, {})
        items = by_source.get(source, [])
        counts = {s: sum(1 for f in items if f["severity"] == s) for s in SEVERITIES}
        out.append({"id": f"doc-{i}", "source": source, "kind": doc.get("kind"),
                    "claims": doc.get("claims"), "findings": items, "counts": counts})
    return out


def context(report: Report) -> dict[str, Any]:
    """Everything the template shows, laid out: numbers formatted, colours and chart geometry
    computed. Input text is passed through as plain strings, for the template to escape."""
    data = report.to_dict()
    extras = _map(data.get("cross_asset"))
    coverage_raw = _map(extras.get("coverage"))
    names = _pillar_names(data, coverage_raw)
    order = _pillar_order(data, coverage_raw)
    counts = data["summary"]["findings"]
    digest = str(data["platform"]["digest"] or "")
    sections = {
        "coverage": _coverage(extras, names, order),
        "style_mix": _style_mix(extras, data),
        "leads": _leads(extras, names, order),
        "competing": _competing(extras, names),
        "shadow": _shadow(extras),
        "value_prop": _value_prop(extras),
        "trends": _trends(extras, names, order),
    }
    titles = {"coverage": "Coverage", "style_mix": "Style mix", "leads": "Leads",
              "competing": "Competing claims", "shadow": "Shadow messages",
              "value_prop": "Value proposition", "trends": "Trends"}
    nav = [(key.replace("_", "-"), titles[key]) for key, value in sections.items()
           if value is not None]
    nav.append(("findings", "Findings"))
    return {
        "company": str(data["platform"]["company"] or ""),
        "digest": digest,
        "digest_short": digest[:12],
        "version": str(data["tool_version"]),
        "created_at": str(data["created_at"]),
        "counts": [{"severity": s, "count": int(counts.get(s, 0)),
                    "label": plural(int(counts.get(s, 0)), s).split(" ", 1)[1],
                    "colour": SEVERITY_COLOURS[s]} for s in SEVERITIES],
        "total_findings": sum(int(counts.get(s, 0)) for s in SEVERITIES),
        "documents_count": int(data["summary"]["documents"]),
        "claims_count": int(data["summary"]["claims"]),
        "nav": nav,
        "style_colours": STYLE_COLOURS,
        "styles": STYLES,
        "severities": SEVERITIES,
        "documents": _documents(data),
        "held_back": held_back(report),
        **sections,
    }


def render(report: Report) -> str:
    """The report as one self-contained HTML page."""
    return _environment().get_template("report.html.j2").render(context(report))
