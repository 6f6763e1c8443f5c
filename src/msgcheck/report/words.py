"""Wording shared by the renderers."""

from __future__ import annotations


def plural(n: int, word: str) -> str:
    """The count and the word, with an `s` unless the count is one: `1 page`, `3 pages`."""
    return f"{n} {word}{'' if n == 1 else 's'}"
