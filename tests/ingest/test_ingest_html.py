"""HTML pages: scopes for headings, paragraphs, lists, buttons and links; chrome dropped; encodings."""

from __future__ import annotations

import pytest

from msgcheck.errors import InputError
from msgcheck.ingest import html as reader

PAGE = """<!doctype html>
<html><head><title>Ledgerline | AP automation</title>
<meta name="description" content="Close the books in days, not weeks.">
<style>.x{color:red}</style><script>var claim = "Fraud-proof payments";</script></head>
<body>
<nav><a href="/">Home</a><a href="/pricing">Pricing</a></nav>
<header><h1>Accounts payable that runs itself</h1>
<p>Invoices flow from inbox to ledger <strong>without</strong> retyping.</p>
<a class="btn btn-primary" href="/demo">Book a demo</a></header>
<section><h2>Why teams switch</h2>
<ul><li>Stop paying the same invoice twice</li><li>Catch <em>bank-detail</em> fraud early</li></ul>
<table><tr><th>Before</th><th>After</th></tr><tr><td>12 days</td><td>4 days</td></tr></table>
<div>Loose text in a div.</div>
<!-- msgcheck: ignore terminology.avoid -->
<p>Seamless connectors for every ERP.</p>
<a href="/customers">Read the Harbor Outfitters story</a>
<button>Start free trial</button>
</section>
<footer><p>&copy; 2025 Ledgerline Ltd. All rights reserved.</p></footer>
</body></html>
"""


def _blocks(page: str = PAGE):
    return reader.read(page.encode("utf-8"), "page.html").blocks


def test_scopes_for_each_kind_of_element():
    scopes = {b.text: b.scope for b in _blocks()}
    assert scopes["Ledgerline | AP automation"] == "meta"
    assert scopes["Close the books in days, not weeks."] == "meta"
    assert scopes["Accounts payable that runs itself"] == "title"
    assert scopes["Why teams switch"] == "heading"
    assert scopes["Invoices flow from inbox to ledger without retyping."] == "body"
    assert scopes["Catch bank-detail fraud early"] == "bullet"
    assert scopes["Book a demo"] == "button"
    assert scopes["Read the Harbor Outfitters story"] == "link"
    assert scopes["Start free trial"] == "button"
    assert scopes["4 days"] == "table"
    assert scopes["Loose text in a div."] == "body"


def test_script_style_nav_and_footer_are_dropped():
    texts = " ".join(b.text for b in _blocks())
    assert "Fraud-proof" not in texts and "color:red" not in texts
    assert "Home" not in texts and "All rights reserved" not in texts


def test_line_numbers_and_columns_point_at_the_source():
    block = next(b for b in _blocks() if b.text == "Why teams switch")
    assert block.location.line == 10
    assert PAGE.splitlines()[9][block.location.column - 1:].startswith("Why teams")


def test_inline_comment_suppresses_the_next_block_only():
    blocks = _blocks()
    seamless = next(b for b in blocks if b.text.startswith("Seamless"))
    assert "terminology.avoid" in seamless.ignore
    after = next(b for b in blocks if b.text.startswith("Read the Harbor"))
    assert not after.ignore


def test_table_header_cells_are_marked():
    th = next(b for b in _blocks() if b.text == "Before")
    assert th.location.element == "th"


def test_non_utf8_page_is_decoded_from_its_meta_charset():
    page = ('<html><head><meta charset="windows-1252"></head><body>'
            '<p>Caf\u00e9 owners\u2019 favourite POS \u2013 50% faster</p></body></html>')
    blocks = reader.read(page.encode("windows-1252"), "legacy.html").blocks
    assert blocks[0].text == "Caf\u00e9 owners\u2019 favourite POS \u2013 50% faster"


@pytest.mark.parametrize("data", [b"", b"   \n", b"\x00\x01\x02binary"])
def test_empty_or_binary_input_is_an_error(data: bytes):
    with pytest.raises(InputError):
        reader.read(data, "bad.html")


def test_malformed_html_still_reads():
    blocks = reader.read(b"<p>Unclosed <b>bold<p>Second para<li>item", "m.html").blocks
    assert [b.text for b in blocks][:2] == ["Unclosed bold", "Second para"]
