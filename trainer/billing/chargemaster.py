"""The practice's chargemaster: what Lakeside Practice Group charges for a service (no Flask).

**Practice rule (a training convention, not a fee anyone publishes):** the charge for one unit is
twice the Medicare national non-facility amount of the code (its 26/TC component row when the line
carries 26 or TC), rounded up to the next $5. A code the physician fee schedule does not price
(status not A/R/T, or no amount) is charged the practice's flat $100 a unit. The charge is the same
for every payer and every place of service, as a chargemaster is; what each payer allows is the
payer's business (trainer.payer.pricing).

Every billing exercise takes its charges from ``practice_charge``: an exercise file never types one.
"""
from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from ..claims.practice import PRACTICE_CHARGE_PER_UNIT
from ..payer.pricing import PRICED_STATUSES, fee_schedule_amount

MULTIPLIER = Decimal("2")
ROUND_TO = Decimal("5")


def national_amount(code: str, modifiers: tuple[str, ...], data) -> Decimal | None:
    """The Medicare national non-facility amount of one unit, or None when the fee schedule does not price it."""
    component = next((m for m in modifiers if m in ("26", "TC")), "")
    rvus = (data.rvus(code, component) if component else None) or data.rvus(code, "")
    if rvus is None or rvus["status"] not in PRICED_STATUSES or not rvus["conversion_factor"]:
        return None
    amount = fee_schedule_amount(rvus, facility=False)
    return amount if amount > 0 else None


def unit_charge(code: str, modifiers: tuple[str, ...], data) -> Decimal:
    amount = national_amount(code, tuple(modifiers), data)
    if amount is None:
        return PRACTICE_CHARGE_PER_UNIT
    return ((amount * MULTIPLIER) / ROUND_TO).to_integral_value(rounding=ROUND_CEILING) * ROUND_TO


def practice_charge(code: str, modifiers: tuple[str, ...], units: int, data) -> Decimal:
    """The line charge: the unit charge times the units, in dollars and cents."""
    return (unit_charge(code, tuple(modifiers), data) * int(units)).quantize(Decimal("0.01"))


def practice_charges(data):
    """``charge(code, modifiers, units)`` for trainer.claims.practice.claim_from_key: the chargemaster."""
    return lambda code, modifiers, units: practice_charge(code, tuple(modifiers), units, data)
