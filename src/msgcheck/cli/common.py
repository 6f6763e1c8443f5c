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


config_option = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                             metavar="FILE", help="A msgcheck.toml (or pyproject.toml) to use.")
fail_on_option = click.option(
    "--fail-on", type=click.Choice(FAIL_ON), default=None,
    help="Exit 1 when a finding is at or above this severity. [default: error]")
select_option = click.option("--select", multiple=True, metavar="PREFIX",
                             help="Run only checks whose id starts with this (repeatable).")
ignore_option = click.option("--ignore", multiple=True, metavar="PREFIX",
                             help="Skip checks whose id starts with this (repeatable).")


def split_values(values: tuple[str, ...]) -> list[str]:
    return [x.strip() for v in values for x in v.split(",") if x.strip()]


def resolve_config(paths: tuple[str, ...], *, platform_path: str | None,
                    config_path: str | None, fail_on: str | None, select: tuple[str, ...],
                    ignore: tuple[str, ...], style_model: str | None,
                    strict: bool = False) -> Any:
    """Merged settings (flags > env > --config > nearest file > defaults), check ids validated."""
    from msgcheck.checks import ALL, UNREADABLE
    from msgcheck.config import resolve, validate_check_ids

    config = resolve(
        flags={"platform": platform_path, "fail-on": fail_on, "select": split_values(select),
               "ignore": split_values(ignore), "style-model": style_model,
               "strict": True if strict else None},
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


def write_or_print(rendered: str, output: str | None, report: Any) -> None:
    if output:
        Path(output).write_text(rendered, encoding="utf-8")
        counts = report.counts()
        echo(f"wrote {output}: {counts['error']} errors, {counts['warning']} warnings, "
              f"{counts['suggestion']} suggestions", err=True)
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
