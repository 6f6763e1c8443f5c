"""Which assets alignment.value-prop judges (the ones that should open with the promise), and
which are reference pages, whose headings alignment.off-platform does not judge."""

from __future__ import annotations

import pytest

from msgcheck.checks.alignment import opens_with_the_promise, reference_page


@pytest.mark.parametrize(("source", "kind"), [
    ("decks/q3-renewals.pptx", "pptx"),
    ("one-pagers/capture.pdf", "pdf"),
    ("site/index.html", "html"),
    ("source/index.html.md", "markdown"),
    ("index.mdx", "mdx"),
    ("campaigns/spring-launch/index.md", "markdown"),
    ("site/home.md", "markdown"),
    ("campaigns/spring-launch.md", "markdown"),
    ("drafts/landing-page.html", "html"),
    ("emails/outbound-cfo.txt", "text"),
    ("https://example.com/", "html"),
    ("https://example.com/index.html", "html"),
])
def test_lead_assets_are_judged(source, kind):
    assert opens_with_the_promise(source, kind)


@pytest.mark.parametrize(("source", "kind"), [
    ("site/faq.html", "html"),
    ("source/partners/integrate/index.html.md", "markdown"),
    ("docs/overview_index.md", "markdown"),
    ("docs/integrations.md", "markdown"),
    ("site/pricing.mdx", "markdown"),
    ("blog/month-end-close.md", "markdown"),
    ("https://example.com/docs/editions", "html"),
    ("https://example.com/about/faq-security", "html"),
])
def test_pages_that_answer_something_else_are_not(source, kind):
    assert not opens_with_the_promise(source, kind)


@pytest.mark.parametrize(("source", "expected"), [
    ("site/pricing/faq-free-tier/index.html.md", True),
    ("https://example.com/docs/editions", True),
    ("about/faq-security.md", True),
    ("site/home.md", False),
    ("campaigns/spring-launch.md", False),
])
def test_reference_pages_are_recognised_by_their_path(source, expected):
    assert reference_page(source) is expected
