"""A billing exercise's scenario as the simulator's objects (no Flask): the member's benefits, the
payer profile, the claim the practice sent (charges from the chargemaster) and the payer's answer.

The claim goes through the real payer simulator (trainer.payer.adjudicate), so a denial exercise
shows exactly the CARC/RARC the simulator produces for that claim.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from ..claims.model import Address, Person, ProfessionalClaim, ServiceLine
from ..claims.practice import BILLING, PAYERS, RENDERING, claim_text
from ..payer.adjudicate import Adjudication, adjudicate
from ..payer.profiles import Benefits, PayerProfile, profile
from .chargemaster import practice_charge
from .exercises import BillingExercise

PATIENT_ADDRESS = Address("25 MAPLE AVENUE", "LAKESIDE", "OH", "44001")


def benefits_of(ex: BillingExercise, payer: PayerProfile | None = None) -> Benefits:
    """The member's plan as of the service: the payer's default plan with the exercise's state."""
    payer = payer or profile(ex.data["payer"])
    ins = ex.data.get("insurance") or {}
    return dataclasses.replace(payer.benefits, deductible_met=ex.money("insurance", "deductible_met"),
                               out_of_pocket_met=ex.money("insurance", "out_of_pocket_met"),
                               coverage_from=ins.get("coverage_from"), coverage_to=ins.get("coverage_to"))


def payer_of(ex: BillingExercise) -> PayerProfile:
    return profile(ex.data["payer"])


def covered_on(benefits: Benefits, day: dt.date) -> bool:
    return not ((benefits.coverage_from and day < benefits.coverage_from)
                or (benefits.coverage_to and day > benefits.coverage_to))


def lines_of(ex: BillingExercise, data) -> tuple[ServiceLine, ...]:
    out = []
    for s in ex.data["services"]:
        mods, units = tuple(str(m) for m in s.get("modifiers") or ()), int(s.get("units", 1))
        out.append(ServiceLine(from_date=s["date"], code=s["code"], charge=practice_charge(s["code"], mods, units, data),
                               units=units, modifiers=mods, pointers=tuple(s.get("pointers") or (1,)),
                               place_of_service=str(s.get("pos") or "")))
    return tuple(out)


def pos_of(ex: BillingExercise) -> str:
    return str(ex.data["services"][0].get("pos") or "11")


def claim_of(ex: BillingExercise, data) -> ProfessionalClaim:
    """The claim the practice sent: the exercise's services at chargemaster prices."""
    patient, ins, claim = ex.data["patient"], ex.data.get("insurance") or {}, ex.data.get("claim") or {}
    first, _, last = claim_text(patient["name"]).rpartition(" ")
    lines = lines_of(ex, data)
    pos = pos_of(ex)
    lines = tuple(dataclasses.replace(l, place_of_service="" if l.place_of_service == pos else l.place_of_service)
                  for l in lines)
    return ProfessionalClaim(
        claim_id=str(patient["account"]), payer=PAYERS[ex.data["payer"]],
        subscriber=Person(last=last, first=first or last, birth_date=patient["birth_date"], sex=patient["sex"],
                          address=PATIENT_ADDRESS, member_id=str(ins.get("member_id", ""))),
        billing=BILLING, rendering=RENDERING, group_number=str(ins.get("group") or ""),
        diagnoses=tuple(str(d).replace(".", "").upper() for d in ex.data.get("diagnoses") or ()),
        lines=lines, place_of_service=pos, prior_authorization=str(claim.get("prior_authorization") or ""),
        submitted_on=claim.get("submitted") or max(l.from_date for l in lines))


def history_of(ex: BillingExercise, claim: ProfessionalClaim, data):
    """The earlier claim payments of a duplicate scenario: the lines listed in claim.previously_billed
    were sent on an earlier claim (two weeks before) and paid."""
    earlier = (ex.data.get("claim") or {}).get("previously_billed") or []
    if not earlier:
        return ()
    first = dataclasses.replace(claim, claim_id=claim.claim_id + "A", lines=tuple(claim.lines[n - 1] for n in earlier),
                                submitted_on=claim.submitted_on - dt.timedelta(days=14))
    result = adjudicate(first, payer_of(ex), data, benefits=benefits_of(ex))
    return (result.claim_payment,) if result.claim_payment else ()


def adjudication_of(ex: BillingExercise, data) -> tuple[ProfessionalClaim, Adjudication]:
    """The practice's claim and the simulated payer's decision on it."""
    claim = claim_of(ex, data)
    result = adjudicate(claim, payer_of(ex), data, claim.submitted_on, benefits=benefits_of(ex),
                        history=history_of(ex, claim, data))
    return claim, result


def money(value: Decimal) -> str:
    return f"{Decimal(value).quantize(Decimal('0.01'))}"
