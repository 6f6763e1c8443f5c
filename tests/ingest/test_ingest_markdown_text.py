"""Markdown and plain-text drafts: blocks with line and column; suppression comments."""

from __future__ import annotations

from pathlib import Path

import pytest

from msgcheck.errors import InputError
from msgcheck.ingest import discover, markdown, text
from msgcheck.model import skipped_counts

DRAFT = """---
title: Close faster with Ledgerline
description: A guide for controllers.
---
# The month-end problem

Month-end drags on because invoices are keyed by hand.
Approvers sit on invoices for days.

- Stop paying the same invoice twice
- Catch **bank-detail** fraud before money leaves

> "We closed in four days." Controller, Harbor Outfitters

<!-- msgcheck: ignore alignment -->
Seamless [connectors](https://example.com) for every ERP.

```python
print("not copy")
```

| Before | After |
|---|---|
| 12 days | 4 days |
"""


def _blocks():
    return markdown.read(DRAFT.encode(), "post.md").blocks


def test_scopes_and_front_matter():
    scopes = {b.text: b.scope for b in _blocks()}
    assert scopes["Close faster with Ledgerline"] == "title"
    assert scopes["A guide for controllers."] == "meta"
    assert scopes["The month-end problem"] == "title"
    assert scopes["Stop paying the same invoice twice"] == "bullet"
    assert scopes["Catch bank-detail fraud before money leaves"] == "bullet"
    assert scopes['"We closed in four days." Controller, Harbor Outfitters'] == "quote"
    assert scopes["4 days"] == "table"
    assert not any("print" in t for t in scopes)


def test_paragraph_lines_join_and_keep_anchors():
    para = next(b for b in _blocks() if b.text.startswith("Month-end drags"))
    assert para.text.endswith("Approvers sit on invoices for days.")
    assert para.location.line == 7 and para.location.column == 1
    loc = para.locate(para.text.index("Approvers"))
    assert (loc.line, loc.column) == (8, 1)


def test_bullet_column_points_after_the_marker():
    b = next(b for b in _blocks() if b.text.startswith("Stop paying"))
    assert (b.location.line, b.location.column) == (10, 3)


def test_ignore_comment_applies_to_the_next_block():
    blocks = _blocks()
    seamless = next(b for b in blocks if b.text.startswith("Seamless"))
    assert seamless.text == "Seamless connectors for every ERP."
    assert "alignment" in seamless.ignore
    assert not next(b for b in blocks if b.text == "4 days").ignore


def test_off_on_region():
    doc = markdown.read(b"<!-- msgcheck: off -->\n\nOne.\n\nTwo.\n\n<!-- msgcheck: on -->\n\nThree.\n",
                        "x.md")
    assert [(b.text, "*" in b.ignore) for b in doc.blocks] == [
        ("One.", True), ("Two.", True), ("Three.", False)]


def test_plain_text_email():
    raw = b"Subject: Closing in days, not weeks\n\nHi Dana,\n\nYour team keys every invoice.\n" \
          b"That costs a week each month.\n\n- Stop paying twice\n- Approve from your phone\n"
    doc = text.read(raw, "email.txt")
    assert doc.title == "Closing in days, not weeks"
    assert [b.scope for b in doc.blocks] == ["title", "body", "body", "bullet", "bullet"]
    assert doc.blocks[2].location.line == 5


def test_legacy_encoding_text_is_decoded():
    doc = text.read("Caf\u00e9 owners save 3 hours a week.".encode("cp1252"), "cafe.txt")
    assert doc.blocks[0].text == "Caf\u00e9 owners save 3 hours a week."


@pytest.mark.parametrize("data", [b"", b"\n\n", b"ab\x00cd"])
def test_empty_or_binary_text_is_an_error(data):
    with pytest.raises(InputError):
        text.read(data, "x.txt")


def test_discover_recurses_sorted_and_reports_missing(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "z.md").write_text("# Z")
    (tmp_path / "b.txt").write_text("B")
    (tmp_path / "skip.yml").write_text("a: 1")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.md").write_text("no")
    (tmp_path / "empty").mkdir()
    files, errors, skipped = discover([tmp_path, tmp_path / "missing.md"])
    assert [f.name for f in files] == ["z.md", "b.txt"]
    assert [e.code for e in errors] == ["E102"]
    assert [(Path(s.path).name, s.reason) for s in skipped] == [("skip.yml", "no reader for .yml")]
    files, errors, skipped = discover([tmp_path / "empty"])
    assert not files and not skipped and errors[0].code == "E110"


def test_discover_lists_every_file_it_does_not_read(tmp_path):
    for name in ("site/index.md", "site/nav.yml", "site/footer.yml", "site/page.haml",
                 "site/LICENSE", "site/logo.PNG", "site/.env", "site/.github/ci.yml",
                 "site/node_modules/pkg/readme.md", "site/.git/config", "site/.DS_Store",
                 "site/__pycache__/x.pyc", "site/.venv/lib/notes.txt"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    found = discover([tmp_path / "site"])
    assert [f.name for f in found.files] == ["index.md"]
    assert [(str(Path(s.path).relative_to(tmp_path / "site")), s.reason, s.kind)
            for s in found.skipped] == [
        (".env", "hidden", "(no suffix)"),
        (".github/ci.yml", "hidden", ".yml"),
        ("LICENSE", "no suffix", "(no suffix)"),
        ("footer.yml", "no reader for .yml", ".yml"),
        ("logo.PNG", "no reader for .png", ".png"),
        ("nav.yml", "no reader for .yml", ".yml"),
        ("page.haml", "no reader for .haml", ".haml"),
    ]
    assert skipped_counts(found.skipped) == {
        ".yml": 3, "(no suffix)": 2, ".haml": 1, ".png": 1}


def test_a_folder_of_only_unsupported_files_says_what_it_holds(tmp_path):
    for name in ("a.yml", "b.yml", "c.json"):
        (tmp_path / name).write_text("x")
    files, errors, skipped = discover([tmp_path])
    assert not files and len(skipped) == 3
    assert errors[0].code == "E110"
    assert errors[0].message == "folder holds no file msgcheck reads (it holds 3 files: 2 .yml, " \
                                "1 .json)"


def _texts_and_scopes(raw: str) -> list[tuple[str, str]]:
    return [(b.text, b.scope) for b in text.read(raw.encode(), "draft.txt").blocks]


def test_heading_line_is_not_glued_onto_the_next_sentence():
    raw = ("Ledgerline for controllers\n"
           "Month-end drags on because invoices are keyed by hand.\n\n"
           "Why teams switch\n"
           "Approvals move to the phone. Nobody waits for a signature.\n\n"
           "Faster close\n\n"
           "Four days instead of twelve.\n")
    assert _texts_and_scopes(raw) == [
        ("Ledgerline for controllers", "title"),
        ("Month-end drags on because invoices are keyed by hand.", "body"),
        ("Why teams switch", "heading"),
        ("Approvals move to the phone. Nobody waits for a signature.", "body"),
        ("Faster close", "heading"),
        ("Four days instead of twelve.", "body"),
    ]


def test_heading_after_a_finished_sentence_in_the_same_paragraph_is_split():
    doc = text.read(b"Invoices arrive by email.\nWhat changes\nApprovers sign from anywhere.\n",
                    "x.txt")
    assert [(b.text, b.location.line) for b in doc.blocks] == [
        ("Invoices arrive by email.", 1), ("What changes", 2),
        ("Approvers sign from anywhere.", 3)]


@pytest.mark.parametrize("raw", [
    # A sentence wrapped across two lines: the next line goes on in lower case.
    "Ledgerline closes the books\nin four days for every controller.\n",
    # The first line is long: a wrapped sentence, not a heading.
    ("Finance teams that key every invoice by hand and chase approvers for a signature\n"
     "Spend twelve days on each month-end close.\n"),
    # A line inside an unfinished sentence is not a heading, even when short.
    "We help controllers, buyers and\nAccounts payable clerks close faster.\n",
    # A signature: the line before has not ended a sentence.
    "Best,\nSam Okafor\nAccount Executive, Ledgerline\n",
])
def test_wrapped_lines_stay_one_block(raw):
    blocks = text.read(raw.encode(), "x.txt").blocks
    assert len(blocks) == 1
    assert blocks[0].location.line == 1
    assert blocks[0].locate(len(blocks[0].text) - 1).line == len(raw.splitlines())
