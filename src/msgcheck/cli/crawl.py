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
    from msgcheck.model import Finding

CRAWL_FORMATS = ("text", "json", "markdown", "html")
HISTORY_FORMATS = ("text", "json")


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
    from msgcheck.report import crawl as crawl_report

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
    rendered = crawl_report.render(report, fmt, db_url)
    if output:
        Path(output).write_text(rendered, encoding="utf-8")
        echo(f"wrote {output}: {crawl_report.headline(report)}", err=True)
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
    from msgcheck.report.crawl import render_trends

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
