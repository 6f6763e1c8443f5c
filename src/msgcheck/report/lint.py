"""Linter-style lines for `msgcheck check`: `path:line:col: severity check message`.

One finding per line, in file order, the way compilers and linters print, so editors and CI logs
can jump to the place. Decks print `deck.pptx:slide 3:Title 1:` instead of line and column, PDFs
`deck.pdf:p3:`. The suggestion, when there is one, follows on an indented line.
"""

from __future__ import annotations

from msgcheck.model import Finding, Report


def render(report: Report) -> str:
    """Every finding as a linter line (empty string when there are none)."""
    lines = []
    for f in sorted(report.findings, key=Finding.sort_key):
        loc = f.location
        if loc.slide is not None:
            place = f"{loc.source}:slide {loc.slide}" + (f":{loc.element}" if loc.element else "")
        elif loc.line is not None:
            place = f"{loc.source}:{loc.line}:{loc.column or 1}"
        else:
            place = str(loc)
        lines.append(f"{place}: {f.severity.value} {f.check} {f.message}")
        if f.suggestion:
            lines.append(f"    suggestion: {f.suggestion}")
    return "\n".join(lines) + ("\n" if lines else "")
