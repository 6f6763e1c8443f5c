"""PDF decks and one-pagers: paragraphs in reading order by page; bad PDFs are one clear error."""

from __future__ import annotations

import subprocess
import sys

import pytest

fpdf = pytest.importorskip("fpdf")

from msgcheck.errors import InputError  # noqa: E402
from msgcheck.ingest import pdf, read_path  # noqa: E402
from msgcheck.model import Location  # noqa: E402
from msgcheck.pipeline import read_inputs  # noqa: E402


def _new() -> fpdf.FPDF:
    doc = fpdf.FPDF(format="A4")
    doc.set_margins(20, 20, 20)
    doc.set_auto_page_break(False)
    return doc


def _line(doc: fpdf.FPDF, text: str, size: float = 11, height: float = 6, bold: bool = False,
          x: float | None = None, width: float = 0) -> None:
    doc.set_font("Helvetica", "B" if bold else "", size)
    if x is not None:
        doc.set_x(x)
    doc.cell(width, height, text, new_x="LMARGIN", new_y="NEXT")


def one_pager() -> bytes:
    doc = _new()
    doc.add_page()
    _line(doc, "Close the books in four days", size=24, height=12, bold=True)
    doc.ln(4)
    doc.set_font("Helvetica", "", 11)
    doc.multi_cell(0, 6, "Ledgerline matches every supplier invoice to its purchase order and "
                         "receipt, so finance teams stop keying invoices by hand and stop "
                         "paying the same invoice twice.")
    doc.ln(4)
    _line(doc, "Controllers at Harbor Outfitters cut their month-end close from twelve days to")
    _line(doc, "four because approvers sign from their phone and every invoi-")
    _line(doc, "ce is matched before it is paid.")
    doc.ln(4)
    _line(doc, "Why teams switch", size=16, height=10, bold=True)
    _line(doc, "- Approvers sign from anywhere")
    _line(doc, "- Duplicate invoices are caught before payment")
    doc.add_page()
    _line(doc, "Proof", size=16, height=10, bold=True)
    _line(doc, "Audit samples are answered in minutes instead of days.")
    return bytes(doc.output())


def _blocks(data: bytes, name: str = "deck.pdf"):
    return [(b.location.page, b.scope, b.text) for b in pdf.read(data, name).blocks]


def test_paragraphs_headings_bullets_and_pages():
    assert _blocks(one_pager()) == [
        (1, "title", "Close the books in four days"),
        (1, "body", "Ledgerline matches every supplier invoice to its purchase order and receipt, "
                    "so finance teams stop keying invoices by hand and stop paying the same "
                    "invoice twice."),
        (1, "body", "Controllers at Harbor Outfitters cut their month-end close from twelve days "
                    "to four because approvers sign from their phone and every invoice is matched "
                    "before it is paid."),
        (1, "heading", "Why teams switch"),
        (1, "bullet", "Approvers sign from anywhere"),
        (1, "bullet", "Duplicate invoices are caught before payment"),
        (2, "heading", "Proof"),
        (2, "body", "Audit samples are answered in minutes instead of days."),
    ]
    doc = pdf.read(one_pager(), "deck.pdf")
    assert doc.kind == "pdf" and doc.title == "Close the books in four days"


def test_two_columns_read_column_by_column():
    doc = _new()
    doc.add_page()
    left = ["Invoices arrive by email", "and are keyed by hand."]
    right = ["Ledgerline reads each one", "and matches it for you."]
    for row, (a, b) in enumerate(zip(left, right)):
        doc.set_xy(20, 40 + row * 5)
        _line(doc, a, width=70)
        doc.set_xy(120, 40 + row * 5)
        _line(doc, b, width=70)
    texts = [t for _, _, t in _blocks(bytes(doc.output()))]
    assert texts == ["Invoices arrive by email and are keyed by hand.",
                     "Ledgerline reads each one and matches it for you."]


def test_location_displays_the_page():
    loc = Location("deck.pdf", page=3)
    assert str(loc) == "deck.pdf:p3" and loc.within() == "p3"
    assert loc.to_dict() == {"source": "deck.pdf", "page": 3}


def test_image_only_pdf_says_no_text_layer():
    doc = _new()
    for _ in range(2):
        doc.add_page()
        doc.rect(20, 20, 100, 60, style="F")
    with pytest.raises(InputError) as info:
        pdf.read(bytes(doc.output()), "scan.pdf")
    assert info.value.code == "E108" and info.value.path == "scan.pdf"
    assert "no text layer in 2 pages" in info.value.message and "OCR" in info.value.hint


def test_encrypted_pdf_is_refused_but_an_empty_user_password_is_read():
    locked = _new()
    locked.set_encryption(owner_password="owner", user_password="secret")
    locked.add_page()
    _line(locked, "Four days, not twelve.")
    with pytest.raises(InputError) as info:
        pdf.read(bytes(locked.output()), "locked.pdf")
    assert info.value.code == "E106" and "password" in info.value.message
    opened = _new()
    opened.set_encryption(owner_password="owner")
    opened.add_page()
    _line(opened, "Four days, not twelve.")
    assert _blocks(bytes(opened.output())) == [(1, "body", "Four days, not twelve.")]


@pytest.mark.parametrize("data, words", [
    (b"", "empty"),
    (b"just some text named .pdf\n", "not a PDF"),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", "PDF"),
])
def test_corrupt_files_are_one_line_errors(data, words):
    with pytest.raises(InputError) as info:
        pdf.read(data, "broken.pdf")
    assert words in info.value.message and "\n" not in info.value.message


def test_truncated_pdf_is_an_error_not_a_traceback(tmp_path):
    (tmp_path / "cut.pdf").write_bytes(one_pager()[:600])
    with pytest.raises(InputError) as info:
        read_path(tmp_path / "cut.pdf")
    assert info.value.path == str(tmp_path / "cut.pdf")


@pytest.mark.parametrize("limit, value, words", [
    ("MAX_PAGES", 1, "pages"),
    ("MAX_CHARS", 50, "characters"),
    ("MAX_SECONDS", -1.0, "layout took over"),
    ("MAX_STREAM_BYTES", 64, "decompression bomb"),
])
def test_limits_refuse_bombs_with_one_error(monkeypatch, limit, value, words):
    monkeypatch.setattr(pdf, limit, value)
    with pytest.raises(InputError) as info:
        pdf.read(one_pager(), "big.pdf")
    assert info.value.code == "E105" and words in info.value.message


def test_bad_pdfs_do_not_stop_the_other_files(tmp_path):
    (tmp_path / "a-deck.pdf").write_bytes(one_pager())
    (tmp_path / "b-broken.pdf").write_bytes(b"%PDF-1.4\nnot really")
    (tmp_path / "c-note.md").write_text("# Pricing\n\nFour days, not twelve.\n")
    documents, errors, _ = read_inputs([tmp_path])
    assert [d.kind for d in documents] == ["pdf", "markdown"]
    assert [e.path for e in errors] == [str(tmp_path / "b-broken.pdf")]


def test_reading_markdown_never_imports_pdfminer(tmp_path):
    draft = tmp_path / "post.md"
    draft.write_text("# Pricing\n\nFour days, not twelve.\n")
    script = f"from msgcheck.pipeline import read_inputs; read_inputs([{str(draft)!r}])"
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", script],
                         capture_output=True, text=True, check=True)
    imported = [row.rsplit("|", 1)[-1].strip() for row in run.stderr.splitlines()]
    assert "markdown_it" in imported
    assert not [name for name in imported if name.startswith("pdfminer")]
