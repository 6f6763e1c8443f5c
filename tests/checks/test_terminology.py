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


# ---------------------------------------------------------------- terminology.avoid by sense

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from msgcheck.analysis import Analysis, build_index, masked_encoder  # noqa: E402
from msgcheck.checks import CheckOptions  # noqa: E402
from msgcheck.checks.terminology import AVOID, is_legal, quoted_spans  # noqa: E402
from msgcheck.ingest import markdown  # noqa: E402
from msgcheck.model import ClaimResult  # noqa: E402
from msgcheck.pipeline import subset  # noqa: E402
from msgcheck.platform import parse_platform  # noqa: E402
from msgcheck.segment import segment  # noqa: E402
from msgcheck.senses import embed_uses, window  # noqa: E402

PLATFORM = """\
version: 1
company: Ledgerline
value_proposition: [Accounts payable that runs itself.]
pillars:
  - id: close
    name: Faster close
    key_messages: [Close the month in days, not weeks.]
terminology:
  avoid:
    - term: only
    - term: first
    - term: seamless
    - term: AI
    - term: guarantee
      examples:
        avoid:
          - we guarantee savings and a faster close
          - our guarantee of savings on every close
        allow:
          - record the bank guarantee expiry date
          - each supplier bank guarantee expiry date is tracked
"""


@pytest.fixture(scope="module")
def sense_platform():
    return parse_platform(PLATFORM, "platform.yaml")


def flagged(platform, text: str, nlp, embedder) -> list[str]:
    """The terms terminology.avoid flags in a Markdown draft (claims as segmentation makes them,
    the analysis built around them with `embedder`)."""
    doc = markdown.read(text.encode(), "draft.md")
    claims = segment([doc], nlp)
    index = build_index(platform, embedder)
    results = tuple(ClaimResult(c, "not_a_claim" if c.not_a_claim else "aligned", "neutral", {})
                    for c in claims)
    uses = embed_uses([(c.document, c.index, c.text) for c in claims], platform.avoid,
                      masked_encoder(embedder, index.brands))
    vectors = np.zeros((len(claims), index.vectors.shape[1]), dtype=np.float32)
    analysis = Analysis(platform, index, (doc,), results, vectors, (), uses)
    return [f.evidence["term"] for f in AVOID.run(analysis, CheckOptions())]


@pytest.mark.parametrize(("text", "flags"), [
    ("Ledgerline is the only AP platform that checks every bank detail.", True),
    ("Our only goal is a faster close.", True),
    ("The industry's only touchless approval flow.", True),
    ("Ledgerline is only AP tool that verifies every payment run.", True),
    ("Trial seats are only open to finance teams.", False),
    ("THE ONLY AP PLATFORM YOUR AUDITORS NEED", True),
    ("Only approvers can release a payment run.", False),
    ("Only a few invoices need a person.", False),
    ("Approval rules apply only if an invoice exceeds its PO.", False),
    ("Exports are only available on the annual plan.", False),
    ("It is not only fast but also accurate.", False),
    ("So your team only touches the exceptions.", False),
    ("Only 1 in 20 invoices needs a person.", False),
])
def test_only_is_flagged_as_uniqueness_not_as_restriction(sense_platform, nlp, fake_embedder,
                                                          text, flags):
    assert flagged(sense_platform, text, nlp, fake_embedder) == (["only"] if flags else [])


@pytest.mark.parametrize(("text", "flags"), [
    ("Ledgerline was the first AP platform to verify bank details.", True),
    ("The industry's first touchless approval flow.", True),
    ("Our first ever connector for Sage.", True),
    ("A first-rate connector for Sage.", False),
    ("Cut processing time in the first quarter.", False),
    ("First, connect your ERP.", False),
    ("The first step to a faster close is clean data.", False),
])
def test_first_is_flagged_as_priority_not_as_ordinal(sense_platform, nlp, fake_embedder, text,
                                                     flags):
    assert flagged(sense_platform, text, nlp, fake_embedder) == (["first"] if flags else [])


def test_sense_rules_apply_only_to_their_own_terms(nlp, fake_embedder):
    # "seamless" has no rule: every use is flagged, restriction-like wording or not.
    platform = parse_platform(PLATFORM, "p.yaml")
    assert flagged(platform, "Only admins get a seamless sync.", nlp, fake_embedder) == [
        "seamless"]
    # A phrase that contains "only" is not the term "only".
    phrase = parse_platform(PLATFORM.replace("- term: only", "- term: only available"), "p")
    assert flagged(phrase, "Exports are only available on the annual plan.", nlp,
                   fake_embedder) == ["only available"]


@pytest.mark.parametrize("text", [
    # Legal boilerplate, in capitals or with several legal words.
    "THE SOFTWARE IS PROVIDED AS IS, WITHOUT WARRANTY OF ANY KIND; IT IS THE ONLY COPY THAT "
    "COUNTS AND ANY SEAMLESS USE IS AT YOUR OWN RISK.",
    "This licence is the only agreement between us and disclaims every warranty not written "
    "here.",
    # Someone else's words, or a mention of the term.
    "\u201cLedgerline is the only tool our auditors trust,\u201d says the controller.",
    'Our controller called it "the only seamless rollout we have had".',
    "We never call a sync 'seamless' in copy.",
    "\u201cWe tried three tools. Ledgerline was the only one that closed our books in four days. "
    "We renewed.\u201d",
    "> Ledgerline is the only AP platform we would buy again.",
    "Ledgerline is the only AP platform we would buy again.\n\nMaria Lopez, CFO, Harbor "
    "Outfitters",
])
def test_legal_text_and_quoted_words_are_not_judged(sense_platform, nlp, fake_embedder, text):
    assert flagged(sense_platform, text, nlp, fake_embedder) == []


def test_a_long_paragraph_is_judged_sentence_by_sentence(sense_platform, nlp, fake_embedder):
    # One block holding legal wording, a stray inch mark and a claim: the claim is still judged.
    text = ("Screens up to 27\" wide are supported. Ledgerline is the only AP platform your "
            "auditors need. Terms of service and warranty terms apply to every licence.")
    assert flagged(sense_platform, text, nlp, fake_embedder) == ["only"]


def test_legal_wording_needs_capitals_or_company():
    assert is_legal("THE SOFTWARE IS PROVIDED WITHOUT WARRANTY OF ANY KIND.")
    assert is_legal("Use of this site is governed by the terms of service and disclaims damages.")
    assert not is_legal("Every payment run comes with a warranty-grade audit trail.")
    assert not is_legal("THE ONLY AP PLATFORM YOUR AUDITORS NEED")


def test_quoted_spans_pair_marks_and_skip_apostrophes():
    text = "It\u2019s \u2018quoted\u2019 and \"this\" too"
    assert [text[a:b] for a, b in quoted_spans(text)] == ["\u2018quoted\u2019", '"this"']
    assert [quoted_spans(s) for s in ("no close\u201d here", "\u201copen to the end")] == [
        [(0, 8)], [(0, 16)]]
    assert quoted_spans("the customers' only tool") == []


def test_capitals_count_where_the_term_has_them(sense_platform, nlp, fake_embedder):
    assert flagged(sense_platform, "AI reads every invoice.", nlp, fake_embedder) == ["AI"]
    assert flagged(sense_platform, "Approvals are ai-free.", nlp, fake_embedder) == []
    assert flagged(sense_platform, "A SEAMLESS SYNC FOR EVERY ERP", nlp, fake_embedder) == [
        "seamless"]


def test_a_term_with_examples_is_flagged_in_the_avoided_sense_only(sense_platform, nlp,
                                                                   fake_embedder):
    # The fake embedder is a bag of words: the window shares words with one side's examples.
    assert flagged(sense_platform, "We guarantee savings on every close.", nlp,
                   fake_embedder) == ["guarantee"]
    assert flagged(sense_platform, "Record each bank guarantee and its expiry date.", nlp,
                   fake_embedder) == []


def test_examples_replace_the_built_in_rule(nlp, fake_embedder):
    text = PLATFORM.replace("    - term: only\n", "    - term: only\n      examples:\n"
                            "        avoid: [the only platform for close]\n"
                            "        allow: [only approvers release payment runs]\n")
    platform = parse_platform(text, "p.yaml")
    # The rule would call this a restriction; the examples say it is the avoided sense.
    assert flagged(platform, "Only platform for close you need.", nlp, fake_embedder) == [
        "only"]


def test_the_window_keeps_words_either_side():
    text = "one two three four five six seven guarantee eight nine ten eleven twelve thirteen x"
    start = text.index("guarantee")
    assert window(text, start, start + 9, 2) == "six seven guarantee eight nine"
    assert window(text, start, start + 9, 0) == "guarantee"


def test_subset_keeps_the_sense_of_each_use(sense_platform, nlp, fake_embedder):
    doc = markdown.read(b"We guarantee savings on every close.\n", "a.md")
    claims = segment([doc], nlp)
    index = build_index(sense_platform, fake_embedder)
    uses = embed_uses([(c.document, c.index, c.text) for c in claims], sense_platform.avoid,
                      masked_encoder(fake_embedder, index.brands))
    results = tuple(ClaimResult(c, "aligned", "neutral", {}) for c in claims)
    other = markdown.read(b"Nothing to see.\n", "b.md")
    full = Analysis(sense_platform, index, (doc, other), results,
                    np.zeros((len(claims), index.vectors.shape[1]), dtype=np.float32), (), uses)
    assert subset(full, {"a.md"}).term_uses == uses


# ---------------------------------------------------------------- the real model


@pytest.mark.model
@pytest.mark.parametrize(("text", "flags"), [
    ("We guarantee you will never pay the same invoice twice.", True),
    ("Every plan includes our guarantee of a 4-day close.", True),
    ("Ledgerline captures invoices from email and PDF, matches them against purchase orders, "
     "routes exceptions to the right approver, and gives you our guarantee of savings on every "
     "invoice.", True),
    ("Attach the advance payment guarantee to the purchase order before the first instalment.",
     False),
    ("Alerts go to the buyer thirty days before a guarantee expires.", False),
    ("Ledgerline captures invoices from email and PDF, matches them against purchase orders, "
     "routes exceptions to the right approver, and tracks each supplier bank guarantee until it "
     "expires.", False),
])
def test_the_model_tells_the_senses_of_guarantee_apart(engine, text, flags):
    doc = markdown.read(text.encode(), "draft.md")
    report = engine.report(engine.analyze([doc]))
    hits = [f for f in report.findings if f.check == "terminology.avoid"]
    assert bool(hits) is flags, [f.evidence for f in hits]
    assert all(f.evidence["sense"] == "examples" for f in hits)
