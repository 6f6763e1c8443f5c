"""Terminal report: one line per asset, then the findings most severe first, then a summary (rich).

Findings read in the order people act on them: errors, then warnings, then suggestions, each by
place (file, line, column) and check id. Alike findings (see `model.finding_groups`) print once,
with "and 34 more like it"; `verbose` lists the other places and the numbers behind each
finding. `width=None` never wraps (a file or a pipe); a terminal passes its own width.
"""

from __future__ import annotations

import io
import os
from collections import Counter
from typing import Any

from msgcheck.model import Finding, Location, Report, asset_kind
from msgcheck.report.words import (
    evidence_text,
    folded,
    held_back,
    more_like_it,
    plural,
    skipped_line,
)

STYLE = {"error": "bold red", "warning": "yellow", "suggestion": "cyan"}
UNWRAPPED = 1_000_000
"""Console width that never wraps: lines are as long as they need."""


def _place(loc: Location) -> str:
    return str(loc) if loc.within() else f"{loc.source} (whole asset)"


def render(report: Report, *, color: bool = False, width: int | None = None,
           verbose: bool = False) -> str:
    """Assets, findings by severity (alike ones folded), cross-asset views and a summary."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color,
                      width=width or UNWRAPPED, highlight=False, soft_wrap=width is None)
    _assets(console, report)
    for shown, others in folded(report.findings):
        _finding(console, shown, others, verbose)
    if report.findings:
        console.print()
    _cross_asset(console, report)
    _summary(console, report)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def _assets(console: Any, report: Report) -> None:
    from rich.markup import escape

    found: dict[str, Counter[str]] = {}
    for f in report.findings:
        found.setdefault(f.location.source, Counter())[f.severity.value] += 1
    for source, severity, n in report.held_back:
        found.setdefault(source, Counter())[severity] += n
    for doc in report.documents:
        counts = found.get(doc.source, Counter())
        tally = ", ".join(plural(counts[s], s) for s in STYLE if counts[s]) or "no findings"
        if doc.kind == "unreadable":
            console.print(f"[bold]{escape(doc.source)}[/bold]  [dim]unreadable[/dim]")
            continue
        styles = ", ".join(f"{doc.styles.get(s, 0)} {s}" for s in ("pain", "feature", "neutral"))
        console.print(f"[bold]{escape(doc.source)}[/bold]  [dim]{asset_kind(doc.source, doc.kind)}"
                      f", {plural(doc.claims, 'claim')} ({styles}):[/dim] {tally}")
    if report.documents:
        console.print()


def _finding(console: Any, f: Finding, others: list[Finding], verbose: bool) -> None:
    from rich.markup import escape

    sev = f.severity.value
    more = more_like_it(others)
    console.print(f"[{STYLE[sev]}]{sev}[/{STYLE[sev]}]  {escape(_place(f.location))}  "
                  f"[bold]{f.check}[/bold]  {escape(f.message)}"
                  + (f"  [dim]({more})[/dim]" if more else ""))
    if f.claim:
        console.print(f"    [dim]> {escape(f.claim)}[/dim]")
    if f.suggestion:
        console.print(f"    [green]suggestion:[/green] {escape(f.suggestion)}")
    if not verbose:
        return
    if f.evidence:
        console.print(f"    [dim]evidence: {escape(evidence_text(f.evidence))}[/dim]")
    for other in others:
        said = f"  > {other.claim}" if other.claim and other.claim != f.claim else ""
        console.print(f"    [dim]also at {escape(_place(other.location))}{escape(said)}[/dim]")


def _summary(console: Any, report: Report) -> None:
    from rich.markup import escape

    skipped = skipped_line(report)
    if skipped:
        console.print(f"[dim]{escape(skipped)}[/dim]")
    counts = report.counts()
    claims = sum(d.claims for d in report.documents)
    console.print(
        f"[bold]{plural(len(report.documents), 'document')}, {plural(claims, 'claim')}:[/bold] "
        f"[bold red]{plural(counts['error'], 'error')}[/bold red], [yellow]"
        f"{plural(counts['warning'], 'warning')}[/yellow], [cyan]"
        f"{plural(counts['suggestion'], 'suggestion')}[/cyan] "
        f"[dim](platform: {escape(report.company)}, {report.platform_digest[:12]})[/dim]"
    )
    note = held_back(report)
    if note:
        console.print(f"[dim]{escape(note)}[/dim]")


def _common_folder(sources: list[str]) -> str:
    """The folder every source sits in, to shorten the coverage table; '' when there is none
    (one source, URLs, or absolute and relative paths mixed)."""
    if len(sources) < 2 or any("://" in s for s in sources):
        return ""
    try:
        prefix = os.path.commonpath(sources)
    except ValueError:
        return ""
    return prefix if prefix and not any(s == prefix for s in sources) else ""


def _cross_asset(console: Any, report: Report) -> None:
    """Coverage matrix, leads, competing claims and shadow messages, when the run computed them."""
    from rich.markup import escape
    from rich.table import Table

    extras = report.cross_asset.to_dict() if report.cross_asset else {}
    coverage = extras.get("coverage")
    if not coverage:
        return
    print_ = console.print
    print_("[bold]Across assets[/bold]")
    if coverage.get("note"):
        print_(f"  [dim]{escape(coverage['note'])}[/dim]")
    pillars = coverage["pillars"]
    sources = [a["source"] for a in coverage["assets"]]
    prefix = _common_folder(sources)
    table = Table(box=None, padding=(0, 1), show_edge=False)
    table.add_column("asset", overflow="fold")
    for p in pillars:
        table.add_column(p["id"], justify="right")
    table.add_column("off", justify="right")
    for a in coverage["assets"]:
        name = os.path.relpath(a["source"], prefix) if prefix else a["source"]
        table.add_row(escape(name), *[str(a["counts"].get(p["id"], 0)) for p in pillars],
                      str(a["off_platform"]))
    print_(table)
    leads = extras.get("leads") or {}
    if leads.get("statement"):
        print_(f"  {escape(leads['statement'])}")
    for item in extras.get("competing", []):
        print_(f"  [yellow]competing:[/yellow] {escape(item['statement'])}")
    for item in extras.get("shadow_messages", []):
        print_(f"  [magenta]shadow message[/magenta] in {len(item['assets'])} assets "
               f"({item['size']} claims): \"{escape(item['representatives'][0])}\"")
        print_(f"      [dim]{escape(item['suggestion'])}[/dim]")
    print_()
