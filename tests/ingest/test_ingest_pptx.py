"""Deck reading: every text-bearing shape with slide and shape provenance; bad decks refused clearly."""

from __future__ import annotations

import io
import zipfile

import pytest
from pptx import Presentation
from pptx.util import Inches

from msgcheck.errors import InputError
from msgcheck.ingest import pptx as reader


def _deck() -> bytes:
    prs = Presentation()
    s1 = prs.slides.add_slide(prs.slide_layouts[0])
    s1.shapes.title.text = "Close the books in days"
    s1.placeholders[1].text = "Accounts payable that runs itself"
    s2 = prs.slides.add_slide(prs.slide_layouts[1])
    s2.shapes.title.text = "Why teams switch"
    body = s2.placeholders[1].text_frame
    body.text = "Stop paying invoices twice"
    p = body.add_paragraph()
    p.text = "Catch bank-detail fraud early"
    p.level = 1
    s2.notes_slide.notes_text_frame.text = "Ask about their close.\nmsgcheck: ignore terminology.avoid"
    s3 = prs.slides.add_slide(prs.slide_layouts[5])
    s3.shapes.title.text = "Proof"
    table = s3.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(6), Inches(1)).table
    table.cell(0, 0).text = "Metric"
    table.cell(0, 1).text = "Result"
    table.cell(1, 0).text = "Close time"
    table.cell(1, 1).text = "From 12 days to 4 days"
    group = s3.shapes.add_group_shape()
    box = group.shapes.add_textbox(Inches(1), Inches(4), Inches(3), Inches(1))
    box.text_frame.text = "Outer box claim"
    inner = group.shapes.add_group_shape()
    inner_box = inner.shapes.add_textbox(Inches(1), Inches(5), Inches(3), Inches(1))
    inner_box.text_frame.text = "Nested box claim"
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def test_reads_titles_bullets_tables_groups_and_notes():
    doc = reader.read(_deck(), "deck.pptx")
    by_text = {b.text: b for b in doc.blocks}
    assert doc.title == "Close the books in days"
    assert by_text["Close the books in days"].scope == "title"
    assert by_text["Accounts payable that runs itself"].scope == "heading"
    bullet = by_text["Catch bank-detail fraud early"]
    assert bullet.scope == "bullet" and bullet.location.slide == 2 and bullet.location.line == 2
    cell = by_text["From 12 days to 4 days"]
    assert cell.scope == "table" and cell.location.element.endswith("r2c2")
    nested = by_text["Nested box claim"]
    assert nested.location.slide == 3 and nested.location.element.count("/") == 2
    assert by_text["Ask about their close."].scope == "notes"


def test_speaker_note_suppresses_a_check_for_its_slide():
    doc = reader.read(_deck(), "deck.pptx")
    slide2 = [b for b in doc.blocks if b.location.slide == 2 and b.scope != "notes"]
    assert slide2 and all("terminology.avoid" in b.ignore for b in slide2)
    assert not any(b.ignore for b in doc.blocks if b.location.slide == 3)
    assert not any("msgcheck:" in b.text for b in doc.blocks)


def test_location_prints_slide_and_shape():
    doc = reader.read(_deck(), "deck.pptx")
    title = next(b for b in doc.blocks if b.text == "Why teams switch")
    assert str(title.location) == "deck.pptx:slide 2:Title 1"


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"", "empty file"),
        (b"Quarterly pitch, final version\n", "not a .pptx file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "encrypted"),
        (b"PK\x03\x04garbage" * 10, "not a .pptx file"),
    ],
)
def test_broken_decks_get_one_line_errors(data: bytes, needle: str):
    with pytest.raises(InputError) as info:
        reader.read(data, "broken.pptx")
    assert needle in info.value.message
    assert info.value.path == "broken.pptx"
    assert "\n" not in str(info.value)


def test_word_document_named_pptx_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(InputError, match="Word document"):
        reader.read(buf.getvalue(), "memo.pptx")


def test_zip_bomb_is_refused_before_parsing():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("ppt/presentation.xml", "<p/>")
        z.writestr("ppt/slides/slide1.xml", b"\x00" * (24 * 1024 * 1024))
    data = buf.getvalue()
    assert len(data) < 200_000
    with pytest.raises(InputError, match="zip bomb"):
        reader.read(data, "bomb.pptx")


def test_declared_size_over_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(reader, "MAX_TOTAL_UNCOMPRESSED", 1000)
    with pytest.raises(InputError, match="declares"):
        reader.read(_deck(), "big.pptx")


def test_truncated_deck_is_an_input_error():
    data = _deck()
    with pytest.raises(InputError):
        reader.read(data[: len(data) // 2], "cut.pptx")
