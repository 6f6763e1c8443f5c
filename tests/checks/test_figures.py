"""Figures: what number a sentence claims, in canonical units, and what it measures."""

from __future__ import annotations

import math

import pytest

from msgcheck.checks.proof.compare import compatible, factor, measure_overlap, measure_weights
from msgcheck.checks.proof.lexicon import lemma
from msgcheck.checks.proof.reader import Figure, extract


def one(text: str) -> Figure:
    """The single figure of a sentence."""
    found = extract(text)
    assert len(found) == 1, f"{text!r} -> {[f.text for f in found]}"
    return found[0]


def approx(value: float) -> object:
    return pytest.approx(value, rel=1e-3, abs=1e-6)


# ---------------------------------------------------------------- percentages


@pytest.mark.parametrize(("text", "written", "low", "high", "bound"), [
    ("Customers spend 40% less time on audits.", "40%", 0.40, 0.40, "exact"),
    ("Trim ~30% off the time spent per invoice.", "~30%", 0.27, 0.33, "about"),
    ("Spend 30 percent less time keying.", "30 percent", 0.30, 0.30, "exact"),
    ("Fees fall by 12 per cent.", "12 per cent", 0.12, 0.12, "exact"),
    ("Handling effort shrinks by nearly a third.", "nearly a third", 0.30, 0.3667, "about"),
    ("Teams shave two-thirds off processing time.", "two-thirds", 0.6667, 0.6667, "exact"),
    ("Cut supplier calls in half.", "half", 0.5, 0.5, "exact"),
    ("Cut external audit fees by a quarter.", "a quarter", 0.25, 0.25, "exact"),
    ("Prepare for audits with two-fifths less effort.", "two-fifths", 0.4, 0.4, "exact"),
    ("Pay 99.99% of invoices on time.", "99.99%", 0.9999, 0.9999, "exact"),
    ("Over 85% of invoices flow straight through.", "Over 85%", 0.85, math.inf, "at_least"),
])
def test_percentages_are_fractions(text, written, low, high, bound):
    f = one(text)
    assert f.kind == "percent" and f.unit == "fraction"
    assert f.text == written and text[f.start:f.end] == written
    assert f.low == approx(low) and (f.high == high if math.isinf(high) else f.high == approx(high))
    assert f.bound == bound


@pytest.mark.parametrize(("text", "direction"), [
    ("Customers cut processing time by 50-75%.", "down"),
    ("Spend 40% less time preparing for audits.", "down"),
    ("No-shows down 41% once owners confirm by text.", "down"),
    ("Discount capture rose 25% in a year.", "up"),
    ("Onboard suppliers 50% faster.", "down"),
    ("85% of invoices flow straight through.", None),
    ("Matches invoices with 98% accuracy.", None),
])
def test_percent_direction_separates_changes_from_levels(text, direction):
    assert one(text).direction == direction


@pytest.mark.parametrize("text", [
    "Work an invoice in a quarter of the time it takes today.",
    "Get ready for the audit in three quarters of the time.",
])
def test_share_of_the_time_reads_as_a_cut(text):
    f = one(text)
    assert f.kind == "percent" and f.direction == "down"
    assert "time" in f.text


def test_a_tenth_of_the_time_is_a_ninety_percent_cut():
    f = one("Work through invoices in a tenth of the time.")
    assert f.low == approx(0.9) and f.direction == "down"


def test_percentage_points_are_their_own_unit():
    f = one("Invoices paid on time rose 27 percentage points.")
    assert f.kind == "percent" and f.unit == "point" and f.low == approx(0.27)
    g = one("On-time payment jumped 40 points.")
    assert g.unit == "point" and g.low == approx(0.40) and g.direction == "up"


# ---------------------------------------------------------------- ranges


@pytest.mark.parametrize(("text", "written"), [
    ("Cut invoice processing time by 50-75%.", "50-75%"),
    ("Cut invoice processing time by 50\u201375%.", "50\u201375%"),
    ("Processing effort drops by 50 to 75 percent.", "50 to 75 percent"),
    ("Spend between half and three quarters less time.", "between half and three quarters"),
])
def test_ranges(text, written):
    f = one(text)
    assert f.kind == "percent" and f.text == written
    assert (f.low, f.high) == (approx(0.5), approx(0.75))
    assert f.value == (f.low, f.high)


def test_duration_range():
    f = one("Go live in 2-3 weeks.")
    assert f.kind == "duration" and (f.low, f.high) == (14.0, 21.0)


# ---------------------------------------------------------------- multipliers


@pytest.mark.parametrize(("text", "written", "value", "direction"), [
    ("Ledgerline flags 3x more duplicate invoices.", "3x", 3, "up"),
    ("Screening catches x10 what reviewers find.", "x10", 10, "up"),
    ("Closes its books three times faster.", "three times", 3, "down"),
    ("Spots five times as many repeat invoices.", "five times", 5, "up"),
    ("Triple the duplicate invoices flagged.", "Triple", 3, "up"),
    ("Approvers sign off twice as fast.", "twice", 2, "down"),
    ("Quadruple the duplicates caught.", "Quadruple", 4, "up"),
    ("A tenfold rise in throughput.", "tenfold", 10, "up"),
    ("Sign-ups triple within six months.", "triple", 3, "up"),
])
def test_multipliers(text, written, value, direction):
    f = one(text)
    assert f.kind == "multiplier" and f.text == written
    assert f.low == value and f.direction == direction


@pytest.mark.parametrize("text", [
    "Customers claw back double-paid invoices.",
    "Stop double payments before they leave.",
    "Reminders go out twice a week.",
    "Staff check the freezer three times a day.",
])
def test_multiplier_words_that_are_not_multipliers(text):
    assert extract(text) == []


# ---------------------------------------------------------------- durations and spans


def test_duration_in_days():
    f = one("Close the month in 4 days.")
    assert f.kind == "duration" and f.unit == "day" and f.low == 4.0


@pytest.mark.parametrize(("text", "before", "after"), [
    ("Harbor shortened its close from 12 days to 4 days.", 12.0, 4.0),
    ("Audit prep went from 3 weeks to 30 minutes.", 21.0, 30 / 1440),
    ("Cycle time was cut from two weeks to two days.", 14.0, 2.0),
    ("Harbor took its monthly close from 15 days to 4.", 15.0, 4.0),
    ("Median turnaround: 48 hours, down from nine days.", 9.0, 2.0),
    ("The typical invoice now clears in a single day instead of nine.", 9.0, 1.0),
    ("Month-end wraps up in just 2 days, down from 12.", 12.0, 2.0),
    ("Turnaround is down to 1.5 days from 9.", 9.0, 1.5),
    ("Payment runs finish in 20 minutes instead of half a day.", 0.5, 20 / 1440),
])
def test_spans_hold_before_and_after_in_days(text, before, after):
    f = one(text)
    assert f.kind == "span" and f.base == "duration" and f.unit == "day"
    assert f.before == (approx(before), approx(before))
    assert f.low == approx(after)


def test_span_with_a_bound_after():
    f = one("Audit sample requests are answered in under 10 minutes instead of 2 days.")
    assert f.kind == "span" and f.bound == "at_most"
    assert f.high == approx(10 / 1440) and f.before == (2.0, 2.0)
    assert f.text == "under 10 minutes instead of 2 days"


def test_vague_span():
    f = one("Respond to auditors in minutes, not days.")
    assert f.kind == "span" and f.bound == "vague" and f.text == "minutes, not days"
    assert f.high <= 1 / 24 and f.before is not None and f.before[0] >= 1


def test_share_and_money_spans():
    f = one("On-time payment rose from 71% to 98% of invoices.")
    assert f.base == "percent" and f.before == (approx(0.71), approx(0.71))
    assert f.low == approx(0.98)
    g = one("98% of invoices now paid on schedule, up from 71%.")
    assert g.base == "percent" and g.before == (approx(0.71), approx(0.71))
    h = one("Cut your cost per invoice from $12 to under $3.")
    assert h.base == "money" and h.unit == "USD" and h.bound == "at_most" and h.high == 3.0
    r = one("Exceptions drop from 1 in 5 invoices to 1 in 50.")
    assert r.base == "ratio" and r.before == (0.2, 0.2) and r.low == approx(0.02)


def test_saved_duration_is_a_cut():
    f = one("Harbor Outfitters took eight days out of its month-end close.")
    assert f.kind == "duration" and f.low == 8.0 and f.direction == "down"
    assert one("Saves each clerk 15 hours a week.").direction == "down"


@pytest.mark.parametrize("text", [
    "Customers cut processing time by 50-75% in their first quarter.",
    "Customers report a 312% return on investment over three years.",
    "Shave 25 percent off processing in your first three months.",
    "Spend falls 28% within a single quarter.",
    "99.95% uptime over the past 24 months.",
])
def test_time_frames_next_to_another_figure_are_not_figures(text):
    assert [f.kind for f in extract(text)] == ["percent"]


def test_a_duration_on_its_own_is_a_figure():
    assert one("Reach full payback in under 6 months.").high == 180.0
    assert one("Go live in 30 days with pre-built connectors.").low == 30.0
    assert one("Sensors run for up to 3 years on one battery.").bound == "up_to"


# ---------------------------------------------------------------- counts, money, ratios


@pytest.mark.parametrize(("text", "low", "high"), [
    ("Trusted by 1,000+ finance teams.", 1000, math.inf),
    ("We blocked over 1,400 suspicious changes.", 1400, math.inf),
    ("Ledgerline stopped fourteen hundred suspicious changes.", 1400, 1400),
    ("Scales to 1 million invoices a month.", 1e6, 1e6),
    ("Connects to more than 40 ERPs.", 40, math.inf),
    ("Avoid hiring two extra AP clerks.", 2, 2),
    ("Reclaim 0.5 FTE per legal entity.", 0.5, 0.5),
])
def test_counts(text, low, high):
    f = one(text)
    assert f.kind == "count" and f.low == low and f.high == high


@pytest.mark.parametrize(("text", "written", "value", "currency"), [
    ("Customers recover $180k in duplicates.", "$180k", 180_000, "USD"),
    ("Customers recover $180,000 in duplicates.", "$180,000", 180_000, "USD"),
    ("On average USD 0.18M comes back.", "USD 0.18M", 180_000, "USD"),
    ("Capture \u20ac95,000 in discounts.", "\u20ac95,000", 95_000, "EUR"),
    ("Free up $1.8M in working capital.", "$1.8M", 1_800_000, "USD"),
    ("Save \u00a32.5m a year.", "\u00a32.5m", 2_500_000, "GBP"),
    ("Save $4.20 on every invoice.", "$4.20", 4.2, "USD"),
    ("Save $10-20k a year.", "$10-20k", 10_000, "USD"),
    ("Worth 50,000 dollars a year.", "50,000 dollars", 50_000, "USD"),
])
def test_money(text, written, value, currency):
    f = one(text)
    assert f.kind == "money" and f.text == written and f.unit == currency
    assert f.low == approx(value)


@pytest.mark.parametrize(("text", "value"), [
    ("1 in 20 invoices is a duplicate.", 0.05),
    ("Four out of five status calls stop.", 0.8),
    ("Nine in ten reminders get opened.", 0.9),
    ("Rated 4.8 out of 5 by AP managers.", 0.96),
])
def test_ratios(text, value):
    f = one(text)
    assert f.kind == "ratio" and f.low == approx(value)


def test_decimals():
    assert one("Turnaround fell to 1.5 days.").low == 1.5
    assert one("99.99% platform uptime.").precision == approx(0.00005)


# ---------------------------------------------------------------- not figures


@pytest.mark.parametrize("text", [
    "Helping finance teams close faster since 2016.",
    "The 2025 AP automation guide for controllers.",
    "Join our live demo on 12 March 2025 at 10:00 CET.",
    "The webinar runs on March 12, 2025 at 3pm.",
    "Ledgerline 5.2 adds three-way matching for multi-entity groups.",
    "Now available in v2.1.",
    "Requires Python 3.8 or later.",
    "Call 1-800-555-0142 to book a walkthrough.",
    "Call +44 20 7946 0958 to book a walkthrough.",
    "24/7 support from AP specialists.",
    "ISO 27001 certified and SOC 2 Type II audited.",
    "One login for every legal entity in your group.",
    "Ranked 1st by reviewers for the 3rd year running.",
    "Our Q3 results are in.",
    "Approve any invoice in 2 clicks from your phone.",
    "The 2025 guide: a 7-minute read for controllers.",
    "A four-vet practice in Leeds.",
    "5 ways to close the month faster.",
    "Meets 21 CFR Part 11 requirements.",
    "Reports cover 2019-2024.",
    "Two- and three-way matching against purchase orders.",
    "Stop paying the same invoice twice.",
    "Support 365 days a year.",
])
def test_numbers_that_are_not_claim_figures(text):
    assert extract(text) == [], [f.text for f in extract(text)]


@pytest.mark.parametrize(("text", "status_quo"), [
    ("Why month-end still takes two weeks.", True),
    ("Today, AP teams spend 12 days closing the books.", True),
    ("Currently 1 in 4 invoices needs a person.", True),
    ("Harbor now closes in 4 days.", False),
])
def test_status_quo_figures_are_marked(text, status_quo):
    assert one(text).status_quo is status_quo


def test_offsets_point_at_the_figure_in_the_original_text():
    text = "Invoices clear in 2\u00a0days\u2014down from 9."
    f = one(text)
    assert text[f.start:f.end] == f.text


# ---------------------------------------------------------------- measures


def test_measure_is_the_content_words_around_the_figure():
    f = one("Customers cut invoice processing time by 50-75% in their first quarter.")
    assert {"invoic", "process", "tim"} <= set(f.measure)
    assert "cut" not in f.measure and "first" not in f.measure
    g = one("Customers recovered an average of $180,000 in duplicate payments.")
    assert {"recov", "duplicat", "pay"} <= set(g.measure)


def test_measures_of_two_figures_exclude_each_other():
    a, b = extract("On-time payment jumped 40 points, to 98% of invoices.")
    assert a.unit == "point" and b.unit == "fraction"
    assert "invoic" in a.measure and "invoic" in b.measure


@pytest.mark.parametrize(("words", "same"), [
    (("processing", "processed", "process"), True),
    (("payments", "paid", "payment"), True),
    (("recovered", "recovers", "recover"), True),
    (("auditors", "auditor", "audit"), True),
    (("reviewers", "review"), True),
    (("duplicates", "duplicate"), True),
])
def test_lemma_is_consistent(words, same):
    assert (len({lemma(w) for w in words}) == 1) is same


def test_overlap_weighs_rare_words_and_ignores_the_platform_vocabulary():
    texts = ["Invoice approvals by phone.", "Every invoice is checked.",
             "Pay each invoice on time.", "Invoices flow to the ledger.",
             "Duplicate invoices are flagged.", "Suppliers are paid on time.",
             "Approvers get reminders.", "Audit trails built in.", "Payments run nightly.",
             "Budgets are visible."]
    weights = measure_weights(texts)
    assert weights["invoic"] == 0.0  # in half the texts: says nothing about which measure
    assert weights["pay"] == 0.0  # in three of ten
    assert weights["duplicat"] > 0
    approved = ("duplicat", "invoic", "flag")
    assert measure_overlap(("invoic", "volum"), approved, weights) == 0.0
    assert measure_overlap(("duplicat", "invoic", "catch"), approved, weights) == pytest.approx(0.5)
    assert measure_overlap(("repeat", "invoic", "flagg"), approved, weights) == pytest.approx(0.5)
    assert measure_overlap((), approved, weights) == 0.0


# ---------------------------------------------------------------- compatibility


def c(claim: str, approved: str) -> bool | None:
    return compatible(one(claim), one(approved))


PROCESSING = "Customers cut invoice processing time by 50-75% in their first quarter."
HARBOR = "Harbor Outfitters shortened its month-end close from 12 days to 4 days."
ON_TIME = "On-time payment rose from 71% to 98% of invoices."
DUPLICATES = "Customers recovered an average of $180,000 in duplicate payments."
SAMPLES = "Audit sample requests are answered in under 10 minutes instead of 2 days."


@pytest.mark.parametrize(("claim", "approved", "expected"), [
    # same value, a value inside a range, outside it
    ("Spend 60% less time processing invoices.", PROCESSING, True),
    ("Cut processing time in half.", PROCESSING, True),
    ("Shave two-thirds off processing time.", PROCESSING, True),
    ("Process invoices 50 to 75 percent faster.", PROCESSING, True),
    ("Slash processing time by 90%.", PROCESSING, False),
    ("Trim ~30% off processing time.", PROCESSING, False),
    ("Spend 80 to 95 percent less time per invoice.", PROCESSING, False),
    # the same change in other forms
    ("Process invoices twice as fast.", PROCESSING, True),
    ("Process an invoice in a quarter of the time.", PROCESSING, True),
    ("Invoices move ten times faster.", PROCESSING, False),
    ("Harbor closes its books three times faster.", HARBOR, True),
    ("Harbor closes in 67% less time.", HARBOR, True),
    ("Harbor closes its books six times faster.", HARBOR, False),
    ("Harbor took eight days out of its close.", HARBOR, True),
    ("Harbor now closes the month in 4 days instead of 12.", HARBOR, True),
    ("Harbor took its close from 15 days to 4.", HARBOR, False),
    ("Harbor wraps up month-end in 2 days, down from 12.", HARBOR, False),
    ("Harbor closes the month in 4 days.", HARBOR, True),
    ("Harbor closes the month in 2 days.", HARBOR, False),
    ("Close the month in days, not weeks.", HARBOR, True),
    # money: scales, currencies
    ("Customers recover $180k in double payments.", DUPLICATES, True),
    ("On average USD 0.18M comes back.", DUPLICATES, True),
    ("The average customer recovers $1.8M.", DUPLICATES, False),
    ("Get back around $18k in repeat payments.", DUPLICATES, False),
    ("Customers bank \u20ac250,000 a year.", DUPLICATES, False),
    ("Customers recover \u20ac180,000 on average.", DUPLICATES, False),
    # bounds
    ("Answer sample requests in minutes, not days.", SAMPLES, True),
    ("Answer sample requests in under ten minutes rather than two days.", SAMPLES, True),
    ("Answer sample requests in under 60 seconds.", SAMPLES, False),
    ("Sample pulls take less than ten minutes, not two weeks.", SAMPLES, False),
    ("Over 1,000 changes were blocked.", "Ledgerline blocked 1,400 suspicious changes.", True),
    ("More than 14,000 changes were stopped.", "Ledgerline blocked 1,400 suspicious changes.",
     False),
    ("Sensors last up to 3 years.", "Sensors run for up to 3 years on one battery.", True),
    ("Sensors last up to 5 years.", "Sensors run for up to 3 years on one battery.", False),
    # shares: points, complements, what went and what is left
    ("Invoices paid on time rose 27 percentage points.", ON_TIME, True),
    ("On-time payment jumped 40 points.", ON_TIME, False),
    ("Late payments fell from 29% of invoices to just 2%.", ON_TIME, True),
    ("On-time payments climbed from 50% to 98% of invoices.", ON_TIME, False),
    ("Pay 99.99% of your invoices on time.", ON_TIME, False),
    ("Four out of five supplier status calls simply stop.", "Supplier calls dropped by 80%.", True),
    ("Suppliers make 1 in 20 of the calls they used to.", "Supplier calls dropped by 80%.", False),
    ("Shrinkage down by a third.", "Inventory shrinkage fell by 33%.", True),
])
def test_compatible(claim, approved, expected):
    assert c(claim, approved) is expected


@pytest.mark.parametrize(("claim", "approved"), [
    ("Capture $95,000 a year in discounts.", PROCESSING),
    ("Trusted by 1,400+ finance teams.", "Customers spend 40% less time on audits."),
    ("Flags 3x more duplicates.", "Ledgerline blocked 1,400 suspicious changes."),
    ("Cut your cost per invoice from $12 to $3.", ON_TIME),
])
def test_different_dimensions_are_not_comparable(claim, approved):
    assert c(claim, approved) is None


def test_factor_is_new_over_old():
    assert factor(one(HARBOR))[:2] == (approx(1 / 3), approx(1 / 3))
    assert factor(one("Three times faster."))[0] == approx(1 / 3)
    assert factor(one("Flags 3x more duplicates."))[0] == 3
    assert factor(one("Matches 98% of invoices.")) is None
