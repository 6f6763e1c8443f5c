"""`config`, `platform validate` and `checks`: settings, platform files and the check list."""

from __future__ import annotations

import click

from msgcheck.cli.common import (
    ExitStatus,
    config_option,
    echo,
    fail_on_option,
    ignore_option,
    platform_option,
    resolve_config,
    select_option,
    style_option,
)


@click.command("config")
@click.argument("path", required=False, default=".")
@platform_option
@config_option
@fail_on_option
@select_option
@ignore_option
@style_option
def show_config(path: str, platform_path: str | None, config_path: str | None,
                fail_on: str | None, select: tuple[str, ...], ignore: tuple[str, ...],
                style_model: str | None) -> int:
    """Print the merged settings for PATH and where each value came from."""
    from msgcheck.config import describe

    config = resolve_config((path,), platform_path=platform_path, config_path=config_path,
                             fail_on=fail_on, select=select, ignore=ignore,
                             style_model=style_model)
    echo(describe(config))
    return int(ExitStatus.OK)


@click.group()
def platform() -> None:
    """Work with message platform files."""


@platform.command("validate")
@click.argument("path", required=False, default="message_platform")
def platform_validate(path: str) -> int:
    """Check a platform file: schema, ids, duplicates. Fast: loads no model."""
    from msgcheck.platform import load_platform

    loaded = load_platform(path)
    texts = len(loaded.pillar_texts)
    echo(f"ok: {loaded.path}: {loaded.company}, {len(loaded.pillars)} pillars, {texts} pillar "
          f"texts, {len(loaded.value_proposition)} value-proposition phrasings "
          f"(digest {loaded.digest[:12]})")
    return int(ExitStatus.OK)


@click.command("checks")
@click.option("--markdown", is_flag=True, help="Print the reference page (docs/checks.md).")
def list_checks(markdown: bool) -> int:
    """List check ids, default severities and what each catches."""
    from msgcheck.checks import ALL, UNREADABLE, UNREADABLE_SUMMARY, reference_markdown

    if markdown:
        echo(reference_markdown())
        return int(ExitStatus.OK)
    for check in ALL:
        echo(f"{check.id:28} {check.severity.value:10} {check.summary}")
    echo(f"{UNREADABLE:28} {'error':10} {UNREADABLE_SUMMARY}")
    return int(ExitStatus.OK)
