"""The website crawler and the nightly run.

`urls` normalises URLs; `runner` starts one crawl in a child process (`child/`, the only code
that imports Scrapy) and reads back what it fetched; `nightly` analyses what changed and records
the run in the history store. Importing this package imports neither Scrapy nor SQLAlchemy.
"""

from __future__ import annotations

from msgcheck.crawl.nightly import (
    AnalysisSettings,
    CrawlReport,
    PageResult,
    analysis_key,
    check_site,
    default_http_cache,
    run_nightly,
)
from msgcheck.crawl.runner import CrawlConfig, CrawlError, CrawlResult, crawl
from msgcheck.crawl.urls import normalise_url

__all__ = [
    "AnalysisSettings",
    "CrawlConfig",
    "CrawlError",
    "CrawlReport",
    "CrawlResult",
    "PageResult",
    "analysis_key",
    "check_site",
    "crawl",
    "default_http_cache",
    "normalise_url",
    "run_nightly",
]
