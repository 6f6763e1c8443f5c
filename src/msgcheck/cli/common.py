"""What every command shares: exit statuses, options, settings resolution and output.

Only the `cli` package prints, reads the environment or exits.
"""

from __future__ import annotations

import os
from enum import IntEnum
from pathlib import Path
from typing import Any

import click

FAIL_ON = ("error", "warning", "suggestion", "never")
FORMATS = ("text", "json", "sarif", "markdown", "html")


class ExitStatus(IntEnum):
    """Process exit codes; never the same code for 'found problems' and 'could not run'."""

    OK = 0
    FINDINGS = 1
    ERROR = 2


def echo(text: str, err: bool = False) -> None:
    click.echo(text, err=err, nl=not text.endswith("\n"))


def platform_path_from(value: str | None) -> str:
    value = value or os.environ.get("MSGCHECK_PLATFORM")
    if not value:
        raise click.UsageError("no platform: pass --platform PATH (or set MSGCHECK_PLATFORM)")
    return value


def fail_status(report: Any, fail_on: str) -> ExitStatus:
    """1 when any finding is at or above the `--fail-on` level."""
    if fail_on == "never":
        return ExitStatus.OK
    from msgcheck.model import Severity

    threshold = Severity(fail_on).rank
    worst = max((f.severity.rank for f in report.findings), default=0)
    return ExitStatus.FINDINGS if worst >= threshold else ExitStatus.OK


platform_option = click.option(
    "--platform", "platform_path", metavar="PATH",
    help="Message platform file, or a folder holding platform.yaml. [env: MSGCHECK_PLATFORM]")
cache_option = click.option("--no-cache", is_flag=True,
                            help="Do not read or write the embedding cache.")
style_option = click.option("--style-model", metavar="PATH",
                            help="A style model trained with `msgcheck train` (default: bundled).")
scheduler_option = click.option(
    "--scheduler", metavar="local[:N]|tcp://HOST:PORT",
    help="Analyse on Dask workers: N local processes (default: one per CPU), or a running "
         "scheduler (docs/scale.md). [config: scheduler]")


config_option = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                             metavar="FILE", help="A msgcheck.toml (or pyproject.toml) to use.")
fail_on_option = click.option(
    "--fail-on", type=click.Choice(FAIL_ON), default=None,
    help="Exit 1 when a finding is at or above this severity. [default: error]")
select_option = click.option("--select", multiple=True, metavar="PREFIX",
                             help="Run only checks whose id starts with this (repeatable).")
ignore_option = click.option("--ignore", multiple=True, metavar="PREFIX",
                             help="Skip checks whose id starts with this (repeatable).")


max_findings_option = click.option(
    "--max-findings-per-asset", "max_findings", type=click.IntRange(min=0), default=None,
    metavar="N", help="Show the N most severe findings of each asset; 0 shows all. "
    "[default: 25 in text, markdown and html; all in json, sarif and linter lines]")
HUMAN_FORMATS = ("text", "markdown", "html")
DEFAULT_PER_ASSET = 25
"""Findings shown per asset in the formats people read, unless configured."""


def per_asset_limit(config: Any, fmt: str) -> int:
    """The configured `max-findings-per-asset`, else 25 in formats people read and all (0) in
    formats tools read (json, sarif, and `check`'s linter lines, which editors jump through)."""
    value = config.max_findings_per_asset
    if value is not None:
        return int(value)
    return DEFAULT_PER_ASSET if fmt in HUMAN_FORMATS else 0


def shown_paths(paths: tuple[str, ...]) -> list[str]:
    """Inputs under the working directory as paths relative to it (so reports, fingerprints and
    baselines read the same on every machine); others, and `-`, as given."""
    cwd = os.getcwd()
    out = []
    for raw in paths:
        full = os.path.abspath(raw)
        if raw != "-" and (full == cwd or full.startswith(cwd.rstrip(os.sep) + os.sep)):
            out.append(os.path.relpath(full, cwd))
        else:
            out.append(raw)
    return out


def terminal_width(output: str | None) -> int | None:
    """The terminal's width when the report goes to one; None (never wrap) for a file or pipe."""
    import shutil
    import sys

    if output is not None or not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size((100, 24)).columns


def split_values(values: tuple[str, ...]) -> list[str]:
    return [x.strip() for v in values for x in v.split(",") if x.strip()]


def resolve_config(paths: tuple[str, ...], *, platform_path: str | None,
                    config_path: str | None, fail_on: str | None, select: tuple[str, ...],
                    ignore: tuple[str, ...], style_model: str | None,
                    max_findings: int | None = None, strict: bool = False,
                    scheduler: str | None = None) -> Any:
    """Merged settings (flags > env > --config > nearest file > defaults), check ids validated."""
    from msgcheck.checks import ALL, UNREADABLE
    from msgcheck.config import resolve, validate_check_ids

    config = resolve(
        flags={"platform": platform_path, "fail-on": fail_on, "select": split_values(select),
               "ignore": split_values(ignore), "style-model": style_model,
               "max-findings-per-asset": max_findings, "strict": True if strict else None,
               "scheduler": scheduler},
        config_path=config_path,
        first_input=paths[0] if paths else None,
    )
    validate_check_ids(config, [c.id for c in ALL] + [UNREADABLE])
    return config


def engine_settings(config: Any, *, no_cache: bool, cross_asset: bool) -> Any:
    from msgcheck.config import OptionsResolver
    from msgcheck.embed import default_cache_dir
    from msgcheck.pipeline import Settings

    resolver = OptionsResolver(config)
    return Settings(
        options=resolver.base(),
        options_for=resolver if config.overrides else None,
        style_model=config.style_model,
        cache_dir=None if no_cache else default_cache_dir(),
        created_at=os.environ.get("MSGCHECK_FIXED_TIME"),
        cross_asset=cross_asset,
        # Named here, not left to each process's environment: Dask workers embed as this does.
        backend=os.environ.get("MSGCHECK_BACKEND") or None,
        strict=config.strict,
    )


def load_config_platform(config: Any) -> Any:
    from msgcheck.platform import load_platform

    path = config.platform
    if not path:
        raise click.UsageError(
            "no platform: pass --platform PATH, set MSGCHECK_PLATFORM, or add "
            "`platform = ...` to msgcheck.toml")
    return load_platform(path)


def counts_text(counts: dict[str, int]) -> str:
    """'1 error, 3 warnings, 0 suggestions'."""
    from msgcheck.report.words import plural

    return ", ".join(plural(counts[s], s) for s in ("error", "warning", "suggestion"))


def print_held_back(report: Any) -> None:
    """On stderr, what --max-findings-per-asset left out of the report, if anything."""
    from msgcheck.report.words import held_back

    note = held_back(report)
    if note:
        echo(note, err=True)


def write_or_print(rendered: str, output: str | None, report: Any) -> None:
    if output:
        Path(output).write_text(rendered, encoding="utf-8")
        counts = report.counts()
        echo(f"wrote {output}: {counts_text(counts)}", err=True)
        print_held_back(report)
    else:
        echo(rendered)


def embedder_and_nlp(no_cache: bool) -> tuple[Any, Any]:
    from msgcheck.embed import default_cache_dir, engine_embedder
    from msgcheck.segment import load_nlp

    return engine_embedder(None if no_cache else default_cache_dir()), load_nlp()


def nothing_judged(report: Any) -> bool:
    """True, with one line per input on stderr, when no input could be read: the run could not
    be judged (exit 2)."""
    if any(d.kind != "unreadable" for d in report.documents):
        return False
    for f in report.findings:
        code, reason = f.evidence.get("code"), f.evidence.get("reason", f.message)
        echo(f"error[{code}] {f.location.source}: {reason}" if code
             else f"error: {f.location}: {f.message}", err=True)
    if not report.findings:
        echo("error: no input could be read", err=True)
    return True


def print_notes(report: Any) -> None:
    """What the run wants the person to know that is not a finding, on stderr."""
    for note in getattr(report, "notes", ()):
        echo(f"note: {note}", err=True)
