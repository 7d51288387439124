"""A synthetic practice to bill from: providers, payers and a claim built from an exercise key.

Names, addresses, NPIs and tax IDs are made up (the NPIs carry a valid check digit so the claims
pass the format edits; they are not looked up anywhere). Charges are practice values, not fees:
one flat amount per unit until the fee-schedule slice of the claims issue lands.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal

from ..codes.normalize import normalise
from .model import Address, Payer, Person, Provider, ProfessionalClaim, ServiceLine
from .npi import check_digit

PRACTICE_CHARGE_PER_UNIT = Decimal("100.00")
POS_BY_SETTING = {"office": "11", "ed": "23", "asc": "24", "hospital_outpatient": "22", "telehealth": "10",
                  "home": "12", "snf": "31"}


def synthetic_npi(first_nine: str) -> str:
    return first_nine + str(check_digit(first_nine))


PRACTICE_ADDRESS = Address("400 HARBOR VIEW DRIVE", "LAKESIDE", "OH", "440011234")
BILLING = Provider(npi=synthetic_npi("150000001"), name="LAKESIDE PRACTICE GROUP", entity="2",
                   taxonomy="207Q00000X", tax_id="861234567", tax_id_type="EI", address=PRACTICE_ADDRESS)
RENDERING = Provider(npi=synthetic_npi("160000002"), name="OKAFOR", first="AMARA", entity="1",
                     taxonomy="207Q00000X")
PAYERS = {"medicare": Payer("MEDICARE PART B SIM", "MCR01", kind="medicare"),
          "medicaid": Payer("STATE MEDICAID SIM", "MCD01", kind="medicaid"),
          "commercial": Payer("SUMMIT HEALTH PLAN SIM", "SHP01", kind="commercial")}


def claim_text(text: str) -> str:
    """As a claim form carries it: upper case, plain ASCII letters (X12 basic character set)."""
    return unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().upper().strip()


def person_from(patient: dict, member_id: str) -> Person:
    first, _, last = claim_text(patient["name"]).rpartition(" ")
    return Person(last=last, first=first or last, birth_date=patient["birth_date"], sex=patient["sex"],
                  address=Address("25 MAPLE AVENUE", "LAKESIDE", "OH", "44001"), member_id=member_id)


def claim_from_key(exercise_id: str, variant: dict, key_answer: dict, n: int = 1) -> ProfessionalClaim:
    """The reference claim of a professional exercise: its key on the demo practice's claim form."""
    day = variant["date_of_service"]
    lines = tuple(ServiceLine(from_date=day, code=normalise(p["code"]), charge=PRACTICE_CHARGE_PER_UNIT * int(p.get("units", 1)),
                              units=int(p.get("units", 1)), modifiers=tuple(p.get("modifiers") or ()),
                              pointers=tuple(p.get("dx_pointers") or (1,)))
                  for p in key_answer["procedures"])
    return ProfessionalClaim(
        claim_id=f"EX{n:05d}", payer=PAYERS.get(variant.get("payer"), PAYERS["commercial"]),
        subscriber=person_from(variant["patient"], f"SIM{n:07d}"), billing=BILLING, rendering=RENDERING,
        diagnoses=tuple(normalise(c) for c in key_answer["diagnoses"]), lines=lines,
        place_of_service=POS_BY_SETTING.get(variant["setting"], "11"), submitted_on=day + dt.timedelta(days=2),
        facts=dict(key_answer.get("facts") or {}))
