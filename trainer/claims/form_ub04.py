"""The UB-04 page's form locators to an InstitutionalClaim, and an inpatient stay's packet. No Flask.

``ub04_from_form`` reads the posted form locators (field names below); anything it cannot read raises
FormError naming the form locator ("FL6"), so the page shows the message beside it and keeps what the
learner typed. Codes are not checked here: that is the claim check's job (and the grader's).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ..codes.normalize import normalise
from .form import FormError, _date, _money
from .institutional import Diagnosis, InstitutionalClaim, Occurrence, OccurrenceSpan, Procedure, RevenueLine, Value
from .model import Person, Provider
from .practice import ATTENDING, HOSPITAL, INSTITUTIONAL_PAYERS, OPERATING, claim_text
from .revenue import CHARGE_SHEET

# The paper UB-04's slots
CONDITION_SLOTS = 11  # FL18-28
OCCURRENCE_SLOTS = 8  # FL31-34, lines a and b
SPAN_SLOTS = 4  # FL35-36, lines a and b
VALUE_SLOTS = 12  # FL39-41, lines a-d
REVENUE_LINES = 22  # FL42-47 lines 1-22; line 23 is the 0001 total
SCREEN_REVENUE_LINES = 10  # the page shows ten (no stay here needs more); the parser reads all 22
OTHER_DX = "ABCDEFGHIJKLMNOPQ"  # FL67A-Q
EXTERNAL = "abc"  # FL72a-c
OTHER_PROCEDURES = "abcde"  # FL74a-e
ICD10 = "0"  # FL66


def _hour(value: str, fl: str) -> str:
    """An hour as the form carries it, two digits; one digit is padded ("7" -> "07")."""
    if value.isdigit() and len(value) == 1:
        return "0" + value
    if value and not (value.isdigit() and len(value) == 2):
        raise FormError(fl, f"{value!r} is not an hour: two digits, 00 to 23")
    return value


def _two_digits(value: str) -> str:
    return value.zfill(2) if value.isdigit() else value.upper()


def _dx(code: str, poa: str) -> Diagnosis:
    return Diagnosis(normalise(code), poa.strip().upper())


def _provider(get, fl: str, prefix: str, template: Provider) -> Provider | None:
    npi, last, first = get(f"{prefix}_npi"), get(f"{prefix}_last").upper(), get(f"{prefix}_first").upper()
    if not (npi or last or first):
        return None
    if not npi:
        raise FormError(fl, "enter the NPI, or clear the name")
    return replace(template, npi=npi, name=last, first=first)


def _revenue_lines(get, default_date: dt.date) -> tuple[RevenueLine, ...]:
    lines = []
    for n in range(1, REVENUE_LINES + 1):
        code = get(f"rev_{n}")
        if not (code or get(f"charge_{n}") or get(f"hcpcs_{n}") or get(f"units_{n}")):
            continue
        if not code:
            raise FormError(f"FL42 line {n}", "enter the revenue code or clear the line")
        units = get(f"units_{n}") or "1"
        if not units.isdigit():
            raise FormError(f"FL46 line {n}", "service units are a whole number")
        lines.append(RevenueLine(
            revenue_code=code.zfill(4) if code.isdigit() and len(code) == 3 else code.upper(),
            service_date=_date(get(f"date_{n}"), f"FL45 line {n}", False) or default_date,
            charge=_money(get(f"charge_{n}"), f"FL47 line {n}"), units=int(units),
            hcpcs=normalise(get(f"hcpcs_{n}"))))
    return tuple(lines)


def ub04_from_form(form: dict, packet: dict) -> InstitutionalClaim:
    """``form``: form-locator field name -> text, as posted. ``packet``: what ``ub04_packet_for`` gives."""
    get = lambda name: str(form.get(name, "") or "").strip()  # noqa: E731
    kind = get("payer_kind")
    if kind not in INSTITUTIONAL_PAYERS:
        raise FormError("FL50", "choose the payer from the insurance card")
    if get("icd_ind") != ICD10:
        raise FormError("FL66", "the diagnosis and procedure code qualifier is 0 (ICD-10) for these dates")
    if not get("dx_principal"):
        raise FormError("FL67", "enter the principal diagnosis")
    statement_from = _date(get("from"), "FL6")
    statement_through = _date(get("through"), "FL6")
    born, sex = _date(get("birth_date"), "FL10"), get("sex") or "U"
    insured = Person(last=get("insured_last").upper(), first=get("insured_first").upper(), birth_date=born, sex=sex,
                     address=packet["patient_address"], member_id=get("member_id").upper())
    patient = Person(last=get("patient_last").upper(), first=get("patient_first").upper(), birth_date=born, sex=sex,
                     address=packet["patient_address"])
    relationship = get("relationship") or "18"
    same = relationship == "18" and (patient.last, patient.first) == (insured.last, insured.first)
    tob = get("tob").upper()
    procedures = []
    for slot in ("principal", *OTHER_PROCEDURES):
        code, day = get(f"pcs_{slot}"), get(f"pcs_date_{slot}")
        fl = "FL74" if slot == "principal" else f"FL74{slot}"
        if code or day:
            if not code:
                raise FormError(fl, "enter the procedure code or clear the date")
            procedures.append(Procedure(normalise(code), _date(day, fl)))
        elif slot == "principal" and any(get(f"pcs_{s}") for s in OTHER_PROCEDURES):
            raise FormError(fl, "the principal procedure comes first: fill FL74 before FL74a-e")
    total = get("total")
    return InstitutionalClaim(
        claim_id=get("pcn").upper(), payer=INSTITUTIONAL_PAYERS[kind], subscriber=insured,
        billing=replace(HOSPITAL, npi=get("facility_npi"), tax_id=get("tax_id").replace("-", "")),
        type_of_bill="0" + tob if len(tob) == 3 else tob,
        statement_from=statement_from, statement_through=statement_through,
        principal=_dx(get("dx_principal"), get("poa_principal")),
        lines=_revenue_lines(get, statement_from),
        discharge_status=_two_digits(get("discharge_status")),
        admission_date=_date(get("admission_date"), "FL12", False), admission_hour=_hour(get("admission_hour"), "FL13"),
        admission_type=get("admission_type"), point_of_origin=get("point_of_origin").upper(),
        discharge_hour=_hour(get("discharge_hour"), "FL16"),
        admitting_diagnosis=normalise(get("admitting_dx")),
        other_diagnoses=tuple(_dx(get(f"dx_{s}"), get(f"poa_{s}")) for s in OTHER_DX if get(f"dx_{s}")),
        external_causes=tuple(_dx(get(f"ecode_{s}"), get(f"ecode_poa_{s}")) for s in EXTERNAL if get(f"ecode_{s}")),
        principal_procedure=procedures[0] if procedures else None, other_procedures=tuple(procedures[1:]),
        condition_codes=tuple(get(f"cc_{n}").upper() for n in range(1, CONDITION_SLOTS + 1) if get(f"cc_{n}")),
        occurrences=tuple(Occurrence(get(f"occ_{n}").upper(), _date(get(f"occ_date_{n}"), "FL31-34"))
                          for n in range(1, OCCURRENCE_SLOTS + 1) if get(f"occ_{n}")),
        occurrence_spans=tuple(OccurrenceSpan(get(f"span_{n}").upper(), _date(get(f"span_from_{n}"), "FL35-36"),
                                              _date(get(f"span_through_{n}"), "FL35-36"))
                               for n in range(1, SPAN_SLOTS + 1) if get(f"span_{n}")),
        values=tuple(Value(get(f"value_{n}").upper(), _money(get(f"value_amount_{n}"), "FL39-41"))
                     for n in range(1, VALUE_SLOTS + 1) if get(f"value_{n}")),
        patient=None if same else patient, relationship=relationship,
        attending=_provider(get, "FL76", "attending", ATTENDING),
        operating=_provider(get, "FL77", "operating", OPERATING),
        group_number=get("group_number").upper(), prior_authorization=get("prior_auth").upper(),
        original_claim_number=get("dcn").upper(),
        total_charge=_money(total, "FL47 line 23") if total else None,
        submitted_on=packet["submitted_on"], facts=dict(packet["facts"]))


def ub04_packet_for(variant: dict, reference: InstitutionalClaim) -> dict:
    """What the hospital biller has besides the chart: the registration face sheet, the insurance card,
    the facility sheet (with the stay's physicians) and the practice charge sheet. No codes of the key."""
    stay = variant.get("admission") or {}
    return {
        "patient_address": reference.subscriber.address,
        "submitted_on": reference.submitted_on,
        "facts": reference.facts,
        "payer": reference.payer,
        "member_id": reference.subscriber.member_id,
        "patient_name": claim_text(variant["patient"]["name"]),
        "birth_date": variant["patient"]["birth_date"],
        "sex": variant["patient"]["sex"],
        "account_no": reference.claim_id,
        "admission_date": variant["date_of_service"],
        "admission_hour": str(stay.get("hour", "")),
        "admission_type": reference.admission_type,
        "point_of_origin": reference.point_of_origin,
        "via_ed": bool(stay.get("via_ed")),
        "facility": reference.billing,
        "attending": reference.attending or ATTENDING,
        "operating": OPERATING,
        "charges": CHARGE_SHEET,
    }
