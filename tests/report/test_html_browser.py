"""The HTML report in a real headless browser: charts have size, every finding is a row, nothing
is fetched, and hostile claim text runs nothing and reads as text.

Browser: Debian's `chromium` (`apt-get install -y chromium`) driven by Playwright for Python
(`pip install playwright`) through `executable_path`; Playwright's own browser download
(`playwright install`) is never used. When /usr/bin/chromium or playwright is missing these tests
skip, unless MSGCHECK_REQUIRE_BROWSER is set (CI sets it), in which case they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from msgcheck.model import CrossAsset, DocumentSummary, Finding, Location, Report, Severity
from msgcheck.report import html

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
REQUIRED = bool(os.environ.get("MSGCHECK_REQUIRE_BROWSER"))
INSTALL = ("apt-get install -y chromium, and pip install playwright "
           "(never `playwright install`)")

if not CHROMIUM.exists():
    if REQUIRED:
        pytest.fail(f"MSGCHECK_REQUIRE_BROWSER is set but {CHROMIUM} is missing: {INSTALL}",
                    pytrace=False)
    pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} ({INSTALL}); set "
                "MSGCHECK_REQUIRE_BROWSER=1 to make this a failure", allow_module_level=True)
try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:
    if REQUIRED:
        pytest.fail(f"MSGCHECK_REQUIRE_BROWSER is set but playwright is missing: {INSTALL}",
                    pytrace=False)
    pytest.skip(f"playwright is not installed ({INSTALL})", allow_module_level=True)

PWN = "Close 10x faster <script>window.__pwned = 1</script> today"
IMG = "Trusted by <img src=x onerror=\"window.__pwned = 2; alert(2)\"> auditors"
PILLARS = (("faster-close", "Faster close"), ("fewer-errors", "Fewer errors"),
           ("spend-control", "Spend control"))
ASSETS = ("decks/pitch.pptx", "drafts/post.md", "site/pricing.html")

FINDINGS = (
    Finding("terminology.product-name", Severity.ERROR, "'LedgerLine Match' is not the product "
            "name", Location("decks/pitch.pptx", line=2, slide=3, element="Title 1"),
            claim="Meet LedgerLine Match", suggestion="Ledgerline Match"),
    Finding("alignment.off-platform", Severity.WARNING, "No pillar supports this promise.",
            Location("drafts/post.md", line=12, column=5), claim=PWN,
            evidence={"similarity": 0.12}),
    Finding("alignment.off-platform", Severity.WARNING, "No pillar supports this promise.",
            Location("drafts/post.md", line=14, column=1), claim=IMG),
    Finding("alignment.drift", Severity.SUGGESTION, "Drifted from the approved message.",
            Location("drafts/post.md", line=20, column=1), claim="Close faster, kind of.",
            suggestion="Close the month in days, not weeks."),
    Finding("framing.feature-first", Severity.WARNING, "Leads with a feature, not the pain.",
            Location("site/pricing.html", line=40, column=3),
            claim="AI-powered matching engine with 40 connectors"),
)


def make_report() -> Report:
    counts = ({"faster-close": 5, "fewer-errors": 0, "spend-control": 11},
              {"faster-close": 1, "fewer-errors": 0, "spend-control": 3},
              {"faster-close": 16, "fewer-errors": 2, "spend-control": 4})
    styles = ((5, 20, 5), (6, 3, 3), (10, 22, 8))
    extras: dict[str, Any] = {
        "coverage": {"pillars": [{"id": i, "name": n} for i, n in PILLARS], "note": None,
                     "assets": [{"source": s, "group": g, "claims": sum(st), "counts": c,
                                 "off_platform": 2, "drift": 1}
                                for s, g, c, st in zip(ASSETS, ("deck", "draft", "page"),
                                                       counts, styles, strict=True)]},
        "style_mix": [{"source": s, "pain": p, "feature": f, "neutral": n, "claims": p + f + n}
                      for s, (p, f, n) in zip(ASSETS, styles, strict=True)],
        "leads": {"groups": {"page": {"faster-close": 0.73, "fewer-errors": 0.09,
                                         "spend-control": 0.18},
                             "deck": {"faster-close": 0.31, "spend-control": 0.69}},
                  "statement": "The website leads with Faster close (73%); decks lead with "
                               "Spend control (69%)."},
        "competing": [{"pillar": "faster-close", "pillar_name": "Faster close",
                       "statement": "On Faster close, the site says \"Close in days\"; 1 of 1 "
                                    "decks says \"Month-end, quicker\" instead.",
                       "groups": [{"message": "on message", "assets": [ASSETS[2]],
                                   "example": "Close in days"},
                                  {"message": "drifting", "assets": [ASSETS[0]],
                                   "example": PWN}]}],
        "shadow_messages": [{"size": 3, "assets": list(ASSETS[:2]),
                             "representatives": [IMG, "Auditors love us"],
                             "suggestion": "add it to the platform, or retire it"}],
        "value_prop": [{"source": ASSETS[0], "lead": "Spend control for finance teams",
                        "similarity": 0.41, "band": 0.35, "aligned": True}],
        "trends": [{"run": n, "created_at": f"2026-01-0{n}T02:00:00Z",
                    "findings": {"error": 3 - n, "warning": 4 + n, "suggestion": 9},
                    "coverage": {"faster-close": 10 + n, "spend-control": 7},
                    "styles": {"pain": 30, "feature": 20 + n, "neutral": 10}}
                   for n in (1, 2, 3)],
    }
    docs = tuple(
        DocumentSummary(s, k, sum(st), dict(zip(("pain", "feature", "neutral"), st, strict=True)),
                        {}, {})
        for s, k, st in zip(ASSETS, ("pptx", "markdown", "html"), styles, strict=True))
    return Report(findings=tuple(sorted(FINDINGS, key=Finding.sort_key)), documents=docs,
                  platform_digest="9f0c1e2d3c4b5a69788796a5", company="Ledgerline",
                  tool_version="0.1.0", created_at="2026-01-04T02:00:00Z", pillars=PILLARS,
                  cross_asset=CrossAsset.of(**extras))


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html-report") / "report.html"
    path.write_text(html.render(make_report()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


class Visit:
    """One page load with everything the page tried to do recorded."""

    def __init__(self, browser: Browser, url: str, *, javascript: bool = True) -> None:
        self.url = url
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.context = browser.new_context(java_script_enabled=javascript,
                                           viewport={"width": 1280, "height": 900})
        self.context.route("**/*", self._route)
        self.page: Page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dialog)
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        self.page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        self.page.goto(url, wait_until="load")

    def _route(self, route: Any) -> None:
        if route.request.url == self.url:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Browser, report_file: Path) -> Iterator[Visit]:
    v = Visit(browser, report_file.as_uri())
    yield v
    v.close()


def boxes(page: Page, selector: str) -> list[dict[str, float]]:
    return page.eval_on_selector_all(selector, """els => els.map(e => {
        const r = e.getBoundingClientRect(); return {w: r.width, h: r.height};
    })""")


def test_charts_render_with_real_size(visit: Visit):
    page = visit.page
    charts = boxes(page, "svg.chart")
    assert len(charts) >= 3 + 3 * 3 + 1 + 3  # stacks, lead bars, value-prop bar, trend lines
    assert all(b["w"] > 0 and b["h"] > 0 for b in charts), charts
    stacks = boxes(page, "svg.stack")
    assert len(stacks) == 3 and all(b["w"] > 100 for b in stacks)
    segments = boxes(page, "svg.stack rect.segment")
    assert len(segments) == 9 and all(b["w"] > 0 and b["h"] > 0 for b in segments)
    lines = boxes(page, "svg.line polyline")
    assert len(lines) == 3 + 2 + 3 and all(b["w"] > 100 and b["h"] >= 0 for b in lines)
    assert all(b["w"] > 200 and b["h"] > 100 for b in boxes(page, "svg.line"))


def test_heatmap_cells_are_visible_and_coloured(visit: Visit):
    cells = visit.page.locator("table.heatmap td.heat")
    assert cells.count() == len(ASSETS) * len(PILLARS)
    for i in range(cells.count()):
        cell = cells.nth(i)
        assert cell.is_visible()
        box = cell.bounding_box()
        assert box and box["width"] > 20 and box["height"] > 10
    colours = visit.page.eval_on_selector_all(
        "table.heatmap td.heat", "els => els.map(e => getComputedStyle(e).backgroundColor)")
    assert len(set(colours)) > 4  # a real scale, not one flat colour
    top = visit.page.locator("table.heatmap td.heat", has_text="16")
    assert top.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(8, 48, 107)"


def test_every_finding_is_a_visible_row(visit: Visit):
    rows = visit.page.locator("tr.finding")
    assert rows.count() == len(FINDINGS)
    assert all(rows.nth(i).is_visible() for i in range(rows.count()))
    assert visit.page.locator("section.doc").count() == len(ASSETS)


def test_no_network_request_is_made(visit: Visit):
    visit.page.wait_for_timeout(300)  # let anything late (favicon, prefetch) show up
    assert visit.requests == [visit.url]
    assert visit.blocked == []


def test_hostile_claims_run_nothing_and_read_as_text(visit: Visit):
    page = visit.page
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert visit.dialogs == []
    assert page.locator("img").count() == 0
    assert page.locator("script").count() == 1  # the report's own
    claims = page.locator("tr.finding q.claim")
    texts = claims.all_inner_texts()
    assert PWN in texts and IMG in texts
    assert page.get_by_text(PWN, exact=True).first.is_visible()
    assert page.get_by_text(IMG, exact=True).first.is_visible()


def test_the_reports_own_script_runs_under_its_policy_and_filters(visit: Visit):
    page = visit.page
    assert visit.console_errors == [] and visit.page_errors == []  # CSP would log a refusal
    form = page.locator("#filters")
    assert form.is_visible()
    assert page.locator("#filter-status").inner_text() == "5 of 5 findings shown"
    form.locator("input[name=sev-warning]").uncheck()
    assert page.locator("tr.finding:visible").count() == 2
    form.locator("input[name=sev-warning]").check()
    form.locator("input[name=q]").fill("ledgerline match")
    assert page.locator("tr.finding:visible").count() == 1
    assert page.locator("#filter-status").inner_text() == "1 of 5 findings shown"
    form.locator("input[name=q]").press("Enter")  # no form submission, so no request
    assert visit.requests == [visit.url] and visit.blocked == []


def test_report_is_complete_without_javascript(browser: Browser, report_file: Path):
    v = Visit(browser, report_file.as_uri(), javascript=False)
    try:
        assert not v.page.locator("#filters").is_visible()
        rows = v.page.locator("tr.finding")
        assert rows.count() == len(FINDINGS)
        assert all(rows.nth(i).is_visible() for i in range(rows.count()))
        assert all(b["w"] > 0 and b["h"] > 0 for b in boxes(v.page, "svg.chart"))
        assert v.requests == [v.url] and v.blocked == []
    finally:
        v.close()


def test_summary_is_sticky_on_screen_and_static_in_print(visit: Visit):
    page = visit.page
    header = page.locator("header.summary")
    page.locator("#findings").scroll_into_view_if_needed()
    box = header.bounding_box()
    assert box and abs(box["y"]) < 1  # still at the top after scrolling
    page.emulate_media(media="print")
    assert header.evaluate("e => getComputedStyle(e).position") == "static"
    assert not page.locator("header.summary nav").is_visible()
