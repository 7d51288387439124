"""Institutional claims: the UB-04 rules, the 837I written, validated by pyx12 and read back, the
reference UB-04 of every inpatient exercise, and the JSON shape (the CLI: tests/web/test_cli.py)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.claims.institutional import (Diagnosis, InstitutionalClaim, Occurrence, OccurrenceSpan, Procedure,
                                          RevenueLine, Value)
from trainer.claims.model import Person
from trainer.claims.npi import npi_ok
from trainer.claims.practice import ATTENDING, HOSPITAL, OPERATING, reference_claim
from trainer.claims.rules import CLAIM_KIND, check_claim
from trainer.claims.x12_837i import read_837i, write_837i
from trainer.claims.x12_common import X12Error, transaction_type
from trainer.edits.data import EditData
from trainer.exercises import load_tree

from .test_claims import pyx12_errors

BUNDLED = Path(__file__).resolve().parents[2] / "exercises"


def inpatient_claims():
    exercises, _ = load_tree(BUNDLED)
    n = 0
    for ex in exercises:
        for v in range(ex.variant_count):
            variant = ex.variant(v)
            if variant["kind"] == "inpatient":
                n += 1
                yield f"{ex.id}#{v}", reference_claim(ex.id, variant, ex.key_answer(v), n)


REFERENCE = list(inpatient_claims())
HIP = dict(REFERENCE)["ip-hip-fracture-orif-fall#0"]


def fired(claim, rule_id, session) -> list:
    return [f for f in check_claim(claim, EditData(session)) if f.rule == rule_id]


def change(claim, **fields):
    return dataclasses.replace(claim, **fields)


def line(claim, n=0, **fields):
    lines = list(claim.lines)
    lines[n] = dataclasses.replace(lines[n], **fields)
    return change(claim, lines=tuple(lines))


def test_the_reference_claims_are_inpatient_ub04s_from_the_synthetic_hospital():
    assert len(REFERENCE) == 25  # 22 inpatient exercises, three of them with two variants
    assert all(npi_ok(p.npi) for p in (HOSPITAL, ATTENDING, OPERATING))
    for name, claim in REFERENCE:
        assert isinstance(claim, InstitutionalClaim) and claim.type_of_bill == "0111", name
        assert claim.billing == HOSPITAL and claim.admission_type and claim.discharge_status, name
        assert claim.lines[0].revenue_code in ("0120", "0170"), name
    # the hip fracture: admitted through the ED, ORIF in the OR, discharged to a SNF; Y92/Y93 POA-exempt
    assert [l.revenue_code for l in HIP.lines] == ["0120", "0250", "0300", "0360", "0450"]
    assert HIP.lines[0].units == 4 and HIP.discharge_status == "03"
    assert [(d.code, d.poa) for d in HIP.external_causes] == [("W010XXA", "Y"), ("Y92010", ""), ("Y9301", "")]
    assert HIP.principal_procedure == Procedure("0QS604Z", dt.date(2025, 12, 28))


def test_every_reference_ub04_passes_the_claim_rules(codes_session):
    data = EditData(codes_session)
    failing = {name: [f"{f.rule}: {f.message}" for f in check_claim(claim, data) if f.severity in ("reject", "deny")]
               for name, claim in REFERENCE}
    assert {k: v for k, v in failing.items() if v} == {}


def test_every_reference_ub04_written_as_837i_passes_pyx12_and_reads_back_the_same(tmp_path):
    for name, claim in REFERENCE:
        text = write_837i(claim)
        assert transaction_type(text) == "837I", name
        assert pyx12_errors(text, tmp_path) == [], name
        assert read_837i(text) == change(claim, facts={}), name


def test_poa_goes_in_composite_9_and_an_exempt_code_carries_none():
    text = write_837i(HIP)
    assert "HI*ABN:W010XXA:::::::Y*ABN:Y92010*ABN:Y9301~" in text
    assert "HI*ABK:S72141A:::::::Y~" in text and "CL1*1*1*03~" in text and "DTP*435*DT*202512271300~" in text


def full_claim() -> InstitutionalClaim:
    """Every optional field filled: a replacement bill for a child, codes of every kind, 24 other diagnoses."""
    day = HIP.statement_from
    others = tuple(Diagnosis(code, "Y") for code in ["I10", "E119", "E785", "N184", "D62", "J449"] * 4)
    return change(HIP, type_of_bill="0117", original_claim_number="DCN20260001", prior_authorization="PA7788",
                  patient=Person("RIVERA", "LUCAS", dt.date(2015, 4, 2), "M", HIP.subscriber.address),
                  subscriber=dataclasses.replace(HIP.subscriber, birth_date=None, sex="U"),  # 837I: DMG of the patient
                  relationship="19", drg="481",
                  other_diagnoses=others, condition_codes=("07", "A9"),
                  occurrences=(Occurrence("11", day - dt.timedelta(days=1)),),
                  occurrence_spans=(OccurrenceSpan("70", day, day + dt.timedelta(days=2)),),
                  values=(Value("80", Decimal("4")), Value("A1", Decimal("250.50"))),
                  other_procedures=(Procedure("0QS704Z", day + dt.timedelta(days=1)),),
                  lines=HIP.lines + (RevenueLine("0636", day, Decimal("88.20"), 2, "J1100", ("JZ",),
                                                 Decimal("10.00")),))


def test_a_claim_with_every_optional_field_passes_pyx12_and_reads_back(tmp_path):
    claim = full_claim()
    text = write_837i(claim)
    assert pyx12_errors(text, tmp_path) == []
    assert text.count("HI*ABF:") == 2 and text.count("ABF:") == 24  # two HI segments of 12
    assert read_837i(text) == change(claim, facts={})


def test_a_broken_837i_is_caught_by_pyx12_and_by_the_reader(tmp_path):
    text = write_837i(HIP)
    broken = "".join(seg + "~" for seg in text.split("~") if not seg.strip().startswith("CL1"))
    assert pyx12_errors(broken, tmp_path)
    with pytest.raises(X12Error, match="CL1"):
        read_837i(broken)
    with pytest.raises(X12Error):
        read_837i(text.replace("11:A:1", "11:B:1"))


@given(st.text(max_size=400))
@settings(max_examples=150, deadline=None)
def test_the_837i_reader_never_crashes_on_random_text(text):
    try:
        read_837i(text)
    except X12Error:
        pass


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=40))
@settings(max_examples=150, deadline=None)
def test_the_837i_reader_gives_a_clear_error_on_truncated_or_damaged_input(cut, step):
    text = write_837i(HIP)
    damaged = text[: cut % len(text)] if step % 2 else text.replace("*", "", step)
    try:
        read_837i(damaged)
    except X12Error as err:
        assert str(err)


def outpatient(c):
    return change(c, type_of_bill="0131", principal_procedure=None, other_procedures=())


CASES = [
    ("G1.type-of-bill", lambda c: change(c, type_of_bill="111")),
    ("G1.type-of-bill", lambda c: change(c, type_of_bill="0116")),
    ("G2.revenue", lambda c: line(c, revenue_code="450")),
    ("G2.revenue", lambda c: line(c, revenue_code="0001")),
    ("G2.revenue", lambda c: line(c, units=0)),
    ("G2.revenue", lambda c: change(c, lines=())),
    ("G3.codes", lambda c: change(c, condition_codes=("7",))),
    ("G3.codes", lambda c: change(c, occurrence_spans=(OccurrenceSpan("70", c.statement_through,
                                                                      c.statement_from),))),
    ("G3.codes", lambda c: change(c, values=(Value("80", Decimal("1.234")),))),
    ("G4.admission", lambda c: change(c, discharge_status="99")),
    ("G4.admission", lambda c: change(c, discharge_status="30")),
    ("G4.admission", lambda c: change(c, admission_type="7")),
    ("G4.admission", lambda c: change(c, point_of_origin="")),
    ("G4.admission", lambda c: change(c, admission_hour="25")),
    ("G4.admission", lambda c: change(c, admission_date=None)),
    ("G5.dx-procedures", lambda c: change(c, admitting_diagnosis="")),
    ("G5.dx-procedures", lambda c: change(c, principal=Diagnosis("W010XXA", "Y"))),
    ("G5.dx-procedures", lambda c: change(c, type_of_bill="0131")),
    ("G5.dx-procedures", lambda c: change(c, principal_procedure=Procedure("0QS604Z", c.statement_through
                                                                           + dt.timedelta(days=3)))),
    ("G6.poa", lambda c: change(c, external_causes=(Diagnosis("Y92010", "1"),))),
    ("G6.poa", lambda c: change(c, principal=Diagnosis(c.principal.code, "X"))),
    ("F3.ub04-required", lambda c: change(c, attending=None)),
    ("F3.ub04-required", lambda c: change(c, subscriber=dataclasses.replace(c.subscriber, member_id=""))),
    ("F3.ub04-required", lambda c: change(c, billing=dataclasses.replace(c.billing, tax_id_type="SY"))),
    ("F4.ub04-npi", lambda c: change(c, billing=dataclasses.replace(c.billing, npi="1093791627"))),
    ("F4.ub04-npi", lambda c: change(c, operating=dataclasses.replace(OPERATING, entity="2"))),
    ("F6.ub04-dates", lambda c: line(c, service_date=c.statement_through + dt.timedelta(days=1))),
    ("F6.ub04-dates", lambda c: change(c, submitted_on=c.statement_through - dt.timedelta(days=1))),
    ("F6.ub04-dates", lambda c: change(c, statement_from=c.statement_through + dt.timedelta(days=1))),
    ("F7.ub04-charges", lambda c: line(c, charge=Decimal("0"))),
    ("F7.ub04-charges", lambda c: line(c, non_covered=c.lines[0].charge + 1)),
    ("F7.ub04-charges", lambda c: change(c, total_charge=c.total + 1)),
    ("F8.ub04-frequency", lambda c: change(c, type_of_bill="0117")),
    ("F8.ub04-frequency", lambda c: change(c, original_claim_number="DCN1")),
]


@pytest.mark.parametrize("rule_id, breaks", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_ub04_rule_fires_on_its_fault_and_not_on_the_clean_claim(codes_session, rule_id, breaks):
    assert fired(HIP, rule_id, codes_session) == []
    assert [f for f in fired(breaks(HIP), rule_id, codes_session) if f.severity == "reject"], f"{rule_id} should fire"


def test_every_ub04_rule_has_a_case_and_professional_rules_leave_ub04s_alone(codes_session):
    ub04 = {rule_id for rule_id, kind in CLAIM_KIND.items() if kind is InstitutionalClaim}
    assert ub04 == {c[0] for c in CASES}
    professional = set(CLAIM_KIND) - ub04
    assert not [f for f in check_claim(HIP, EditData(codes_session)) if f.rule in professional]


def test_soft_ub04_findings_are_warnings(codes_session):
    short_stay = line(HIP, units=2)  # 4 days billed as 2
    assert [f.severity for f in fired(short_stay, "G2.revenue", codes_session)] == ["warn"]
    op = outpatient(HIP)
    assert {f.severity for f in fired(op, "G2.revenue", codes_session)} == {"warn"}  # lines without HCPCS
    assert fired(op, "G4.admission", codes_session) == [] and fired(op, "G6.poa", codes_session) == []


def test_the_encounter_of_a_ub04_is_inpatient_on_the_discharge_date_with_pcs_codes():
    enc = HIP.encounter()
    assert enc.setting == "inpatient" and enc.date_of_service == HIP.statement_through
    assert enc.pcs_procedures == ("0QS604Z",) and enc.diagnoses[0] == "S72141A" and "Y92010" in enc.diagnoses
    op = outpatient(line(HIP, hcpcs="99284", revenue_code="0450")).encounter()
    assert op.setting == "hospital_outpatient" and [p.code for p in op.procedures] == ["99284"]


def test_the_institutional_json_shape_round_trips_and_names_bad_fields():
    from trainer.claims.jsonshape import ClaimError, claim_from_dict, claim_to_dict

    claim = full_claim()
    shape = json.loads(json.dumps(claim_to_dict(claim)))
    assert shape["type_of_bill"] == "0117" and shape["total"] == format(claim.total, "f")
    assert claim_from_dict(shape) == claim
    for breaks, field in ((lambda d: d.pop("principal"), "principal"),
                          (lambda d: d["lines"][0].update(service_date="12/27/2025"), "service_date"),
                          (lambda d: d["lines"][0].update(units="four"), "units"),
                          (lambda d: d.update(occurrences="11"), "occurrences"),
                          (lambda d: d["values"][0].update(amount="lots"), "amount")):
        bad = json.loads(json.dumps(shape))
        breaks(bad)
        with pytest.raises(ClaimError, match=field):
            claim_from_dict(bad)

