"""`feedback`: record a reviewer's verdict on a finding, so later runs honour it."""

from __future__ import annotations

import json
from pathlib import Path

import click

from msgcheck.cli.common import (
    ExitStatus,
    config_option,
    echo,
    load_config_platform,
    platform_option,
    resolve_config,
)


@click.command("feedback")
@click.argument("fingerprint")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), required=True,
              metavar="FILE", help="A JSON report (scan or check --format json) holding the "
              "finding.")
@click.option("--accept", "verdict", flag_value="accepted", help="The finding is fine: suppress it.")
@click.option("--drift", "verdict", flag_value="drift", help="The claim really drifts.")
@click.option("--pillar", metavar="ID", help="The claim carries this pillar: suppress the finding "
              "and learn the claim as an example of the pillar.")
@platform_option
@config_option
def feedback(fingerprint: str, report_path: str, verdict: str | None, pillar: str | None,
             platform_path: str | None, config_path: str | None) -> int:
    """Record a verdict on the finding with FINGERPRINT (a prefix will do) in feedback.yaml beside
    the platform. `scan`, `check` and `classify` honour it from the next run on."""
    from msgcheck import feedback as fb
    from msgcheck.errors import Code, ConfigError

    if bool(verdict) == bool(pillar):
        raise click.UsageError("say one of --accept, --drift or --pillar ID")
    config = resolve_config((report_path,), platform_path=platform_path, config_path=config_path,
                            fail_on=None, select=(), ignore=(), style_model=None)
    platform = load_config_platform(config)
    if pillar and pillar not in {p.id for p in platform.pillars}:
        raise ConfigError(f"unknown pillar {pillar!r}", path=platform.path,
                          code=Code.FEEDBACK_PILLAR,
                          hint="pillars: " + ", ".join(p.id for p in platform.pillars))
    try:
        findings = json.loads(Path(report_path).read_text("utf-8"))["findings"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise ConfigError("not a msgcheck JSON report", path=report_path,
                          code=Code.FEEDBACK_REPORT,
                          hint="write one with `msgcheck scan ... --format json -o FILE`") from None
    found = fb.find(fingerprint, findings, report_path)
    path = fb.feedback_path(platform)
    entry = fb.Verdict(found["fingerprint"], "pillar" if pillar else str(verdict), found["check"],
                       found["location"]["source"], found.get("claim") or found["message"],
                       pillar)
    fb.record(path, entry, fb.load(path, platform))
    what = f"belongs to {pillar}" if pillar else entry.verdict
    echo(f"recorded in {path}: {entry.check} at {found.get('display_location', entry.source)} "
         f"{what}", err=True)
    return int(ExitStatus.OK)
