"""`msgcheck crawl` and `msgcheck history`: the nightly website check and its trends.

Registered in `msgcheck.cli` with the other commands. Like every `cli` module, it prints; Scrapy, SQLAlchemy and the pipeline are imported inside the commands, so
importing it costs no more than click.

Exit status of `crawl`: 0 when no NEW finding is at or above `--fail-on`; 1 when one is; 2 when
the run cannot be judged (bad platform, no start URL answered, the history store is busy).
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from msgcheck.cli.common import FAIL_ON, ExitStatus, echo, fail_status

if TYPE_CHECKING:
    from msgcheck.crawl import CrawlReport
    from msgcheck.model import Finding

CRAWL_FORMATS = ("text", "json", "markdown", "html")
HISTORY_FORMATS = ("text", "json")
MD_LIMIT = 50
"""Findings and pages listed in the Markdown report before "... and N more"."""


def _db_url(value: str | None) -> str:
    from msgcheck.embed import default_cache_dir
    from msgcheck.history import db_url_from, default_db_url

    return db_url_from(value) if value else default_db_url(default_cache_dir())


def _patterns(values: Sequence[str], flag: str) -> tuple[str, ...]:
    for value in values:
        try:
            re.compile(value)
        except re.error as exc:
            raise click.BadParameter(f"{value!r} is not a regular expression: {exc}",
                                     param_hint=flag) from None
    return tuple(values)


@click.command("crawl")
@click.argument("urls", nargs=-1, metavar="URL...")
@click.option("--platform", "platform_path", metavar="PATH",
              help="Message platform file, or a folder holding platform.yaml. "
                   "[env: MSGCHECK_PLATFORM]")
@click.option("--sitemap", "sitemaps", multiple=True, metavar="URL",
              help="A sitemap.xml (or sitemap index) whose pages are crawled too. Repeatable.")
@click.option("--db", "db", metavar="URL", envvar="MSGCHECK_DB",
              help="History database: sqlite:///file, a file path, or postgresql://... "
                   "[default: history.sqlite in the msgcheck cache folder; env: MSGCHECK_DB]")
@click.option("--max-pages", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Request at most this many pages.")
@click.option("--max-depth", type=click.IntRange(min=0), default=10, show_default=True,
              help="Follow links at most this many clicks from a start URL.")
@click.option("--include", multiple=True, metavar="RE",
              help="Crawl only URLs matching one of these regular expressions. Repeatable.")
@click.option("--exclude", multiple=True, metavar="RE",
              help="Skip URLs matching any of these regular expressions. Repeatable.")
@click.option("--format", "fmt", type=click.Choice(CRAWL_FORMATS), default="text",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report here.")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="error", show_default=True,
              help="Exit 1 when a NEW finding is at or above this severity.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds before a request fails (it is then retried).")
@click.option("--retries", type=click.IntRange(min=0), default=2, show_default=True,
              help="Retries of a request after a 5xx, 429 or network error, with back-off.")
@click.option("--start-delay", type=click.FloatRange(min=0), default=0.25, hidden=True)
@click.option("--backoff", type=click.FloatRange(min=0), default=1.0, hidden=True)
@click.option("--lock-wait", type=click.FloatRange(min=0), default=5.0, hidden=True)
@click.option("--no-progress", is_flag=True, help="No progress bar on stderr.")
def crawl(urls: tuple[str, ...], platform_path: str | None, sitemaps: tuple[str, ...],
          db: str | None, max_pages: int, max_depth: int, include: tuple[str, ...],
          exclude: tuple[str, ...], fmt: str, output: str | None, fail_on: str, timeout: float,
          retries: int, start_delay: float, backoff: float, lock_wait: float,
          no_progress: bool) -> int:
    """Crawl a website, check its pages against the platform, and record the run.

    The first run analyses every page; later runs send conditional requests, analyse only the
    pages whose content changed, and report the findings that are new or resolved since the
    last run. `--fail-on` applies to new findings.
    """
    from msgcheck.crawl import CrawlConfig, analysis_key, check_site, default_http_cache
    from msgcheck.embed import default_cache_dir
    from msgcheck.history import History
    from msgcheck.platform import load_platform

    value = platform_path or os.environ.get("MSGCHECK_PLATFORM")
    if not value:
        raise click.UsageError("no platform: pass --platform PATH (or set MSGCHECK_PLATFORM)")
    if not urls and not sitemaps:
        raise click.UsageError("nothing to crawl: pass a start URL and/or --sitemap URL")
    from msgcheck.crawl import normalise_url

    for url in (*urls, *sitemaps):
        if normalise_url(url) is None:
            raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="URL")
    starts = [normalise_url(u) for u in urls]
    platform = load_platform(value)
    from msgcheck.checks.base import CheckOptions

    # What the stored findings depend on, known without importing the pipeline: an unchanged
    # night never loads it.
    identity = _AnalysisInputs(CheckOptions(), os.environ.get("MSGCHECK_STYLE_MODEL"))
    cache_dir = default_cache_dir()
    db_url = _db_url(db)
    config = CrawlConfig(
        start_urls=tuple(u for u in starts if u),
        sitemaps=tuple(s.strip() for s in sitemaps),
        max_pages=max_pages, max_depth=max_depth,
        include=_patterns(include, "--include"), exclude=_patterns(exclude, "--exclude"),
        timeout=timeout, retries=retries, backoff=backoff, start_delay=start_delay,
        http_cache_dir=str(default_http_cache(db_url, cache_dir)),
    )
    history = History(db_url)

    def make_engine() -> Any:
        from msgcheck.pipeline import Engine, Settings

        return Engine(platform, Settings(options=identity.options,
                                         style_model=identity.style_model,
                                         cache_dir=cache_dir,
                                         created_at=os.environ.get("MSGCHECK_FIXED_TIME")))

    show = not no_progress and sys.stderr.isatty()
    with _Progress(enabled=show, total=max_pages) as progress:
        try:
            report = check_site(
                config, history, make_engine, analysis_key(platform.digest, identity),
                company=platform.company, platform_digest=platform.digest,
                progress=progress.update, lock_wait=lock_wait)
        finally:
            history.close()
    if fmt == "html":
        rendered = render_html(report, db_url)
    else:
        rendered = {"text": render_text, "json": render_json, "markdown": render_markdown}[fmt](
            report)
    if output:
        Path(output).write_text(rendered, encoding="utf-8")
        echo(f"wrote {output}: {_headline(report)}", err=True)
    else:
        echo(rendered)

    if fail_on == "never":
        return int(ExitStatus.OK)
    return int(fail_status(_NewFindings(report.new), fail_on))


class _NewFindings:
    """What `fail_status` reads: the gate is on the findings that are new this run."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = findings


class _AnalysisInputs:
    """The settings `crawl.analysis_key` reads (the same fields as pipeline.Settings)."""

    def __init__(self, options: Any, style_model: str | None) -> None:
        self.options = options
        self.style_model = style_model


@click.command("history")
@click.option("--db", "db", metavar="URL", envvar="MSGCHECK_DB",
              help="History database (as for `crawl`). [env: MSGCHECK_DB]")
@click.option("--last", "last_n", type=click.IntRange(min=1), default=14, show_default=True,
              help="Show the last N finished runs.")
@click.option("--format", "fmt", type=click.Choice(HISTORY_FORMATS), default="text",
              show_default=True)
def history(db: str | None, last_n: int, fmt: str) -> int:
    """Trends over past crawls: pillar coverage, style mix, findings, new and resolved."""
    from msgcheck.history import trends

    data = trends(_db_url(db), last_n)
    if fmt == "json":
        echo(json.dumps(data, indent=2, sort_keys=True))
    else:
        echo(render_trends(data))
    return 0


# --------------------------------------------------------------------------------------------
# Progress (stderr)


class _Progress:
    """A rich progress bar on stderr while the child crawls, then a status for the analysis."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.enabled = enabled
        self.total = total
        self.pages = 0
        self.failures = 0
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                MofNCompleteColumn(), TimeElapsedColumn(),
                                TextColumn("[dim]{task.fields[url]}"),
                                console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("crawling", total=self.total, url="")
        return self

    def update(self, record: Mapping[str, Any]) -> None:
        if self.bar is None:
            return
        kind = record.get("type")
        if kind == "phase":
            self.bar.update(self.task, description=f"analysing {record.get('pages', 0)} "
                            f"changed pages", completed=self.total, url="")
            return
        if kind in ("page", "failure", "skipped"):
            self.pages += kind != "skipped"
            self.failures += kind == "failure"
            label = "crawling" + (f" ({self.failures} failed)" if self.failures else "")
            self.bar.update(self.task, completed=min(self.pages, self.total), description=label,
                            url=str(record.get("url", ""))[-60:])

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


# --------------------------------------------------------------------------------------------
# Renderers: each `render_*(report) -> str`


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _headline(report: CrawlReport) -> str:
    s = report.stats
    return (f"{_plural(s['pages'], 'page')} ({s['analysed']} analysed, {s['reused']} unchanged), "
            f"{_plural(len(report.failures), 'failure')}, {len(report.new)} new and "
            f"{len(report.resolved)} resolved findings")


def render_html(report: CrawlReport, db_url: str, last_n: int = 30) -> str:
    """The self-contained HTML report: per-page findings, plus trend charts over past runs."""
    from msgcheck.history import trends
    from msgcheck.model import DocumentSummary, Report
    from msgcheck.report import html

    runs = trends(db_url, last_n)["runs"]
    as_report = Report(
        findings=report.findings,
        documents=tuple(DocumentSummary(p.url, "html", p.claims, {}, {}, {})
                        for p in report.pages),
        platform_digest=report.platform_digest,
        company=report.company,
        tool_version=report.tool_version,
        created_at=report.finished_at,
        extras={"trends": [{"run": r["id"], "created_at": r["started_at"],
                            "findings": r["findings"], "coverage": r["coverage"],
                            "styles": r["styles"]} for r in runs]},
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
             f"{', '.join(report.start_urls) or 'sitemap'}", _headline(report)]
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


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")


def md(text: object, limit: int | None = None) -> str:
    """Text as inert inline Markdown (as report/markdown.py escapes it)."""
    out = " ".join(str(text).split())
    if limit is not None and len(out) > limit:
        out = out[: limit - 1].rstrip() + "\u2026"
    out = out.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = _MD_SPECIAL.sub(r"\\\1", out)
    return re.sub(r"@(?=[A-Za-z0-9])", "@\u2060", out)


def _md_findings(findings: Sequence[Finding]) -> list[str]:
    if not findings:
        return ["None."]
    lines = ["| Severity | Where | Check | Message |", "|---|---|---|---|"]
    for f in findings[:MD_LIMIT]:
        lines.append(f"| {f.severity.value} | {md(f.location)} | `{f.check}` | "
                     f"{md(f.message, 300)} |")
    if len(findings) > MD_LIMIT:
        lines += ["", f"\u2026 and {len(findings) - MD_LIMIT} more."]
    return lines


def render_markdown(report: CrawlReport) -> str:
    """The crawl report for a chat message or an issue: changes first, then pages."""
    s = report.summary
    counts = s.get("findings", {})
    lines = [f"### msgcheck crawl: {len(report.new)} new, {len(report.resolved)} resolved",
             "", f"Run {report.run_id} of {md(', '.join(report.start_urls) or 'the sitemap')} "
             f"against the {md(report.company)} message platform: {md(_headline(report))}.", "",
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
        lines += [f"| {md(f.url)} | {md(f.reason)} |" for f in report.failures[:MD_LIMIT]]
    else:
        lines.append("None.")
    lines += ["", "#### Coverage and style", "",
              f"Pillars: {md(_shares(s.get('coverage', {})))}. "
              f"Styles: {md(_shares(s.get('styles', {})))}.", "", "#### Pages", ""]
    with_findings = [p for p in report.pages if p.findings]
    lines += ["| Page | Claims | Findings | New |", "|---|--:|--:|--:|"]
    for p in with_findings[:MD_LIMIT]:
        lines.append(f"| {md(p.url)} | {p.claims} | {len(p.findings)} | {len(p.new)} |")
    if len(with_findings) > MD_LIMIT:
        lines.append(f"\n\u2026 and {len(with_findings) - MD_LIMIT} more pages with findings.")
    clean = len(report.pages) - len(with_findings)
    lines += ["", f"{_plural(clean, 'page')} without findings."]
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
