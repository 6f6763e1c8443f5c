"""MDX pages: JSX and ESM dropped, Markdown read as the Markdown reader does, lines kept."""

from __future__ import annotations

import pytest

from msgcheck.errors import InputError
from msgcheck.ingest import mdx, read_path
from msgcheck.pipeline import read_inputs

PAGE = """---
title: Close the books in four days
description: Ledgerline for finance teams that still key invoices by hand.
---
import { Callout, Hero } from "../components"
import Chart from "./chart"

export const meta = {
  slug: "close",
}

<Hero
    size="full"
    image={heroImage}
>
    <h2>Month-end without the spreadsheets</h2>
    <p>Controllers at Harbor Outfitters closed in four days instead of twelve.</p>
</Hero>

# Why finance teams switch

Invoices are matched to purchase orders **automatically**, so nobody keys them twice.
We serve {customers.length} teams in 12 countries.

<Callout type="tip">
Approvers sign from their phone. No more waiting for a signature.
</Callout>

- Stop paying the same invoice twice
- Catch bank-detail fraud <Badge>new</Badge> before money leaves

{/* msgcheck: ignore alignment */}
Seamless connectors for every ERP.

```jsx
<Callout>not copy</Callout>
```

| Before | After |
|---|---|
| 12 days | 4 days |

<Chart data={[1, 2, {a: "}"}]} />
<Quote text={`A template { with } braces`}>
  Our auditors asked for samples and got them in ten minutes.
</Quote>
"""


def _read(text: str, name: str = "page.mdx"):
    return mdx.read(text.encode(), name)


def _by_text():
    return {b.text: b for b in _read(PAGE).blocks}


def test_front_matter_markdown_and_component_children_are_read():
    blocks = _by_text()
    expected = {
        "Close the books in four days": ("title", 2),
        "Ledgerline for finance teams that still key invoices by hand.": ("meta", 3),
        "Month-end without the spreadsheets": ("heading", 16),
        "Controllers at Harbor Outfitters closed in four days instead of twelve.": ("body", 17),
        "Why finance teams switch": ("title", 20),
        "Approvers sign from their phone. No more waiting for a signature.": ("body", 26),
        "Stop paying the same invoice twice": ("bullet", 29),
        "Catch bank-detail fraud new before money leaves": ("bullet", 30),
        "4 days": ("table", 41),
        "Our auditors asked for samples and got them in ten minutes.": ("body", 45),
    }
    for text, (scope, line) in expected.items():
        assert (blocks[text].scope, blocks[text].location.line) == (scope, line), text
    assert _read(PAGE).kind == "mdx"
    assert _read(PAGE).title == "Close the books in four days"


def test_imports_exports_expressions_and_code_are_dropped():
    texts = " ".join(_by_text())
    for gone in ("import", "export", "slug", "heroImage", "customers.length", "not copy",
                 "template", "size="):
        assert gone not in texts
    para = _by_text()["Invoices are matched to purchase orders automatically, so nobody keys "
                      "them twice. We serve teams in 12 countries."]
    assert para.location.line == 22
    assert para.locate(para.text.index("We serve")).line == 23


def test_columns_point_into_the_mdx_file():
    lines = PAGE.splitlines()
    for block in _read(PAGE).blocks[2:]:
        line = lines[block.location.line - 1]
        col = block.location.column - 1
        assert line[col:].startswith(block.text[:6]), block.text


def test_comment_expression_suppresses_the_next_block():
    blocks = _by_text()
    assert blocks["Seamless connectors for every ERP."].ignore == frozenset({"alignment"})
    assert not blocks["4 days"].ignore


def test_html_comments_work_as_in_markdown():
    doc = _read("<!-- msgcheck: off -->\n\nOne.\n\n<!-- msgcheck: on -->\n\nTwo.\n")
    assert [(b.text, "*" in b.ignore) for b in doc.blocks] == [("One.", True), ("Two.", False)]


def test_html_elements_give_their_scope():
    doc = _read("<ul>\n  <li>Approve from anywhere</li>\n</ul>\n<blockquote>We closed in four "
                "days.</blockquote>\n<table><tr><td>12 days</td><td>4 days</td></tr></table>\n")
    assert [(b.text, b.scope) for b in doc.blocks] == [
        ("Approve from anywhere", "bullet"), ("We closed in four days.", "quote"),
        ("12 days", "table"), ("4 days", "table")]


def test_indented_text_inside_components_is_not_code():
    doc = _read("<Section>\n        Eight spaces in, still copy.\n</Section>\n")
    assert [b.text for b in doc.blocks] == ["Eight spaces in, still copy."]


@pytest.mark.parametrize("broken, line", [
    ("# Pricing\n\nText.\n\n<Callout type=\"tip\"\nNo end of the tag.\n", 5),
    ("# Pricing\n\nWe serve {customers.length teams.\n\nMore text.\n", 3),
    ("Intro.\n\n<!-- msgcheck: off\n\nNever closed.\n", 3),
])
def test_unterminated_jsx_is_an_error_naming_the_line(broken, line):
    with pytest.raises(InputError) as info:
        _read(broken, "docs/pricing.mdx")
    assert info.value.path == "docs/pricing.mdx" and info.value.line == line
    assert "never closed" in info.value.message


@pytest.mark.parametrize("broken, expected", [
    ("<Callout>\nApprovers sign from their phone.\n", ["Approvers sign from their phone."]),
    ("Approvals in one tap.\n</Card>\n\nFour days, not twelve.\n",
     ["Approvals in one tap.", "Four days, not twelve."]),
    ("Budgets } stay on track.\n", ["Budgets } stay on track."]),
    ("<A>\n<B>\nNested text.\n</A>\n</B>\n", ["Nested text."]),
])
def test_unbalanced_elements_still_yield_their_text(broken, expected):
    assert [b.text for b in _read(broken).blocks] == expected


def test_a_broken_mdx_file_does_not_stop_the_others(tmp_path):
    (tmp_path / "broken.mdx").write_text("# Pricing\n\n<Hero title={`open\n")
    (tmp_path / "good.mdx").write_text("# Pricing\n\nFour days, not twelve.\n")
    documents, errors, _ = read_inputs([tmp_path])
    assert [d.source for d in documents] == [str(tmp_path / "good.mdx")]
    assert len(errors) == 1 and errors[0].path == str(tmp_path / "broken.mdx")
    assert errors[0].line == 3
    assert read_path(tmp_path / "good.mdx").kind == "mdx"
