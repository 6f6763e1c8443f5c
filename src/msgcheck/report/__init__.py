"""Renderers: one module per output format, each `render(report) -> str`, listed in RENDERERS."""

from __future__ import annotations

from collections.abc import Callable

from msgcheck.model import Report
from msgcheck.report import html, json_format, markdown, sarif, text

Renderer = Callable[[Report], str]

RENDERERS: dict[str, Renderer] = {
    "text": text.render,
    "json": json_format.render,
    "sarif": sarif.render,
    "markdown": markdown.render,
    "html": html.render,
}
"""Renderer per `--format` name."""
