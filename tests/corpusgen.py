"""A generated corpus of small Ledgerline drafts (Markdown and text), from templates.

Deterministic: the same `count` writes the same files. Each draft mixes on-message claims,
drift, feature runs, avoided terms and figures, so every check family has something to judge.
Shared by the Dask tests and the Dask benchmark.
"""

from __future__ import annotations

from pathlib import Path

HEADLINES = (
    "Close the month in {days} days, not weeks",
    "Stop paying the same invoice twice",
    "Accounts payable that runs itself for {team}",
    "The most revolutionary AP platform for {team}",
    "Catch bank-detail fraud before the money leaves",
    "Why {team} moved their invoices to Ledgerline",
)
PAINS = (
    "Month-end close drags on because {team} still key invoices by hand.",
    "Approvers sit on invoices for {days} days and nobody can tell where they are.",
    "Duplicate invoices slip through and get paid twice.",
    "One spoofed email changing a supplier's bank details can divert a six-figure payment.",
    "Budget owners at {team} find out about overspend only after the month has closed.",
)
CLAIMS = (
    "Invoices flow from inbox to ledger without anyone retyping them.",
    "Your AP team approves exceptions instead of keying data.",
    "Every payment is checked against a purchase order and a receipt.",
    "Ledgerline Capture reads invoices from email, PDF and EDI in {days} seconds.",
    "LL Match runs two- and three-way matching against purchase orders automatically.",
    "Our seamless workflow is the industry-leading way to pay suppliers.",
    "Customers cut invoice processing time by {pct}% in their first quarter.",
    "Mobile approvals come with automatic reminders.",
    "Continuous accrual posting keeps the general ledger current.",
    "We support {count} ERP connectors out of the box.",
    "See committed spend before it reaches the ledger.",
    "Our office dog, Biscuit, has opinions about coffee.",
)
TEAMS = ("mid-market finance teams", "controllers", "AP clerks", "CFOs", "shared-service centres")


def draft(n: int, unique: bool = False) -> tuple[str, str]:
    """The name and text of draft `n`; `unique`: no sentence repeats another draft's (so the
    embedding cache cannot save the work, as in a benchmark)."""
    def pick(seq: tuple[str, ...], k: int = 0) -> str:
        text = seq[(n * 7 + k * 3) % len(seq)]
        return text[:-1] + f" for entity {n}-{k}." if unique and text.endswith(".") else text

    values = {"days": 2 + n % 9, "team": pick(TEAMS), "pct": 40 + n % 40,
              "count": 10 + n % 50}
    headline = pick(HEADLINES).format(**values)
    lines = [pick(PAINS, i).format(**values) for i in range(2)]
    bullets = [pick(CLAIMS, i).format(**values) for i in range(2 + n % 4)]
    if n % 2:
        body = "\n".join([f"# {headline}", "", " ".join(lines), "", "## What changes", ""]
                         + [f"- {b}" for b in bullets])
        return f"draft-{n:04d}.md", body + "\n"
    return f"note-{n:04d}.txt", "\n\n".join([headline, *lines, *bullets]) + "\n"


def write_corpus(folder: Path, count: int, unique: bool = False) -> Path:
    """Write `count` drafts into `folder` (in sub-folders of 50) and return it."""
    for n in range(count):
        name, text = draft(n, unique)
        sub = folder / f"batch-{n // 50:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / name).write_text(text, encoding="utf-8")
    return folder
