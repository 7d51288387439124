"""The billing office's pure parts: ledger balances, statement, open items, and the denial policy."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from trainer.billing import ledger
from trainer.billing.office_denials import DeniedLine, called_for, grade_choice

DAY = dt.date(2026, 6, 16)


def entry(kind, amount, line=1, claim=1, code="99213"):
    return ledger.Entry(claim, line, DAY, code, kind, D(amount))


def test_a_paid_line_moves_the_patient_share_to_the_patient_and_a_reversal_zeroes_it():
    entries = [entry("charge", "100.00"), entry("payment", "52.00"), entry("contractual", "20.00"),
               entry("transfer", "28.00")]
    (b,) = ledger.line_balances(entries)
    assert (b.insurance, b.patient) == (D("0.00"), D("28.00"))
    reversed_ = entries + [entry(e.kind, -e.amount) for e in entries]
    (r,) = ledger.line_balances(reversed_)
    assert (r.insurance, r.patient) == (0, 0)


def test_open_items_and_the_statement_come_from_the_balances():
    entries = [entry("charge", "100.00"), entry("transfer", "30.00"), entry("payment", "70.00"),
               entry("charge", "100.00", line=2, code="96372"),  # denied: left open with the payer
               entry("patient_payment", "10.00")]
    items = ledger.open_items(entries, "EX1", "Pat Doe", "Plan")
    assert sorted((i.code, i.owed_by, i.amount) for i in items) == [
        ("96372", "insurance", D("100.00")), ("99213", "patient", D("20.00"))]
    stmt = ledger.statement(entries, "EX1", "Pat Doe", DAY)
    assert [(l.description, l.patient_owes) for l in stmt.lines] == [("Service 99213", D("30.00"))]
    assert stmt.amount_due == D("20.00") and stmt.due_date == DAY + dt.timedelta(days=30)


def test_an_unknown_entry_kind_is_refused():
    with pytest.raises(ValueError, match="unknown ledger entry kind"):
        ledger.line_balances([entry("refund", "1.00")])


REFERENCE = [("99213", ("25",), 1), ("96372", (), 1)]


@pytest.mark.parametrize("denied, auth, actions", [
    (DeniedLine(1, "99213", (), 1, (("CO", "97"),)), "", {"corrected"}),  # the 25 left out
    (DeniedLine(1, "99213", ("25",), 1, (("CO", "97"),)), "", {"appeal"}),  # billed as documented
    (DeniedLine(3, "36415", (), 1, (("CO", "97"),)), "", {"write_off", "corrected"}),  # not documented
    (DeniedLine(2, "96372", (), 1, (("CO", "29"),)), "", {"write_off"}),
    (DeniedLine(2, "96372", (), 1, (("OA", "18"),)), "", {"write_off"}),
    (DeniedLine(2, "96372", (), 1, (("CO", "197"),)), "", {"write_off"}),
    (DeniedLine(2, "96372", (), 1, (("CO", "197"),)), "PA12345", {"corrected"}),
    (DeniedLine(2, "96372", (), 1, (("PR", "96"),)), "", {"bill_patient"}),
])
def test_what_a_denial_calls_for(denied, auth, actions):
    assert called_for(denied, REFERENCE, auth).actions == actions


def test_a_choice_is_graded_and_only_a_payer_error_wins_an_appeal():
    missing_25 = called_for(DeniedLine(1, "99213", (), 1, (("CO", "97"),)), REFERENCE)
    assert grade_choice("corrected", missing_25).right
    appeal = grade_choice("appeal", missing_25)
    assert not appeal.right and appeal.appeal_decision == "upheld" and "99213-25" in appeal.message
    payer_error = called_for(DeniedLine(1, "99213", ("25",), 1, (("CO", "97"),)), REFERENCE)
    assert grade_choice("appeal", payer_error).appeal_decision == "overturned"
    timely = called_for(DeniedLine(2, "96372", (), 1, (("CO", "29"),)), REFERENCE)
    billed = grade_choice("bill_patient", timely)
    assert not billed.right and "never billed to the patient" in billed.message
    with pytest.raises(ValueError):
        grade_choice("ignore", timely)
