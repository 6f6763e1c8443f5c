"""Terminal report: findings grouped by document, then a summary (rich)."""

from __future__ import annotations

import io
from itertools import groupby

from msgcheck.model import Finding, Location, Report

STYLE = {"error": "bold red", "warning": "yellow", "suggestion": "cyan"}


def _place(loc: Location) -> str:
    if loc.slide is not None:
        out = f"slide {loc.slide}"
        if loc.element:
            out += f" {loc.element}"
        if loc.line is not None:
            out += f" \u00b6{loc.line}"
        return out
    if loc.line is not None:
        return f"{loc.line}:{loc.column or 1}"
    return "(asset)"


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
    counts = report.counts()
    claims = sum(d.claims for d in report.documents)
    console.print(
        f"[bold]{len(report.documents)} documents, {claims} claims:[/bold] "
        f"[bold red]{counts['error']} errors[/bold red], [yellow]{counts['warning']} warnings"
        f"[/yellow], [cyan]{counts['suggestion']} suggestions[/cyan] "
        f"[dim](platform: {escape(report.company)}, {report.platform_digest[:12]})[/dim]"
    )
    return buffer.getvalue()
