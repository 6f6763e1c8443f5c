"""Labelled style examples: the project's own training files and a team's CSV or JSONL.

Every problem (missing column, unknown label, empty text, duplicate row, too few examples per
class) is a ConfigError naming the file and the row.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from msgcheck.errors import Code, ConfigError
from msgcheck.model import STYLES, normalise_text

MIN_PER_CLASS = 5


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled sentence."""

    text: str
    """The sentence."""
    style: str
    """pain | feature | neutral."""
    pillar: str | None = None
    """A pillar id or `off_platform`, when labelled."""
    source: str = ""
    """File and row it came from, for error messages."""



def bundled_training_files() -> list[Path]:
    """The project's own labelled training data."""
    folder = Path(str(resources.files("msgcheck.style").joinpath("data")))
    return sorted(folder.glob("style_train*.jsonl"))


def load_examples(path: str | Path, *, min_per_class: int = MIN_PER_CLASS,
                  require_all_classes: bool = True) -> list[Example]:
    """Read labelled examples from CSV or JSONL (columns: text, style, optional pillar).

    Every problem (missing column, unknown label, empty text, duplicate row, too few examples per
    class) is a ConfigError naming the file and the row.
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path=str(p),
                          code=Code.DATA_UNREADABLE) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text (byte {exc.start})", path=str(p),
                          code=Code.DATA_UNREADABLE) from None
    suffix = p.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        rows = _jsonl_rows(text, str(p))
    elif suffix in (".csv", ".tsv"):
        rows = _csv_rows(text, str(p), "\t" if suffix == ".tsv" else ",")
    else:
        raise ConfigError(f"unsupported training file type {suffix!r}", path=str(p),
                          code=Code.DATA_FORMAT,
                          hint="use .csv or .jsonl with columns text, style[, pillar]")
    examples: list[Example] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        where = f"{p}:{line}"
        text_value = row.get("text")
        style = row.get("style")
        if text_value is None or style is None:
            missing = [k for k in ("text", "style") if row.get(k) is None]
            raise ConfigError(f"row is missing column {', '.join(missing)}", path=str(p),
                              line=line, code=Code.DATA_COLUMN,
                              hint="each row needs text and style (pain, feature or neutral)")
        if not isinstance(text_value, str) or not text_value.strip():
            raise ConfigError("empty text", path=str(p), line=line, code=Code.DATA_EMPTY_TEXT)
        style = str(style).strip().lower()
        if style not in STYLES:
            raise ConfigError(f"unknown style label {style!r}", path=str(p), line=line,
                              code=Code.DATA_STYLE, hint="labels are pain, feature and neutral")
        key = normalise_text(text_value).lower()
        if key in seen:
            raise ConfigError(f"duplicate text (first at row {seen[key]})", path=str(p),
                              line=line, code=Code.DATA_DUPLICATE)
        seen[key] = line
        pillar = row.get("pillar")
        pillar = str(pillar).strip() if pillar not in (None, "") else None
        examples.append(Example(text_value.strip(), style, pillar, where))
    counts = Counter(e.style for e in examples)
    needed = STYLES if require_all_classes else tuple(counts)
    short = [s for s in needed if counts.get(s, 0) < min_per_class]
    if short:
        got = ", ".join(f"{s}={counts.get(s, 0)}" for s in STYLES)
        raise ConfigError(
            f"too few examples: at least {min_per_class} per class needed ({got})",
            path=str(p), code=Code.DATA_TOO_FEW)
    return examples


def _jsonl_rows(text: str, shown: str) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"invalid JSON: {exc.msg}", path=shown, line=line,
                              code=Code.DATA_FORMAT) from None
        if not isinstance(value, dict):
            raise ConfigError("expected a JSON object per line", path=shown, line=line,
                              code=Code.DATA_FORMAT)
        rows.append((line, value))
    return rows


def _csv_rows(text: str, shown: str, delimiter: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    if reader.fieldnames is None:
        raise ConfigError("empty file", path=shown, code=Code.DATA_FORMAT)
    fields = [f.strip().lower() for f in reader.fieldnames]
    for required in ("text", "style"):
        if required not in fields:
            raise ConfigError(f"missing column {required!r} in the header", path=shown, line=1,
                              code=Code.DATA_COLUMN, hint="the header must name text and style")
    reader.fieldnames = fields
    rows = []
    for row in reader:
        rows.append((reader.line_num, {k: v for k, v in row.items() if k is not None}))
    return rows


def data_digest(examples: Sequence[Example]) -> str:
    """sha256 over the (text, style) pairs in order."""
    h = hashlib.sha256()
    for e in examples:
        h.update(f"{e.text}\x1f{e.style}\n".encode())
    return h.hexdigest()
