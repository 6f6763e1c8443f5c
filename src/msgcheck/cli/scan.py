"""`scan`, `check` and `classify`: judge inputs against the platform."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from msgcheck.cli.common import (
    FORMATS,
    ExitStatus,
    cache_option,
    config_option,
    echo,
    engine_settings,
    fail_on_option,
    fail_status,
    ignore_option,
    load_config_platform,
    nothing_judged,
    platform_option,
    print_notes,
    resolve_config,
    select_option,
    style_option,
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
@click.option("--strict", is_flag=True,
              help="A file in a folder that msgcheck cannot read is an error, not a note.")
@cache_option
@style_option
def scan(paths: tuple[str, ...], platform_path: str | None, config_path: str | None, fmt: str,
         output: str | None, fail_on: str | None, select: tuple[str, ...],
         ignore: tuple[str, ...], strict: bool, no_cache: bool, style_model: str | None) -> int:
    """Scan decks, pages and drafts, with the cross-asset report; folders are recursed.

    Reads .pptx, .docx, .pdf, .md, .mdx, .html, .htm and .txt; `-` reads stdin as text. Files in
    folders that have no reader are listed as skipped (errors with --strict). Exit 0: nothing at
    or above --fail-on; 1: findings at or above it; 2: no input could be read.
    """
    from msgcheck.pipeline import Engine
    from msgcheck.report import RENDERERS

    config = resolve_config(paths, platform_path=platform_path, config_path=config_path,
                             fail_on=fail_on, select=select, ignore=ignore,
                             style_model=style_model, strict=strict)
    platform = load_config_platform(config)
    engine = Engine(platform, engine_settings(config, no_cache=no_cache, cross_asset=True))
    stdin = None
    files = [p for p in paths if p != "-"]
    if "-" in paths:
        stdin = ("<stdin>", sys.stdin.buffer.read())
    report = engine.run(files, stdin)
    print_notes(report)
    from msgcheck.report.words import skipped_line

    if nothing_judged(report):
        line = skipped_line(report)
        if line:
            echo(line, err=True)
        return int(ExitStatus.ERROR)
    if fmt == "text" and output is None:
        from msgcheck.report.text import render

        echo(render(report, color=sys.stdout.isatty()))
    else:
        write_or_print(RENDERERS[fmt](report), output, report)
    return int(fail_status(report, config.fail_on))


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
@cache_option
@style_option
def check(paths: tuple[str, ...], platform_path: str | None, config_path: str | None,
          fmt: str, output: str | None, fail_on: str | None, select: tuple[str, ...],
          ignore: tuple[str, ...], stdin_name: str, baseline_path: str | None,
          write_baseline: str | None, no_daemon: bool, no_cache: bool,
          style_model: str | None) -> int:
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
                             style_model=style_model)
    known: set[str] | None = None
    if baseline_path:
        known, header = baselines.load(baseline_path)
    stdin = None
    files = [p for p in paths if p != "-"]
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
    if fmt == "text":
        from msgcheck.report.lint import render

        rendered = render(report)
        if output:
            Path(output).write_text(rendered, encoding="utf-8")
        elif rendered:
            echo(rendered)
        counts = report.counts()
        claims = sum(d.claims for d in readable)
        echo(f"{counts['error']} errors, {counts['warning']} warnings, {counts['suggestion']} "
              f"suggestions in {len(report.documents)} files ({claims} claims)", err=True)
        skipped = skipped_line(report)
        if skipped:
            echo(skipped, err=True)
    else:
        write_or_print(RENDERERS[fmt](report), output, report)
    return int(fail_status(report, config.fail_on))


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
