"""URLs as the crawler compares them: normalised, without tracking parameters, by host.

Two spellings of one page (`/pricing?utm_source=x#plans` and `/pricing`) must give one string,
so a page is requested, analysed and stored once. Used by the parent and the crawler child.
"""

from __future__ import annotations

from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset({
    "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "fbclid", "msclkid", "yclid", "twclid",
    "ttclid", "li_fat_id", "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi",
    "hsctatracking", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "vero_conv", "s_kwcid",
    "ef_id", "srsltid", "_openstat", "rb_clickid",
})
"""Query parameters that identify a click, not a page (compared in lower case)."""
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
"""Parameter-name prefixes of campaign tags (Google Analytics, Piwik/Matomo)."""

SKIP_EXTENSIONS = frozenset((
    "7z avi bin bmp css csv dmg doc docx eot exe flac gif gz ico iso jar jpeg jpg js json m4a "
    "m4v mkv mov mp3 mp4 mpeg mpg odp ods odt ogg otf pdf png ppt pptx ps rar rss svg tar tgz "
    "tif tiff ttf txt wav webm webp wma wmv woff woff2 xls xlsx xml zip").split())
"""Link targets not worth a request: they are never HTML pages."""


def strip_tracking(query: str) -> str:
    """The query string without tracking parameters, the rest sorted (a stable key)."""
    if not query:
        return ""
    kept = []
    for part in query.split("&"):
        if not part:
            continue
        name = unquote_plus(part.split("=", 1)[0]).strip().lower()
        if name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES):
            continue
        kept.append(part)
    return "&".join(sorted(kept))


def normalise_url(url: str, base: str | None = None) -> str | None:
    """Absolute http(s) URL without fragment, tracking parameters or default port; else None.

    Scheme and host are lower-cased, an empty path becomes `/`, and the remaining query
    parameters are sorted, so two spellings of one page give one string.
    """
    url = url.strip()
    if not url:
        return None
    if base is not None:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and not (scheme == "http" and port == 80 or
                                 scheme == "https" and port == 443):
        host = f"{host}:{port}"
    return urlunsplit((scheme, host, parts.path or "/", strip_tracking(parts.query), ""))


def netloc(url: str) -> str:
    """`host[:port]` of a normalised URL, as allowed hosts are compared."""
    return urlsplit(url).netloc.lower()


def extension(url: str) -> str:
    """The lower-cased file extension of the URL's last path segment, or ``""``."""
    path = urlsplit(url).path
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""
