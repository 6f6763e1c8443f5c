"""Load and validate the message platform (format 1), reporting mistakes by key path and line.

People write this file, so it is read with a strict pydantic schema (`extra="forbid"`): a typo such
as `key_message:` is an error naming the file, the key path and the line, not a silently empty
pillar. The validated file becomes a frozen `MessagePlatform`, which the rest of msgcheck reads.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from msgcheck.errors import Code, PlatformError

FORMAT_VERSION = 1
ID_PATTERN = re.compile(r"^[a-z0-9_-]+$")

TextKind = Literal["value_proposition", "key_message", "pain", "proof_point", "feature", "example"]


# ---------------------------------------------------------------- schema (what people write)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _check_id(value: str) -> str:
    """Pillar and persona ids: lower case, digits, - and _ (findings cite them)."""
    if not ID_PATTERN.match(value):
        raise ValueError(f"id {value!r} must match [a-z0-9_-]+")
    return value


Id = Annotated[str, AfterValidator(_check_id)]


class _TextItem(_Strict):
    text: str = Field(min_length=1)
    source: str | None = None


TextInput = str | _TextItem


class _Product(_Strict):
    name: str = Field(min_length=1)
    variants: list[str] = []


class _Pillar(_Strict):
    id: Id
    name: str = Field(min_length=1)
    key_messages: list[TextInput] = Field(min_length=1)
    pains: list[TextInput] = []
    proof_points: list[TextInput] = []
    features: list[TextInput] = []
    examples: list[TextInput] = []


class _Persona(_Strict):
    id: Id
    name: str = Field(min_length=1)
    pains: list[TextInput] = []


class _AvoidExamples(_Strict):
    avoid: list[str] = Field(min_length=1)
    allow: list[str] = Field(min_length=1)


class _AvoidTerm(_Strict):
    term: str = Field(min_length=1)
    reason: str | None = None
    use_instead: str | None = None
    match_case: bool | None = None
    examples: _AvoidExamples | None = None


class _Terminology(_Strict):
    avoid: list[_AvoidTerm] = []


class _Retired(_Strict):
    text: str = Field(min_length=1)
    retired: str | None = None

    @field_validator("retired", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        if isinstance(value, (_dt.date, int)):
            return str(value)
        return value


class _PlatformFile(_Strict):
    version: int
    company: str = Field(min_length=1)
    value_proposition: list[TextInput] = Field(min_length=1)
    products: list[_Product] = []
    pillars: list[_Pillar] = Field(min_length=1)
    personas: list[_Persona] = []
    differentiators: list[TextInput] = []
    competitors: list[str] = []
    terminology: _Terminology = _Terminology()
    retired_messages: list[_Retired | str] = []

    @field_validator("version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value != FORMAT_VERSION:
            raise ValueError(f"unsupported format version {value}; this msgcheck reads version 1")
        return value


# ---------------------------------------------------------------- core (what code reads)


@dataclass(frozen=True, slots=True)
class PlatformText:
    """One approved text of the platform."""

    text: str
    """The approved wording."""
    kind: TextKind
    """Which field it came from."""
    pillar: str | None
    """Pillar id, or None for the value proposition."""
    source: str | None = None
    """Where the wording came from, when the platform says."""


@dataclass(frozen=True, slots=True)
class Pillar:
    """A messaging pillar and its approved texts."""

    id: str
    """Stable id that findings cite."""
    name: str
    """Display name."""
    key_messages: tuple[PlatformText, ...]
    """Approved phrasings of the pillar's promise."""
    pains: tuple[PlatformText, ...]
    """Customer problems the pillar answers."""
    proof_points: tuple[PlatformText, ...]
    """Evidence; their figures are the approved figures."""
    features: tuple[PlatformText, ...]
    """Capabilities backing the pillar."""
    examples: tuple[PlatformText, ...] = ()
    """Approved real copy that carries the pillar: recognised, never flagged, never suggested."""

    @property
    def texts(self) -> tuple[PlatformText, ...]:
        """Every approved text of the pillar, key messages first, examples last."""
        return self.key_messages + self.pains + self.proof_points + self.features + self.examples


@dataclass(frozen=True, slots=True)
class Product:
    """A canonical product name and the variants to flag."""

    name: str
    """Canonical spelling."""
    variants: tuple[str, ...]
    """Wrong spellings, matched exactly as written."""


@dataclass(frozen=True, slots=True)
class Persona:
    """A buyer persona."""

    id: str
    """Persona id."""
    name: str
    """Display name."""
    pains: tuple[str, ...]
    """The persona's problems."""


@lru_cache(maxsize=1024)
def term_pattern(term: str, ignore_case: bool) -> re.Pattern[str]:
    """A pattern matching `term` on word boundaries (terms may start or end with punctuation);
    ignoring case, spaces in the term also match hyphens ("AI powered" finds "AI-powered")."""
    escaped = re.escape(term.strip())
    escaped = re.sub(r"(\\ )+", r"[\\s\\-]+", escaped) if ignore_case else escaped
    return re.compile(rf"(?<![\w-]){escaped}(?![\w-])", re.IGNORECASE if ignore_case else 0)


def capitals_matter(term: str) -> bool:
    """Whether the way `term` is written asks for its capitals: a capital after the first letter
    ("AI", "DevOps teams") does; a lone first capital ("Chat", "Work better") is how lists are
    written and does not."""
    letters = [c for c in term if c.isalpha()]
    return any(c.isupper() for c in letters[1:])


@dataclass(frozen=True, slots=True)
class AvoidTerm:
    """A word or phrase the platform forbids."""

    term: str
    """The term, matched on word boundaries; see `matches` for case."""
    reason: str | None
    """Why it is avoided."""
    use_instead: str | None
    """What to write instead."""
    match_case: bool = False
    """The term's capitals must be capitals in the text (its lower-case letters match either
    case). Set from the platform's `match_case`, or else from `capitals_matter`."""
    avoid_examples: tuple[str, ...] = ()
    """Sentences using the term in the sense to avoid."""
    allow_examples: tuple[str, ...] = ()
    """Sentences using the term in a sense that is fine."""

    @property
    def has_examples(self) -> bool:
        """Whether the platform teaches the term's senses by example."""
        return bool(self.avoid_examples and self.allow_examples)

    def matches(self, text: str) -> Iterator[re.Match[str]]:
        """Each use of the term in `text`: ignoring case, then keeping the uses whose letters are
        capitals wherever the term's are (when `match_case`)."""
        wanted = [c.isupper() for c in self.term if c.isalpha()]
        for m in term_pattern(self.term, True).finditer(text):
            found = [c.isupper() for c in m.group(0) if c.isalpha()]
            if not self.match_case or all(f or not w for w, f in zip(wanted, found)):
                yield m


@dataclass(frozen=True, slots=True)
class RetiredMessage:
    """Superseded messaging that should no longer appear."""

    text: str
    """The retired wording."""
    retired: str | None
    """When it was retired, as written."""


@dataclass(frozen=True, slots=True)
class MessagePlatform:
    """The validated platform."""

    company: str
    """Company name."""
    value_proposition: tuple[PlatformText, ...]
    """Phrasings of the umbrella promise."""
    pillars: tuple[Pillar, ...]
    """Pillars in file order."""
    products: tuple[Product, ...]
    """Canonical product names."""
    personas: tuple[Persona, ...]
    """Buyer personas."""
    differentiators: tuple[str, ...]
    """Differentiating statements."""
    competitors: tuple[str, ...]
    """Competitor names whose mention is flagged."""
    avoid: tuple[AvoidTerm, ...]
    """Terms to avoid."""
    retired_messages: tuple[RetiredMessage, ...]
    """Retired messaging."""
    path: str
    """The file it was loaded from."""
    digest: str
    """sha256 of the canonical content (not of the bytes: comments do not change it)."""

    def pillar(self, pillar_id: str) -> Pillar:
        """The pillar with this id."""
        for pillar in self.pillars:
            if pillar.id == pillar_id:
                return pillar
        raise KeyError(pillar_id)

    @property
    def pillar_texts(self) -> tuple[PlatformText, ...]:
        """Every approved pillar text, in pillar order."""
        return tuple(t for p in self.pillars for t in p.texts)


# ---------------------------------------------------------------- loading


def with_examples(platform: MessagePlatform, examples: dict[str, Sequence[str]], source: str,
                  salt: str) -> MessagePlatform:
    """The platform with these texts added to each pillar's `examples`; `salt` names what was
    added, so the digest (and every cache keyed by it) changes with it."""
    if not examples:
        return platform
    pillars = tuple(
        dataclasses.replace(p, examples=p.examples + tuple(
            PlatformText(text, "example", p.id, source) for text in examples.get(p.id, ())))
        for p in platform.pillars)
    digest = hashlib.sha256((platform.digest + salt).encode("utf-8")).hexdigest()
    return dataclasses.replace(platform, pillars=pillars, digest=digest)


def resolve_platform_path(path: str | Path) -> Path:
    """A platform file, or a folder holding `platform.yaml` (or `platform.yml`)."""
    p = Path(path)
    if p.is_dir():
        for name in ("platform.yaml", "platform.yml"):
            if (p / name).is_file():
                return p / name
        raise PlatformError(
            "folder holds no platform.yaml",
            path=str(p),
            code=Code.PLATFORM_NOT_FOUND,
            hint="point --platform at a platform.yaml file or a folder holding one",
        )
    if not p.exists():
        raise PlatformError(
            "platform file not found",
            path=str(p),
            code=Code.PLATFORM_NOT_FOUND,
            hint="pass --platform PATH, or set `platform` in msgcheck.toml",
        )
    return p


_LOADED: dict[tuple[str, str, int, int], MessagePlatform] = {}


def load_platform(path: str | Path) -> MessagePlatform:
    """Read, validate and freeze a platform file; raise PlatformError naming key path and line.

    Memoised per process by path, modification time and size (a daemon reloads an edited file).
    """
    file = resolve_platform_path(path)
    shown = str(path if Path(path).is_file() else file)
    try:
        stat = file.stat()
        key = (str(file.resolve()), shown, stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = None
    if key is not None and key in _LOADED:
        return _LOADED[key]
    loaded = _load_platform(file, shown)
    if key is not None:
        _LOADED[key] = loaded
    return loaded


def _load_platform(file: Path, shown: str) -> MessagePlatform:
    try:
        raw_text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PlatformError(
            f"not UTF-8 text (byte {exc.start})", path=shown, code=Code.PLATFORM_SYNTAX
        ) from None
    except OSError as exc:
        raise PlatformError(f"cannot read: {exc.strerror}", path=shown,
                            code=Code.PLATFORM_NOT_FOUND) from None
    return parse_platform(raw_text, shown)


def parse_platform(raw_text: str, shown: str) -> MessagePlatform:
    """Validate platform YAML text; `shown` names the file in errors."""
    try:
        root = yaml.compose(raw_text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(raw_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise PlatformError(
            f"YAML syntax: {problem}",
            path=shown,
            line=mark.line + 1 if mark is not None else None,
            code=Code.PLATFORM_SYNTAX,
        ) from None
    if not isinstance(data, dict):
        raise PlatformError(
            "expected a mapping with version, company, value_proposition and pillars",
            path=shown,
            line=1,
            hint="see docs/platform.md for the format",
        )
    try:
        parsed = _PlatformFile.model_validate(data)
    except ValidationError as exc:
        err = _first_error(exc)
        loc = tuple(err["loc"])
        raise PlatformError(
            f"{_key_path(loc)}: {_explain(err)}",
            path=shown,
            line=_line_of(root, loc),
            hint=_hint_for(err, loc),
        ) from None
    _check_semantics(parsed, root, shown)
    return _freeze(parsed, shown)


def _first_error(exc: ValidationError) -> dict[str, Any]:
    """The most useful error: skip the str-branch noise of `str | {text}` unions."""
    errors = exc.errors()
    # An unknown key usually explains a "missing" one next to it (`key_message:`), so it goes first.
    errors = sorted(errors, key=lambda e: e["type"] != "extra_forbidden")
    for err in errors:
        loc = err["loc"]
        if loc and loc[-1] in ("str",) or "union_tag" in err["type"]:
            continue
        if err["type"] == "string_type" and len(errors) > 1:
            continue
        return dict(err)
    return dict(errors[0])


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop pydantic's union-branch names (`_TextItem`, `str`) from an error location."""
    return tuple(part for part in loc if not (isinstance(part, str) and (
        part in ("str", "int") or part.startswith("_") or part[:1].isupper()
        or part.startswith("function-"))))


def _key_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in _clean_loc(loc):
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _explain(err: dict[str, Any]) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    if kind == "too_short":
        return "at least one entry required"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    return str(err["msg"])


_KNOWN_KEYS = {
    "": ["version", "company", "value_proposition", "products", "pillars", "personas",
         "differentiators", "competitors", "terminology", "retired_messages"],
    "pillars": ["id", "name", "key_messages", "pains", "proof_points", "features", "examples"],
    "products": ["name", "variants"],
    "personas": ["id", "name", "pains"],
    "terminology": ["avoid"],
    "avoid": ["term", "reason", "use_instead", "match_case", "examples"],
    "avoid.examples": ["avoid", "allow"],
    "retired_messages": ["text", "retired"],
}


def _hint_for(err: dict[str, Any], loc: tuple[Any, ...]) -> str | None:
    if err["type"] != "extra_forbidden":
        return "see docs/platform.md for the format"
    import difflib

    clean = _clean_loc(loc)
    key = str(clean[-1])
    parents = [p for p in clean[:-1] if isinstance(p, str)]
    parent = ".".join(parents[-2:]) if parents[-2:] == ["avoid", "examples"] else \
        parents[-1] if parents else ""
    known = _KNOWN_KEYS.get(parent, ["text", "source"])
    close = difflib.get_close_matches(key, known, n=1)
    if close:
        return f"did you mean `{close[0]}`?"
    return "allowed keys here: " + ", ".join(known)


def _line_of(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """Walk the composed YAML node tree along an error location; return the deepest line found."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in _clean_loc(loc):
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for key_node, value_node in node.value:
                if key_node.value == part:
                    line = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _check_semantics(parsed: _PlatformFile, root: yaml.Node | None, shown: str) -> None:
    """Rules the schema cannot say: unique ids, no duplicate texts within a pillar."""
    for field, items in (("pillars", parsed.pillars), ("personas", parsed.personas)):
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.id in seen:
                raise PlatformError(
                    f"{field}[{i}].id: duplicate {field[:-1]} id {item.id!r} "
                    f"(first at {field}[{seen[item.id]}])",
                    path=shown,
                    line=_line_of(root, (field, i, "id")),
                    code=Code.PLATFORM_DUPLICATE,
                )
            seen[item.id] = i
    names = {p.name for p in parsed.products}
    for i, product in enumerate(parsed.products):
        for j, variant in enumerate(product.variants):
            if variant in names:
                raise PlatformError(
                    f"products[{i}].variants[{j}]: {variant!r} is itself a canonical product name",
                    path=shown,
                    line=_line_of(root, ("products", i, "variants", j)),
                    code=Code.PLATFORM_DUPLICATE,
                )
    _check_avoid_examples(parsed, root, shown)


def _check_avoid_examples(parsed: _PlatformFile, root: yaml.Node | None, shown: str) -> None:
    """Every example of an avoided term uses the term, as the term is matched: an example that
    does not teach nothing about the term's senses, and is most likely a typo."""
    for i, entry in enumerate(parsed.terminology.avoid):
        if entry.examples is None:
            continue
        term = _avoid_term(entry)
        for side in ("avoid", "allow"):
            for j, example in enumerate(getattr(entry.examples, side)):
                if next(term.matches(example), None) is None:
                    loc = ("terminology", "avoid", i, "examples", side, j)
                    raise PlatformError(
                        f"{_key_path(loc)}: example does not contain the term {entry.term!r}",
                        path=shown,
                        line=_line_of(root, loc),
                        hint="each example is a sentence that uses the term; case counts when "
                             "the term's capitals do (docs/platform.md)",
                    )


def _avoid_term(entry: _AvoidTerm) -> AvoidTerm:
    match_case = capitals_matter(entry.term) if entry.match_case is None else entry.match_case
    examples = entry.examples
    return AvoidTerm(entry.term, entry.reason, entry.use_instead, match_case,
                     tuple(examples.avoid) if examples else (),
                     tuple(examples.allow) if examples else ())


def _text(item: TextInput) -> tuple[str, str | None]:
    if isinstance(item, str):
        return item.strip(), None
    return item.text, item.source


def _freeze(parsed: _PlatformFile, shown: str) -> MessagePlatform:
    def texts(items: list[TextInput], kind: TextKind, pillar: str | None) -> tuple[PlatformText, ...]:
        out = []
        for item in items:
            text, source = _text(item)
            if text:
                out.append(PlatformText(text=text, kind=kind, pillar=pillar, source=source))
        return tuple(out)

    pillars = tuple(
        Pillar(
            id=p.id,
            name=p.name,
            key_messages=texts(p.key_messages, "key_message", p.id),
            pains=texts(p.pains, "pain", p.id),
            proof_points=texts(p.proof_points, "proof_point", p.id),
            features=texts(p.features, "feature", p.id),
            examples=texts(p.examples, "example", p.id),
        )
        for p in parsed.pillars
    )
    retired = tuple(
        RetiredMessage(text=r, retired=None) if isinstance(r, str)
        else RetiredMessage(text=r.text, retired=r.retired)
        for r in parsed.retired_messages
    )
    canonical = parsed.model_dump(mode="json")
    digest = hashlib.sha256(
        json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()
    return MessagePlatform(
        company=parsed.company,
        value_proposition=texts(parsed.value_proposition, "value_proposition", None),
        pillars=pillars,
        products=tuple(Product(p.name, tuple(p.variants)) for p in parsed.products),
        personas=tuple(
            Persona(p.id, p.name, tuple(_text(x)[0] for x in p.pains)) for p in parsed.personas
        ),
        differentiators=tuple(_text(d)[0] for d in parsed.differentiators),
        competitors=tuple(c.strip() for c in parsed.competitors if c.strip()),
        avoid=tuple(_avoid_term(a) for a in parsed.terminology.avoid),
        retired_messages=retired,
        path=shown,
        digest=digest,
    )
