"""Grading a learner's UB-04 against the reference UB-04 of an inpatient exercise, form locator by form
locator (no Flask).

One point per form locator that must match: the patient control number, type of bill, tax number,
statement period, patient and insured, the admission block (FL12-17), each revenue line (matched by
revenue code: its service date, units and charges, and HCPCS when either side has one), the total,
the payer and facility NPI, the principal diagnosis and its POA, each other diagnosis and its POA in
order, the admitting diagnosis, the external causes with their POA, each procedure with its date, and
the attending and operating NPIs. Code groups the reference leaves blank (condition, occurrence, span
and value codes, FL63/FL64) are graded only when the learner fills them. A code the key marks optional
is expected only if the learner reported it. Then every new failing claim-check finding costs a point
(``grading.score_boxes``).
"""
from __future__ import annotations

from ..codes.normalize import normalise
from .grading import BoxResult, ClaimGrade, _s, score_boxes
from .institutional import Diagnosis, InstitutionalClaim, Procedure


def _d(day) -> str:
    return day.strftime("%m/%d/%Y") if day else ""


def _poa(value: str) -> str:
    return value or "(blank: exempt)"


def _name(person) -> str:
    return f"{person.last}, {person.first}"


def _without_unreported_optional(expected: tuple[Diagnosis, ...], given: tuple[Diagnosis, ...],
                                 optional: set[str]) -> list[Diagnosis]:
    reported = {d.code for d in given}
    return [d for d in expected if d.code not in optional or d.code in reported]


def grade_ub04(claim: InstitutionalClaim, reference: InstitutionalClaim, data,
               optional: frozenset[str] = frozenset()) -> ClaimGrade:
    """``optional``: codes (without dots) the key accepts but does not require."""
    boxes: list[BoxResult] = []
    optional = {normalise(c) for c in optional}

    def box(fl: str, label: str, expected, given):
        boxes.append(BoxResult(fl, label, _s(expected), _s(given), _s(expected) == _s(given)))

    def if_any(fl: str, label: str, expected, given):
        if expected or given:
            box(fl, label, sorted(expected) if isinstance(expected, (list, tuple)) else expected,
                sorted(given) if isinstance(given, (list, tuple)) else given)

    box("FL3a", "Patient control number", reference.claim_id, claim.claim_id)
    box("FL4", "Type of bill", reference.type_of_bill, claim.type_of_bill)
    box("FL5", "Federal tax number", reference.billing.tax_id, claim.billing.tax_id)
    box("FL6", "Statement period from", _d(reference.statement_from), _d(claim.statement_from))
    box("FL6", "Statement period through", _d(reference.statement_through), _d(claim.statement_through))
    box("FL8", "Patient's name", _name(reference.the_patient), _name(claim.the_patient))
    box("FL10", "Patient's birth date", _d(reference.the_patient.birth_date), _d(claim.the_patient.birth_date))
    box("FL11", "Patient's sex", reference.the_patient.sex, claim.the_patient.sex)
    box("FL12", "Admission date", _d(reference.admission_date), _d(claim.admission_date))
    box("FL13", "Admission hour", reference.admission_hour, claim.admission_hour)
    box("FL14", "Priority (type) of admission", reference.admission_type, claim.admission_type)
    box("FL15", "Point of origin for admission", reference.point_of_origin, claim.point_of_origin)
    box("FL16", "Discharge hour", reference.discharge_hour, claim.discharge_hour)
    box("FL17", "Patient discharge status", reference.discharge_status, claim.discharge_status)
    if_any("FL18-28", "Condition codes", reference.condition_codes, claim.condition_codes)
    if_any("FL31-34", "Occurrence codes and dates", [f"{o.code} {_d(o.date)}" for o in reference.occurrences],
           [f"{o.code} {_d(o.date)}" for o in claim.occurrences])
    if_any("FL35-36", "Occurrence spans", [f"{o.code} {_d(o.start)}-{_d(o.end)}" for o in reference.occurrence_spans],
           [f"{o.code} {_d(o.start)}-{_d(o.end)}" for o in claim.occurrence_spans])
    if_any("FL39-41", "Value codes and amounts", [f"{v.code} {v.amount:.2f}" for v in reference.values],
           [f"{v.code} {v.amount:.2f}" for v in claim.values])
    _revenue(box, reference, claim)
    box("FL47", "Total charges (line 23, 0001)", f"{reference.total:.2f}", f"{claim.total:.2f}")
    box("FL50", "Payer name", reference.payer.name, claim.payer.name)
    box("FL56", "Facility NPI", reference.billing.npi, claim.billing.npi)
    box("FL58", "Insured's name", _name(reference.subscriber), _name(claim.subscriber))
    box("FL59", "Patient's relationship to insured", reference.relationship, claim.relationship)
    box("FL60", "Insured's unique ID", reference.subscriber.member_id, claim.subscriber.member_id)
    if_any("FL62", "Insurance group number", reference.group_number, claim.group_number)
    if_any("FL63", "Treatment authorization code", reference.prior_authorization, claim.prior_authorization)
    if_any("FL64", "Document control number", reference.original_claim_number, claim.original_claim_number)
    box("FL67", "Principal diagnosis", reference.principal.code, claim.principal.code)
    box("FL67", "Principal diagnosis POA", _poa(reference.principal.poa), _poa(claim.principal.poa))
    _diagnoses(box, "FL67", "Other diagnosis", _without_unreported_optional(
        reference.other_diagnoses, claim.other_diagnoses, optional), claim.other_diagnoses)
    box("FL69", "Admitting diagnosis", reference.admitting_diagnosis, claim.admitting_diagnosis)
    _diagnoses(box, "FL72", "External cause", _without_unreported_optional(
        reference.external_causes, claim.external_causes, optional), claim.external_causes, letters="abc")
    _procedures(box, reference.procedures, claim.procedures)
    box("FL76", "Attending provider NPI", reference.attending.npi if reference.attending else "",
        claim.attending.npi if claim.attending else "")
    box("FL77", "Operating physician NPI", reference.operating.npi if reference.operating else "",
        claim.operating.npi if claim.operating else "")
    return score_boxes(boxes, claim, reference, data)


def _revenue(box, reference: InstitutionalClaim, claim: InstitutionalClaim) -> None:
    given = {}
    for line in claim.lines:
        given.setdefault(line.revenue_code, line)
    for exp in reference.lines:
        got = given.pop(exp.revenue_code, None)
        where = f"FL42 {exp.revenue_code}"
        if got is None:
            box(where, f"Revenue line {exp.revenue_code}", exp.revenue_code, "(no line)")
            continue
        if exp.hcpcs or got.hcpcs:
            box(f"FL44 {exp.revenue_code}", f"Revenue {exp.revenue_code} HCPCS", exp.hcpcs, got.hcpcs)
        box(f"FL45 {exp.revenue_code}", f"Revenue {exp.revenue_code} service date", _d(exp.service_date),
            _d(got.service_date))
        box(f"FL46 {exp.revenue_code}", f"Revenue {exp.revenue_code} service units", exp.units, got.units)
        box(f"FL47 {exp.revenue_code}", f"Revenue {exp.revenue_code} total charges", f"{exp.charge:.2f}",
            f"{got.charge:.2f}")
    duplicates = len(claim.lines) - len({l.revenue_code for l in claim.lines})
    for code in given:  # what is left: lines the reference does not have
        box(f"FL42 {code}", f"Revenue line {code}", "(no line)", code)
    for _ in range(duplicates):
        box("FL42", "Revenue line entered twice", "(no line)", "duplicate line")


def _diagnoses(box, fl: str, label: str, expected: list[Diagnosis], given: tuple[Diagnosis, ...],
               letters: str = "ABCDEFGHIJKLMNOPQ") -> None:
    """Other diagnoses (and external causes) are matched by code, not by position: after the
    principal, the order of the other codes does not change the claim, so one missing code must not
    mark every later one wrong. Each expected code: its box and its POA box; each extra code: a box."""
    left = list(given)
    for i, exp in enumerate(expected):
        slot = letters[i] if i < len(letters) else str(i + 1)
        got = next((g for g in left if g.code == exp.code), None)
        if got is not None:
            left.remove(got)
        box(f"{fl}{slot}", f"{label} {slot}", exp.code, got.code if got else "(not reported)")
        # the POA box counts whether or not the code is there, so the maximum stays the same
        box(f"{fl}{slot}", f"{label} {slot} POA", _poa(exp.poa), _poa(got.poa) if got else "(no code)")
    for extra in left:
        box(f"{fl}", f"{label} not on the reference claim", "(none)", extra.code)


def _procedures(box, expected: tuple[Procedure, ...], given: tuple[Procedure, ...]) -> None:
    for i in range(max(len(expected), len(given))):
        exp = expected[i] if i < len(expected) else None
        got = given[i] if i < len(given) else None
        fl = "FL74" if i == 0 else f"FL74{'abcde'[i - 1] if i <= 5 else i}"
        what = "Principal procedure" if i == 0 else f"Other procedure {fl[4:]}"
        box(fl, what, exp.code if exp else "", got.code if got else "")
        if exp:
            box(fl, f"{what} date", _d(exp.date), _d(got.date) if got else "")
