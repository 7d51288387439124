"""What a simulated payer allows for a service line: the Medicare physician fee schedule method
(RVUs x conversion factor, facility or non-facility practice expense by place of service, the
26/TC component rows, bilateral and multiple-procedure payment rules, assistant at surgery) times
the payer's percentage. National amounts: no geographic (GPCI) adjustment.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .profiles import PayerProfile

CENT = Decimal("0.01")
# Places of service paid at the facility rate under the physician fee schedule (42 CFR 414.22(b)(5)(i);
# CMS POS code set "facility" designation): hospitals, ASC, SNF, psychiatric and rehabilitation facilities.
FACILITY_POS = frozenset({"19", "21", "22", "23", "24", "26", "31", "34", "41", "42", "51", "52", "53", "56", "61"})
PRICED_STATUSES = frozenset({"A", "R", "T"})  # paid under the fee schedule (RVU file status codes)
ASSISTANT = {"80": Decimal("0.16"), "81": Decimal("0.16"), "82": Decimal("0.16")}  # of the surgeon's amount


def cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Price:
    """The payer's fee for a line before patient responsibility: ``amount`` (all units, every
    payment rule applied) and how it was reached, in words a learner can follow."""
    amount: Decimal
    basis: str  # fee-schedule, practice-percent, not-payable
    steps: tuple[str, ...]
    status: str = ""  # the fee schedule status code, when the code is on it
    multiple_procedure: str = ""


def _rvu(value, places: int = 2) -> str:
    """An RVU as the RVU file prints it (the file's floats carry binary noise: 0.7899999999999999)."""
    return f"{Decimal(str(value)).quantize(Decimal(1).scaleb(-places)).normalize():f}"


def fee_schedule_amount(rvus: dict, facility: bool) -> Decimal:
    pe = rvus["pe_facility"] if facility else rvus["pe_non_facility"]
    total = Decimal(str(rvus["work"])) + Decimal(str(pe)) + Decimal(str(rvus["mp"]))
    return cents(total * Decimal(str(rvus["conversion_factor"])))


def price_line(code: str, modifiers: tuple[str, ...], units: int, charge: Decimal, pos: str,
               payer: PayerProfile, data) -> Price:
    """The fee for one line on its own (the multiple-procedure reduction is applied across lines by
    ``apply_multiple_procedure``)."""
    component = next((m for m in modifiers if m in ("26", "TC")), "")
    rvus = data.rvus(code, component) if component else None
    if rvus is None:
        rvus = data.rvus(code, "")
    facility = pos in FACILITY_POS
    if rvus is None or rvus["status"] not in PRICED_STATUSES or not rvus["conversion_factor"]:
        status = rvus["status"] if rvus else ""
        if rvus is not None and rvus["status"] in ("B", "N", "I"):
            return Price(Decimal("0"), "not-payable", (f"Fee schedule status {rvus['status']}: not paid separately.",),
                         status)
        amount = cents(charge * payer.unlisted_percent)
        return Price(amount, "practice-percent",
                     (f"{code} is not priced on the physician fee schedule; this practice payer allows "
                      f"{payer.unlisted_percent:.0%} of the charge.",), status)
    base = fee_schedule_amount(rvus, facility)
    setting = "facility" if facility else "non-facility"
    pe = rvus["pe_facility"] if facility else rvus["pe_non_facility"]
    steps = [f"{'Component ' + component + ' row' if component else 'Global row'}: "
             f"(work {_rvu(rvus['work'])} + {setting} PE {_rvu(pe)} + MP {_rvu(rvus['mp'])}) "
             f"x CF {_rvu(rvus['conversion_factor'], 4)} = {base} (Medicare national, {rvus['release']})."]
    amount = base
    if "50" in modifiers and rvus["bilateral"] == "1":
        amount = cents(amount * Decimal("1.5"))
        steps.append("Modifier 50 with bilateral indicator 1: 150 % of the fee.")
    assistant = next((ASSISTANT[m] for m in modifiers if m in ASSISTANT), None)
    if assistant is not None:
        amount = cents(amount * assistant)
        steps.append(f"Assistant at surgery: {assistant:.0%} of the fee.")
    if units > 1:
        amount = cents(amount * units)
        steps.append(f"{units} units.")
    if payer.fee_percent != 1:
        amount = cents(amount * payer.fee_percent)
        steps.append(f"{payer.name} pays {payer.fee_percent:.0%} of the Medicare amount: {amount}.")
    return Price(amount, "fee-schedule", tuple(steps), rvus["status"], rvus["multiple_procedure"])


def apply_multiple_procedure(prices: dict[int, Price], dates: dict[int, object]) -> dict[int, Price]:
    """Multiple procedure indicator 2: on the same date, the procedure with the highest fee is paid in
    full and every other one subject to the rule at 50 %."""
    out = dict(prices)
    by_day: dict[object, list[int]] = {}
    for n, p in prices.items():
        if p.basis == "fee-schedule" and p.multiple_procedure == "2":
            by_day.setdefault(dates[n], []).append(n)
    for lines in by_day.values():
        if len(lines) < 2:
            continue
        ranked = sorted(lines, key=lambda n: (-prices[n].amount, n))
        for n in ranked[1:]:
            p = prices[n]
            out[n] = Price(cents(p.amount * Decimal("0.5")), p.basis,
                           p.steps + ("Multiple procedure rule: not the highest-paid procedure that day, 50 %.",),
                           p.status, p.multiple_procedure)
    return out
