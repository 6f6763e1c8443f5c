"""Benchmark: PDF text extraction speed (pages per second) on a generated 50-page deck.

Method
------
* The PDF: `--pages` (default 50) A4 pages written with fpdf2, each with a heading, three wrapped
  paragraphs of about 60 words and four bullets (about 1,100 characters a page, a text-dense
  one-pager), in Helvetica.
* Timed: `msgcheck.ingest.pdf.read` on the bytes (pdfminer layout analysis, paragraph joining,
  scopes), the median of `--runs` (default 5) runs in this process after one untimed run (the
  import of pdfminer is not in the figure; it is measured separately, in a fresh process).
* Import cost: `python -X importtime` of reading one Markdown draft (pdfminer must not appear),
  and the wall time of importing the pdfminer modules the reader uses, in a fresh process.

    .venv/bin/python bench/bench_pdf.py [--pages 50] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SENTENCES = [
    "Ledgerline matches each supplier invoice to its purchase order and goods receipt",
    "so the finance team stops keying invoices by hand and stops paying the same invoice twice",
    "Approvers sign from their phone, which keeps the close moving when they travel",
    "Controllers see every open invoice, its approver and its due date on one screen",
    "Auditors get their samples in minutes instead of the two days a shared drive takes",
]


def make_pdf(pages: int) -> bytes:
    from fpdf import FPDF

    doc = FPDF(format="A4")
    doc.set_margins(20, 20, 20)
    for n in range(1, pages + 1):
        doc.add_page()
        doc.set_font("Helvetica", "B", 18)
        doc.cell(0, 12, f"Section {n}: closing the month in four days",
                 new_x="LMARGIN", new_y="NEXT")
        doc.set_font("Helvetica", "", 11)
        for p in range(3):
            words = ", ".join(SENTENCES[(n + p + k) % len(SENTENCES)] for k in range(3))
            doc.multi_cell(0, 5.5, words + ".")
            doc.ln(4)
        for k in range(4):
            doc.cell(0, 6, "- " + SENTENCES[(n + k) % len(SENTENCES)],
                     new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())


PDFMINER = ("pdfminer.converter", "pdfminer.layout", "pdfminer.pdfdocument",
            "pdfminer.pdfinterp", "pdfminer.pdfpage", "pdfminer.pdfparser")


def imported_modules(script: str) -> list[str]:
    """Every module `python -X importtime` lists when `script` runs in a fresh process."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", script],
                         capture_output=True, text=True, check=True)
    return [row.rsplit("|", 1)[-1].strip() for row in run.stderr.splitlines()[1:]]


def pdfminer_import_ms() -> float:
    """Wall time of importing what the PDF reader imports, in a fresh process (median of 3)."""
    script = ("import time; t = time.perf_counter(); import " + ", ".join(PDFMINER)
              + "; print(time.perf_counter() - t)")
    runs = [float(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                 check=True).stdout) for _ in range(3)]
    return statistics.median(runs) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from msgcheck.ingest import pdf

    data = make_pdf(args.pages)
    doc = pdf.read(data, "bench.pdf")
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        pdf.read(data, "bench.pdf")
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    chars = sum(len(b.text) for b in doc.blocks)
    print(f"{args.pages} pages, {len(data) // 1024} KiB, {len(doc.blocks)} blocks, "
          f"{chars:,} characters")
    print(f"read: median {median:.2f} s of {args.runs} -> {args.pages / median:.0f} pages/s")
    with tempfile.TemporaryDirectory() as tmp:
        draft = Path(tmp) / "post.md"
        draft.write_text("# Pricing\n\nFour days, not twelve.\n", encoding="utf-8")
        modules = imported_modules("from pathlib import Path; from msgcheck.ingest import "
                                   f"read_path; read_path(Path({str(draft)!r}))")
        loaded = [m for m in modules if m.startswith("pdfminer")]
        print(f"reading a Markdown draft imports {len(modules)} modules, "
              f"{len(loaded)} of them pdfminer's")
    print(f"importing pdfminer for the first PDF: {pdfminer_import_ms():.0f} ms")


if __name__ == "__main__":
    main()
