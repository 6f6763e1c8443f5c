"""The HTML report: one self-contained page that input text cannot inject into, that makes no
request of any kind, and whose sections appear exactly when their data does. No browser here
(see test_html_browser.py); Reports are built directly from the model types."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from msgcheck.model import CrossAsset, DocumentSummary, Finding, Location, Report, Severity
from msgcheck.report import html

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HOSTILE = f"Close 10x faster {SCRIPT} {IMG} \"quoted\" & 'single' </td></tr></table>"

PILLARS = (("faster-close", "Faster close"), ("fewer-errors", "Fewer errors"),
           ("spend-control", "Spend control"))

DECK = Finding(
    "terminology.product-name", Severity.ERROR,
    "'LedgerLine Match' is not the product name; write 'Ledgerline Match'",
    Location("decks/pitch.pptx", line=2, slide=3, element="Title 1"),
    claim="Meet LedgerLine Match", suggestion="Ledgerline Match",
)
HOSTILE_FINDING = Finding(
    "alignment.off-platform", Severity.WARNING, "No pillar supports this promise.",
    Location("drafts/post.md", line=12, column=5), claim=HOSTILE,
    evidence={"similarity": 0.123456, "pillar": "faster-close"},
)
DRIFT = Finding(
    "alignment.drift", Severity.SUGGESTION, "Drifted from the approved message.",
    Location("drafts/post.md", line=20, column=1), claim="Close faster, kind of.",
    suggestion="Close the month in days, not weeks.",
)
ALL = (DECK, HOSTILE_FINDING, DRIFT)

DOCS = (
    DocumentSummary("decks/pitch.pptx", "pptx", 30, {"pain": 5, "feature": 20, "neutral": 5},
                    {}, {}),
    DocumentSummary("drafts/clean.md", "markdown", 4, {"pain": 3, "neutral": 1}, {}, {}),
    DocumentSummary("drafts/post.md", "markdown", 12, {"pain": 6, "feature": 3, "neutral": 3},
                    {}, {}),
)


def asset(source: str, group: str, claims: int, counts: dict[str, int]) -> dict[str, Any]:
    return {"source": source, "group": group, "claims": claims, "counts": counts,
            "off_platform": 3, "drift": 2}


def full_extras() -> dict[str, Any]:
    """Every cross-asset section, shaped as the brief's schema says."""
    return {
        "coverage": {
            "pillars": [{"id": i, "name": n} for i, n in PILLARS],
            "assets": [
                asset("decks/pitch.pptx", "deck", 30,
                      {"faster-close": 5, "fewer-errors": 0, "spend-control": 11}),
                asset("drafts/post.md", "draft", 12,
                      {"faster-close": 1, "fewer-errors": 0, "spend-control": 3}),
                asset("site/pricing.html", "page", 40,
                      {"faster-close": 16, "fewer-errors": 0, "spend-control": 4}),
            ],
            "note": None,
        },
        "style_mix": [
            {"source": "decks/pitch.pptx", "pain": 5, "feature": 20, "neutral": 5, "claims": 30},
            {"source": "drafts/post.md", "pain": 6, "feature": 3, "neutral": 3, "claims": 12},
        ],
        "leads": {
            "groups": {"page": {"faster-close": 0.8, "spend-control": 0.2},
                       "deck": {"faster-close": 0.31, "spend-control": 0.69}},
            "statement": "The website leads with Faster close (80% of its claims); "
                         "decks lead with Spend control (69%).",
        },
        "competing": [{
            "pillar": "faster-close", "pillar_name": "Faster close",
            "statement": 'On Faster close, the site says "Close in days"; '
                         '1 of 1 decks says "Month-end, quicker" instead.',
            "groups": [
                {"message": "on message", "assets": ["site/pricing.html"],
                 "example": "Close in days"},
                {"message": "drifting", "assets": ["decks/pitch.pptx"],
                 "example": "Month-end, quicker"},
            ],
        }],
        "shadow_messages": [{
            "size": 5, "assets": ["decks/pitch.pptx", "drafts/post.md"],
            "representatives": ["Auditors love us", "The platform auditors love"],
            "suggestion": "used in 2 assets and backed by no pillar: add it or retire it",
        }],
        "value_prop": [
            {"source": "decks/pitch.pptx", "lead": "Spend control for finance teams",
             "similarity": 0.41, "band": 0.35, "aligned": True},
            {"source": "drafts/post.md", "lead": "Why we built a new ledger",
             "similarity": 0.22, "band": 0.35, "aligned": False},
        ],
        "trends": [
            {"run": n, "created_at": f"2026-01-0{n}T02:00:00Z",
             "findings": {"error": 3 - n, "warning": 4 + n, "suggestion": 9},
             "coverage": {"faster-close": 10 + n, "spend-control": 7},
             "styles": {"pain": 30, "feature": 20 + n, "neutral": 10}}
            for n in (1, 2, 3)
        ],
    }


def make_report(findings: tuple[Finding, ...] = ALL, **kw: Any) -> Report:
    base: dict[str, Any] = {
        "findings": tuple(sorted(findings, key=Finding.sort_key)), "documents": DOCS,
        "platform_digest": "9f0c1e2d3c4b5a69788796a5e4f3", "company": "Ledgerline",
        "tool_version": "0.1.0", "created_at": "2026-01-01T00:00:00Z", "pillars": PILLARS,
    }
    if "extras" in kw:  # the sections as plain data, the way renderers read them
        kw["cross_asset"] = CrossAsset.of(**kw.pop("extras"))
    base.update(kw)
    return Report(**base)


class Page(HTMLParser):
    """Every start tag with its attributes, the text of <style> and <script>, and visible text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in: str | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("style", "script"):
            self._in = tag

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.styles.append(data)
        elif self._in == "script":
            self.scripts.append(data)
        else:
            self.text.append(data)

    def count(self, tag: str, **attrs: str) -> int:
        return sum(1 for t, a in self.tags if t == tag and all(
            (a.get(k.rstrip("_")) or "").split().count(v) if k.rstrip("_") == "class"
            else a.get(k.rstrip("_")) == v for k, v in attrs.items()))

    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.tags if a.get("id")}


def render(report: Report | None = None) -> str:
    return html.render(report or make_report(extras=full_extras()))


SECTIONS = {"coverage", "style-mix", "leads", "competing", "shadow", "value-prop", "trends"}


# --- header and summary ---------------------------------------------------------------------


def test_header_shows_company_short_digest_version_time_and_counts():
    out = render()
    page = Page(out)
    text = " ".join(" ".join(page.text).split())
    assert "Ledgerline" in text
    assert "9f0c1e2d3c4b" in text and "9f0c1e2d3c4b5a69788796a5e4f3" not in text
    assert "0.1.0" in text and "2026-01-01T00:00:00Z" in text
    assert "1 error" in text and "1 warning" in text and "1 suggestion" in text
    assert "3 documents" in text and "46 claims" in text


def test_summary_bar_is_sticky_and_links_only_to_sections_on_the_page():
    page = Page(render())
    assert "position: sticky" in "".join(page.styles)
    anchors = [a["href"] for t, a in page.tags if t == "a"]
    assert anchors and all(h and h.startswith("#") for h in anchors)
    assert {h[1:] for h in anchors} <= page.ids()


# --- safety: escaping and self-containment --------------------------------------------------


def hostile_report() -> Report:
    """Input text in every place the page shows some: claims, sources, names, statements."""
    extras = full_extras()
    cov = extras["coverage"]
    cov["pillars"][0]["name"] = HOSTILE
    cov["assets"][0]["source"] = HOSTILE
    cov["assets"][0]["group"] = IMG
    cov["note"] = HOSTILE
    extras["style_mix"][0]["source"] = HOSTILE
    extras["leads"]["statement"] = HOSTILE
    extras["leads"]["groups"][IMG] = {HOSTILE: 0.5}
    extras["competing"][0].update(statement=HOSTILE, pillar_name=HOSTILE)
    extras["competing"][0]["groups"][0].update(message=HOSTILE, example=HOSTILE, assets=[IMG])
    extras["shadow_messages"][0].update(representatives=[HOSTILE], suggestion=HOSTILE,
                                        assets=[SCRIPT])
    extras["value_prop"][0].update(source=HOSTILE, lead=HOSTILE)
    extras["trends"][0].update(run=IMG, created_at=HOSTILE)
    extras["trends"][0]["coverage"][HOSTILE] = 3
    sneaky = Finding("alignment.off-platform", Severity.WARNING, HOSTILE,
                     Location(f"drafts/{IMG}.md", line=1, element=SCRIPT), claim=HOSTILE,
                     suggestion=HOSTILE, evidence={HOSTILE: HOSTILE})
    return make_report(
        findings=(*ALL, sneaky), company=HOSTILE, platform_digest=SCRIPT,
        pillars=((HOSTILE, HOSTILE), *PILLARS), extras=extras,
        documents=(*DOCS, DocumentSummary(HOSTILE, IMG, 1, {"pain": 1}, {}, {})),
    )


def test_claim_markup_is_escaped_never_rendered():
    out = render(make_report(extras=full_extras()))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "<script>alert" not in out and "<img" not in out
    assert "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;" in out


def test_input_text_anywhere_on_the_page_cannot_add_tags_or_handlers():
    out = render(hostile_report())
    page = Page(out)
    assert "<script>alert" not in out and "<img" not in out
    assert [t for t, _ in page.tags].count("script") == 1  # the report's own filter script
    assert not [t for t, _ in page.tags if t in ("img", "iframe", "object", "embed", "link",
                                                   "base", "image", "use", "foreignobject")]
    handlers = [(t, k) for t, a in page.tags for k in a if k.lower().startswith("on")]
    assert handlers == []
    # The hostile text survives as text, wherever it was.
    assert sum(HOSTILE in chunk for chunk in page.text) >= 10


def test_styles_and_svg_attributes_carry_only_values_computed_by_msgcheck():
    page = Page(render(hostile_report()))
    colour = re.compile(r"^background-color: #[0-9a-f]{6}; color: #[0-9a-f]{6};$")
    styles = [a["style"] for _, a in page.tags if a.get("style")]
    assert styles and all(colour.match(s) or re.match(r"^background-color: #[0-9A-Fa-f]{6};$", s)
                          for s in styles)
    number = re.compile(r"^-?\d+(\.\d+)?$")
    for tag, attrs in page.tags:
        if tag in ("rect", "circle", "line"):
            for key in ("x", "y", "width", "height", "cx", "cy", "r", "x1", "x2", "y1", "y2"):
                if key in attrs:
                    assert number.match(attrs[key] or ""), (tag, key, attrs[key])
        if tag == "polyline":
            assert re.fullmatch(r"[\d.,\- ]+", attrs["points"] or "")


EXTERNAL = re.compile(r"https?://|\bsrc\s*=|\bhref\s*=(?!\s*\"#)|url\(|@import", re.IGNORECASE)


def test_page_makes_no_external_reference():
    # Benign text only: the hostile claim itself contains `src=` as (escaped) text.
    out = render(make_report(findings=(DECK, DRIFT), extras=full_extras()))
    assert EXTERNAL.findall(out) == []
    assert "<link" not in out and "xmlns" not in out


def test_no_external_reference_even_when_sources_are_urls():
    """Website sources are URLs: they appear as text, never as a link, src or style url()."""
    url = "https://example.com/pricing?utm=1"
    finding = Finding("framing.feature-first", Severity.WARNING, "Leads with a feature.",
                      Location(url, element="h2:3"), claim=f"See {url} or javascript:alert(1)")
    extras = full_extras()
    extras["coverage"]["assets"][2]["source"] = url
    page = Page(render(make_report(findings=(*ALL, finding), extras=extras)))
    for tag, attrs in page.tags:
        assert tag not in ("link", "img", "iframe", "base", "object", "embed")
        assert "src" not in attrs and "action" not in attrs and "xlink:href" not in attrs
        if "href" in attrs:
            assert tag == "a" and (attrs["href"] or "").startswith("#")
        assert "url(" not in (attrs.get("style") or "")
    css = "".join(page.styles)
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    assert any(url in chunk for chunk in page.text)


def test_content_security_policy_forbids_everything_but_the_reports_own_script():
    out = render()
    page = Page(out)
    metas = [a for t, a in page.tags if t == "meta"
             and (a.get("http-equiv") or "").lower() == "content-security-policy"]
    assert len(metas) == 1
    policy = metas[0]["content"] or ""
    assert "default-src 'none'" in policy and "base-uri 'none'" in policy
    # The hash allows exactly the script on the page: editing one without the other would block it.
    script = page.scripts[0]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy
    # The CSP must come before anything it governs.
    assert out.index("Content-Security-Policy") < out.index("<style>")


def test_page_works_without_javascript():
    page = Page(render())
    form = [a for t, a in page.tags if t == "form"]
    assert len(form) == 1 and "hidden" in form[0]  # the script reveals the filter
    rows = [a for t, a in page.tags if t == "tr" and "finding" in (a.get("class") or "")]
    assert rows and not any("hidden" in a for a in rows)


def test_page_is_print_friendly():
    css = "".join(Page(render()).styles)
    assert "@media print" in css
    printed = css[css.index("@media print"):]
    assert "position: static" in printed and "print-color-adjust: exact" in css


# --- sections -------------------------------------------------------------------------------


def test_every_section_is_present_when_its_data_is():
    page = Page(render())
    assert SECTIONS | {"findings"} <= page.ids()
    nav = [a["href"] for t, a in page.tags if t == "a" and a.get("href", "").startswith("#")]
    assert [h for h in nav if h != "#top"] == [
        "#coverage", "#style-mix", "#leads", "#competing", "#shadow", "#value-prop", "#trends",
        "#findings"]


def test_without_extras_only_findings_and_the_style_mix_from_documents_remain():
    page = Page(render(make_report()))
    ids = page.ids()
    assert "findings" in ids and "style-mix" in ids
    assert not (SECTIONS - {"style-mix"}) & ids
    # The style mix falls back to the per-document style counts.
    assert page.count("svg", class_="stack") == 3


def test_without_extras_or_styles_no_cross_asset_section_is_shown():
    docs = (DocumentSummary("drafts/a.md", "markdown", 0, {}, {}, {}),)
    ids = Page(render(make_report(findings=(), documents=docs))).ids()
    assert not SECTIONS & ids and "findings" in ids


@pytest.mark.parametrize("key,section,empty_text", [
    ("competing", "competing", "No competing claims"),
    ("shadow_messages", "shadow", "No shadow messages"),
    ("value_prop", "value-prop", "No asset has a lead"),
    ("style_mix", "style-mix", "No assets with claims"),
    ("trends", "trends", "No runs recorded yet"),
])
def test_an_empty_section_says_so(key, section, empty_text):
    extras = full_extras()
    extras[key] = []
    out = render(make_report(extras=extras))
    assert f'id="{section}"' in out and empty_text in out


def test_trends_section_is_omitted_when_absent():
    extras = full_extras()
    del extras["trends"]
    out = render(make_report(extras=extras))
    assert 'id="trends"' not in out and "<polyline" not in out and 'href="#trends"' not in out


def test_null_leads_are_omitted_and_a_lone_group_has_no_statement():
    extras = full_extras()
    extras["leads"] = None
    assert 'id="leads"' not in render(make_report(extras=extras))
    extras["leads"] = {"groups": {"deck": {"faster-close": 1.0}}, "statement": None}
    out = render(make_report(extras=extras))
    assert 'id="leads"' in out and "leads with Faster close" in out


def test_single_asset_coverage_says_comparison_needs_two_assets():
    extras = {"coverage": {
        "pillars": [{"id": i, "name": n} for i, n in PILLARS],
        "assets": [asset("drafts/post.md", "draft", 12, {"faster-close": 4, "spend-control": 1})],
        "note": "only one asset: nothing to compare across assets",
    }}
    page = Page(render(make_report(extras=extras)))
    text = " ".join(" ".join(page.text).split())
    assert "Only one asset: nothing to compare across assets." in text
    assert "two or more assets" in text
    assert page.count("td", class_="heat") == 3  # the one asset's row is still shown
    assert "Not covered by any asset" not in text  # meaningless with one asset


def test_single_asset_without_a_note_still_explains():
    extras = {"coverage": {"pillars": [], "assets": [
        asset("drafts/post.md", "draft", 12, {"faster-close": 4})]}}
    assert "needs two or more assets" in render(make_report(extras=extras))


def test_coverage_heatmap_has_a_cell_per_asset_and_pillar_darker_for_more_claims():
    page = Page(render())
    cells = [a for t, a in page.tags if t == "td" and "heat" in (a.get("class") or "").split()]
    assert len(cells) == 3 * 3

    def background(attrs: dict[str, str | None]) -> str:
        return re.search(r"background-color: (#[0-9a-f]{6})", attrs["style"] or "")[1]

    colours = [background(c) for c in cells]
    by_count = dict(zip([5, 0, 11, 1, 0, 3, 16, 0, 4], colours, strict=True))
    assert by_count[0] == "#ffffff"
    lum = [html._luminance(tuple(int(by_count[n][i:i + 2], 16) for i in (1, 3, 5)))
           for n in (1, 3, 4, 5, 11, 16)]
    assert lum == sorted(lum, reverse=True)  # darker as counts grow
    text = " ".join(" ".join(page.text).split())
    assert "Not covered by any asset Fewer errors" in text


def test_heat_colour_text_stays_readable():
    for n in range(17):
        bg, fg = html.heat_colour(n, 16)
        rgb = tuple(int(bg[i:i + 2], 16) for i in (1, 3, 5))
        frgb = tuple(int(fg[i:i + 2], 16) for i in (1, 3, 5))
        assert html._contrast(html._luminance(rgb), html._luminance(frgb)) >= 4.5


def test_style_mix_bars_have_one_segment_per_style_present():
    page = Page(render())
    assert page.count("svg", class_="stack") == 2
    segments = [a for t, a in page.tags if t == "rect" and a.get("class") == "segment"]
    assert len(segments) == 6
    first = segments[:3]
    assert [float(s["width"]) for s in first] == pytest.approx([100 * 5 / 30, 100 * 20 / 30,
                                                                100 * 5 / 30], abs=0.01)


def test_leads_show_the_statement_and_mark_each_groups_lead():
    out = render()
    assert "The website leads with Faster close (80% of its claims)" in out
    assert "leads with Faster close" in out and "leads with Spend control" in out
    assert out.count('class="leading"') == 2


def test_competing_shadow_and_value_prop_show_their_text():
    out = render()
    assert "On Faster close, the site says &#34;Close in days&#34;" in out
    assert "Auditors love us" in out and "add it or retire it" in out
    assert "Spend control for finance teams" in out and "below band" in out and "aligned" in out


def test_trends_draw_a_line_per_severity_pillar_and_style():
    page = Page(render())
    assert page.count("polyline") == 3 + 2 + 3
    assert page.count("circle") == (3 + 2 + 3) * 3
    assert {"trend-findings", "trend-coverage", "trend-styles"} <= page.ids()


def test_trends_with_one_run_and_stored_run_summaries():
    """A single run still draws; `{"claims": n}` values (as crawl summaries store them) count."""
    extras = {"trends": [{"run": 1, "findings": {"warning": 2},
                          "coverage": {"faster-close": {"claims": 4, "pages": 2}}}]}
    page = Page(render(make_report(extras=extras)))
    assert page.count("polyline") == 3 + 1
    titles = " ".join(page.text)
    assert "run 1: Faster close 4" in titles


def test_malformed_extras_do_not_break_the_page():
    extras = {
        "coverage": "nonsense",
        "style_mix": [1, None, {"source": "a.md", "pain": "x", "feature": float("nan")}],
        "leads": {"groups": None},
        "competing": [None, {"groups": "x"}],
        "shadow_messages": [{"size": "many"}],
        "value_prop": [{"source": "a.md", "similarity": "NaN"}, {"lead": "no source"}],
        "trends": [{"run": 1, "findings": None}, "junk"],
    }
    out = render(make_report(extras=extras))
    assert SECTIONS <= Page(out).ids()


def test_empty_report():
    out = render(make_report(findings=(), documents=()))
    assert "No documents were checked." in out and "0 claims" in out
    assert 'id="filters"' not in out


# --- findings -------------------------------------------------------------------------------


def test_every_finding_is_a_row_grouped_by_document_with_place_check_claim_and_suggestion():
    out = render()
    page = Page(out)
    assert page.count("tr", class_="finding") == len(ALL)
    # Documents in order, each finding under its own document, documents without findings too.
    order = [out.index(f'aria-label="{s}"') for s in
             ("decks/pitch.pptx", "drafts/clean.md", "drafts/post.md")]
    assert order == sorted(order)
    deck = out[order[0]:order[1]]
    assert "decks/pitch.pptx:slide 3:Title 1 (paragraph 2)" in deck
    assert "terminology.product-name" in deck and "Meet LedgerLine Match" in deck
    assert "Ledgerline Match" in deck and 'data-severity="error"' in deck
    assert "No findings." in out[order[1]:order[2]]
    post = out[order[2]:]
    assert post.index("drafts/post.md:12:5") < post.index("drafts/post.md:20:1")
    assert "Close the month in days, not weeks." in post
    assert "<dt>similarity</dt><dd>0.123</dd>" in post


def test_findings_of_a_source_without_a_summary_are_still_shown():
    stray = Finding("io.unreadable", Severity.ERROR, "[E107] not a .pptx file",
                    Location("decks/broken.pptx"))
    out = render(make_report(findings=(*ALL, stray)))
    assert Page(out).count("tr", class_="finding") == 4 and "[E107] not a .pptx file" in out


def test_output_is_deterministic_and_independent_of_finding_order():
    first = render()
    assert render() == first
    shuffled = make_report(extras=full_extras())
    object.__setattr__(shuffled, "findings", tuple(reversed(shuffled.findings)))
    assert html.render(shuffled) == first
