"""The HTTP cache storage: Scrapy's filesystem cache, written crash-safely."""

from __future__ import annotations

import pickle
import time
from pathlib import Path
from typing import Any

from scrapy.extensions.httpcache import FilesystemCacheStorage
from w3lib.http import headers_dict_to_raw

from msgcheck.fileio import write_atomic


class CacheStorage(FilesystemCacheStorage):
    """Scrapy's filesystem HTTP cache, written crash-safely, and not rewritten on a 304.

    Each file is written to a temporary name and renamed, and `pickled_meta` (what a lookup
    reads first) last, so a run killed mid-write leaves the entry old or absent, never a
    truncated body. A revalidated response (flagged `cached`) is not stored again: its body
    and validators are on disk already, and every request revalidates anyway
    (`max-age=0`), so the refreshed Date and timestamp would change nothing.
    """

    def store_response(self, spider: Any, request: Any, response: Any) -> None:
        """Store a fresh response; a revalidated one already on disk is left as it is."""
        rpath = Path(self._get_request_path(spider, request))
        if "cached" in response.flags and (rpath / "pickled_meta").exists():
            return
        rpath.mkdir(parents=True, exist_ok=True)
        metadata = {"url": request.url, "method": request.method,
                    "status": response.status, "response_url": response.url,
                    "timestamp": time.time()}
        write_atomic(rpath / "response_body", response.body)
        data = {k: v for k, v in response.to_dict().items()
                if k not in {"url", "status", "headers", "body"}}
        write_atomic(rpath / "response_data", pickle.dumps(data, protocol=4))
        write_atomic(rpath / "response_headers", headers_dict_to_raw(response.headers) or b"")
        write_atomic(rpath / "pickled_meta", pickle.dumps(metadata, protocol=4))
