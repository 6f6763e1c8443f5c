"""Report data shared by every format: reading order, groups of alike findings, held-back ones."""

from __future__ import annotations

from msgcheck.model import Finding, Location, Report, Severity, finding_groups

HEADLINE = "headline leads with a capability, not the buyer's problem or outcome"


def finding(check: str, severity: Severity, source: str, line: int, message: str,
            claim: str | None = None, suggestion: str | None = None) -> Finding:
    return Finding(check, severity, message, Location(source, line, 1), claim=claim,
                   suggestion=suggestion)


def report(*findings: Finding) -> Report:
    return Report(findings=tuple(sorted(findings, key=Finding.sort_key)), documents=(),
                  platform_digest="d" * 64, company="Ledgerline", tool_version="0",
                  created_at="2025-01-01T00:00:00Z")


def test_severity_key_reads_most_severe_first_then_place_then_check():
    a = finding("framing.feature-heavy", Severity.SUGGESTION, "a.md", 1, HEADLINE)
    b = finding("alignment.off-platform", Severity.WARNING, "b.md", 9, "no pillar")
    c = finding("messaging.retired", Severity.ERROR, "b.md", 20, "retired")
    d = finding("alignment.drift", Severity.WARNING, "a.md", 30, "drifts")
    assert sorted([a, b, c, d], key=Finding.severity_key) == [c, d, b, a]
    assert sorted([a, b, c, d], key=Finding.sort_key) == [a, d, b, c]


def test_same_check_and_message_in_one_asset_is_one_group():
    one = finding("framing.feature-heavy", Severity.SUGGESTION, "a.md", 3, HEADLINE, "Ledger sync")
    two = finding("framing.feature-heavy", Severity.SUGGESTION, "a.md", 9, HEADLINE, "Bank feeds")
    other_asset = finding("framing.feature-heavy", Severity.SUGGESTION, "b.md", 2, HEADLINE,
                          "Card controls")
    other_check = finding("alignment.off-platform", Severity.WARNING, "a.md", 3, HEADLINE,
                          "Ledger sync")
    groups = finding_groups([one, two, other_asset, other_check])
    assert groups[0] == groups[1] == one.fingerprint
    assert len(set(groups)) == 3


def test_same_suggestion_in_one_asset_is_one_group():
    one = finding("alignment.drift", Severity.SUGGESTION, "a.md", 3, "close to pillar 'A'",
                  "Books in a flash", "Close the month in days, not weeks.")
    two = finding("alignment.drift", Severity.SUGGESTION, "a.md", 7, "close to pillar 'B'",
                  "Month end, sorted", "Close the month in days, not weeks.")
    assert len(set(finding_groups([one, two]))) == 1


def test_same_claim_across_assets_is_one_group_and_different_claims_are_not():
    a = finding("alignment.off-platform", Severity.WARNING, "a.md", 1, "no pillar (a)",
                "Book meeting rooms from one app")
    b = finding("alignment.off-platform", Severity.WARNING, "b.md", 4, "no pillar (b)",
                "Book  meeting rooms from one app")
    c = finding("alignment.off-platform", Severity.WARNING, "c.md", 4, "no pillar (c)",
                "Track fleet fuel use")
    groups = finding_groups([c, b, a])
    assert groups[1] == groups[2] == a.fingerprint
    assert groups[0] != groups[1]


def test_a_line_repeated_across_assets_does_not_pull_in_each_assets_other_findings():
    boiler = [finding("alignment.off-platform", Severity.WARNING, src, 1, "no pillar",
                      "Rendered from the site template") for src in ("a.md", "b.md")]
    own = [finding("alignment.off-platform", Severity.WARNING, src, 9, "no pillar", text)
           for src, text in (("a.md", "Book meeting rooms"), ("a.md", "Track fleet fuel"),
                             ("b.md", "Run contractor payroll"))]
    groups = finding_groups([*boiler, *own])
    assert groups[0] == groups[1]
    assert groups[2] == groups[3] != groups[0]
    assert groups[4] not in (groups[0], groups[2])


def test_json_keeps_every_finding_with_its_group():
    one = finding("framing.feature-heavy", Severity.SUGGESTION, "a.md", 3, HEADLINE)
    two = finding("framing.feature-heavy", Severity.SUGGESTION, "a.md", 9, HEADLINE)
    data = report(one, two).to_dict()
    assert [f["group"] for f in data["findings"]] == [one.fingerprint, one.fingerprint]
    assert "held_back" not in data


def test_limited_keeps_the_most_severe_per_asset_and_counts_the_rest():
    many = [finding("framing.feature-heavy", Severity.SUGGESTION, "faq.md", n, HEADLINE)
            for n in range(1, 6)]
    error = finding("messaging.retired", Severity.ERROR, "faq.md", 50, "retired")
    small = finding("alignment.drift", Severity.SUGGESTION, "home.md", 1, "drifts")
    full = report(*many, error, small)
    cut = full.limited(2)
    assert [f.location.line for f in cut.findings] == [1, 50, 1]
    assert cut.held_back == (("faq.md", "suggestion", 4),)
    assert cut.counts() == full.counts() == {"error": 1, "warning": 0, "suggestion": 6}
    assert cut.to_dict()["held_back"] == [{"source": "faq.md", "severity": "suggestion",
                                           "count": 4}]
    assert full.limited(0) is full and full.limited(10).findings == full.findings
