"""The crawler child process: the only code that imports Scrapy and Twisted.

Run as `python -m msgcheck.crawl.child CONFIG.json SPOOL` by `msgcheck.crawl.runner`, one
process per crawl. Laid out like a Scrapy project: `spider.py` (what is requested, recorded and
skipped), `middlewares.py`, `throttle.py`, `cache.py` (the HTTP cache storage) and
`settings.py`; `__main__.py` is the entry point.

What the child does that stock Scrapy does not:

* honours robots.txt `Crawl-delay` (`CrawlDelayThrottle`, an AutoThrottle subclass that reads the
  parsed robots.txt and keeps the host's delay at or above it); the same subclass lets a 304
  lower the delay as a 200 does (stock AutoThrottle would crawl a night of 304s at its start
  delay);
* retries with exponential back-off and `Retry-After` (`BackoffRetryMiddleware`);
* strips tracking parameters (utm_*, gclid, fbclid, mc_cid...) and follows `rel=canonical`
  before scheduling, so one page is fetched and analysed once;
* never leaves the allowed hosts, not even through a redirect (`HostGuardMiddleware`), and
  reports redirect loops by name (`RedirectLoopMiddleware`);
* stops downloading anything that is not HTML once its headers arrive;
* writes the HTTP cache crash-safely, and on a 304 only its headers (`CacheStorage`);
* sends `Cache-Control: max-age=0` with every request, so Scrapy's RFC 2616 HTTP cache turns
  the next night's crawl into conditional requests (If-None-Match / If-Modified-Since) answered
  with 304s, while the spider still gets the cached body and follows its links.

Nothing in this package's `__init__` imports Scrapy, so naming the package costs nothing; its
modules do, at the top, as in any Scrapy project.
"""
