"""AutoThrottle that honours robots.txt `Crawl-delay` and treats a 304 as a healthy answer."""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.extensions.throttle import AutoThrottle

from msgcheck.crawl.runner import ROBOTS_AGENT


class CrawlDelayThrottle(AutoThrottle):
    """AutoThrottle that keeps each host's delay at or above its robots.txt Crawl-delay."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.cap = crawler.settings.getfloat("MSGCHECK_CRAWL_DELAY_CAP", 60.0)
        self.floors: dict[str, float] = {}
        self.measured: set[int] = set()
        crawler.signals.connect(self._robots_parsed, signal=signals.robots_parsed)

    def _robots_parsed(self, robotparser: Any, request: Any) -> None:
        delay = robotparser.crawl_delay(ROBOTS_AGENT)
        if not delay:
            return
        floor = min(float(delay), self.cap)
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        self.floors[key] = floor
        # New slots for this host (after Scrapy's slot GC) start at the floor too.
        downloader.per_slot_settings.setdefault(key, {})["delay"] = floor
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay = max(slot.delay, floor)
        self.crawler.stats.set_value(f"msgcheck/crawl_delay/{key}", floor)

    def _adjust_delay(self, slot: Any, latency: float, response: Any) -> None:
        # Stock AutoThrottle only lowers the delay after a 200, so a night of 304s would
        # crawl at the start delay all night; a 304 is as healthy an answer as a 200.
        # And the start delay only stands until the host has answered once: averaging down
        # from it (stock behaviour) spent about 2 s of every night's crawl on that.
        target = latency / self.target_concurrency
        smoothed = target if id(slot) not in self.measured else (slot.delay + target) / 2.0
        self.measured.add(id(slot))
        new_delay = min(max(self.mindelay, target, smoothed), self.maxdelay)
        if response.status in (200, 304) or new_delay > slot.delay:
            slot.delay = new_delay
        key = None
        for name, candidate in self.crawler.engine.downloader.slots.items():
            if candidate is slot:
                key = name
                break
        floor = self.floors.get(key or "", 0.0)
        if slot.delay < floor:
            slot.delay = floor
