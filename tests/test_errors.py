"""The error catalogue: one code per meaning, and every raise names a catalogue member."""

from __future__ import annotations

import ast
import re

from msgcheck.errors import Code, ConfigError, InputError, ModelError, MsgcheckError, PlatformError

from conftest import ROOT


def test_every_code_means_one_thing():
    values = [member.value for member in Code.__members__.values()]
    duplicates = sorted({v for v in values if values.count(v) > 1})
    assert duplicates == [], f"codes used for two meanings: {duplicates}"
    assert all(re.fullmatch(r"E\d{3}", v) for v in values)


def test_a_duplicate_code_would_be_caught():
    # StrEnum makes a second name with the same value an alias; the check above sees it.
    from enum import StrEnum

    class Twice(StrEnum):
        A = "E100"
        B = "E100"

    values = [m.value for m in Twice.__members__.values()]
    assert len(values) != len(set(values))


def test_error_kinds_default_to_catalogue_codes():
    for kind in (MsgcheckError, InputError, PlatformError, ConfigError, ModelError):
        assert kind("x").code in set(Code)


def test_no_code_is_written_as_a_literal_in_the_source():
    literal = re.compile(r"""code\s*=\s*["']E\d{3}["']|error\[E\d{3}\]""")
    offenders = []
    for path in sorted((ROOT / "src" / "msgcheck").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef))
                      and n.body and isinstance(n.body[0], ast.Expr)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                    id(node) not in docstrings and literal.search(node.value):
                offenders.append(f"{path.name}:{node.lineno}")
        offenders += [f"{path.name}:{i}" for i, line in enumerate(text.splitlines(), 1)
                      if re.search(r"""code\s*=\s*["']E\d{3}["']""", line)]
    assert offenders == []
