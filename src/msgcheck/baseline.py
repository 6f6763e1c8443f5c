"""Baselines: accept today's findings so a team can adopt the gate without fixing the past first.

`--write-baseline FILE` records every finding's fingerprint (check, source, normalised claim: not
the line, so moving text does not make a finding new). `--baseline FILE` then reports only
findings whose fingerprint is not in the file. The file is JSON, small and reviewable in git.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from msgcheck.errors import Code, ConfigError
from msgcheck.model import Finding, Report

BASELINE_FORMAT = 1


def write(report: Report, path: str | Path) -> int:
    """Write the report's findings as a baseline; returns how many were recorded."""
    entries = sorted(
        ({"fingerprint": f.fingerprint, "check": f.check, "source": f.location.source,
          "claim": f.claim or f.message} for f in report.findings),
        key=lambda e: (e["source"], e["check"], e["fingerprint"]))
    unique = list({e["fingerprint"]: e for e in entries}.values())
    data = {"format": BASELINE_FORMAT, "tool": "msgcheck", "tool_version": report.tool_version,
            "platform_digest": report.platform_digest, "findings": unique}
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    return len(unique)


def load(path: str | Path) -> tuple[set[str], dict[str, Any]]:
    """Fingerprints in a baseline file, and its header; ConfigError when it is not one."""
    p = Path(path)
    try:
        data = json.loads(p.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError("baseline file not found", path=str(p), code=Code.BASELINE_UNREADABLE,
                          hint="create it with --write-baseline FILE") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read baseline: {exc}", path=str(p),
                          code=Code.BASELINE_UNREADABLE) from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"corrupt baseline: invalid JSON at line {exc.lineno}", path=str(p),
                          line=exc.lineno, code=Code.BASELINE_CORRUPT,
                          hint="regenerate it with --write-baseline FILE") from None
    if not isinstance(data, dict) or data.get("tool") != "msgcheck" or \
            data.get("format") != BASELINE_FORMAT or not isinstance(data.get("findings"), list):
        raise ConfigError("not a msgcheck baseline (format 1)", path=str(p),
                          code=Code.BASELINE_CORRUPT,
                          hint="regenerate it with --write-baseline FILE")
    prints = set()
    for i, entry in enumerate(data["findings"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise ConfigError(f"corrupt baseline: findings[{i}] has no fingerprint", path=str(p),

                              code=Code.BASELINE_CORRUPT, hint="regenerate it with --write-baseline FILE")
        prints.add(entry["fingerprint"])
    return prints, {k: v for k, v in data.items() if k != "findings"}


def new_findings(findings: tuple[Finding, ...], known: set[str]) -> tuple[Finding, ...]:
    """Findings not recorded in the baseline."""
    return tuple(f for f in findings if f.fingerprint not in known)
