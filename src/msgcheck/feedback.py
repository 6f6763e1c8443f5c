"""Reviewed findings: a team teaches msgcheck by example, in a file kept in git next to the platform.

`msgcheck feedback` records one verdict per finding fingerprint in `feedback.yaml`, beside
`platform.yaml`:

* `accepted`: the finding is fine; later runs suppress it.
* `pillar`: the claim carries pillar X; later runs suppress the finding and add the claim to X's
  `examples`, so that copy in the same words is recognised as X from then on.
* `drift`: the claim really drifts; later runs call it `drift` wherever it appears.

The fingerprint (check, source, normalised claim) is stable across runs, so moving a line does not
lose its verdict. A verdict whose asset was read but whose finding no longer appears is *stale*:
the run says so and goes on. A file that cannot be read as feedback is an error naming the file
and the entry.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from msgcheck.errors import Code, ConfigError, PlatformError
from msgcheck.fileio import write_atomic
from msgcheck.model import Finding, normalise_text
from msgcheck.platform import MessagePlatform, resolve_platform_path, with_examples

FILE_NAME = "feedback.yaml"
FORMAT = 1
VERDICTS = ("accepted", "pillar", "drift")


@dataclass(frozen=True, slots=True)
class Verdict:
    """One reviewed finding."""

    fingerprint: str
    """The finding's fingerprint (check, source, normalised claim)."""
    verdict: str
    """accepted | pillar | drift."""
    check: str
    """The check that raised the finding."""
    source: str
    """The asset it was raised on."""
    claim: str
    """The claim's text (becomes an example for a `pillar` verdict)."""
    pillar: str | None = None
    """The pillar the claim carries, for a `pillar` verdict."""
    entry: int = 0
    """Position in the file (1-based), for messages."""

    def to_dict(self) -> dict[str, Any]:
        """The form written to the file."""
        out = {"fingerprint": self.fingerprint, "verdict": self.verdict, "check": self.check,
               "source": self.source, "claim": self.claim}
        if self.pillar:
            out["pillar"] = self.pillar
        return out


@dataclass(frozen=True, slots=True)
class Feedback:
    """Every verdict of one feedback file."""

    path: str
    """The file (it may not exist yet)."""
    verdicts: tuple[Verdict, ...] = ()
    """In file order."""

    @property
    def suppressed(self) -> frozenset[str]:
        """Fingerprints whose findings later runs drop (accepted, or taught as a pillar)."""
        return frozenset(v.fingerprint for v in self.verdicts if v.verdict != "drift")

    @property
    def drift_claims(self) -> frozenset[str]:
        """Normalised claims reviewed as drift."""
        return frozenset(claim_key(v.claim) for v in self.verdicts if v.verdict == "drift")

    def examples(self) -> dict[str, tuple[str, ...]]:
        """Claims taught per pillar id."""
        out: dict[str, list[str]] = {}
        for v in self.verdicts:
            if v.verdict == "pillar" and v.pillar:
                out.setdefault(v.pillar, []).append(v.claim)
        return {k: tuple(vs) for k, vs in out.items()}

    @property
    def digest(self) -> str:
        """Changes whenever a verdict does (part of the taught platform's digest)."""
        raw = json.dumps([v.to_dict() for v in self.verdicts], sort_keys=True)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def claim_key(text: str) -> str:
    """The form claims are matched in: normalised, lower case."""
    return normalise_text(text).lower()


def feedback_path(platform: MessagePlatform) -> Path:
    """`feedback.yaml` in the folder of the platform file."""
    return resolve_platform_path(platform.path).parent / FILE_NAME


def load_for_platform(platform: MessagePlatform) -> Feedback:
    """The feedback beside a platform loaded from a file (none for one built in memory)."""
    try:
        path = feedback_path(platform)
    except PlatformError:  # built in memory (evaluation): no folder, no feedback
        return Feedback("")
    return load(path, platform)


def load(path: Path, platform: MessagePlatform) -> Feedback:
    """The verdicts in `path` (none when it does not exist); ConfigError naming the entry when it
    is not a feedback file or names a pillar the platform does not have."""
    if not path.is_file():
        return Feedback(str(path))
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read feedback: {exc}", path=str(path),
                          code=Code.FEEDBACK_UNREADABLE) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError("corrupt feedback file: not YAML", path=str(path),
                          line=mark.line + 1 if mark else None,
                          code=Code.FEEDBACK_CORRUPT) from None
    if not isinstance(data, dict) or data.get("version") != FORMAT or \
            not isinstance(data.get("verdicts"), list):
        raise ConfigError("not a msgcheck feedback file (version 1, a list of verdicts)",
                          path=str(path), code=Code.FEEDBACK_CORRUPT,
                          hint="record verdicts with `msgcheck feedback`")
    pillars = {p.id for p in platform.pillars}
    verdicts = tuple(_verdict(raw, n, str(path), pillars)
                     for n, raw in enumerate(data["verdicts"], start=1))
    return Feedback(str(path), verdicts)


def _verdict(raw: Any, n: int, shown: str, pillars: set[str]) -> Verdict:
    where = f"verdicts[{n - 1}]"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping", path=shown, code=Code.FEEDBACK_CORRUPT)
    missing = [k for k in ("fingerprint", "verdict", "check", "source", "claim")
               if not isinstance(raw.get(k), str) or not raw[k].strip()]
    if missing:
        raise ConfigError(f"{where}: missing {', '.join(missing)}", path=shown,
                          code=Code.FEEDBACK_CORRUPT)
    if raw["verdict"] not in VERDICTS:
        raise ConfigError(f"{where}: unknown verdict {raw['verdict']!r}", path=shown,
                          code=Code.FEEDBACK_CORRUPT, hint="verdicts are " + ", ".join(VERDICTS))
    pillar = raw.get("pillar")
    if raw["verdict"] == "pillar" and pillar not in pillars:
        raise ConfigError(f"{where}: unknown pillar {pillar!r}", path=shown,
                          code=Code.FEEDBACK_PILLAR,
                          hint="pillars: " + ", ".join(sorted(pillars)))
    return Verdict(raw["fingerprint"], raw["verdict"], raw["check"], raw["source"], raw["claim"],
                   pillar if raw["verdict"] == "pillar" else None, n)


def record(path: Path, verdict: Verdict, current: Feedback) -> Feedback:
    """Write `verdict` (replacing any earlier one for the same fingerprint); the new feedback."""
    kept = [v for v in current.verdicts if v.fingerprint != verdict.fingerprint]
    verdicts = tuple(dataclasses.replace(v, entry=i)
                     for i, v in enumerate([*kept, verdict], start=1))
    header = ("# msgcheck feedback: reviewed findings (msgcheck feedback --help).\n"
              "# Kept in git next to the platform; later runs honour every verdict.\n")
    body = yaml.safe_dump({"version": FORMAT, "verdicts": [v.to_dict() for v in verdicts]},
                          sort_keys=False, allow_unicode=True, width=100)
    write_atomic(path, header + body)
    return Feedback(str(path), verdicts)


def teach(platform: MessagePlatform, feedback: Feedback) -> MessagePlatform:
    """The platform with every `pillar` verdict's claim added to that pillar's examples."""
    return with_examples(platform, dict(feedback.examples()), feedback.path, feedback.digest)


def stale(feedback: Feedback, sources: Iterable[str], findings: Sequence[Finding],
          claims: Iterable[str]) -> list[Verdict]:
    """Verdicts whose asset was read in this run but whose finding (accepted) or claim (drift, a
    pillar) no longer appears."""
    read = set(sources)
    raised = {f.fingerprint for f in findings}
    seen = {claim_key(c) for c in claims}
    out = []
    for v in feedback.verdicts:
        if v.source not in read:
            continue
        # A taught claim (drift, or an example of a pillar) lives as long as its claim does; an
        # accepted finding as long as the finding does.
        if v.verdict == "accepted" and v.fingerprint not in raised or \
                v.verdict != "accepted" and claim_key(v.claim) not in seen:
            out.append(v)
    return out


def find(fingerprint: str, findings: Sequence[dict[str, Any]], shown: str) -> dict[str, Any]:
    """The finding (as in a JSON report) whose fingerprint starts with `fingerprint`."""
    prefix = fingerprint.strip().lower()
    if len(prefix) < 6:
        raise ConfigError("give at least 6 characters of the fingerprint",
                          code=Code.FEEDBACK_FINGERPRINT)
    hits = [f for f in findings if str(f.get("fingerprint", "")).startswith(prefix)]
    unique = {f["fingerprint"]: f for f in hits}
    if not unique:
        raise ConfigError(f"no finding with fingerprint {prefix}", path=shown,
                          code=Code.FEEDBACK_FINGERPRINT,
                          hint="fingerprints are in the JSON and SARIF reports")
    if len(unique) > 1:
        raise ConfigError(f"fingerprint {prefix} is ambiguous ({len(unique)} findings)",
                          path=shown, code=Code.FEEDBACK_FINGERPRINT, hint="give more characters")
    return next(iter(unique.values()))
