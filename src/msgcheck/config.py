"""Settings: discovered, validated and merged, with where each value came from.

Precedence, highest first: command-line flags, environment variables (`MSGCHECK_PLATFORM`,
`MSGCHECK_FAIL_ON`, `MSGCHECK_STYLE_MODEL`), the file given with `--config`, the nearest
`msgcheck.toml` or `pyproject.toml` with a `[tool.msgcheck]` table found by walking up from the
first input (stopping at the repository root), then the defaults. Files are read with tomllib and
validated strictly: an unknown key is an error naming its key path.

```toml
[tool.msgcheck]
platform = "message_platform"
fail-on = "warning"              # error | warning | suggestion | never
select = ["alignment", "terminology"]
ignore = ["alignment.drift"]
style-model = "models/style.json"
max-findings-per-asset = 25      # 0 shows all; unset: 25 in text, markdown, html, all otherwise
scheduler = "local:4"            # scan, crawl analysis on Dask: local[:N], or tcp://host:8786

[tool.msgcheck.severity]
"framing.feature-heavy" = "warning"

[tool.msgcheck.thresholds]
asset-ratio-max = 0.6
asset-ratio-min-claims = 6
feature-run = 3

[[tool.msgcheck.overrides]]
paths = ["legal/**", "*.txt"]
ignore = ["framing"]
severity = { "alignment.off-platform" = "suggestion" }
```
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator

from msgcheck.checks import ALL
from msgcheck.checks.base import CheckOptions, threshold_key
from msgcheck.errors import Code, ConfigError
from msgcheck.model import Severity

FailOn = Literal["error", "warning", "suggestion", "never"]
SeverityName = Literal["error", "warning", "suggestion"]
FILE_NAMES = ("msgcheck.toml", ".msgcheck.toml", "pyproject.toml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _threshold_fields() -> dict[str, str]:
    """Config key -> `CheckOptions` field, for every threshold a check reads, in field order."""
    declared = {name for check in ALL for name in check.options}
    return {threshold_key(f.name): f.name for f in dataclasses.fields(CheckOptions)
            if f.name in declared}


THRESHOLD_FIELDS = _threshold_fields()
"""The `thresholds` keys config accepts, from the checks' declared options."""


def _threshold_model() -> type[BaseModel]:
    """The strict model of the `thresholds` table: each key typed and bounded as its field."""
    types = get_type_hints(CheckOptions)
    bounds = {f.name: f.metadata for f in dataclasses.fields(CheckOptions)}
    fields: dict[str, Any] = {
        name: (types[name] | None, Field(default=None, alias=key, ge=bounds[name].get("min"),
                                         le=bounds[name].get("max")))
        for key, name in THRESHOLD_FIELDS.items()}
    return create_model("_Thresholds", __base__=_Strict, **fields)


# Built from the checks, so a check's new threshold needs no edit here; mypy cannot see a model
# made at run time as a type, hence the ignores where it is used.
_Thresholds = _threshold_model()


class _Override(_Strict):
    paths: list[str] = Field(min_length=1)
    select: list[str] | None = None
    ignore: list[str] | None = None
    severity: dict[str, SeverityName] = {}
    thresholds: _Thresholds = _Thresholds()  # type: ignore[valid-type]

    @field_validator("paths")
    @classmethod
    def _globs(cls, value: list[str]) -> list[str]:
        for glob in value:
            check_glob(glob)
        return value


class _File(_Strict):
    platform: str | None = None
    fail_on: FailOn | None = Field(default=None, alias="fail-on")
    select: list[str] | None = None
    ignore: list[str] | None = None
    style_model: str | None = Field(default=None, alias="style-model")
    max_findings_per_asset: int | None = Field(default=None, alias="max-findings-per-asset",
                                               ge=0)
    strict: bool | None = None
    scheduler: str | None = Field(default=None, min_length=1)
    severity: dict[str, SeverityName] = {}
    thresholds: _Thresholds = _Thresholds()  # type: ignore[valid-type]
    overrides: list[_Override] = []


def check_glob(glob: str) -> None:
    """Raise ValueError for a glob that cannot match anything sensible (empty, unbalanced [)."""
    if not glob.strip():
        raise ValueError("empty path glob")
    depth = 0
    for ch in glob:
        if ch == "[":
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
    if depth:
        raise ValueError(f"bad glob {glob!r}: unbalanced '['")


def glob_match(path: str, glob: str) -> bool:
    """Match a path against a glob where `**` spans folders and a bare name matches anywhere."""
    posix = PurePosixPath(path.replace(os.sep, "/")).as_posix().lstrip("./")
    if "/" not in glob and not glob.startswith("**"):
        return fnmatch.fnmatchcase(PurePosixPath(posix).name, glob) or fnmatch.fnmatchcase(posix, glob)
    pattern = re.escape(glob.lstrip("./"))
    pattern = pattern.replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*")
    pattern = pattern.replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
    return re.fullmatch(pattern, posix) is not None


@dataclass(frozen=True)
class Override:
    """Settings that apply to inputs matching some globs."""

    paths: tuple[str, ...]
    select: tuple[str, ...] | None
    ignore: tuple[str, ...] | None
    severity: dict[str, str]
    thresholds: dict[str, Any]

    def matches(self, path: str, root: Path | None) -> bool:
        """Whether a document path falls under this override (relative to the config's folder)."""
        candidates = [path]
        if root is not None:
            try:
                candidates.append(os.path.relpath(os.path.abspath(path), root))
            except ValueError:
                pass
        return any(glob_match(c, g) for c in candidates for g in self.paths)


@dataclass(frozen=True)
class Config:
    """The merged settings and where each came from."""

    values: dict[str, Any]
    """platform, fail-on, select, ignore, style-model, max-findings-per-asset, strict, scheduler,
    severity, thresholds."""
    sources: dict[str, str]
    """Where each value came from: default, a file path, an env var, or a flag."""
    overrides: tuple[Override, ...] = ()
    """Per-path overrides, in file order (later ones win)."""
    root: Path | None = None
    """Folder of the config file, against which override globs are matched."""
    files: tuple[str, ...] = field(default=())
    """Config files read."""

    @property
    def platform(self) -> str | None:
        """The platform file or folder, if any source named one."""
        value = self.values["platform"]
        return str(value) if value else None

    @property
    def fail_on(self) -> str:
        """The lowest severity that fails the run: error, warning, suggestion or never."""
        return str(self.values["fail-on"])

    @property
    def style_model(self) -> str | None:
        """A team-trained style model, or None for the bundled one."""
        value = self.values["style-model"]
        return str(value) if value else None

    @property
    def max_findings_per_asset(self) -> int | None:
        """Findings shown per asset (0: all), or None for the format's default."""
        value = self.values["max-findings-per-asset"]
        return None if value is None else int(value)

    @property
    def strict(self) -> bool:
        """Whether a file in a scanned folder that msgcheck cannot read is an error."""
        return bool(self.values["strict"])

    @property
    def scheduler(self) -> str | None:
        """The Dask scheduler `scan` and a crawl's analysis run on (`local[:N]` or an address);
        None: in-process."""
        value = self.values["scheduler"]
        return str(value) if value else None

    @property
    def select(self) -> tuple[str, ...]:
        """Check-id prefixes to run (empty: all)."""
        return tuple(self.values["select"])

    @property
    def ignore(self) -> tuple[str, ...]:
        """Check-id prefixes to skip."""
        return tuple(self.values["ignore"])


DEFAULTS: dict[str, Any] = {
    "platform": None,
    "fail-on": "error",
    "select": [],
    "ignore": [],
    "style-model": None,
    "max-findings-per-asset": None,
    "strict": False,
    "scheduler": None,
    "severity": {},
    "thresholds": {},
}
ENV = {"platform": "MSGCHECK_PLATFORM", "fail-on": "MSGCHECK_FAIL_ON",
       "style-model": "MSGCHECK_STYLE_MODEL"}


def discover(start: Path) -> Path | None:
    """The nearest config file at or above `start`, stopping at a repository root."""
    folder = start if start.is_dir() else start.parent
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        for name in FILE_NAMES:
            path = candidate / name
            if path.is_file() and (name != "pyproject.toml" or _has_tool_table(path)):
                return path
        if (candidate / ".git").exists():
            return None
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(data.get("tool"), dict) and "msgcheck" in data["tool"]


def read_file(path: Path) -> _File:
    """Parse and validate one config file; ConfigError names the file and key path."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path=str(path),
                          code=Code.CONFIG_FILE) from None
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"TOML syntax: {exc}", path=str(path),
                          line=int(match.group(1)) if match else None,
                          code=Code.CONFIG_FILE) from None
    prefix = ""
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("msgcheck", {})
        prefix = "tool.msgcheck."
    try:
        return _File.model_validate(data)
    except ValidationError as exc:
        err = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")[0]
        key = prefix + ".".join(str(p) if not isinstance(p, int) else f"[{p}]"
                                for p in err["loc"]).replace(".[", "[")
        message = {"extra_forbidden": "unknown key", "literal_error": str(err["msg"]).lower(),
                   "missing": "required key is missing"}.get(err["type"], str(err["msg"]))
        message = message.removeprefix("value error, ")
        raise ConfigError(f"{key}: {message}", path=str(path), code=Code.CONFIG_VALUE,
                          hint="see docs/configuration.md for the keys msgcheck reads") from None


def resolve(
    *,
    flags: dict[str, Any],
    config_path: str | None,
    first_input: str | None,
    env: dict[str, str] | None = None,
) -> Config:
    """Merge defaults < discovered file < --config file < environment < flags."""
    env = dict(os.environ if env is None else env)
    values = {k: (list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v)
              for k, v in DEFAULTS.items()}
    sources = {k: "default" for k in values}
    overrides: list[Override] = []
    files: list[str] = []
    root: Path | None = None
    paths: list[Path] = []
    if first_input and first_input != "-":
        found = discover(Path(first_input))
        if found is not None:
            paths.append(found)
    elif first_input == "-":
        found = discover(Path.cwd())
        if found is not None:
            paths.append(found)
    if config_path:
        explicit = Path(config_path)
        if not explicit.is_file():
            raise ConfigError("config file not found", path=config_path, code=Code.CONFIG_FILE)
        paths.append(explicit)
    for path in paths:
        parsed = read_file(path)
        files.append(str(path))
        root = path.parent.resolve()
        for key, value in (("platform", parsed.platform), ("fail-on", parsed.fail_on),
                           ("select", parsed.select), ("ignore", parsed.ignore),
                           ("style-model", parsed.style_model),
                           ("max-findings-per-asset", parsed.max_findings_per_asset),
                           ("strict", parsed.strict), ("scheduler", parsed.scheduler)):
            if value is not None:
                if key in ("platform", "style-model"):
                    value = str((path.parent / str(value)).resolve()) if not os.path.isabs(
                        str(value)) else str(value)
                values[key] = value
                sources[key] = str(path)
        if parsed.severity:
            values["severity"] = {**values["severity"], **parsed.severity}
            sources["severity"] = str(path)
        thresholds = parsed.thresholds.model_dump(by_alias=True, exclude_none=True)
        if thresholds:
            values["thresholds"] = {**values["thresholds"], **thresholds}
            sources["thresholds"] = str(path)
        for o in parsed.overrides:
            overrides.append(Override(
                tuple(o.paths), tuple(o.select) if o.select is not None else None,
                tuple(o.ignore) if o.ignore is not None else None, dict(o.severity),
                o.thresholds.model_dump(by_alias=True, exclude_none=True)))
    for key, var in ENV.items():
        if env.get(var):
            values[key] = env[var]
            sources[key] = f"env {var}"
    for key, value in flags.items():
        if value is None or value == () or value == []:
            continue
        values[key] = list(value) if isinstance(value, (tuple, list)) else value
        sources[key] = f"--{key}"
    if values["fail-on"] not in ("error", "warning", "suggestion", "never"):
        raise ConfigError(f"fail-on: {values['fail-on']!r} is not one of error, warning, "
                          "suggestion, never", path=sources["fail-on"], code=Code.CONFIG_VALUE)
    return Config(values, sources, tuple(overrides), root, tuple(files))


def validate_check_ids(config: Config, known: list[str]) -> None:
    """Every select / ignore / severity id must be a known check id or a prefix of one."""
    def ok(prefix: str) -> bool:
        return any(k == prefix or k.startswith(prefix.rstrip(".") + ".") for k in known)

    items: list[tuple[str, str, str]] = []
    for key in ("select", "ignore"):
        items += [(key, v, config.sources[key]) for v in config.values[key]]
    items += [("severity", v, config.sources["severity"]) for v in config.values["severity"]]
    for i, o in enumerate(config.overrides):
        for key in ("select", "ignore"):
            items += [(f"overrides[{i}].{key}", v, "config") for v in (getattr(o, key) or ())]
        items += [(f"overrides[{i}].severity", v, "config") for v in o.severity]
    for key, value, source in items:
        if not ok(value):
            import difflib

            close = difflib.get_close_matches(value, known, n=1)
            raise ConfigError(
                f"{key}: unknown check id {value!r}", path=None if source.startswith(
                    ("--", "default", "env", "config")) else source, code=Code.CONFIG_CHECK_ID,
                hint=f"did you mean {close[0]!r}?" if close else "run `msgcheck checks` for ids")


class OptionsResolver:
    """CheckOptions per input path: the base settings plus every override whose globs match."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._cache: dict[tuple[int, ...], CheckOptions] = {}

    def base(self) -> CheckOptions:
        """Options without any override."""
        return self._build(())

    def __call__(self, path: str) -> CheckOptions:
        """Options for one input path (the same object for the same set of overrides)."""
        matched = tuple(i for i, o in enumerate(self.config.overrides)
                        if o.matches(path, self.config.root))
        return self._build(matched)

    def _build(self, matched: tuple[int, ...]) -> CheckOptions:
        if matched in self._cache:
            return self._cache[matched]
        v = self.config.values
        select, ignore = list(v["select"]), list(v["ignore"])
        severity = dict(v["severity"])
        thresholds = dict(v["thresholds"])
        for i in matched:
            o = self.config.overrides[i]
            if o.select is not None:
                select = list(o.select)
            if o.ignore is not None:
                ignore = ignore + list(o.ignore)
            severity.update(o.severity)
            thresholds.update(o.thresholds)
        options = CheckOptions(
            select=tuple(select), ignore=tuple(ignore),
            severity={k: Severity(s) for k, s in severity.items()},
            **{THRESHOLD_FIELDS[k]: val for k, val in thresholds.items()},
        )
        self._cache[matched] = options
        return options


def describe(config: Config) -> str:
    """`msgcheck config`: every setting, its value and where it came from (TOML-like)."""
    import json

    lines = []
    for key in ("platform", "fail-on", "select", "ignore", "style-model",
                "max-findings-per-asset", "strict", "scheduler", "severity", "thresholds"):
        value = config.values[key]
        lines.append(f"{key} = {json.dumps(value)}  # {config.sources[key]}")
    for i, o in enumerate(config.overrides):
        lines.append(f"[[overrides]]  # {i}: paths {json.dumps(list(o.paths))}")
        if o.select is not None:
            lines.append(f"  select = {json.dumps(list(o.select))}")
        if o.ignore is not None:
            lines.append(f"  ignore = {json.dumps(list(o.ignore))}")
        if o.severity:
            lines.append(f"  severity = {json.dumps(o.severity)}")
        if o.thresholds:
            lines.append(f"  thresholds = {json.dumps(o.thresholds)}")
    files = ", ".join(config.files) or "none found"
    lines.append(f"# config files: {files}")
    return "\n".join(lines) + "\n"
