"""Scrapy settings for one crawl, made from a CrawlConfig."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from msgcheck.crawl.child.cache import CacheStorage
from msgcheck.crawl.child.middlewares import (
    BackoffRetryMiddleware,
    HostGuardMiddleware,
    NetworkStatusMiddleware,
    RedirectLoopMiddleware,
)
from msgcheck.crawl.child.throttle import CrawlDelayThrottle
from msgcheck.crawl.runner import ROBOTS_AGENT, CrawlConfig

EXTENSIONS: dict[Any, int | None] = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    CrawlDelayThrottle: 0,
    "scrapy.extensions.feedexport.FeedExporter": None,
    "scrapy.extensions.spiderstate.SpiderState": None,
    "scrapy.extensions.memdebug.MemoryDebugger": None,
    "scrapy.extensions.remote_control.RemoteControl": None,  # no listening socket
}
"""Stock AutoThrottle replaced by CrawlDelayThrottle; extensions a crawl never uses are off."""
SPIDER_MIDDLEWARES: dict[Any, int | None] = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,  # the spider counts depth
}
"""Spider middlewares changed from Scrapy's defaults."""
DOWNLOADER_MIDDLEWARES: dict[Any, int | None] = {
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
    HostGuardMiddleware: 50,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    BackoffRetryMiddleware: 550,
    RedirectLoopMiddleware: 650,
    NetworkStatusMiddleware: 950,
}
"""Downloader middlewares changed from Scrapy's defaults: msgcheck's in, those they replace out."""


def scrapy_settings(config: CrawlConfig) -> dict[str, Any]:
    """Scrapy's settings for `config`, with msgcheck's components in place of stock ones."""
    settings: dict[str, Any] = {
        "USER_AGENT": config.user_agent,
        # Every request, robots.txt and sitemaps included, revalidates what the HTTP cache holds:
        # a conditional GET answered by a 304, never a stale copy taken on trust.
        "DEFAULT_REQUEST_HEADERS": {
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Language": "en",
            "Cache-Control": "max-age=0",
        },
        "ROBOTSTXT_OBEY": True,
        "ROBOTSTXT_USER_AGENT": ROBOTS_AGENT,
        "COOKIES_ENABLED": False,  # also keeps tldextract from fetching the suffix list
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": config.log_level,
        "LOGSTATS_INTERVAL": 0,
        "DOWNLOAD_TIMEOUT": config.timeout,
        "DOWNLOAD_MAXSIZE": config.max_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "DOWNLOAD_DELAY": 0,
        "DOWNLOAD_DELAY_JITTER": 0.0,  # Crawl-delay is a floor, not an average
        "CONCURRENT_REQUESTS": max(8, config.concurrency * 2),
        "CONCURRENT_REQUESTS_PER_DOMAIN": config.concurrency,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_DEBUG": config.log_level == "DEBUG",
        "AUTOTHROTTLE_START_DELAY": config.start_delay,
        "AUTOTHROTTLE_MAX_DELAY": config.max_delay,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": config.target_concurrency,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": config.retries,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "REDIRECT_MAX_TIMES": 10,
        # Scrapy starts this many asyncio workers for every callback's output; the spider yields
        # a handful of requests per page, and the default 100 made a 304 night CPU-bound.
        "CONCURRENT_ITEMS": 8,
        "DEPTH_LIMIT": 0,
        "DEPTH_PRIORITY": 1,  # breadth first: with --max-pages, the shallow pages come first
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        "HTTPERROR_ALLOW_ALL": False,
        "EXTENSIONS": dict(EXTENSIONS),
        "SPIDER_MIDDLEWARES": dict(SPIDER_MIDDLEWARES),
        "DOWNLOADER_MIDDLEWARES": dict(DOWNLOADER_MIDDLEWARES),
        "MSGCHECK_HOSTS": list(config.hosts()),
        "MSGCHECK_BACKOFF": config.backoff,
        "MSGCHECK_BACKOFF_MAX": config.backoff_max,
        "MSGCHECK_CRAWL_DELAY_CAP": config.crawl_delay_cap,
    }
    if config.http_cache_dir:
        settings.update({
            "HTTPCACHE_ENABLED": True,
            "HTTPCACHE_POLICY": "scrapy.extensions.httpcache.RFC2616Policy",
            "HTTPCACHE_STORAGE": CacheStorage,
            "HTTPCACHE_DIR": str(Path(config.http_cache_dir).resolve()),
            "HTTPCACHE_GZIP": False,
        })
    return settings
