"""URL normalisation: one page, one string, whatever tracking tags and spellings it came with."""

from __future__ import annotations

from msgcheck.crawl.urls import extension, netloc, normalise_url, strip_tracking


def test_tracking_parameters_go_and_the_rest_is_sorted():
    assert strip_tracking("utm_source=x&plan=pro&GCLID=1&a=2&&mc_cid=9") == "a=2&plan=pro"
    assert strip_tracking("") == ""


def test_two_spellings_of_one_page_normalise_to_one_url():
    a = normalise_url("HTTPS://Example.COM:443/pricing?utm_medium=email&plan=pro#faq")
    b = normalise_url("/pricing?plan=pro", base="https://example.com/about")
    assert a == b == "https://example.com/pricing?plan=pro"
    assert normalise_url("http://example.com") == "http://example.com/"
    assert normalise_url("http://example.com:8080/x") == "http://example.com:8080/x"


def test_what_is_not_an_http_page_gives_none():
    for url in ("mailto:sales@example.com", "javascript:void(0)", "ftp://x/", "", "   ",
                "http://[::1:bad/"):
        assert normalise_url(url) is None


def test_netloc_and_extension():
    assert netloc("http://Example.com:8080/a") == "example.com:8080"
    assert extension("https://x.test/files/Brochure.PDF") == "pdf"
    assert extension("https://x.test/v1.2/") == ""
