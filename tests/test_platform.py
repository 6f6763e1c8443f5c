"""Platform loading: format 1 accepted as written, mistakes named by key path and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from msgcheck.errors import PlatformError
from msgcheck.platform import load_platform, parse_platform

from conftest import PLATFORM

MINIMAL = """\
version: 1
company: Acme
value_proposition:
  - Turn pipeline data into revenue decisions in minutes, not weeks.
pillars:
  - id: speed
    name: Speed to insight
    key_messages:
      - Get pipeline answers in minutes, not weeks.
"""


def test_bundled_example_platform_loads_with_all_sections():
    p = load_platform(PLATFORM)
    assert len(p.pillars) >= 3
    for pillar in p.pillars:
        assert pillar.key_messages and pillar.pains and pillar.proof_points and pillar.features
    assert p.products and all(x.variants for x in p.products)
    assert p.competitors and p.avoid and p.retired_messages


def test_folder_and_file_give_the_same_platform():
    assert load_platform(PLATFORM).digest == load_platform(PLATFORM / "platform.yaml").digest


def test_text_items_accept_strings_and_mappings_with_source():
    text = MINIMAL.replace(
        "      - Get pipeline answers in minutes, not weeks.\n",
        "      - Get pipeline answers in minutes, not weeks.\n"
        "      - text: Reports in one click.\n        source: brand book p. 3\n",
    )
    p = parse_platform(text, "p.yaml")
    km = p.pillars[0].key_messages
    assert [k.text for k in km] == ["Get pipeline answers in minutes, not weeks.",
                                    "Reports in one click."]
    assert km[1].source == "brand book p. 3" and km[0].source is None


def test_digest_ignores_comments_but_not_content():
    a = parse_platform(MINIMAL, "a").digest
    assert parse_platform("# a comment\n" + MINIMAL, "b").digest == a
    assert parse_platform(MINIMAL.replace("Acme", "Acme Inc"), "c").digest != a


@pytest.mark.parametrize(
    ("mutate", "line", "needle"),
    [
        (lambda s: s.replace("key_messages:", "key_message:"), 8,
         "pillars[0].key_message: unknown key"),
        (lambda s: s.replace("company: Acme\n", ""), None, "company: required key is missing"),
        (lambda s: s.replace("id: speed", "id: Speed Pillar"), 6, "must match"),
        (lambda s: s.replace("version: 1", "version: 2"), 1, "unsupported format version"),
        (lambda s: s + "competitor: [Globex]\n", 10, "competitor: unknown key"),
    ],
)
def test_mistakes_name_key_path_and_line(mutate, line, needle):
    with pytest.raises(PlatformError) as info:
        parse_platform(mutate(MINIMAL), "platform.yaml")
    err = info.value
    assert needle in err.message
    if line is not None:
        assert err.line == line
    assert err.render().startswith("error[E2")


def test_unknown_key_hint_suggests_the_right_key():
    with pytest.raises(PlatformError) as info:
        parse_platform(MINIMAL.replace("key_messages:", "key_message:"), "p.yaml")
    assert "key_messages" in (info.value.hint or "")


def test_platform_without_pillars_is_an_error():
    text = MINIMAL.split("pillars:")[0] + "pillars: []\n"
    with pytest.raises(PlatformError, match="at least one"):
        parse_platform(text, "p.yaml")


def test_duplicate_pillar_ids_are_an_error_with_line():
    text = MINIMAL + "  - id: speed\n    name: Again\n    key_messages: [x]\n"
    with pytest.raises(PlatformError) as info:
        parse_platform(text, "p.yaml")
    assert "duplicate pillar id" in info.value.message and info.value.line == 10


def test_yaml_syntax_error_names_the_line():
    with pytest.raises(PlatformError) as info:
        parse_platform(MINIMAL + "  - id: [unclosed\n", "p.yaml")
    assert info.value.code == "E202" and info.value.line is not None


def test_missing_file_and_folder_without_platform(tmp_path: Path):
    with pytest.raises(PlatformError, match="not found"):
        load_platform(tmp_path / "nope.yaml")
    with pytest.raises(PlatformError, match="no platform.yaml"):
        load_platform(tmp_path)


def test_retired_dates_are_kept_as_written():
    text = MINIMAL + "retired_messages:\n  - text: Old slogan.\n    retired: 2024-01\n" \
        "  - text: Older slogan.\n    retired: 2023-05-02\n  - Oldest slogan.\n"
    p = parse_platform(text, "p.yaml")
    assert [(r.text, r.retired) for r in p.retired_messages] == [
        ("Old slogan.", "2024-01"), ("Older slogan.", "2023-05-02"), ("Oldest slogan.", None)]


# ---------------------------------------------------------------- avoided terms and their senses

AVOID = MINIMAL + """\
terminology:
  avoid:
    - term: guarantee
      reason: An outcome promised.
      examples:
        avoid:
          - We guarantee a report in one minute.
        allow:
          - Each bank guarantee is listed with its expiry date.
    - term: seamless
    - term: AI
    - term: Heap
      match_case: true
"""


def test_avoid_entries_keep_their_examples_and_case_rule():
    p = parse_platform(AVOID, "p.yaml")
    guarantee, seamless, ai, heap = p.avoid
    assert guarantee.avoid_examples == ("We guarantee a report in one minute.",)
    assert guarantee.allow_examples == ("Each bank guarantee is listed with its expiry date.",)
    assert guarantee.has_examples and not seamless.has_examples
    # Capitals after the first letter count; a lone first capital only when the platform says.
    assert (seamless.match_case, ai.match_case, heap.match_case) == (False, True, True)
    assert parse_platform(AVOID, "p.yaml").digest != parse_platform(
        AVOID.replace("one minute", "two minutes"), "p.yaml").digest


@pytest.mark.parametrize(("term", "text", "found"), [
    ("AI", "AI reads the report", ["AI"]),
    ("AI", "we said ai once", []),
    ("AI-powered", "AI-Powered reports", ["AI-Powered"]),
    ("Chat", "straight from chat", ["chat"]),
    ("seamless", "A SEAMLESS SYNC and a seamless one", ["SEAMLESS", "seamless"]),
])
def test_avoided_terms_match_the_capitals_the_term_has(term, text, found):
    entry = parse_platform(MINIMAL + f"terminology:\n  avoid:\n    - term: {term}\n", "p").avoid[0]
    assert [m.group(0) for m in entry.matches(text)] == found


@pytest.mark.parametrize(("mutate", "line", "needle"), [
    (lambda s: s.replace("- Each bank guarantee", "- Each bank guaranty"), 18,
     "terminology.avoid[0].examples.allow[0]: example does not contain the term 'guarantee'"),
    (lambda s: s.replace("- We guarantee", "- We Guarantee").replace("term: guarantee",
                                                                       "term: GUARANTEE"), 16,
     "terminology.avoid[0].examples.avoid[0]: example does not contain the term 'GUARANTEE'"),
    (lambda s: s.replace("        allow:\n          - Each bank guarantee is listed with its "
                         "expiry date.\n", ""), 14,
     "terminology.avoid[0].examples.allow: required key is missing"),
    (lambda s: s.replace("        allow:", "        allowed:"), 17,
     "terminology.avoid[0].examples.allowed: unknown key"),
    (lambda s: s.replace("match_case: true", "match_case: sometimes"), 22,
     "terminology.avoid[3].match_case"),
])
def test_avoid_example_mistakes_name_key_path_and_line(mutate, line, needle):
    with pytest.raises(PlatformError) as info:
        parse_platform(mutate(AVOID), "platform.yaml")
    assert needle in info.value.message
    assert info.value.line == line


def test_misspelt_example_key_hints_at_avoid_and_allow():
    with pytest.raises(PlatformError) as info:
        parse_platform(AVOID.replace("        allow:", "        allowed:"), "p.yaml")
    assert info.value.hint == "did you mean `allow`?"
