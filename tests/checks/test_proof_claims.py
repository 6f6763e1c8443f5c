"""Which figures are proof claims (`checks/proof/claims.py`) and who a figure is about.

Each rule has sentences whose figure must be judged (a source is asked for when no proof point
backs it) and sentences whose figure must not be: terms of sale, specifications, the copy's own
length, identifiers.
"""

from __future__ import annotations

import pytest

from msgcheck.checks.proof.claims import is_proof_claim, subjects
from msgcheck.checks.proof.reader import extract

PROOF_CLAIMS = [
    "Customers cut their AP staffing costs by 35%.",          # a direction
    "10x faster development with the visual editor.",         # a multiplier
    "Payment runs finish in 20 minutes instead of half a day.",  # a span
    "1 in 20 invoices your team receives is a duplicate.",    # a ratio
    "Month-end still takes most teams two weeks.",            # the market today
    "85% of invoices flow straight through.",                 # a share
    "Reads invoice fields with 99.5% accuracy.",              # a measure of value
    "$50B annual cost of unplanned downtime.",                 # money that is not a price
    "Teams go live on their ERP in 10 days.",                 # a duration timing an outcome
    "Every change waits on IT, creating 6-month delays.",
    "Trusted by 1,400+ finance teams.",                       # adopters, a floor in digits
    "Used by 400 companies across Europe.",
    "Finance teams avoid hiring two extra AP clerks.",        # a count with a direction
    "A breach exposed the files of nearly four million people.",  # a large count
]
NOT_PROOF_CLAIMS = [
    "Our platform is 100% compatible with the open standard.",  # emphasis
    "99% uptime SLA guarantee on the cloud plan.",              # a commitment
    "Plans start at $29 per user a month.",                     # a price
    "Get a quick look at the product in 90 seconds.",           # the copy's own length
    "Start a 30-day free trial from the admin console.",        # a term of sale
    "A complete walk-through loading a warehouse within 60 secs.",
    "Supports 20 languages for global teams.",                  # a specification
    "Scale to tens of thousands of users per instance.",        # a capacity
    "Risk rises for four key reasons:",                         # the copy's own points
    "Partners may request a license for up to 10 users.",       # a plan limit
    "Buy more storage at $60/year for 10GB.",                   # a price
    "Extra seats are available from $15 per month.",
]


def _only_figure(text: str):
    figures = extract(text)
    assert figures, f"no figure read in {text!r}"
    return figures[0]


@pytest.mark.parametrize("text", PROOF_CLAIMS)
def test_results_and_measures_are_proof_claims(text):
    assert is_proof_claim(_only_figure(text), text)


@pytest.mark.parametrize("text", NOT_PROOF_CLAIMS)
def test_terms_specs_and_copy_lengths_are_not(text):
    assert not any(is_proof_claim(f, text) for f in extract(text))


@pytest.mark.parametrize("text", [
    "meta.faq.2.question: Do we need to stop production?",
    "A third-party vendor can still read your data.",
    "Fixed in commit 3fa4b21c9 last week.",
])
def test_identifiers_and_third_parties_are_not_figures(text):
    assert extract(text) == []


def test_subjects_are_named_customers_not_the_first_word_or_common_names():
    common = {"ledgerline", "netsuite"}
    assert subjects("Harbor Outfitters closed in 2 days with NetSuite.", common) == {"outfitters"}
    assert subjects("Customers at Kestrel Foods cut costs by 40%.", common) == {"kestrel", "foods"}
    assert subjects("Customers cut costs by 40%.", common) == set()
