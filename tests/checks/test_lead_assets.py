"""Which assets alignment.value-prop judges: the ones that should open with the promise."""

from __future__ import annotations

import pytest

from msgcheck.checks.alignment import opens_with_the_promise


@pytest.mark.parametrize(("source", "kind"), [
    ("decks/q3-renewals.pptx", "pptx"),
    ("one-pagers/capture.pdf", "pdf"),
    ("site/index.html", "html"),
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
    ("docs/integrations.md", "markdown"),
    ("site/pricing.mdx", "markdown"),
    ("blog/month-end-close.md", "markdown"),
    ("https://example.com/docs/editions", "html"),
    ("https://example.com/about/faq-security", "html"),
])
def test_pages_that_answer_something_else_are_not(source, kind):
    assert not opens_with_the_promise(source, kind)
