"""Segmentation: blocks become claims with provenance; non-claims are labelled, not dropped."""

from __future__ import annotations

import pytest

from msgcheck.ingest import markdown
from msgcheck.model import Block, Document, Location
from msgcheck.segment import fragment_kind, segment


@pytest.mark.parametrize(
    ("text", "scope", "kind"),
    [
        ("Learn more", "body", "cta"),
        ("Request a demo", "bullet", "cta"),
        ("Start your free trial", "body", "cta"),
        ("Talk to sales", "button", "cta"),
        ("Pricing", "heading", "navigation"),
        ("Customer stories", "link", "navigation"),
        ("99.9%", "body", "number"),
        ("$4.2M", "bullet", "number"),
        ("\u00a9 2025 Ledgerline Ltd. All rights reserved.", "body", "legal"),
        ("Privacy policy", "link", "legal"),
        ("Maria Chen, VP Finance at Norbridge", "quote", "attribution"),
        ("https://ledgerline.example/demo", "body", "link"),
        ("Slide 4 of 12", "body", "label"),
    ],
)
def test_non_claims_are_labelled(text, scope, kind):
    assert fragment_kind(text, scope) == kind


@pytest.mark.parametrize(
    "text",
    [
        "Close the month in days, not weeks",
        "Get audit-ready in days",
        "Get more done with less",
        "Rage-click detection",
        "99.95% uptime SLA",
        "Start closing the books in three days",
        "Touchless invoice capture from email, PDF and EDI",
    ],
)
def test_claims_are_not_mistaken_for_ctas_or_labels(text):
    assert fragment_kind(text, "bullet") is None


def test_short_table_header_cells_are_labels():
    assert fragment_kind("Before", "table", header=True) == "label"
    assert fragment_kind("Before", "table", header=False) is None


def test_multi_sentence_paragraph_is_split_with_columns(nlp):
    doc = markdown.read(b"Month-end drags on. Approvers sit on invoices for days!\n", "a.md")
    claims = segment([doc], nlp)
    assert [c.text for c in claims] == ["Month-end drags on.", "Approvers sit on invoices for days!"]
    assert [(c.location.line, c.location.column) for c in claims] == [(1, 1), (1, 21)]
    assert [c.index for c in claims] == [0, 1]


def test_headlines_and_bullets_are_one_claim_each(nlp):
    blocks = (
        Block("Close faster. Pay smarter.", Location("d.pptx", None, None, 1, "Title 1"), "title"),
        Block("Invoices flow in", Location("d.pptx", 1, None, 1, "Body 2"), "bullet"),
    )
    claims = segment([Document("d.pptx", "pptx", blocks)], nlp)
    assert [c.text for c in claims] == ["Close faster. Pay smarter.", "Invoices flow in"]
    assert claims[0].location.slide == 1 and claims[0].scope == "title"


def test_inline_separators_split_a_block(nlp):
    doc = Document("d", "text", (Block("Fast \u2022 Secure \u2022 Audit-ready", Location("d", 1, 1), "body"),))
    assert [c.text for c in segment([doc], nlp)] == ["Fast", "Secure", "Audit-ready"]


def test_non_claims_keep_their_place_and_reason(nlp):
    doc = markdown.read(b"Stop paying twice.\n\n[Learn more](https://x.example)\n", "p.md")
    claims = segment([doc], nlp)
    assert [(c.text, c.not_a_claim) for c in claims] == [("Stop paying twice.", None),
                                                        ("Learn more", "cta")]


def test_blank_fallback_pipeline_still_segments():
    import spacy

    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")
    doc = markdown.read(b"One claim here. Another claim there.\n", "a.md")
    assert len(segment([doc], blank)) == 2


def test_reading_verb_with_a_real_object_is_a_claim():
    assert fragment_kind("See how it works", "body") == "cta"
    assert fragment_kind("Watch how customers move through each funnel step", "body") is None


@pytest.mark.parametrize("text", ["Senior Platform Engineer, Globex Analytics",
                                  "\u2014 Dana Ruiz, Head of Finance, Harbor Outfitters",
                                  "UX Designer, Northwind", "AP manager, Brightwater Foods"])
def test_attribution_lines_are_not_claims(text):
    assert fragment_kind(text, "body") == "attribution"


def test_sentence_with_a_title_word_is_still_a_claim():
    assert fragment_kind("Every engineer, from intern to CTO, sees the same dashboard.", "body") is None


@pytest.mark.parametrize("text", ["Hi Dana,", "Best regards,", "Thanks!", "Cheers, Sam"])
def test_email_greetings_and_signoffs_are_not_claims(text):
    assert fragment_kind(text, "body") == "greeting"


def test_a_sentence_starting_with_thanks_is_a_claim():
    assert fragment_kind("Thanks to automatic matching, the close takes three days.", "body") is None


@pytest.mark.parametrize("text", ["Would you be open to a short process review next week?",
                                  "Book a process review with our AP specialists",
                                  "Let's set up a 20-minute call."])
def test_longer_asks_are_calls_to_action(text):
    assert fragment_kind(text, "body") == "cta"


@pytest.mark.parametrize("text", ["Are you still reconciling by hand?",
                                  "Book meeting rooms and manage office visitors from one app."])
def test_questions_and_capabilities_are_claims(text):
    assert fragment_kind(text, "body") is None


@pytest.mark.parametrize("text", ["Ready to see it on your own invoices?",
                                  "Want to see how it works?",
                                  "Waiting to see the close in action?"])
def test_prompts_in_front_of_a_call_to_action_are_not_claims(text):
    assert fragment_kind(text, "body") == "cta"


@pytest.mark.parametrize("text", ["Ready for a faster close?",
                                  "Ready to close in days. Here is how.",
                                  "Teams ready to automate AP close in four days?"])
def test_questions_that_only_start_like_a_prompt_stay_claims(text):
    assert fragment_kind(text, "body") is None


def test_a_stat_counter_figure_is_read_with_its_caption():
    from msgcheck.model import Anchor, Block, Location
    from msgcheck.segment import merge_stat_blocks

    def block(text: str, line: int, scope: str = "body") -> Block:
        return Block(text, Location("stats.md", line, 1), scope, (Anchor(0, line, 1),))

    merged = merge_stat_blocks([block("10x", 1, "heading"), block("Faster month-end close", 3),
                                block("98%", 5, "heading"), block("45%", 7, "heading"),
                                block("of invoices matched", 9), block("Plain prose here.", 11)])
    assert [b.text for b in merged] == ["10x Faster month-end close", "98%",
                                        "45% of invoices matched", "Plain prose here."]
    first = merged[0]
    assert first.scope == "body" and first.location.line == 1
    assert first.locate(len("10x ")).line == 3  # the caption keeps its own place
    # A number inside prose, or a heading with words, is left alone.
    kept = merge_stat_blocks([block("Q3 results", 1, "heading"), block("Revenue grew.", 2)])
    assert [b.text for b in kept] == ["Q3 results", "Revenue grew."]
