"""A patient account's ledger: what each kind of entry does to the insurance and the patient balance,
the balance of every service line, the open items for aging and the patient statement (no Flask).

Entry kinds (amounts are positive; a reversal posts the same kind with the opposite sign):
- ``charge``: the service billed, owed by the insurance until the payer answers;
- ``payment``: the insurance payment;
- ``contractual``: the contractual write-off under the payer contract (CO-45, CO-253);
- ``transfer``: patient responsibility moved from the insurance to the patient balance (PR-1/2/3,
  or a denied amount the patient owes);
- ``write_off``: a denied amount written off after review (CO-29 timely filing, CO-197 no
  authorization, a duplicate ...), never billed to the patient;
- ``patient_payment``: a payment from the patient.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from .accounts import OpenItem, Statement, StatementLine

ZERO = Decimal("0")
# kind -> (effect on the insurance balance, effect on the patient balance)
KINDS: dict[str, tuple[int, int]] = {
    "charge": (1, 0), "payment": (-1, 0), "contractual": (-1, 0), "transfer": (-1, 1), "write_off": (-1, 0),
    "patient_payment": (0, -1),
}
KIND_LABELS = {"charge": "Charge", "payment": "Insurance payment", "contractual": "Contractual adjustment",
               "transfer": "Patient responsibility", "write_off": "Write-off", "patient_payment": "Patient payment"}


@dataclass(frozen=True)
class Entry:
    """What the ledger needs of one entry (the LedgerEntry row has more: who, when, the source)."""
    claim: int  # the submitted claim the line belongs to
    line: int
    service_date: dt.date
    code: str
    kind: str
    amount: Decimal


@dataclass
class LineBalance:
    claim: int
    line: int
    service_date: dt.date
    code: str
    totals: dict[str, Decimal] = field(default_factory=lambda: {k: ZERO for k in KINDS})

    @property
    def insurance(self) -> Decimal:
        return sum((KINDS[k][0] * v for k, v in self.totals.items()), ZERO)

    @property
    def patient(self) -> Decimal:
        return sum((KINDS[k][1] * v for k, v in self.totals.items()), ZERO)


def line_balances(entries: list[Entry]) -> list[LineBalance]:
    """Every service line of the account with its totals by kind, in service-date order."""
    lines: dict[tuple[int, int], LineBalance] = {}
    for e in entries:
        if e.kind not in KINDS:
            raise ValueError(f"unknown ledger entry kind {e.kind!r}")
        key = (e.claim, e.line)
        if key not in lines:
            lines[key] = LineBalance(e.claim, e.line, e.service_date, e.code)
        lines[key].totals[e.kind] += e.amount
    return sorted(lines.values(), key=lambda b: (b.service_date, b.claim, b.line))


def open_items(entries: list[Entry], account: str, patient: str, payer: str) -> list[OpenItem]:
    """The open balances of one account, for aging: one item per line and party still owing."""
    out = []
    for b in line_balances(entries):
        if b.insurance:
            out.append(OpenItem(account, patient, b.service_date, b.code, b.insurance, "insurance", payer))
        if b.patient:
            out.append(OpenItem(account, patient, b.service_date, b.code, b.patient, "patient", payer))
    return out


def statement(entries: list[Entry], account: str, patient: str, statement_date: dt.date,
              messages: tuple[str, ...] = ()) -> Statement:
    """The patient statement: every line the patient owes something on (what insurance paid and
    adjusted, what the patient owes), less the patient's payments."""
    lines, paid = [], ZERO
    for b in line_balances(entries):
        paid += b.totals["patient_payment"]
        if not b.totals["transfer"]:
            continue
        lines.append(StatementLine(b.service_date, f"Service {b.code}", b.totals["charge"], b.totals["payment"],
                                   b.totals["contractual"] + b.totals["write_off"], b.totals["transfer"]))
    return Statement(account, patient, statement_date, tuple(lines), payments_received=paid, messages=messages)
