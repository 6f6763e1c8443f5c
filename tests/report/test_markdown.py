"""The Markdown renderer: a short summary for chat and pull-request comments that input text
cannot break (tables, markup, mentions), capped so a big run still fits in one comment."""

from __future__ import annotations

import re
from typing import Any

import pytest

from msgcheck.model import CrossAsset, DocumentSummary, Finding, Location, Report, Severity
from msgcheck.report import markdown

HOSTILE = "Fast | cheap *and* `rm -rf` <script>alert(1)</script> [x](https://e.vil) $49 @devs _now_"

DECK = Finding(
    "terminology.product-name", Severity.WARNING,
    "'LedgerLine Match' is not the product name; write 'Ledgerline Match'",
    Location("decks/pitch.pptx", line=2, slide=3, element="Title 1"),
    claim="Meet LedgerLine Match", suggestion="Ledgerline Match",
)
MD = Finding(
    "alignment.off-platform", Severity.WARNING, "No pillar supports this promise.",
    Location("drafts/post.md", line=12, column=5), claim=HOSTILE,
    evidence={"similarity": 0.12},
)
DRIFT = Finding(
    "alignment.drift", Severity.SUGGESTION, "Drifted from the approved message.",
    Location("drafts/post.md", line=20, column=1), claim="Close faster, kind of.",
    suggestion="Close the month in days, not weeks.",
)
BROKEN = Finding("io.unreadable", Severity.ERROR, "[E107] not a .pptx file",
                 Location("decks/broken.pptx"))
ALL = (DECK, MD, DRIFT, BROKEN)

DOCS = (
    DocumentSummary("decks/broken.pptx", "unreadable", 0, {}, {}, {}),
    DocumentSummary("decks/pitch.pptx", "pptx", 30, {"pain": 5, "feature": 20, "neutral": 5},
                    {}, {}),
    DocumentSummary("drafts/clean.md", "markdown", 4, {"pain": 3, "neutral": 1}, {}, {}),
    DocumentSummary("drafts/post.md", "markdown", 12, {"pain": 6, "feature": 3, "neutral": 3},
                    {}, {}),
)


def make_report(findings: tuple[Finding, ...] = ALL, **kw: Any) -> Report:
    base: dict[str, Any] = dict(
        findings=tuple(sorted(findings, key=Finding.sort_key)), documents=DOCS,
        platform_digest="9f0c1e2d3c4b5a69788796a5", company="Ledgerline", tool_version="0.1.0",
        created_at="2026-01-01T00:00:00Z",
        pillars=(("faster-close", "Faster close"), ("fewer-errors", "Fewer errors")),
    )
    if "extras" in kw:  # the sections as plain data, the way renderers read them
        kw["cross_asset"] = CrossAsset.of(**kw.pop("extras"))
    base.update(kw)
    return Report(**base)


def table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("|")]


def cells(row: str) -> list[str]:
    """Split a GFM table row the way GitHub does: on pipes not escaped with a backslash."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def test_headline_counts_every_severity():
    out = markdown.render(make_report())
    first = out.splitlines()[0]
    assert first == "### msgcheck: 1 error, 2 warnings, 1 suggestion"
    assert "4 documents, 46 claims checked against the Ledgerline message platform" in out


def test_documents_table_has_claims_styles_and_findings_per_document():
    rows = table_rows(markdown.render(make_report()))
    header = cells(rows[0])
    assert header == ["Document", "Kind", "Claims", "Pain", "Feature", "Neutral", "Findings"]
    body = {cells(r)[0]: cells(r) for r in rows[2:]}
    assert body["decks/pitch.pptx"] == ["decks/pitch.pptx", "pptx", "30", "5", "20", "5",
                                        "1 warning"]
    assert body["drafts/post.md"][-1] == "1 warning, 1 suggestion"
    assert body["drafts/clean.md"][2:] == ["4", "3", "0", "1", "\u2014"]
    assert body["decks/broken.pptx"][1] == "unreadable"
    assert body["decks/broken.pptx"][-1] == "1 error"


def test_findings_read_most_severe_first_with_place_check_claim_and_suggestion():
    out = markdown.render(make_report())
    section = out.split("### Findings", 1)[1]
    severities = re.findall(r"^- \*\*(\w+)\*\*", section, flags=re.M)
    assert severities == sorted(severities, key=["error", "warning", "suggestion"].index)
    assert ("- **warning** decks/pitch.pptx slide 3 Title 1 \u00b62 \u00b7 "
            "`terminology.product-name` \u00b7 "
            "'LedgerLine Match' is not the product name; write 'Ledgerline Match'") in section
    assert "  - claim: \u201cMeet LedgerLine Match\u201d" in section
    assert "  - suggestion: \u201cLedgerline Match\u201d" in section
    assert "- **suggestion** drafts/post.md line 20:1 \u00b7 `alignment.drift`" in section
    assert ("- **error** decks/broken.pptx whole asset \u00b7 `io.unreadable` \u00b7 "
            "\\[E107\\] not a .pptx file") in section


def test_alike_findings_fold_into_one_item_and_held_back_ones_are_named():
    many = tuple(Finding("framing.feature-heavy", Severity.SUGGESTION, "headline leads with a "
                         "capability", Location("site/faq.html", line=n), claim=f"Feature {n}")
                 for n in range(1, 8))
    out = markdown.render(make_report(findings=many).limited(5))
    items = re.findall(r"^- \*\*.+$", out, flags=re.M)
    assert len(items) == 1 and items[0].endswith("(and 4 more like it)")
    assert "held back 2 suggestions on site/faq.html; --max-findings-per-asset 0 shows all" in out


def test_claim_text_cannot_break_the_table_or_inject_markup():
    evil_doc = "drafts/a|b *c*.md"
    finding = Finding("alignment.off-platform", Severity.WARNING, f"Quotes: {HOSTILE}",
                      Location(evil_doc, line=1), claim=HOSTILE + "\nnext line", suggestion=HOSTILE)
    docs = (DocumentSummary(evil_doc, "markdown", 1, {"pain": 1}, {}, {}),)
    out = markdown.render(make_report(findings=(finding,), documents=docs))
    rows = table_rows(out)
    assert all(len(cells(r)) == 7 for r in rows), rows
    assert cells(rows[2])[0] == r"drafts/a\|b \*c\*.md"
    # No raw HTML, no unescaped emphasis, code, link, math or table markup survives.
    assert "<script>" not in out and "&lt;script&gt;" in out
    claim_line = next(line for line in out.splitlines() if line.startswith("  - claim:"))
    assert "next line" in claim_line, "a newline in a claim must not start a new block"
    for line in out.splitlines():
        unescaped = re.sub(r"\\.", "", line)
        if line.startswith(("  - claim:", "  - suggestion:")):
            assert not re.search(r"[|*`\[\]$_~<>]", unescaped), line
    assert "@devs" not in out and "@\u2060devs" in out


@pytest.mark.parametrize(("raw", "escaped"), [
    ("a | b", r"a \| b"),
    ("*bold* _it_ ~s~", r"\*bold\* \_it\_ \~s\~"),
    ("`code`", r"\`code\`"),
    ("<b>&amp;</b>", "&lt;b&gt;&amp;amp;&lt;/b&gt;"),
    ("[link](u) ![img](u)", r"\[link\](u) !\[img\](u)"),
    ("from $49 to $99", r"from \$49 to \$99"),
    ("back\\slash", r"back\\slash"),
    ("two\n\nlines", "two lines"),
    ("ping @team", "ping @\u2060team"),
    ("mail a@b.co", "mail a@\u2060b.co"),
    ("Q&A - 1. # + >", "Q&amp;A - 1. # + &gt;"),
])
def test_escape(raw, escaped):
    assert markdown.escape(raw) == escaped


def test_long_claims_are_shortened():
    long = "word " * 200
    finding = Finding("alignment.drift", Severity.SUGGESTION, "m", Location("a.md", line=1),
                      claim=long)
    out = markdown.render(make_report(findings=(finding,)))
    claim_line = next(line for line in out.splitlines() if line.startswith("  - claim:"))
    assert len(claim_line) < markdown.MAX_TEXT + 20 and claim_line.endswith("\u2026\u201d")


def test_findings_are_capped_keeping_the_most_severe():
    many = tuple(Finding("alignment.drift", Severity.SUGGESTION, f"s{i}",
                         Location("a.md", line=i + 1)) for i in range(60))
    errors = tuple(Finding("messaging.retired", Severity.ERROR, f"e{i}",
                           Location("z.md", line=i + 1)) for i in range(3))
    out = markdown.render(make_report(findings=many + errors), limit=50)
    assert len(re.findall(r"^- \*\*", out, flags=re.M)) == 50
    assert out.count("**error**") == 3, "errors are never the ones cut"
    assert "\u2026 and 13 more (13 suggestions)." in out


def test_empty_report():
    out = markdown.render(make_report(findings=(), documents=()))
    assert out.splitlines()[0] == "### msgcheck: 0 errors, 0 warnings, 0 suggestions"
    assert "No documents were checked." in out
    assert "### Findings" not in out and "Coverage" not in out
    assert out.endswith("\n") and not out.endswith("\n\n")


def test_documents_without_findings_show_a_table_and_no_findings_section():
    out = markdown.render(make_report(findings=()))
    assert len(table_rows(out)) == 2 + len(DOCS)
    assert "### Findings" not in out


def test_coverage_matrix_is_shown_when_present_with_pillar_names():
    coverage = {
        "matrix": {"decks/pitch.pptx": {"faster-close": 3, "fewer-errors": 0},
                   "drafts/post.md": {"faster-close": 1, "fewer-errors": 2}},
        "uncovered": ["fewer|errors"],
        "score": 0.5,
    }
    out = markdown.render(make_report(extras={"coverage": coverage}))
    section = out.split("### Coverage", 1)[1]
    rows = table_rows(section)
    assert cells(rows[0]) == ["", "Faster close", "Fewer errors"]
    assert cells(rows[2]) == ["decks/pitch.pptx", "3", "\u2014"]
    assert cells(rows[3]) == ["drafts/post.md", "1", "2"]
    assert r"- uncovered: fewer\|errors" in section
    assert "- score: 0.50" in section


def test_coverage_as_a_bare_matrix_and_unknown_shapes_are_handled():
    bare = {"faster-close": {"decks/pitch.pptx": True, "drafts/post.md": False}}
    out = markdown.render(make_report(extras={"coverage": bare}))
    rows = table_rows(out.split("### Coverage", 1)[1])
    assert cells(rows[2]) == ["Faster close", "\u2713", "\u2014"]
    for odd in ({"coverage": ["not", "a", "matrix"]}, {"coverage": {}}, {}):
        assert "Coverage" not in markdown.render(make_report(extras=odd))
    with pytest.raises(TypeError, match="unknown cross-asset sections"):
        CrossAsset.of(other=1)


def test_output_is_deterministic_and_independent_of_finding_order():
    report = make_report()
    assert markdown.render(report) == markdown.render(make_report())
    shuffled = Report(**{**{f: getattr(report, f) for f in Report.__slots__},
                         "findings": tuple(reversed(report.findings))})
    assert markdown.render(shuffled) == markdown.render(report)


def test_rendered_html_keeps_the_table_shape_and_has_no_markup_from_claims():
    """Through a real CommonMark + GFM-table renderer, as a PR comment would be."""
    from markdown_it import MarkdownIt

    finding = Finding("alignment.off-platform", Severity.WARNING, f"Says {HOSTILE}",
                      Location("drafts/a|b.md", line=1), claim=HOSTILE, suggestion=HOSTILE)
    docs = (DocumentSummary("drafts/a|b.md", "markdown", 1, {"pain": 1}, {}, {}),)
    out = markdown.render(make_report(findings=(finding,), documents=docs))
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(out)
    assert "<script>" not in html and "<a " not in html
    assert "<em>" not in html and "<s>" not in html
    assert html.count("<code>") == 1, "only the check id is code"
    assert html.count("<strong>") == 1, "only the severity is bold"
    first_row = html.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert first_row.count("<td") == 7
    assert "<td>drafts/a|b.md</td>" in first_row
