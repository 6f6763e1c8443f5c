"""Settings discovery and merging; strict keys; per-path overrides; check-id validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from msgcheck.config import OptionsResolver, describe, discover, glob_match, resolve, \
    validate_check_ids
from msgcheck.errors import ConfigError
from msgcheck.model import Severity

KNOWN = ["alignment.off-platform", "alignment.drift", "framing.feature-heavy",
         "framing.asset-ratio", "terminology.avoid", "io.unreadable"]


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_nearest_file_is_found_walking_up_and_stops_at_the_repository(tmp_path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    _write(tmp_path / "msgcheck.toml", 'fail-on = "warning"\n')  # outside the repository
    cfg = _write(tmp_path / "repo" / "msgcheck.toml", 'fail-on = "suggestion"\n')
    draft = _write(tmp_path / "repo" / "content" / "blog" / "post.md", "# Hi\n")
    assert discover(draft) == cfg
    (tmp_path / "repo" / "msgcheck.toml").unlink()
    assert discover(draft) is None


def test_pyproject_tool_table_is_read_and_other_pyprojects_are_skipped(tmp_path):
    _write(tmp_path / "pyproject.toml", '[tool.msgcheck]\nplatform = "mp"\n')
    _write(tmp_path / "sub" / "pyproject.toml", "[project]\nname = 'x'\n")
    config = resolve(flags={}, config_path=None, first_input=str(tmp_path / "sub" / "a.md"), env={})
    assert config.values["platform"] == str((tmp_path / "mp").resolve())
    assert config.sources["platform"] == str(tmp_path / "pyproject.toml")


def test_precedence_flags_over_env_over_file_over_defaults(tmp_path):
    _write(tmp_path / "msgcheck.toml", 'fail-on = "warning"\nplatform = "a"\nselect = ["alignment"]\n')
    first = str(tmp_path / "x.md")
    c = resolve(flags={}, config_path=None, first_input=first, env={})
    assert (c.values["fail-on"], c.sources["fail-on"]) == ("warning", str(tmp_path / "msgcheck.toml"))
    c = resolve(flags={}, config_path=None, first_input=first, env={"MSGCHECK_FAIL_ON": "never"})
    assert (c.values["fail-on"], c.sources["fail-on"]) == ("never", "env MSGCHECK_FAIL_ON")
    c = resolve(flags={"fail-on": "error", "select": ["terminology"]}, config_path=None,
                first_input=first, env={"MSGCHECK_FAIL_ON": "never"})
    assert c.values["fail-on"] == "error" and c.values["select"] == ["terminology"]
    assert c.sources["select"] == "--select"
    assert c.values["ignore"] == [] and c.sources["ignore"] == "default"
    assert "fail-on" in describe(c)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('fail_on = "warning"\n', "fail_on: unknown key"),
        ('[thresholds]\nasset-ratio = 0.4\n', "thresholds.asset-ratio: unknown key"),
        ('fail-on = "sometimes"\n', "fail-on"),
        ('[[overrides]]\npaths = ["blog/[draft"]\n', "unbalanced"),
        ('[[overrides]]\nignore = ["framing"]\n', "overrides.[0].paths"),
        ('fail-on = \n', "TOML syntax"),
    ],
)
def test_bad_config_is_a_one_line_error_naming_the_key(tmp_path, text, needle):
    cfg = _write(tmp_path / "msgcheck.toml", text)
    with pytest.raises(ConfigError) as info:
        resolve(flags={}, config_path=str(cfg), first_input=None, env={})
    assert needle.replace("overrides.[0]", "overrides[0]") in info.value.message or \
        needle in info.value.message
    assert info.value.path == str(cfg)


def test_unknown_check_ids_are_errors_with_a_guess(tmp_path):
    c = resolve(flags={"ignore": ["alignment.drfit"]}, config_path=None, first_input=None, env={})
    with pytest.raises(ConfigError) as info:
        validate_check_ids(c, KNOWN)
    assert "unknown check id 'alignment.drfit'" in info.value.message
    assert "alignment.drift" in (info.value.hint or "")
    ok = resolve(flags={"select": ["alignment", "framing.asset-ratio"]}, config_path=None,
                 first_input=None, env={})
    validate_check_ids(ok, KNOWN)


@pytest.mark.parametrize(
    ("path", "glob", "hit"),
    [("blog/2025/post.md", "blog/**", True), ("blog/post.md", "blog/**/*.md", True),
     ("notes/post.md", "blog/**", False), ("a/b/legal.txt", "*.txt", True),
     ("./blog/x.md", "blog/*.md", True), ("blog/x/y.md", "blog/*.md", False)],
)
def test_globs(path, glob, hit):
    assert glob_match(path, glob) is hit


def test_overrides_apply_by_path(tmp_path):
    _write(tmp_path / "msgcheck.toml", """
ignore = ["alignment.drift"]
[severity]
"terminology.avoid" = "error"
[thresholds]
asset-ratio-max = 0.6
[[overrides]]
paths = ["legal/**"]
ignore = ["framing"]
severity = { "alignment.off-platform" = "suggestion" }
thresholds = { feature-run = 5 }
""")
    config = resolve(flags={}, config_path=None, first_input=str(tmp_path / "a.md"), env={})
    resolver = OptionsResolver(config)
    base = resolver(str(tmp_path / "blog" / "a.md"))
    legal = resolver(str(tmp_path / "legal" / "terms.md"))
    assert base.ignore == ("alignment.drift",) and base.asset_ratio_max == 0.6
    assert base.severity["terminology.avoid"] is Severity.ERROR
    assert legal.ignore == ("alignment.drift", "framing") and legal.feature_run == 5
    assert legal.severity["alignment.off-platform"] is Severity.SUGGESTION
    assert resolver(str(tmp_path / "legal" / "other.md")) is legal


def test_threshold_keys_are_the_options_the_checks_declare():
    from msgcheck.checks import ALL
    from msgcheck.config import THRESHOLD_FIELDS

    declared = {o for check in ALL for o in check.options}
    assert THRESHOLD_FIELDS == {o.replace("_", "-"): o for o in declared}
    assert list(THRESHOLD_FIELDS) == ["asset-ratio-max", "asset-ratio-min-claims", "feature-run"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("asset-ratio-max = 2",
         "thresholds.asset-ratio-max: Input should be less than or equal to 1"),
        ("asset-ratio-min-claims = 0",
         "thresholds.asset-ratio-min-claims: Input should be greater than or equal to 1"),
        ('feature-run = "three"', "thresholds.feature-run: Input should be a valid integer"),
    ],
)
def test_a_threshold_out_of_its_range_is_an_error_naming_the_key(tmp_path, text, message):
    cfg = _write(tmp_path / "msgcheck.toml", f"[thresholds]\n{text}\n")
    with pytest.raises(ConfigError) as info:
        resolve(flags={}, config_path=str(cfg), first_input=None, env={})
    assert info.value.message.startswith(message)
    assert info.value.code == "E303"


def test_scheduler_comes_from_the_file_unless_the_flag_names_one(tmp_path):
    _write(tmp_path / "msgcheck.toml", 'scheduler = "tcp://10.0.0.5:8786"\n')
    first = str(tmp_path / "a.md")
    config = resolve(flags={}, config_path=None, first_input=first, env={})
    assert config.scheduler == "tcp://10.0.0.5:8786"
    assert config.sources["scheduler"] == str(tmp_path / "msgcheck.toml")
    flagged = resolve(flags={"scheduler": "local:2"}, config_path=None, first_input=first, env={})
    assert flagged.scheduler == "local:2"
    assert resolve(flags={}, config_path=None, first_input=str(tmp_path.parent / "x.md"),
                   env={}).scheduler is None
    _write(tmp_path / "msgcheck.toml", 'scheduler = ""\n')
    with pytest.raises(ConfigError):
        resolve(flags={}, config_path=None, first_input=first, env={})
