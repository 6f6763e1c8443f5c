"""Crawl reports (report/crawl.py): what each format shows, and that page text stays inert."""

from __future__ import annotations

from msgcheck.crawl import CrawlReport, PageResult
from msgcheck.crawl.runner import FetchFailure
from msgcheck.model import Finding, Location, Severity


def one_page_report(finding: Finding, failures: tuple[FetchFailure, ...] = ()) -> CrawlReport:
    page = PageResult("https://site.test/a", "A", 200, False, True, 4, (finding,),
                      (finding.fingerprint,))
    stats = {"pages": 1, "analysed": 1, "reused": 0, "revalidated": 0, "failures": len(failures),
             "skipped": 0, "seconds": {"crawl": 0.5, "analysis": 1.0, "total": 2.0}}
    return CrawlReport(1, "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z",
                       ("https://site.test/",), "Acme", "d" * 64, (page,), failures, (),
                       (finding,), (), {"findings": {"warning": 1}, "open": 1}, stats)


def test_the_cli_offers_exactly_the_formats_the_renderers_write():
    from msgcheck.cli.crawl import CRAWL_FORMATS
    from msgcheck.report.crawl import FORMATS

    assert CRAWL_FORMATS == FORMATS


def test_markdown_keeps_page_text_and_failure_reasons_inert():
    from msgcheck.report.crawl import render_markdown

    finding = Finding("terminology.avoid", Severity.WARNING, "avoid 'seamless' | *now*",
                      Location("https://site.test/a", 3, 1), claim="A seamless sync")
    failure = FetchFailure("https://site.test/b|c", "HTTP 500 <script>x</script> @team")
    text = render_markdown(one_page_report(finding, (failure,)))
    assert text.startswith("### msgcheck crawl: 1 new, 0 resolved\n")
    assert "avoid 'seamless' \\| \\*now\\*" in text
    assert ("| https://site.test/b\\|c | HTTP 500 &lt;script&gt;x&lt;/script&gt; @\u2060team |"
            in text)
    assert "1 page" in text.splitlines()[2] and "1 failure," in text.splitlines()[2]


def test_text_report_lists_new_findings_and_the_timings():
    from msgcheck.report.crawl import render_text

    finding = Finding("terminology.avoid", Severity.WARNING, "avoid 'seamless'",
                      Location("https://site.test/a", 3, 1), claim="A seamless sync")
    text = render_text(one_page_report(finding))
    assert "new findings (1):\n  warning    https://site.test/a:3:1  terminology.avoid" in text
    assert text.endswith("took 2.0 s (crawl 0.5 s, analysis 1.0 s)\n")


def test_html_crawl_report_has_trends_and_page_findings(tmp_path):
    """The nightly HTML report: one self-contained page with trend charts over past runs."""
    from msgcheck.history import History
    from msgcheck.report.crawl import render_html

    db = f"sqlite:///{tmp_path / 'h.sqlite'}"
    History(db).close()
    finding = Finding("terminology.avoid", Severity.WARNING, "avoid 'seamless'",
                      Location("https://site.test/a", 3, 1), claim="A seamless <b>sync</b>")
    page = PageResult("https://site.test/a", "A", 200, False, True, 4, (finding,))
    report = CrawlReport(1, "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z",
                         ("https://site.test/",), "Acme", "d" * 64, (page,), (), (), (finding,),
                         (), {}, {})
    page_html = render_html(report, db)
    assert "https://site.test/a" in page_html and "&lt;b&gt;sync&lt;/b&gt;" in page_html
    assert "<script src" not in page_html and "stylesheet" not in page_html
