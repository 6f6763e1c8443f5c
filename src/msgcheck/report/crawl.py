"""Crawl reports: the nightly run as text, JSON, Markdown or HTML, and the history as text.

Each renderer takes a `msgcheck.crawl.CrawlReport` (or `history.trends` data) and returns a
string; `render` picks one by `--format` name. Text from crawled pages goes through
`report.markdown.escape` in Markdown, and through the HTML report's own escaping in HTML.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from msgcheck.history import trends
from msgcheck.model import CrossAsset, DocumentSummary, Report
from msgcheck.report import html
from msgcheck.report.markdown import escape
from msgcheck.report.words import plural

if TYPE_CHECKING:
    from msgcheck.crawl import CrawlReport
    from msgcheck.model import Finding

FORMATS = ("text", "json", "markdown", "html")
"""What `render` can write."""
MD_LIMIT = 50
"""Findings and pages listed in the Markdown report before "... and N more"."""


def render(report: CrawlReport, fmt: str, db_url: str) -> str:
    """The report in `fmt`, one of FORMATS; the HTML one charts the runs stored at `db_url`."""
    if fmt == "html":
        return render_html(report, db_url)
    return {"text": render_text, "json": render_json, "markdown": render_markdown}[fmt](report)


def headline(report: CrawlReport) -> str:
    """One line: pages (analysed, unchanged), failures, new and resolved findings."""
    s = report.stats
    return (f"{plural(s['pages'], 'page')} ({s['analysed']} analysed, {s['reused']} unchanged), "
            f"{plural(len(report.failures), 'failure')}, {len(report.new)} new and "
            f"{len(report.resolved)} resolved findings")


def render_html(report: CrawlReport, db_url: str, last_n: int = 30) -> str:
    """The self-contained HTML report: per-page findings, plus trend charts over past runs."""
    runs = trends(db_url, last_n)["runs"]
    as_report = Report(
        findings=report.findings,
        documents=tuple(DocumentSummary(p.url, "html", p.claims, {}, {}, {})
                        for p in report.pages),
        platform_digest=report.platform_digest,
        company=report.company,
        tool_version=report.tool_version,
        created_at=report.finished_at,
        cross_asset=CrossAsset.of(trends=[
            {"run": r["id"], "created_at": r["started_at"], "findings": r["findings"],
             "coverage": r["coverage"], "styles": r["styles"]} for r in runs]),
    )
    return html.render(as_report)


def render_json(report: CrawlReport) -> str:
    """The crawl report as JSON (docs/crawl.md), unindented: a site's report runs to megabytes,
    and Python's indenting encoder took longer than the whole crawl of an unchanged site."""
    return json.dumps(report.to_dict(), ensure_ascii=False) + "\n"


def _shares(section: Mapping[str, Mapping[str, Any]]) -> str:
    if not section:
        return "none"
    return ", ".join(f"{k} {v.get('share', 0):.0%}" for k, v in section.items())


def _line(f: Finding) -> str:
    return f"  {f.severity.value:<10} {f.location}  {f.check}  {f.message}"


def render_text(report: CrawlReport) -> str:
    """A terminal summary: what changed since the last run, failures, then the figures."""
    lines = [f"msgcheck crawl, run {report.run_id} ({report.finished_at}): "
             f"{', '.join(report.start_urls) or 'sitemap'}", headline(report)]
    if report.truncated:
        lines.append("note: --max-pages stopped the crawl before it ran out of links")
    for title, findings in (("new findings", report.new), ("resolved findings", report.resolved)):
        lines += ["", f"{title} ({len(findings)}):"]
        lines += [_line(f) for f in findings[:MD_LIMIT]] or ["  none"]
        if len(findings) > MD_LIMIT:
            lines.append(f"  ... and {len(findings) - MD_LIMIT} more (--format json lists all)")
    if report.failures:
        lines += ["", f"failures ({len(report.failures)}):"]
        lines += [f"  {f.url}  {f.reason}" for f in report.failures]
    s = report.summary
    counts = s.get("findings", {})
    secs = report.stats.get("seconds", {})
    lines += [
        "",
        f"coverage: {_shares(s.get('coverage', {}))}",
        f"styles: {_shares(s.get('styles', {}))}",
        f"findings on these pages: {counts.get('error', 0)} errors, "
        f"{counts.get('warning', 0)} warnings, {counts.get('suggestion', 0)} suggestions "
        f"({s.get('open', 0)} open in history)",
        f"revalidated with 304: {report.stats.get('revalidated', 0)}; skipped URLs: "
        f"{len(report.skipped)}; took {secs.get('total', 0)} s (crawl {secs.get('crawl', 0)} s,"
        f" analysis {secs.get('analysis', 0)} s)",
    ]
    return "\n".join(lines) + "\n"


def _md_findings(findings: Sequence[Finding]) -> list[str]:
    if not findings:
        return ["None."]
    lines = ["| Severity | Where | Check | Message |", "|---|---|---|---|"]
    for f in findings[:MD_LIMIT]:
        lines.append(f"| {f.severity.value} | {escape(f.location)} | `{f.check}` | "
                     f"{escape(f.message, limit=300)} |")
    if len(findings) > MD_LIMIT:
        lines += ["", f"\u2026 and {len(findings) - MD_LIMIT} more."]
    return lines


def render_markdown(report: CrawlReport) -> str:
    """The crawl report for a chat message or an issue: changes first, then pages."""
    s = report.summary
    counts = s.get("findings", {})
    where = escape(", ".join(report.start_urls) or "the sitemap")
    lines = [f"### msgcheck crawl: {len(report.new)} new, {len(report.resolved)} resolved",
             "", f"Run {report.run_id} of {where} against the {escape(report.company)} message "
             f"platform: {escape(headline(report))}.", "",
             "| Pages | Analysed | Unchanged | 304s | Failures | Errors | Warnings | "
             "Suggestions |", "|--:|--:|--:|--:|--:|--:|--:|--:|",
             f"| {report.stats['pages']} | {report.stats['analysed']} | "
             f"{report.stats['reused']} | {report.stats['revalidated']} | "
             f"{len(report.failures)} | {counts.get('error', 0)} | {counts.get('warning', 0)} | "
             f"{counts.get('suggestion', 0)} |", ""]
    lines += ["#### New findings", "", *_md_findings(report.new), ""]
    lines += ["#### Resolved findings", "", *_md_findings(report.resolved), ""]
    lines += ["#### Failures", ""]
    if report.failures:
        lines += ["| URL | Reason |", "|---|---|"]
        lines += [f"| {escape(f.url)} | {escape(f.reason)} |"
                  for f in report.failures[:MD_LIMIT]]
    else:
        lines.append("None.")
    lines += ["", "#### Coverage and style", "",
              f"Pillars: {escape(_shares(s.get('coverage', {})))}. "
              f"Styles: {escape(_shares(s.get('styles', {})))}.", "", "#### Pages", ""]
    with_findings = [p for p in report.pages if p.findings]
    lines += ["| Page | Claims | Findings | New |", "|---|--:|--:|--:|"]
    for p in with_findings[:MD_LIMIT]:
        lines.append(f"| {escape(p.url)} | {p.claims} | {len(p.findings)} | {len(p.new)} |")
    if len(with_findings) > MD_LIMIT:
        lines.append(f"\n\u2026 and {len(with_findings) - MD_LIMIT} more pages with findings.")
    clean = len(report.pages) - len(with_findings)
    lines += ["", f"{plural(clean, 'page')} without findings."]
    return "\n".join(lines) + "\n"


def render_trends(data: Mapping[str, Any]) -> str:
    """`msgcheck history` as text: one row per run, then pillar coverage over the runs."""
    runs = data.get("runs", [])
    if not runs:
        return f"no finished runs in {data.get('db')}\n"
    lines = [f"{'run':>5}  {'finished':20}  {'pages':>5}  {'claims':>6}  {'err':>4} {'warn':>5} "
             f"{'sugg':>5}  {'new':>4} {'resolved':>8}  styles (pain/feature/neutral)"]
    for r in runs:
        f = r["findings"]
        st = r["styles"]
        lines.append(
            f"{r['id']:>5}  {r['finished_at'] or '':20}  {r['pages']:>5}  {r['claims']:>6}  "
            f"{f.get('error', 0):>4} {f.get('warning', 0):>5} {f.get('suggestion', 0):>5}  "
            f"{r['new']:>4} {r['resolved']:>8}  "
            f"{st.get('pain', 0):.0%}/{st.get('feature', 0):.0%}/{st.get('neutral', 0):.0%}")
    if data.get("pillars"):
        lines += ["", "pillar coverage (share of claims, oldest to newest run):"]
        width = max(len(p) for p in data["pillars"])
        for pillar, values in data["series"]["coverage"].items():
            lines.append(f"  {pillar:<{width}}  " + " ".join(f"{v:>4.0%}" for v in values))
    others = data.get("other_runs", [])
    if others:
        lines += ["", "runs that did not finish: " + ", ".join(
            f"{o['id']} ({o['status']})" for o in others)]
    return "\n".join(lines) + "\n"
