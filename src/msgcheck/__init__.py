"""msgcheck: check sales decks, web pages and drafts against a message platform, by meaning.

The small public API: `load_platform`, `check_paths`, and the `Finding` and `Report` types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from msgcheck.version import __version__

__all__ = ["Finding", "Report", "__version__", "check_paths", "load_platform"]

if TYPE_CHECKING:
    from msgcheck.model import Finding, Report
    from msgcheck.platform import MessagePlatform, load_platform


def __getattr__(name: str) -> Any:
    # Lazy: `import msgcheck` must stay cheap for `msgcheck --help`.
    if name in ("Finding", "Report"):
        from msgcheck import model

        return getattr(model, name)
    if name == "load_platform":
        from msgcheck.platform import load_platform

        return load_platform
    raise AttributeError(name)


def check_paths(paths: list[str], platform: str | MessagePlatform) -> Report:
    """Scan files and folders against a platform (a path or a loaded platform); return the Report."""
    from msgcheck.pipeline import Engine
    from msgcheck.platform import load_platform as _load

    loaded = _load(platform) if isinstance(platform, str) else platform
    return Engine(loaded).run(paths)
