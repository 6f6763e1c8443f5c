"""Terminal report: findings grouped by document, then a summary (rich)."""

from __future__ import annotations

import io
import os
from itertools import groupby

from msgcheck.model import Finding, Location, Report
from msgcheck.report.words import skipped_line

STYLE = {"error": "bold red", "warning": "yellow", "suggestion": "cyan"}


def _place(loc: Location) -> str:
    return loc.within() or "(asset)"


def render(report: Report, *, color: bool = False, width: int = 100) -> str:
    """Findings grouped by document, each with place, severity, check, message and suggestion."""
    from rich.console import Console
    from rich.markup import escape

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width,
                      highlight=False, soft_wrap=False)
    summaries = {d.source: d for d in report.documents}
    findings = sorted(report.findings, key=Finding.sort_key)
    by_source = {k: list(v) for k, v in groupby(findings, key=lambda f: f.location.source)}
    for source in sorted(set(summaries) | set(by_source)):
        doc = summaries.get(source)
        head = f"[bold]{escape(source)}[/bold]"
        if doc is not None and doc.kind != "unreadable":
            styles = ", ".join(f"{doc.styles.get(s, 0)} {s}" for s in ("pain", "feature", "neutral"))
            head += f"  [dim]{doc.kind}, {doc.claims} claims: {styles}[/dim]"
        console.print(head)
        items = by_source.get(source, [])
        if not items:
            console.print("  [green]no findings[/green]")
        for f in items:
            sev = f.severity.value
            console.print(
                f"  {escape(_place(f.location))}  [{STYLE[sev]}]{sev}[/{STYLE[sev]}]  "
                f"[bold]{f.check}[/bold]  {escape(f.message)}"
            )
            if f.claim:
                console.print(f"      [dim]> {escape(f.claim)}[/dim]")
            if f.suggestion:
                console.print(f"      [green]suggestion:[/green] {escape(f.suggestion)}")
        console.print()
    _cross_asset(console, report)
    skipped = skipped_line(report)
    if skipped:
        console.print(f"[dim]{escape(skipped)}[/dim]")
    counts = report.counts()
    claims = sum(d.claims for d in report.documents)
    console.print(
        f"[bold]{len(report.documents)} documents, {claims} claims:[/bold] "
        f"[bold red]{counts['error']} errors[/bold red], [yellow]{counts['warning']} warnings"
        f"[/yellow], [cyan]{counts['suggestion']} suggestions[/cyan] "
        f"[dim](platform: {escape(report.company)}, {report.platform_digest[:12]})[/dim]"
    )
    return buffer.getvalue()


def _cross_asset(console: object, report: Report) -> None:
    """Coverage matrix, leads, competing claims and shadow messages, when the run computed them."""
    from rich.markup import escape
    from rich.table import Table

    extras = report.cross_asset.to_dict() if report.cross_asset else {}
    coverage = extras.get("coverage")
    if not coverage:
        return
    print_ = console.print  # type: ignore[attr-defined]
    print_("[bold]Across assets[/bold]")
    if coverage.get("note"):
        print_(f"  [dim]{escape(coverage['note'])}[/dim]")
    pillars = coverage["pillars"]
    sources = [a["source"] for a in coverage["assets"]]
    prefix = os.path.commonpath(sources) if len(sources) > 1 else ""
    prefix = prefix if prefix and not any(s == prefix for s in sources) else ""
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
