"""`msgcheck crawl` and `msgcheck history`: the nightly website check and its trends.

Registered in `msgcheck.cli` with the other commands. Like every `cli` module, it reads flags,
settings and the environment, prints and sets the exit status; the run itself is
`msgcheck.crawl.run_nightly` and the reports are `msgcheck.report.crawl`. Those, and with them
Scrapy, SQLAlchemy and the pipeline, are imported inside the commands, so importing this module
costs no more than click.

Exit status of `crawl`: 0 when no NEW finding is at or above `--fail-on`; 1 when one is; 2 when
the run cannot be judged (bad platform or settings, no start URL answered, the history store
is busy).
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from msgcheck.cli.common import (
    FAIL_ON,
    config_option,
    echo,
    fail_status,
    ignore_option,
    load_config_platform,
    platform_option,
    resolve_config,
    scheduler_option,
    select_option,
    style_option,
)

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
@platform_option
@config_option
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
@click.option("--fail-on", type=click.Choice(FAIL_ON), default=None,
              help="Exit 1 when a NEW finding is at or above this severity. [default: error]")
@select_option
@ignore_option
@style_option
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds before a request fails (it is then retried).")
@click.option("--retries", type=click.IntRange(min=0), default=2, show_default=True,
              help="Retries of a request after a 5xx, 429 or network error, with back-off.")
@click.option("--start-delay", type=click.FloatRange(min=0), default=0.25, hidden=True)
@click.option("--backoff", type=click.FloatRange(min=0), default=1.0, hidden=True)
@click.option("--lock-wait", type=click.FloatRange(min=0), default=5.0, hidden=True)
@scheduler_option
@click.option("--no-progress", is_flag=True, help="No progress bar on stderr.")
def crawl(urls: tuple[str, ...], platform_path: str | None, config_path: str | None,
          sitemaps: tuple[str, ...], db: str | None, max_pages: int, max_depth: int,
          include: tuple[str, ...], exclude: tuple[str, ...], fmt: str, output: str | None,
          fail_on: str | None, select: tuple[str, ...], ignore: tuple[str, ...],
          style_model: str | None, timeout: float, retries: int, start_delay: float,
          backoff: float, lock_wait: float, scheduler: str | None, no_progress: bool) -> int:
    """Crawl a website, check its pages against the platform, and record the run.

    The first run analyses every page; later runs send conditional requests, analyse only the
    pages whose content changed, and report the findings that are new or resolved since the
    last run. `--fail-on` applies to new findings. Settings not given as flags come from the
    environment, then from the msgcheck.toml found from the working folder up.
    """
    from msgcheck.config import OptionsResolver
    from msgcheck.crawl import AnalysisSettings, CrawlConfig, default_http_cache, run_nightly
    from msgcheck.embed import default_cache_dir
    from msgcheck.report import crawl as crawl_report

    # Crawl inputs are URLs, not paths: the config file is looked for from the working folder.
    settings = resolve_config((".",), platform_path=platform_path, config_path=config_path,
                              fail_on=fail_on, select=select, ignore=ignore,
                              style_model=style_model, scheduler=scheduler)
    platform = load_config_platform(settings)
    cache_dir = default_cache_dir()
    db_url = _db_url(db)
    config = CrawlConfig(
        start_urls=_start_urls(urls, sitemaps), sitemaps=tuple(s.strip() for s in sitemaps),
        max_pages=max_pages, max_depth=max_depth,
        include=_patterns(include, "--include"), exclude=_patterns(exclude, "--exclude"),
        timeout=timeout, retries=retries, backoff=backoff, start_delay=start_delay,
        http_cache_dir=str(default_http_cache(db_url, cache_dir)))
    analysis = AnalysisSettings(OptionsResolver(settings).base(), settings.style_model,
                                cache_dir, os.environ.get("MSGCHECK_FIXED_TIME"),
                                settings.scheduler)
    with _Progress(enabled=not no_progress and sys.stderr.isatty(), total=max_pages) as bar:
        report = run_nightly(platform, config, db_url, analysis, progress=bar.update,
                             lock_wait=lock_wait)
    rendered = crawl_report.render(report, fmt, db_url)
    if output:
        Path(output).write_text(rendered, encoding="utf-8")
        echo(f"wrote {output}: {crawl_report.headline(report)}", err=True)
    else:
        echo(rendered)
    return int(fail_status(_NewFindings(report.new), settings.fail_on))


def _start_urls(urls: Sequence[str], sitemaps: Sequence[str]) -> tuple[str, ...]:
    """The start URLs, normalised; a usage error when there is nothing to crawl or a bad URL."""
    from msgcheck.crawl import normalise_url

    if not urls and not sitemaps:
        raise click.UsageError("nothing to crawl: pass a start URL and/or --sitemap URL")
    normalised = [normalise_url(u) for u in (*urls, *sitemaps)]
    for url, value in zip((*urls, *sitemaps), normalised, strict=True):
        if value is None:
            raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="URL")
    return tuple(u for u in normalised[:len(urls)] if u)


@dataclass(frozen=True, slots=True)
class _NewFindings:
    """What `fail_status` reads: the gate is on the findings that are new this run."""

    findings: Sequence[Finding]
    """The run's new findings."""


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
