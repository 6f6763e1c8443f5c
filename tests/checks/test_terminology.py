"""Terminology matching rules, on word boundaries, with the column of the match."""

from __future__ import annotations

from msgcheck.checks.terminology import term_pattern


def test_avoid_terms_ignore_case_and_respect_word_boundaries():
    p = term_pattern("best-in-class", True)
    assert p.search("Our Best-in-Class OCR")
    assert not p.search("best-in-classroom")
    seamless = term_pattern("seamless", True)
    assert seamless.search("A seamless sync") and not seamless.search("seamlessly")


def test_multi_word_avoid_terms_match_across_spacing_and_hyphens():
    p = term_pattern("AI powered", True)
    assert p.search("our AI-powered engine") and p.search("AI  powered")


def test_product_variants_are_case_sensitive():
    p = term_pattern("Ledgerline match", False)
    assert p.search("Try Ledgerline match today")
    assert not p.search("Try Ledgerline Match today")
