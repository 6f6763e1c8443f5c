"""The senses of avoided terms, taught by example: what the analysis embeds for terminology.avoid.

A platform may give an avoided term `examples`: sentences that use it in the sense to avoid, and
sentences that use it in a sense that is fine ("we guarantee a three-day close" against "track each
supplier's bank guarantee"). The analysis embeds each term's examples once per platform, and, for
each use of such a term in a claim, the words around the use: `WINDOW` words either side rather
than the whole claim, because a long claim's other clauses outweigh the few words that carry the
term's sense. `terminology.avoid` then flags a use when it is nearer the avoided examples than
the allowed ones, on average: a centroid margin.

Measured on held-out sentences of our own about the example platform's `guarantee` (ten of each
sense, two of them long claims; MiniLM, brand names masked): the centroid margin over six-word
windows sorts 19 of 20, over whole claims 18, and the nearest single example 15 (over windows).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from msgcheck.platform import AvoidTerm

WINDOW = 6
"""Words kept on each side of a use of a term: the sense of a use is in its neighbours."""

Encode = Callable[[Sequence[str]], np.ndarray]
"""Texts to normalised vectors, one row each (the engine's embedder, brand names masked)."""

UseKey = tuple[str, int, int, int]
"""A use of an avoided term: (document, claim index in the document, term index, offset)."""


@dataclass(frozen=True)
class TermExamples:
    """One avoided term's example sentences, embedded."""

    avoid: np.ndarray
    """One row per sentence using the term in the avoided sense."""
    allow: np.ndarray
    """One row per sentence using the term in an allowed sense."""

    def margin(self, vector: np.ndarray) -> float:
        """The mean similarity to the avoided examples minus the mean to the allowed ones (a
        centroid margin): above zero, the use is nearer the avoided sense."""
        return float((self.avoid @ vector).mean() - (self.allow @ vector).mean())


def window(text: str, start: int, end: int, words: int = WINDOW) -> str:
    """The use at text[start:end] with up to `words` words either side."""
    before = re.findall(r"\S+", text[:start])[-words:] if words else []
    after = re.findall(r"\S+", text[end:])[:words] if words else []
    return " ".join([*before, text[start:end], *after])


def embed_examples(terms: Sequence[AvoidTerm], encode: Encode) -> tuple[TermExamples | None, ...]:
    """Per avoided term (platform order), its examples embedded; None for a term without."""
    taught = [t for t in terms if t.has_examples]
    if not taught:
        return tuple(None for _ in terms)
    vectors = encode([s for t in taught for s in (*t.avoid_examples, *t.allow_examples)])
    out: list[TermExamples | None] = []
    row = 0
    for term in terms:
        if not term.has_examples:
            out.append(None)
            continue
        n, m = len(term.avoid_examples), len(term.allow_examples)
        out.append(TermExamples(vectors[row:row + n], vectors[row + n:row + n + m]))
        row += n + m
    return tuple(out)


def embed_uses(claims: Sequence[tuple[str, int, str]], terms: Sequence[AvoidTerm],
               encode: Encode) -> dict[UseKey, np.ndarray]:
    """Each use of a term taught by example in the claims (document, index, text): its window,
    embedded. Nothing is embedded when no claim uses such a term."""
    keys: list[UseKey] = []
    texts: list[str] = []
    for t_index, term in enumerate(terms):
        if not term.has_examples:
            continue
        for document, index, text in claims:
            for m in term.matches(text):
                keys.append((document, index, t_index, m.start()))
                texts.append(window(text, m.start(), m.end()))
    if not texts:
        return {}
    vectors = encode(texts)
    return {key: vectors[i] for i, key in enumerate(keys)}
