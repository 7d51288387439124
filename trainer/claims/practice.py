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


def flat_charge(code: str, modifiers: tuple[str, ...], units: int) -> Decimal:
    """The charge when no chargemaster is at hand (pure use): the flat practice amount per unit."""
    return PRACTICE_CHARGE_PER_UNIT * int(units)


def claim_from_key(exercise_id: str, variant: dict, key_answer: dict, n: int = 1,
                   charge=flat_charge) -> ProfessionalClaim:
    """The reference claim of a professional exercise: its key on the demo practice's claim form.
    ``charge(code, modifiers, units)`` prices each line (the app passes the practice chargemaster,
    trainer.billing.chargemaster; without one every unit is the flat practice amount)."""
    day = variant["date_of_service"]
    lines = tuple(ServiceLine(from_date=day, code=normalise(p["code"]),
                              charge=charge(normalise(p["code"]), tuple(p.get("modifiers") or ()), int(p.get("units", 1))),
                              units=int(p.get("units", 1)), modifiers=tuple(p.get("modifiers") or ()),
                              pointers=tuple(p.get("dx_pointers") or (1,)))
                  for p in key_answer["procedures"])
    return ProfessionalClaim(
        claim_id=f"EX{n:05d}", payer=PAYERS.get(variant.get("payer"), PAYERS["commercial"]),
        subscriber=person_from(variant["patient"], f"SIM{n:07d}"), billing=BILLING, rendering=RENDERING,
        diagnoses=tuple(normalise(c) for c in key_answer["diagnoses"]), lines=lines,
        place_of_service=POS_BY_SETTING.get(variant["setting"], "11"), submitted_on=day + dt.timedelta(days=2),
        facts=dict(key_answer.get("facts") or {}))


# -- the synthetic hospital and its institutional (UB-04 / 837I) reference claims -------------------------------
HOSPITAL = Provider(npi=synthetic_npi("170000004"), name="LAKESIDE GENERAL HOSPITAL SIM", entity="2",
                    taxonomy="282N00000X", tax_id="869876543", tax_id_type="EI",
                    address=Address("1200 LAKESHORE BOULEVARD", "LAKESIDE", "OH", "440014321"))
ATTENDING = Provider(npi=synthetic_npi("180000005"), name="HALVORSEN", first="INGRID", entity="1",
                     taxonomy="208M00000X")
OPERATING = Provider(npi=synthetic_npi("180000013"), name="MBEKI-ROSS", first="DANIEL", entity="1")
INSTITUTIONAL_PAYERS = {"medicare": Payer("MEDICARE PART A SIM", "MCA01", kind="medicare"),
                        "medicaid": PAYERS["medicaid"], "commercial": PAYERS["commercial"]}
EXTERNAL_CAUSE = ("V", "W", "X", "Y")  # ICD-10-CM chapter 20 codes go to FL72 / HI*ABN


def institutional_claim_from_key(exercise_id: str, variant: dict, key: dict, n: int = 1):
    """The reference UB-04 of an inpatient exercise: type of bill 0111 from the synthetic hospital,
    the key's diagnoses (with POA) and ICD-10-PCS procedures, the exercise's admission block, and the
    practice revenue lines of trainer.claims.revenue. ``key`` is the variant's ``key`` mapping."""
    from .institutional import Diagnosis, InstitutionalClaim, Procedure
    from .revenue import practice_lines

    admitted, discharged = variant["date_of_service"], variant["discharge_date"]
    stay = variant.get("admission") or {}
    dx = [Diagnosis(normalise(d["code"]), str(d.get("poa") or "")) for d in key["diagnoses"]]
    procedures = tuple(Procedure(normalise(p["code"]), p.get("date") or admitted)
                       for p in key.get("pcs_procedures") or [])
    others = [d for d in dx[1:] if not d.code.startswith(EXTERNAL_CAUSE)]
    external = [d for d in dx[1:] if d.code.startswith(EXTERNAL_CAUSE)]
    admission_type = str(stay.get("type", "1"))
    return InstitutionalClaim(
        claim_id=f"IP{n:05d}", payer=INSTITUTIONAL_PAYERS.get(variant.get("payer"), PAYERS["commercial"]),
        subscriber=person_from(variant["patient"], f"SIM{n:07d}"), billing=HOSPITAL, type_of_bill="0111",
        statement_from=admitted, statement_through=discharged, principal=dx[0],
        lines=practice_lines(admitted, discharged, procedures, via_ed=bool(stay.get("via_ed")),
                             newborn=admission_type == "4"),
        discharge_status=str(stay.get("discharge_status", "01")), admission_date=admitted,
        admission_hour=str(stay.get("hour", "")), admission_type=admission_type,
        point_of_origin=str(stay.get("point_of_origin", "1")), discharge_hour=str(stay.get("discharge_hour", "")),
        admitting_diagnosis=normalise(str(stay.get("admitting_diagnosis") or dx[0].code)),
        other_diagnoses=tuple(others), external_causes=tuple(external),
        principal_procedure=procedures[0] if procedures else None, other_procedures=procedures[1:],
        attending=ATTENDING, operating=OPERATING if procedures else None,
        submitted_on=discharged + dt.timedelta(days=3), facts=dict(variant.get("facts") or {}))


def reference_claim(exercise_id: str, variant: dict, key_answer: dict, n: int = 1, charge=flat_charge):
    """An exercise's reference claim: a UB-04 (InstitutionalClaim) for an inpatient case, else a CMS-1500
    priced with ``charge`` (see claim_from_key)."""
    if variant["kind"] == "inpatient":
        return institutional_claim_from_key(exercise_id, variant, variant["key"], n)
    return claim_from_key(exercise_id, variant, key_answer, n, charge)
