"""JSON report: `Report.to_dict()` as stable, sorted, indented JSON (docs/json-report.md)."""

from __future__ import annotations

import json

from msgcheck.model import Report


def render(report: Report) -> str:
    """The whole report as JSON text."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
