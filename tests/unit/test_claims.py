"""Professional claims: NPI check digit, the claim-form rules, 837P written, validated by pyx12, read back."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.claims.model import ProfessionalClaim, ServiceLine
from trainer.claims.npi import check_digit, npi_ok
from trainer.claims.practice import BILLING, RENDERING, claim_from_key, synthetic_npi
from trainer.claims.rules import check_claim
from trainer.claims.x12_837p import X12Error, read_837p, write_837p
from trainer.edits.data import EditData
from trainer.edits.registry import RULES
from trainer.exercises import load_tree

from .pyx12_check import pyx12_errors

BUNDLED = Path(__file__).resolve().parents[2] / "exercises"


def reference_claims():
    exercises, _ = load_tree(BUNDLED)
    n = 0
    for ex in exercises:
        for v in range(ex.variant_count):
            variant = ex.variant(v)
            if variant["kind"] == "inpatient":
                continue  # institutional claims (837I): tests/unit/test_claims_837i.py
            n += 1
            yield f"{ex.id}#{v}", claim_from_key(ex.id, variant, ex.key_answer(v), n)


REFERENCE = list(reference_claims())


@pytest.mark.parametrize("npi, ok", [("1234567893", True), ("1558598797", True), ("1003347634", True),
                                     ("1093791627", False), ("1000000020", True), ("123456789", False),
                                     ("3234567893", False), ("12345678a3", False)])
def test_npi_check_digit_vectors(npi, ok):
    assert npi_ok(npi) is ok


def test_check_digit_zero_is_not_rejected():
    assert check_digit("100000002") == 0 and npi_ok(synthetic_npi("100000002"))


def fired(claim, rule_id, session) -> list:
    return [f for f in check_claim(claim, EditData(session)) if f.rule == rule_id]


def base_claim() -> ProfessionalClaim:
    return REFERENCE[0][1]


def change(claim, **fields):
    return dataclasses.replace(claim, **fields)


def line(claim, n=0, **fields):
    lines = list(claim.lines)
    lines[n] = dataclasses.replace(lines[n], **fields)
    return change(claim, lines=tuple(lines))


CASES = [
    ("F1.dx-capacity", lambda c: change(c, diagnoses=tuple(["I10"] * 13))),
    ("F1.dx-capacity", lambda c: line(c, pointers=(1, 2, 3, 4, 5))),
    ("F1.dx-capacity", lambda c: line(c, pointers=(1, 1))),
    ("F2.lines", lambda c: change(c, lines=())),
    ("F2.lines", lambda c: change(c, lines=c.lines * 51)),
    ("F3.required", lambda c: change(c, subscriber=dataclasses.replace(c.subscriber, member_id=""))),
    ("F3.required", lambda c: change(c, billing=dataclasses.replace(c.billing, tax_id="12-345"))),
    ("F3.required", lambda c: change(c, relationship="19")),
    ("F4.npi", lambda c: change(c, billing=dataclasses.replace(c.billing, npi="1093791627"))),
    ("F4.npi", lambda c: change(c, rendering=dataclasses.replace(RENDERING, entity="2"))),
    ("F5.pos", lambda c: change(c, place_of_service="29")),
    ("F6.dates", lambda c: line(c, to_date=c.lines[0].from_date - dt.timedelta(days=1))),
    ("F6.dates", lambda c: change(c, submitted_on=c.lines[0].from_date - dt.timedelta(days=1))),
    ("F7.charges", lambda c: line(c, charge=Decimal("0"))),
    ("F7.charges", lambda c: change(c, total_charge=c.total + 1)),
    ("F8.frequency", lambda c: change(c, frequency="7")),
    ("F8.frequency", lambda c: change(c, original_claim_number="ICN123")),
]


@pytest.mark.parametrize("rule_id, breaks", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_claim_rule_fires_on_its_fault_and_not_on_the_clean_claim(codes_session, rule_id, breaks):
    clean = base_claim()
    assert fired(clean, rule_id, codes_session) == []
    assert fired(breaks(clean), rule_id, codes_session), f"{rule_id} should fire"


def test_every_claim_rule_has_a_case():
    from trainer.claims.rules import CLAIM_KIND

    professional = {rule_id for rule_id, kind in CLAIM_KIND.items() if kind is ProfessionalClaim}
    assert professional == {c[0] for c in CASES}
    assert {r.id for r in RULES.values() if r.scope == "claim"} >= professional


def test_a_corrected_claim_with_the_original_number_passes(codes_session):
    corrected = change(base_claim(), frequency="7", original_claim_number="22025310000123")
    assert fired(corrected, "F8.frequency", codes_session) == []


def test_claim_check_runs_the_code_edits_too(codes_session):
    claim = change(base_claim(), diagnoses=("E11",))  # a category heading, not a code
    rules = {f.rule for f in check_claim(claim, EditData(codes_session))}
    assert "A1.dx-valid" in rules


def test_every_reference_claim_passes_the_claim_rules(codes_session):
    data = EditData(codes_session)
    failing = {name: [f"{f.rule}: {f.message}" for f in check_claim(claim, data) if f.severity in ("reject", "deny")]
               for name, claim in REFERENCE}
    assert {k: v for k, v in failing.items() if v} == {}


def test_every_reference_claim_written_as_837p_passes_pyx12_and_reads_back_the_same(tmp_path):
    assert len(REFERENCE) >= 100
    for name, claim in REFERENCE:
        text = write_837p(claim)
        assert pyx12_errors(text, tmp_path) == [], name
        back = read_837p(text)
        assert back == dataclasses.replace(claim, facts={}, subscriber=dataclasses.replace(claim.subscriber)), name


def test_patient_other_than_the_subscriber_and_a_replacement_claim_pass_pyx12(tmp_path):
    from trainer.claims.model import Person

    claim = base_claim()
    child = Person("RIVERA", "LUCAS", dt.date(2015, 4, 2), "M")
    variant = change(claim, patient=child, relationship="19", frequency="7", original_claim_number="ICN778899",
                     prior_authorization="PA5566", referring=dataclasses.replace(RENDERING, name="NGUYEN"),
                     lines=claim.lines + (ServiceLine(claim.lines[0].from_date, "J1100", Decimal("12.50"), 2,
                                                      pointers=(1,), ndc="00009004722",
                                                      to_date=claim.lines[0].from_date + dt.timedelta(days=1)),))
    text = write_837p(variant)
    assert pyx12_errors(text, tmp_path) == []
    back = read_837p(text)
    assert back.patient.last == "RIVERA" and back.relationship == "19" and back.original_claim_number == "ICN778899"
    assert back.lines[-1].ndc == "00009004722" and back.lines[-1].to_date == variant.lines[-1].to_date
    assert back.referring.name == "NGUYEN" and back.billing == BILLING


def test_a_broken_837p_is_caught_by_pyx12_and_by_the_reader(tmp_path):
    text = write_837p(base_claim())
    broken = "".join(seg + "~" for seg in text.split("~") if not seg.strip().startswith("NM1*85"))
    assert pyx12_errors(broken, tmp_path)
    with pytest.raises(X12Error):
        read_837p(broken)
    with pytest.raises(X12Error):
        read_837p("GS*HC~")


def test_the_claim_json_shape_round_trips_and_names_bad_fields():
    from trainer.claims.jsonshape import ClaimError, claim_from_dict, claim_to_dict

    claim = base_claim()
    shape = json.loads(json.dumps(claim_to_dict(claim)))
    assert claim_from_dict(shape) == claim
    for breaks, field in ((lambda d: d.pop("payer"), "payer"), (lambda d: d["lines"][0].update(charge="ten"), "charge"),
                          (lambda d: d["lines"][0].update(from_date="11/03/2025"), "from_date"),
                          (lambda d: d["lines"][0].update(pointers="A"), "pointers"),
                          (lambda d: d.update(diagnoses="I10"), "diagnoses")):
        bad = json.loads(json.dumps(shape))
        breaks(bad)
        with pytest.raises(ClaimError, match=field):
            claim_from_dict(bad)


@given(st.text(max_size=400))
@settings(max_examples=200, deadline=None)
def test_the_837p_reader_never_crashes_on_random_text(text):
    try:
        read_837p(text)
    except X12Error:
        pass


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=40))
@settings(max_examples=150, deadline=None)
def test_the_837p_reader_gives_a_clear_error_on_truncated_or_damaged_input(cut, step):
    text = write_837p(base_claim())
    damaged = text[: cut % len(text)] if step % 2 else text.replace("*", "", step)
    try:
        read_837p(damaged)
    except X12Error as err:
        assert str(err)
