"""Revenue lines for the reference institutional claims: a PRACTICE mapping, not a chargemaster.

Real hospitals bill from their own chargemaster (thousands of items, prices set by the hospital).
The exercises only need a plausible, repeatable UB-04, so every inpatient stay gets the same few
lines, at flat practice amounts chosen for round numbers (not real or average prices):

  0120 room and board, semi-private (0170 nursery for a newborn admission, type 4):
       units = days (discharge date minus admission date, at least 1), at PRACTICE_DAILY_RATE
  0450 emergency room, 1 unit, when the patient came in through the emergency department
  0360 operating room services, when a procedure sorts into a surgical MS-DRG (drgpy's OR list)
  0720 labor room/delivery, when an ICD-10-PCS obstetrics-section code (first character 1) is reported
  0250 pharmacy and 0300 laboratory, 1 unit each, on every stay

Revenue code numbers are the NUBC categories named in docs/claim-rules.md (G2) and on the
brief for this slice; the amounts are ours.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .institutional import Procedure, RevenueLine

PRACTICE_DAILY_RATE = Decimal("1500.00")
PRACTICE_FLAT = {"0450": Decimal("1200.00"), "0360": Decimal("4500.00"), "0720": Decimal("3000.00"),
                 "0250": Decimal("600.00"), "0300": Decimal("400.00")}


def _or_procedure(code: str, discharge: dt.date) -> bool:
    from ..grading.drg import _engine, version_for

    return code in _engine(version_for(discharge)).orpcsmap


def practice_lines(admitted: dt.date, discharged: dt.date, procedures: tuple[Procedure, ...], *,
                   via_ed: bool, newborn: bool) -> tuple[RevenueLine, ...]:
    days = max(1, (discharged - admitted).days)
    lines = [RevenueLine("0170" if newborn else "0120", admitted, PRACTICE_DAILY_RATE * days, days)]
    if via_ed:
        lines.append(RevenueLine("0450", admitted, PRACTICE_FLAT["0450"]))
    obstetric = [p for p in procedures if p.code.startswith("1")]
    surgical = [p for p in procedures if not p.code.startswith("1") and _or_procedure(p.code, discharged)]
    if surgical:
        lines.append(RevenueLine("0360", surgical[0].date, PRACTICE_FLAT["0360"]))
    if obstetric:
        lines.append(RevenueLine("0720", obstetric[0].date, PRACTICE_FLAT["0720"]))
    lines += [RevenueLine("0250", admitted, PRACTICE_FLAT["0250"]), RevenueLine("0300", admitted, PRACTICE_FLAT["0300"])]
    return tuple(sorted(lines, key=lambda l: l.revenue_code))


# The hospital's practice charge sheet as the UB-04 page shows it: (revenue code, description, amount, per,
# when it is billed). The same rules as ``practice_lines`` above, in words for the learner.
CHARGE_SHEET = (
    ("0120", "Room and board, semi-private", PRACTICE_DAILY_RATE, "day",
     "every stay except a newborn's; units = days (count the admission day, not the discharge day; at least 1)"),
    ("0170", "Nursery", PRACTICE_DAILY_RATE, "day", "a newborn admission (admission type 4), instead of 0120"),
    ("0250", "Pharmacy", PRACTICE_FLAT["0250"], "stay", "every stay, 1 unit"),
    ("0300", "Laboratory", PRACTICE_FLAT["0300"], "stay", "every stay, 1 unit"),
    ("0360", "Operating room services", PRACTICE_FLAT["0360"], "stay",
     "when an ICD-10-PCS procedure of the stay is on the MS-DRG operating-room procedure list; "
     "dated the day of the first such procedure"),
    ("0450", "Emergency room", PRACTICE_FLAT["0450"], "stay",
     "when the patient was admitted through the emergency department"),
    ("0720", "Labor room/delivery", PRACTICE_FLAT["0720"], "stay",
     "when an obstetrics procedure (ICD-10-PCS section 1) is reported; dated the day of that procedure"),
)
REVENUE_DESCRIPTIONS = {code: description for code, description, *_ in CHARGE_SHEET}
