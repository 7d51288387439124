"""Patient balances, statements, A/R aging and the billing KPIs (no Flask).

Definitions used everywhere in the product (and taught by it):
- **Aging** counts days from the date of service (the practice's convention; some count from the
  claim date): buckets 0-30, 31-60, 61-90, 91-120 and over 120 days.
- **Clean-claim rate**: claims accepted by the payer's front end AND paid without any denied line on
  the first submission, over all first submissions.
- **Denial rate**: claims with at least one denied line (any adjustment other than CO-45, CO-253 and
  PR), over all adjudicated claims.
- **Days in A/R**: total A/R (insurance and patient balances still open) divided by the average daily
  gross charges over the period (default 90 days).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
BUCKETS = ((0, 30, "0-30"), (31, 60, "31-60"), (61, 90, "61-90"), (91, 120, "91-120"), (121, None, "120+"))
STATEMENT_DUE_DAYS = 30


def bucket(service_date: dt.date, as_of: dt.date) -> str:
    days = (as_of - service_date).days
    for low, high, label in BUCKETS:
        if days >= low and (high is None or days <= high):
            return label
    return BUCKETS[0][2]  # a future date (never expected) counts as current


@dataclass(frozen=True)
class OpenItem:
    """One open balance: a service line still owed by the payer or by the patient."""
    account: str  # the patient account number
    patient: str
    service_date: dt.date
    code: str
    amount: Decimal
    owed_by: str  # "insurance" or "patient"
    payer: str = ""
    note: str = ""


def aging(items: list[OpenItem], as_of: dt.date) -> dict[str, dict[str, Decimal]]:
    """Totals by bucket, for insurance and patient balances: {"insurance": {"0-30": ...}, "patient": ...}."""
    out = {who: {label: ZERO for _, _, label in BUCKETS} for who in ("insurance", "patient")}
    for item in items:
        out[item.owed_by][bucket(item.service_date, as_of)] += item.amount
    return out


@dataclass(frozen=True)
class StatementLine:
    service_date: dt.date
    description: str  # the code and our own short description; never CPT descriptor text
    charge: Decimal
    insurance_paid: Decimal
    adjustments: Decimal  # contractual write-offs
    patient_owes: Decimal


@dataclass(frozen=True)
class Statement:
    account: str
    patient: str
    statement_date: dt.date
    lines: tuple[StatementLine, ...]
    previous_balance: Decimal = ZERO
    payments_received: Decimal = ZERO  # patient payments since the last statement
    messages: tuple[str, ...] = field(default_factory=tuple)

    @property
    def new_charges_due(self) -> Decimal:
        return sum((line.patient_owes for line in self.lines), ZERO)

    @property
    def amount_due(self) -> Decimal:
        return self.previous_balance - self.payments_received + self.new_charges_due

    @property
    def due_date(self) -> dt.date:
        return self.statement_date + dt.timedelta(days=STATEMENT_DUE_DAYS)


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def clean_claim_rate(first_submissions: list[tuple[bool, bool]]) -> Decimal | None:
    """Percent of first submissions that were accepted and paid with no denied line.
    Each item: (accepted by the front end, any line denied)."""
    clean = sum(1 for accepted, denied in first_submissions if accepted and not denied)
    return _rate(clean, len(first_submissions))


def denial_rate(adjudicated: list[bool]) -> Decimal | None:
    """Percent of adjudicated claims with at least one denied line (each item: any line denied)."""
    return _rate(sum(1 for denied in adjudicated if denied), len(adjudicated))


def days_in_ar(open_total: Decimal, gross_charges: Decimal, period_days: int = 90) -> Decimal | None:
    """Open A/R divided by the average daily gross charges of the period."""
    if gross_charges <= 0 or period_days <= 0:
        return None
    return (open_total / (gross_charges / period_days)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
