"""SARIF 2.1.0 report, for code-review tools (GitHub code scanning, Azure DevOps, VS Code viewers).

Built from `Report.to_dict()`, like every machine format. One run; `tool.driver.rules` lists every
check (plus the `io.unreadable` pseudo-check), so `ruleIndex` is stable for a given msgcheck
version. Each result carries `partialFingerprints` with the finding's own fingerprint (check,
source, normalised claim; never the line), so a code-review tool matches a finding night to night
even when the text around it moves (bandit does the same).

Decks have no lines: a deck finding points at the file (no `region`, since a region needs a line
or an offset and inventing line 1 would send a reviewer to the wrong place) and at a
`logicalLocation` `slide N/shape`, and the slide, shape and paragraph are in the location's
`properties` and at the end of the message text, where every viewer shows them.

Output is deterministic: keys sorted, findings in document order, and the only time is the
report's own injected `created_at`, in `invocations`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from msgcheck.checks.base import UNREADABLE, UNREADABLE_SUMMARY
from msgcheck.model import Report

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SARIF_VERSION = "2.1.0"
REPOSITORY = "https://github.com/msgcheck/msgcheck"
DOCS_URI = f"{REPOSITORY}/blob/main/docs/checks.md"
FINGERPRINT_KEY = "msgcheckFingerprint/v1"


LEVELS = {"error": "error", "warning": "warning", "suggestion": "note"}
"""msgcheck severity -> SARIF level."""

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# Characters RFC 3986 allows unescaped in a path segment, less ":" (a colon in the first segment
# of a relative reference would read as a scheme: `a:b.md` must not become scheme `a`).
_PATH_SAFE = "/!$&'()*+,;=@~"
# Everything a URL may already contain, so an absolute URL is only cleaned, never re-encoded.
_URL_SAFE = ":/?#[]@!$&'()*+,;=~%"


def artifact_uri(source: str) -> str:
    """A `uri-reference` for a Location.source: URLs as given (cleaned), paths percent-encoded.

    Relative paths stay relative (code scanning resolves them against the repository root);
    absolute paths become `file://` URIs; `<stdin>` becomes `%3Cstdin%3E`.
    """
    if _SCHEME.match(source):
        return quote(_STRAY_PERCENT.sub("%25", source), safe=_URL_SAFE)
    path = source.replace("\\", "/")
    if _DRIVE.match(source):
        return "file:///" + path[:2] + quote(path[2:], safe=_PATH_SAFE)
    if path.startswith("/"):
        return "file://" + quote(path, safe=_PATH_SAFE)
    return quote(path, safe=_PATH_SAFE)


def rule_name(check_id: str) -> str:
    """`alignment.off-platform` -> `AlignmentOffPlatform` (SARIF names are identifiers)."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", check_id))


def _first_paragraph(doc: str | None) -> str:
    return " ".join((doc or "").strip().split("\n\n")[0].split())


def _rule(check_id: str, summary: str, detail: str, level: str) -> dict[str, Any]:
    help_uri = f"{DOCS_URI}#{check_id}"
    full = f"{summary} {detail}" if detail and detail != summary else summary
    return {
        "id": check_id,
        "name": rule_name(check_id),
        "shortDescription": {"text": summary},
        "fullDescription": {"text": full},
        "defaultConfiguration": {"level": level},
        "helpUri": help_uri,
        "help": {"text": f"{full} Documentation: {help_uri}",
                 "markdown": f"{full}\n\n[Documentation]({help_uri})"},
        "properties": {"tags": list(dict.fromkeys(["msgcheck", check_id.split(".", 1)[0]]))},
    }


def rules(finding_checks: Sequence[tuple[str, str]] = ()) -> list[dict[str, Any]]:
    """Every check's rule descriptor in `ALL` order, then `io.unreadable`, then any check
    id a finding names that msgcheck does not list (`(check id, severity)` pairs), sorted."""
    from msgcheck.checks import ALL

    out = [_rule(c.id, c.summary, _first_paragraph(c.run.__doc__), LEVELS[c.severity.value])
           for c in ALL]
    out.append(_rule(UNREADABLE, UNREADABLE_SUMMARY, "", "error"))
    known = {r["id"] for r in out}
    extra: dict[str, str] = {}
    for check_id, severity in finding_checks:
        if check_id not in known:
            extra.setdefault(check_id, LEVELS.get(severity, "warning"))
    out.extend(_rule(i, i, "", extra[i]) for i in sorted(extra))
    return out


def _place(loc: Mapping[str, Any]) -> str | None:
    """Where in a deck (or an element of a page) when there is no line; None otherwise."""
    if loc.get("slide") is not None:
        out = f"slide {loc['slide']}"
        if loc.get("element"):
            out += f", shape \"{loc['element']}\""
        if loc.get("line") is not None:
            out += f", paragraph {loc['line']}"
        return out
    if loc.get("page") is not None:
        return f"page {loc['page']}"
    if loc.get("line") is None and loc.get("element"):
        return f"element {loc['element']}"
    return None


def _location(loc: Mapping[str, Any]) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(loc["source"])}}
    out: dict[str, Any] = {"physicalLocation": physical}
    if loc.get("slide") is not None:
        # In decks `line` is the paragraph inside the shape, not a line of the file.
        names = [f"slide {loc['slide']}"] + ([loc["element"]] if loc.get("element") else [])
        out["logicalLocations"] = [{"name": names[-1], "fullyQualifiedName": "/".join(names),
                                    "kind": "element"}]
        props: dict[str, Any] = {"slide": loc["slide"]}
        if loc.get("element"):
            props["shape"] = loc["element"]
        if loc.get("line") is not None:
            props["paragraph"] = loc["line"]
        out["properties"] = props
        out["message"] = {"text": str(_place(loc))}
        return out
    if loc.get("page") is not None:
        name = f"page {loc['page']}"
        out["logicalLocations"] = [{"name": name, "fullyQualifiedName": name, "kind": "element"}]
        out["properties"] = {"page": loc["page"]}
        out["message"] = {"text": name}
        return out
    if loc.get("line") is not None:
        region: dict[str, Any] = {"startLine": loc["line"]}
        if loc.get("column") is not None:
            region["startColumn"] = loc["column"]
        physical["region"] = region
    if loc.get("element"):
        out["logicalLocations"] = [{"name": loc["element"], "fullyQualifiedName": loc["element"],
                                    "kind": "element"}]
        out["properties"] = {"element": loc["element"]}
    return out


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def _message(f: Mapping[str, Any]) -> str:
    # The first sentence is what a viewer shows when space is short: keep the finding's own.
    parts = [_sentence(f["message"])]
    place = _place(f["location"])
    if place:
        parts.append(f"({place[:1].upper()}{place[1:]}.)")
    if f.get("suggestion"):
        parts.append(f"Suggestion: \"{f['suggestion']}\".")
    return " ".join(parts)


def _sort_key(f: Mapping[str, Any]) -> tuple[Any, ...]:
    loc = f["location"]
    return (loc["source"], loc.get("slide") or loc.get("page") or 0, loc.get("line") or 0,
            loc.get("column") or 0, loc.get("element") or "", f["check"], f["message"])


def to_sarif(report: Report) -> dict[str, Any]:
    """The SARIF log as plain data (what `render` serialises)."""
    data = report.to_dict()
    findings = sorted(data["findings"], key=_sort_key)
    descriptors = rules([(f["check"], f["severity"]) for f in findings])
    index = {r["id"]: i for i, r in enumerate(descriptors)}
    results = []
    for f in findings:
        props: dict[str, Any] = {"severity": f["severity"],
                                 "displayLocation": f["display_location"]}
        for key in ("claim", "evidence", "suggestion", "group"):
            if key in f:
                props[key] = f[key]
        results.append({
            "ruleId": f["check"],
            "ruleIndex": index[f["check"]],
            "level": LEVELS.get(f["severity"], "warning"),
            "message": {"text": _message(f)},
            "locations": [_location(f["location"])],
            "partialFingerprints": {FINGERPRINT_KEY: f["fingerprint"]},
            "properties": props,
        })
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "msgcheck",
            "version": data["tool_version"],
            "informationUri": REPOSITORY,
            "rules": descriptors,
        }},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "platform": {"company": data["platform"]["company"],
                         "digest": data["platform"]["digest"]},
            "summary": data["summary"],
        },
    }
    if data.get("created_at"):
        run["invocations"] = [{"executionSuccessful": True, "endTimeUtc": data["created_at"]}]
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def render(report: Report) -> str:
    """The report as a SARIF 2.1.0 log (JSON text, keys sorted)."""
    return json.dumps(to_sarif(report), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
