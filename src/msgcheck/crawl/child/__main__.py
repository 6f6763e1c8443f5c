"""`python -m msgcheck.crawl.child CONFIG.json SPOOL`: run one crawl, write the spool, exit."""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from msgcheck.crawl.runner import CrawlConfig


def _watch_parent() -> None:
    """Exit as soon as the parent closes our stdin (it finished, or it was killed)."""
    def watch() -> None:
        try:
            while sys.stdin.buffer.read(1024):
                pass
        except (OSError, ValueError):
            pass
        os._exit(3)

    threading.Thread(target=watch, name="msgcheck-parent-watch", daemon=True).start()


def main(argv: Sequence[str]) -> int:
    """Crawl with the config at argv[0] into the spool folder argv[1]; 0 when the crawl ran."""
    config_path, spool_arg = argv
    spool = Path(spool_arg)
    config = CrawlConfig.from_dict(json.loads(Path(config_path).read_text(encoding="utf-8")))
    known = json.loads((spool / "known.json").read_text(encoding="utf-8"))
    _watch_parent()
    # Scrapy takes about a second to import: with the watcher already running, a parent that
    # goes away meanwhile is noticed at once.
    from scrapy.crawler import CrawlerProcess

    from msgcheck.crawl.child.settings import scrapy_settings
    from msgcheck.crawl.child.spider import SiteSpider

    process = CrawlerProcess(scrapy_settings(config))
    process.crawl(SiteSpider, config=config, spool=spool, known=known)
    process.start()
    return 0


if __name__ == "__main__":
    status = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    # The stdin watcher thread blocks in read(); a normal interpreter shutdown would abort on it.
    os._exit(status)
