"""Aging buckets, statements and the billing KPIs."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from trainer.billing.accounts import (OpenItem, Statement, StatementLine, aging, bucket, clean_claim_rate,
                                      days_in_ar, denial_rate)

DAY = dt.date(2026, 6, 30)


def test_bucket_edges():
    assert [bucket(DAY - dt.timedelta(days=d), DAY) for d in (0, 30, 31, 60, 61, 90, 91, 120, 121, 400)] == [
        "0-30", "0-30", "31-60", "31-60", "61-90", "61-90", "91-120", "91-120", "120+", "120+"]


def test_aging_totals_insurance_and_patient_separately():
    items = [OpenItem("A1", "Ana", DAY - dt.timedelta(days=10), "99213", Decimal("80.00"), "insurance"),
             OpenItem("A1", "Ana", DAY - dt.timedelta(days=45), "99213", Decimal("30.00"), "patient"),
             OpenItem("A2", "Ben", DAY - dt.timedelta(days=130), "93000", Decimal("12.50"), "insurance")]
    totals = aging(items, DAY)
    assert totals["insurance"]["0-30"] == Decimal("80.00") and totals["insurance"]["120+"] == Decimal("12.50")
    assert totals["patient"]["31-60"] == Decimal("30.00") and sum(totals["patient"].values()) == Decimal("30.00")


def test_statement_amount_due_and_due_date():
    s = Statement("A1", "Ana Rivera", DAY, (StatementLine(DAY, "99214 office visit", Decimal("250"), Decimal("130.33"),
                                                           Decimal("89.67"), Decimal("30.00")),),
                  previous_balance=Decimal("20.00"), payments_received=Decimal("20.00"))
    assert s.amount_due == Decimal("30.00") and s.due_date == dt.date(2026, 7, 30)


def test_kpis():
    assert clean_claim_rate([(True, False), (True, True), (False, False), (True, False)]) == Decimal("50.0")
    assert denial_rate([True, False, False]) == Decimal("33.3")
    assert days_in_ar(Decimal("45000"), Decimal("90000"), 90) == Decimal("45.0")
    assert clean_claim_rate([]) is None and days_in_ar(Decimal("1"), Decimal("0")) is None
