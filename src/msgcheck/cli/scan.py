"""`scan`, `check` and `classify`: judge inputs against the platform."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from msgcheck.cli.common import (
    FORMATS,
    ExitStatus,
    cache_option,
    config_option,
    counts_text,
    echo,
    engine_settings,
    fail_on_option,
    fail_status,
    ignore_option,
    load_config_platform,
    max_findings_option,
    nothing_judged,
    per_asset_limit,
    platform_option,
    print_held_back,
    print_notes,
    resolve_config,
    scheduler_option,
    select_option,
    shown_paths,
    style_option,
    terminal_width,
    write_or_print,
)
from msgcheck.errors import Code, MsgcheckError


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@platform_option
@config_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report here.")
@fail_on_option
@select_option
@ignore_option
@max_findings_option
@click.option("--verbose", "-v", is_flag=True,
              help="Text report: list every place of folded findings and the numbers behind "
                   "each finding.")
@click.option("--strict", is_flag=True,
              help="A file in a folder that msgcheck cannot read is an error, not a note.")
@scheduler_option
@cache_option
@style_option
def scan(paths: tuple[str, ...], platform_path: str | None, config_path: str | None, fmt: str,
         output: str | None, fail_on: str | None, select: tuple[str, ...],
         ignore: tuple[str, ...], max_findings: int | None, verbose: bool, strict: bool,
         scheduler: str | None, no_cache: bool, style_model: str | None) -> int:
    """Scan decks, pages and drafts, with the cross-asset report; folders are recursed.

    Reads .pptx, .docx, .pdf, .md, .mdx, .html, .htm and .txt; `-` reads stdin as text. Files in
    folders that have no reader are listed as skipped (errors with --strict). Findings read most
    severe first; alike ones print once ("and 34 more like it"). Exit 0: nothing at or above
    --fail-on; 1: findings at or above it (held back by --max-findings-per-asset or not); 2: no
    input could be read.
    """
    from msgcheck.report import RENDERERS

    config = resolve_config(paths, platform_path=platform_path, config_path=config_path,
                             fail_on=fail_on, select=select, ignore=ignore,
                             style_model=style_model, max_findings=max_findings,
                             strict=strict, scheduler=scheduler)
    platform = load_config_platform(config)
    settings = engine_settings(config, no_cache=no_cache, cross_asset=True)
    stdin = None
    files = [p for p in shown_paths(paths) if p != "-"]
    if "-" in paths:
        stdin = ("<stdin>", sys.stdin.buffer.read())
    with progress_bar() as progress:
        if config.scheduler:
            from msgcheck import scale

            report = scale.run(files, stdin, platform, settings, config.scheduler, progress)
        else:
            from msgcheck.pipeline import Engine

            report = Engine(platform, settings).run(files, stdin, progress)
    print_notes(report)
    if nothing_judged(report):
        from msgcheck.report.words import skipped_line

        line = skipped_line(report)
        if line:
            echo(line, err=True)
        return int(ExitStatus.ERROR)
    status = fail_status(report, config.fail_on)
    shown = report.limited(per_asset_limit(config, fmt))
    if fmt == "text":
        from msgcheck.report.text import render

        width = terminal_width(output)
        rendered = render(shown, color=width is not None, width=width, verbose=verbose)
        write_or_print(rendered, output, shown)
    else:
        write_or_print(RENDERERS[fmt](shown), output, shown)
    return int(status)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@platform_option
@config_option
@click.option("--format", "fmt", type=click.Choice(("text", "json", "sarif", "markdown")),
              default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report here.")
@fail_on_option
@select_option
@ignore_option
@click.option("--stdin-name", default="<stdin>", show_default=True, metavar="NAME",
              help="Name (and format, by suffix) for `-`: e.g. draft.md.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False), metavar="FILE",
              help="Report only findings not recorded in this baseline.")
@click.option("--write-baseline", "write_baseline", type=click.Path(dir_okay=False),
              metavar="FILE", help="Record today's findings as the baseline, then exit 0.")
@click.option("--no-daemon", is_flag=True,
              help="Do not hand the check to a running `msgcheck serve`.")
@max_findings_option
@cache_option
@style_option
def check(paths: tuple[str, ...], platform_path: str | None, config_path: str | None,
          fmt: str, output: str | None, fail_on: str | None, select: tuple[str, ...],
          ignore: tuple[str, ...], stdin_name: str, baseline_path: str | None,
          write_baseline: str | None, no_daemon: bool, max_findings: int | None,
          no_cache: bool, style_model: str | None) -> int:
    """Pre-publish gate: check drafts and decks; linter output and exit codes.

    Reads .md, .mdx, .html, .htm, .txt, .docx, .pptx and .pdf, or `-` for stdin (see
    --stdin-name).
    Exit 0: nothing at or above --fail-on; 1: findings at or above it; 2: the run could not be
    judged (no platform, bad config, or no input could be read).
    """
    from msgcheck import baseline as baselines
    from msgcheck.report import RENDERERS

    config = resolve_config(paths, platform_path=platform_path, config_path=config_path,
                             fail_on=fail_on, select=select, ignore=ignore,
                             style_model=style_model, max_findings=max_findings)
    known: set[str] | None = None
    if baseline_path:
        known, header = baselines.load(baseline_path)
    stdin = None
    files = [p for p in shown_paths(paths) if p != "-"]
    if "-" in paths:
        stdin = (stdin_name, sys.stdin.buffer.read())
    from msgcheck.pipeline import Engine

    platform = load_config_platform(config)
    engine = Engine(platform, engine_settings(config, no_cache=no_cache, cross_asset=False))
    report = engine.run(files, stdin)
    print_notes(report)
    if baseline_path and known is not None:
        if header.get("platform_digest") not in (None, report.platform_digest):
            echo(f"note: {baseline_path} was written against another platform version; "
                  "findings are still matched by fingerprint", err=True)
        import dataclasses

        report = dataclasses.replace(report, findings=baselines.new_findings(report.findings,
                                                                             known))
    from msgcheck.report.words import skipped_line

    if nothing_judged(report):
        return int(ExitStatus.ERROR)
    readable = [d for d in report.documents if d.kind != "unreadable"]
    if write_baseline:
        n = baselines.write(report, write_baseline)
        echo(f"wrote {write_baseline}: {n} findings accepted as the baseline", err=True)
        return int(ExitStatus.OK)
    status = fail_status(report, config.fail_on)
    shown = report.limited(per_asset_limit(config, "lint" if fmt == "text" else fmt))
    if fmt == "text":
        _lint(shown, output, len(readable) and sum(d.claims for d in readable))
    else:
        write_or_print(RENDERERS[fmt](shown), output, shown)
    return int(status)


def _lint(report: Any, output: str | None, claims: int) -> None:
    """`check`'s linter lines on stdout (or the file), and the counts on stderr."""
    from msgcheck.report.lint import render
    from msgcheck.report.words import plural, skipped_line

    rendered = render(report)
    if output:
        Path(output).write_text(rendered, encoding="utf-8")
    elif rendered:
        echo(rendered)
    echo(f"{counts_text(report.counts())} in {plural(len(report.documents), 'file')} "
         f"({plural(claims, 'claim')})", err=True)
    skipped = skipped_line(report)
    if skipped:
        echo(skipped, err=True)
    print_held_back(report)


@contextmanager
def progress_bar() -> Iterator[Any]:
    """A progress callback drawing a bar on stderr when stderr is a terminal; None otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    labels = {"read": "reading files", "analyse": "analysing claims",
              "check": "checking files on the workers"}
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(labels.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


@click.command()
@click.argument("file", required=False, default="-")
@platform_option
@cache_option
@style_option
def classify(file: str, platform_path: str | None, no_cache: bool,
             style_model: str | None) -> int:
    """One claim per line in, one JSON object per line out (see docs/classify.md)."""
    from msgcheck.pipeline import Engine

    config = resolve_config((file,), platform_path=platform_path, config_path=None,
                             fail_on=None, select=(), ignore=(), style_model=style_model)
    platform = load_config_platform(config)
    if file == "-":
        data = sys.stdin.buffer.read()
        source = "<stdin>"
    else:
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise MsgcheckError(f"cannot read: {exc.strerror}", path=file,
                                code=Code.INPUT_NOT_FOUND) from None
        source = file
    text = data.decode("utf-8", errors="replace")
    lines = text.splitlines()
    engine = Engine(platform, engine_settings(config, no_cache=no_cache, cross_asset=False))
    results = engine.classify(lines, source)
    by_line = {r.claim.location.line: (r, f) for r, f in results}
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        result, findings = by_line[n]
        out = {
            "text": result.claim.text,
            "style": result.style,
            "style_scores": result.style_scores,
            "pillar": result.pillar,
            "similarity": result.similarity,
            "status": result.status,
            "margin": result.margin,
            "nearest_text": result.nearest_text,
            **({"drift_basis": result.drift_basis} if result.drift_basis else {}),
            "findings": [{"check": f.check, "severity": f.severity.value, "message": f.message}
                         for f in findings],
        }
        click.echo(json.dumps(out, ensure_ascii=False))
    return int(ExitStatus.OK)
