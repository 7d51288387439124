"""The UB-04 page's domain side: form locators -> InstitutionalClaim, grading against the reference UB-04
form locator by form locator, and the printable practice copy."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from trainer.claims.form import FormError
from trainer.claims.form_ub04 import ub04_from_form, ub04_packet_for
from trainer.claims.grading_ub04 import grade_ub04
from trainer.claims.pdf_ub04 import MARK, ub04_pdf
from trainer.claims.practice import reference_claim
from trainer.edits.data import EditData
from trainer.exercises import load_tree

from .ub04_forms import form_of, without

BUNDLED = Path(__file__).resolve().parents[2] / "exercises"


def _stays():
    exercises, _ = load_tree(BUNDLED / "inpatient")
    for ex in exercises:
        for v in range(ex.variant_count):
            variant = ex.variant(v)
            optional = frozenset(d["code"] for d in variant["key"]["diagnoses"] if d.get("optional"))
            yield f"{ex.id}#{v}", variant, reference_claim(ex.id, variant, ex.key_answer(v), 7), optional


STAYS = {name: rest for name, *rest in _stays()}
HIP = "ip-hip-fracture-orif-fall#0"


def parse(name: str, form: dict):
    variant, ref, _ = STAYS[name]
    return ub04_from_form(form, ub04_packet_for(variant, ref))


def grade(name: str, form: dict, session):
    variant, ref, optional = STAYS[name]
    return grade_ub04(parse(name, form), ref, EditData(session), optional)


def wrong(result) -> dict[str, tuple[str, str]]:
    return {f"{b.box} {b.label}": (b.expected, b.given) for b in result.boxes if not b.right}


def test_the_reference_typed_on_the_page_reads_back_as_the_reference_claim():
    assert len(STAYS) == 25
    for name, (_, ref, _) in STAYS.items():
        claim = parse(name, form_of(ref))
        assert claim.total == ref.total, name
        assert dataclasses.replace(claim, total_charge=None) == ref, name


@pytest.mark.parametrize("name", sorted(STAYS))
def test_the_reference_values_score_full_marks(codes_session, name):
    result = grade(name, form_of(STAYS[name][1]), codes_session)
    assert wrong(result) == {} and result.lost == []
    assert result.score == result.max_score >= 30


def test_the_paper_shortcuts_are_read_as_the_form_means_them(codes_session):
    ref = STAYS[HIP][1]
    typed = form_of(ref) | {"tob": "111", "discharge_status": "3", "admission_type": "1", "dx_principal": "S72.141A",
                            "rev_1": "120", "from": "12/27/25", "date_1": "", "poa_principal": "y"}
    claim = parse(HIP, typed)
    assert claim.type_of_bill == "0111" and claim.discharge_status == "03" and claim.principal == ref.principal
    assert claim.lines[0] == ref.lines[0]  # a blank FL45 is the first day of the statement period
    assert grade(HIP, typed, codes_session).lost == []


def test_a_wrong_poa_costs_its_form_locator(codes_session):
    ref = STAYS[HIP][1]
    result = grade(HIP, form_of(ref) | {"poa_A": "N"}, codes_session)
    assert wrong(result) == {"FL67A Other diagnosis A POA": ("Y", "N")}
    assert result.score == result.max_score - 1
    exempt = grade(HIP, form_of(ref) | {"ecode_poa_b": "Y"}, codes_session)  # Y92.010 is exempt: blank
    assert wrong(exempt) == {"FL72b External cause b POA": ("(BLANK: EXEMPT)", "Y")}


def test_the_4010_exempt_flag_is_wrong_and_fails_the_poa_rule(codes_session):
    result = grade(HIP, form_of(STAYS[HIP][1]) | {"ecode_poa_b": "1"}, codes_session)
    assert "FL72b External cause b POA" in wrong(result)
    assert [item["rule"] for item in result.lost if item["rule"] != "claim.box"] == ["G6.poa"]
    assert result.score == result.max_score - 2


def test_a_wrong_discharge_status_is_named(codes_session):
    result = grade(HIP, form_of(STAYS[HIP][1]) | {"discharge_status": "01"}, codes_session)
    assert wrong(result) == {"FL17 Patient discharge status": ("03", "01")}
    invalid = grade(HIP, form_of(STAYS[HIP][1]) | {"discharge_status": "99"}, codes_session)
    assert "G4.admission" in {item["rule"] for item in invalid.lost}


def test_a_missing_admitting_diagnosis_is_wrong_and_rejected(codes_session):
    result = grade(HIP, without(form_of(STAYS[HIP][1]), "admitting_dx"), codes_session)
    assert wrong(result) == {"FL69 Admitting diagnosis": ("S72141A", "")}
    assert any(f.rule == "G5.dx-procedures" and "admitting diagnosis" in f.message for f in result.findings)
    assert result.score == result.max_score - 2


def test_other_diagnoses_are_matched_by_code_not_position(codes_session):
    ref = STAYS[HIP][1]
    first, second = ref.other_diagnoses[0], ref.other_diagnoses[1]
    swapped = form_of(ref) | {"dx_A": second.code, "poa_A": second.poa, "dx_B": first.code, "poa_B": first.poa}
    assert wrong(grade(HIP, swapped, codes_session)) == {}  # the order after the principal does not matter
    # one missing code costs its own two boxes, not every later one
    dropped = without(form_of(ref), "dx_A", "poa_A")
    assert set(wrong(grade(HIP, dropped, codes_session))) == {"FL67A Other diagnosis A",
                                                                "FL67A Other diagnosis A POA"}


def test_an_optional_code_is_neither_required_nor_wrong(codes_session):
    ref = STAYS[HIP][1]
    assert [d.code for d in ref.external_causes][-1] == "Y9301"  # Y93.01, optional in the key
    left_out = grade(HIP, without(form_of(ref), "ecode_c", "ecode_poa_c"), codes_session)
    assert wrong(left_out) == {} and left_out.score == left_out.max_score


def test_revenue_lines_are_matched_by_revenue_code(codes_session):
    ref = STAYS[HIP][1]
    form = form_of(ref)
    room = {k: form.pop(k) for k in ("rev_1", "hcpcs_1", "date_1", "units_1", "charge_1")}
    form |= {"rev_9": room["rev_1"], "date_9": room["date_1"], "units_9": "5", "charge_9": "7500.00"}
    result = grade(HIP, form, codes_session)  # the room line moved to line 9, with a wrong day count
    assert wrong(result) == {"FL46 0120 Revenue 0120 service units": ("4", "5"),
                             "FL47 0120 Revenue 0120 total charges": ("6000.00", "7500.00")}
    assert "F7.ub04-charges" in {item["rule"] for item in result.lost}  # the total no longer adds up
    extra = grade(HIP, form_of(ref) | {"rev_8": "0270", "charge_8": "10.00"}, codes_session)
    assert "FL42 0270 Revenue line 0270" in wrong(extra)


def test_code_groups_the_reference_leaves_blank_count_only_when_filled(codes_session):
    ref = STAYS[HIP][1]
    clean = grade(HIP, form_of(ref), codes_session)
    assert not any(b.box.startswith(("FL18", "FL31", "FL35", "FL39", "FL63", "FL64")) for b in clean.boxes)
    extra = grade(HIP, form_of(ref) | {"cc_1": "ZZ", "prior_auth": "A1"}, codes_session)  # placeholders
    assert wrong(extra) == {"FL18-28 Condition codes": ("", "ZZ"), "FL63 Treatment authorization code": ("", "A1")}
    assert extra.max_score == clean.max_score + 2


def test_a_claim_without_the_procedure_loses_fl74_and_fl77(codes_session):
    result = grade(HIP, without(form_of(STAYS[HIP][1]), "pcs_principal", "pcs_date_principal", "operating_npi",
                                "operating_last", "operating_first"), codes_session)
    assert {"FL74 Principal procedure", "FL74 Principal procedure date", "FL77 Operating physician NPI"} <= set(
        wrong(result))


@pytest.mark.parametrize("change, locator", [
    ({"from": "31/31/2025"}, "FL6"),
    ({"icd_ind": "9"}, "FL66"),
    ({"payer_kind": ""}, "FL50"),
    ({"dx_principal": ""}, "FL67"),
    ({"rev_1": ""}, "FL42 line 1"),
    ({"units_2": "two"}, "FL46 line 2"),
    ({"charge_3": "12.345"}, "FL47 line 3"),
    ({"admission_hour": "1pm"}, "FL13"),
    ({"pcs_date_principal": ""}, "FL74"),
    ({"attending_npi": ""}, "FL76"),
    ({"occ_1": "ZZ", "occ_date_1": ""}, "FL31-34"),  # "ZZ": a placeholder, not a NUBC code
    ({"value_1": "ZZ", "value_amount_1": "lots"}, "FL39-41"),
])
def test_an_unreadable_form_locator_is_named(change, locator):
    with pytest.raises(FormError) as err:
        parse(HIP, form_of(STAYS[HIP][1]) | change)
    assert err.value.box == locator and str(err.value).startswith(f"{locator}: ")


def test_the_packet_carries_no_code_of_the_key():
    for name, (variant, ref, _) in STAYS.items():
        text = repr(ub04_packet_for(variant, ref)).upper()
        for d in ref.diagnoses:
            assert d.code not in text.replace(".", ""), name
        for p in ref.procedures:
            assert p.code not in text, name


def test_the_printable_ub04_is_a_practice_copy_of_the_claim():
    ref = STAYS[HIP][1]
    body = ub04_pdf(ref)
    assert body.startswith(b"%PDF") and body.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type /Page\b", body)) == 1
    for text in (MARK, "UB-04", ref.claim_id, "0111", "S72.141A Y", "W01.0XXA Y", "0QS604Z 122825", "0360",
                 f"{ref.total:.2f}", ref.attending.npi, ref.billing.npi, ref.subscriber.member_id):
        assert f"({text}".encode() in body, text
