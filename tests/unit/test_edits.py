"""Every rule of the validation engine: a case that fires and a case that must not.

Runs on the real, loaded code sets and the starter edit tables (rows copied from CMS files).
"""
from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from trainer.edits import EncounterError, Severity, check
from trainer.edits.data import EditData
from trainer.edits.model import parse_encounter
from trainer.edits.registry import RULES

BASE = {"date_of_service": "2025-11-12", "setting": "office", "payer": "medicare",
        "patient": {"sex": "F", "birth_date": "1960-05-01"}, "diagnoses": ["E11.9"],
        "procedures": [{"code": "99213", "modifiers": [], "units": 1, "dx_pointers": [1]}], "facts": {}}


def make(**changes):
    payload = copy.deepcopy(BASE)
    payload.update(changes)
    return payload


def line(code, modifiers=(), units=1, pointers=(1,)):
    return {"code": code, "modifiers": list(modifiers), "units": units, "dx_pointers": list(pointers)}


def run(session, payload):
    return check(parse_encounter(payload), EditData(session))


def fired(session, payload, rule):
    return [f for f in run(session, payload) if f.rule == rule]


# (rule, payload that fires, payload that must not)
CASES = [
    ("A2.dx-format", make(diagnoses=["123"]), make()),
    ("A1.dx-valid", make(diagnoses=["E11"]), make(diagnoses=["E11.9"])),
    ("A1.dx-valid", make(diagnoses=["E11.A"], date_of_service="2025-06-01"), make(diagnoses=["E11.A"])),
    ("A1.dx-valid", make(diagnoses=["S52.521"]), make(diagnoses=["S52.521A", "W19.XXXA"])),
    ("B10.dx-duplicate", make(diagnoses=["E11.9", "E11.9"]), make(diagnoses=["E11.9", "I10"])),
    ("B9.unspecified", make(diagnoses=["M17.9"], facts={"documented_diagnoses": ["M17.11"]}),
     make(diagnoses=["M17.9"])),  # without the documentation fact the engine cannot know
    ("B9.unspecified", make(diagnoses=["M17.9"], facts={"documented_diagnoses": ["M17.11"]}),
     make(diagnoses=["M17.11"], facts={"documented_diagnoses": ["M17.11"]})),
    ("B6.external-cause-first", make(diagnoses=["W19.XXXA", "S52.521A"]), make(diagnoses=["S52.521A", "W19.XXXA"])),
    ("B3.manifestation-first", make(diagnoses=["F02.80", "G30.9"]), make(diagnoses=["G30.9", "F02.80"])),
    ("B5.first-listed-only", make(diagnoses=["I10", "Z00.00"]), make(diagnoses=["Z00.00", "I10"])),
    ("B5.unacceptable-principal", make(setting="inpatient", procedures=[], diagnoses=["Z00.00"]),
     make(diagnoses=["Z00.00"])),
    ("B1.excludes1", make(diagnoses=["E11.9", "E10.9"]), make(diagnoses=["E11.9", "I10"])),
    ("B2.code-first", make(diagnoses=["F02.80", "G30.9"]), make(diagnoses=["G30.9", "F02.80"])),
    ("B2.use-additional", make(diagnoses=["Z79.4", "E11.9"]), make(diagnoses=["E11.9", "Z79.4"])),
    ("B8.mce-age", make(diagnoses=["Z38.00"]), make(diagnoses=["Z38.00"], patient={"sex": "F", "birth_date": "2025-11-10"})),
    ("A5.procedure-valid", make(procedures=[line("00000")]), make()),
    ("A5.procedure-valid", make(procedures=[line("99999")]), make(procedures=[line("J1100")])),
    ("A7.pcs", make(pcs_procedures=["0DTJ4ZZ"]),
     make(setting="inpatient", procedures=[], diagnoses=["K35.80"], pcs_procedures=["0DTJ4ZZ"])),
    ("A7.pcs", make(setting="inpatient", procedures=[], pcs_procedures=["0DTI4ZZ"]),
     make(setting="inpatient", procedures=[], pcs_procedures=["0DTJ4ZZ"])),
    ("C1.ncci-ptp", make(procedures=[line("20610"), line("12001")]),
     make(procedures=[line("20610"), line("12001", ["XS"])])),
    ("C1.ncci-ptp", make(procedures=[line("99213"), line("92004")]), make(procedures=[line("99213")])),
    ("C6.add-on", make(procedures=[line("11045")]), make(procedures=[line("11042"), line("11045")])),
    ("D2.mue", make(procedures=[line("20610", units=3)]), make(procedures=[line("20610", units=2)])),
    ("D2.mue", make(procedures=[line("99396")]), make(payer="commercial", procedures=[line("99396")])),
    # a DME supplier's claim answers to the DME MUE and PTP tables, not the practitioner ones
    ("D2.mue", make(procedures=[line("99396")]),
     make(procedures=[line("99396")], facts={"provider_type": "dme_supplier"})),
    ("C1.ncci-ptp", make(procedures=[line("20610"), line("12001")]),
     make(procedures=[line("20610"), line("12001")], facts={"provider_type": "dme_supplier"})),
    ("D3.units", make(procedures=[line("99213", units=0)]), make()),
    ("E1.modifier-format", make(procedures=[line("20610", ["RT", "XS", "59", "76", "77"])]), make()),
    ("E1.modifier-format", make(procedures=[line("20610", ["ZZ"])]), make(procedures=[line("20610", ["RT"])])),
    ("E1.modifier-format", make(procedures=[line("20610", ["RT", "RT"])]), make(procedures=[line("20610", ["RT"])])),
    ("E2.modifier-25", make(procedures=[line("20610", ["25"])]),
     make(procedures=[line("99213", ["25"]), line("20610")], facts={"separately_identifiable_em": True})),
    ("E2.modifier-25", make(procedures=[line("99213", ["25"])], facts={"separately_identifiable_em": False}),
     make(procedures=[line("99213", ["25"])])),
    ("E3.modifier-57", make(procedures=[line("99214", ["57"])]),
     make(procedures=[line("99214", ["57"]), line("25600")], diagnoses=["S52.521A"])),
    ("E5.pc-tc", make(procedures=[line("99213", ["26"])]), make(procedures=[line("71046", ["26"])])),
    ("E5.pc-tc", make(procedures=[line("71046", ["26", "TC"])]), make(procedures=[line("71046", ["TC"])])),
    ("E6.bilateral", make(procedures=[line("20610", ["LT", "RT"])]), make(procedures=[line("20610", ["50"])])),
    ("E6.bilateral", make(procedures=[line("69210", ["50"])]), make(procedures=[line("69210")])),
    ("E6.bilateral", make(procedures=[line("20610", ["50"], units=2)]), make(procedures=[line("20610", ["50"])])),
    ("E7.modifier-51", make(procedures=[line("20610", ["51"])]),
     make(payer="commercial", procedures=[line("20610", ["51"])])),
    ("E8.distinct-service", make(procedures=[line("99213", ["59"])]), make(procedures=[line("20610", ["XS"])])),
    ("E8.distinct-service", make(procedures=[line("20610", ["59", "XS"])]), make(procedures=[line("20610", ["59"])])),
    ("E9.repeat", make(procedures=[line("99213", ["76"])]), make(procedures=[line("20610", ["76"])])),
    ("E10.liability", make(procedures=[line("20610", ["GA", "GZ"])]), make(procedures=[line("20610", ["GA"])])),
    ("F1.pointers", make(procedures=[line("99213", pointers=[5])]), make()),
    ("F1.pointers", make(procedures=[line("99213", pointers=[])]), make()),
    ("F0.diagnosis-required", make(diagnoses=[]), make()),
    ("B8.mce-sex", make(payer="commercial", diagnoses=["N40.0"]),
     make(payer="commercial", diagnoses=["N40.0"], patient={"sex": "M", "birth_date": "1960-05-01"})),
    ("B8.mce-sex", make(payer="medicaid", diagnoses=["N40.0"]), make(diagnoses=["N40.0"])),  # Medicare: ended
    ("B7.combination", make(diagnoses=["I10", "I50.22"]), make(diagnoses=["I11.0", "I50.22"])),
    ("B7.combination", make(diagnoses=["I10", "N18.31"]), make(diagnoses=["I12.9", "N18.31"])),
    ("B7.combination", make(diagnoses=["E11.9", "E11.65"]), make(diagnoses=["E11.65"])),
    ("E4.global-period", make(procedures=[line("99213")], facts={"prior_surgery": {"code": "27447", "date": "2025-10-20"}}),
     make(procedures=[line("99213", ["24"])], facts={"prior_surgery": {"code": "27447", "date": "2025-10-20"}})),
    ("E4.global-period", make(procedures=[line("20610")], facts={"prior_surgery": {"code": "27447", "date": "2025-10-20"}}),
     make(procedures=[line("99213")], facts={"prior_surgery": {"code": "27447", "date": "2025-01-20"}})),
]


@pytest.mark.parametrize("rule, fires, clean", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fires_and_does_not(codes_session, rule, fires, clean):
    assert fired(codes_session, fires, rule), f"{rule} should fire"
    assert not fired(codes_session, clean, rule), f"{rule} should not fire: {fired(codes_session, clean, rule)}"


def test_every_registered_rule_has_a_case():
    assert {r.id for r in RULES.values() if r.scope == "encounter"} == {c[0] for c in CASES}


def test_excludes1_unrelated_fact_downgrades_to_warning(codes_session):
    pair = make(diagnoses=["E11.9", "E10.9"])
    assert fired(codes_session, pair, "B1.excludes1")[0].severity == Severity.DENY
    pair["facts"] = {"unrelated": [["E11.9", "E10.9"]]}
    assert fired(codes_session, pair, "B1.excludes1")[0].severity == Severity.WARN


def test_ptp_modifier_indicator_0_cannot_be_bypassed(codes_session):
    findings = fired(codes_session, make(procedures=[line("99213"), line("92004", ["25"])]), "C1.ncci-ptp")
    assert findings and "modifier indicator 0" in findings[0].message and findings[0].line == 2


def test_ptp_em_column_two_needs_25_not_59(codes_session):
    with59 = make(procedures=[line("36415"), line("99211", ["59"])])
    with25 = make(procedures=[line("36415"), line("99211", ["25"])])
    assert fired(codes_session, with59, "C1.ncci-ptp")
    assert not fired(codes_session, with25, "C1.ncci-ptp")


def test_ptp_same_anatomic_modifier_proves_nothing(codes_session):
    same = make(procedures=[line("20610", ["RT"]), line("12001", ["RT"])])
    other = make(procedures=[line("20610", ["RT"]), line("12001", ["LT"])])
    assert fired(codes_session, same, "C1.ncci-ptp")
    assert not fired(codes_session, other, "C1.ncci-ptp")


def test_age_edit_is_a_denial_on_medicare_inpatient(codes_session):
    payload = make(setting="inpatient", procedures=[], diagnoses=["Z38.00"])
    assert fired(codes_session, payload, "B8.mce-age")[0].severity == Severity.DENY


def test_findings_come_sorted_by_severity(codes_session):
    findings = run(codes_session, make(diagnoses=["E11", "E11.9", "E11.9"], procedures=[line("20610", ["51"])]))
    order = [Severity.ORDER[f.severity] for f in findings]
    assert order == sorted(order) and len(findings) >= 3


@pytest.mark.parametrize("payload, message", [
    ([], "JSON object"),
    (make(date_of_service="June"), "not a date"),
    (make(setting="moon"), "setting"),
    (make(patient={"sex": "X", "birth_date": "1960-01-01"}), "sex"),
    (make(patient={"sex": "F", "birth_date": "2030-01-01"}), "after the date of service"),
    (make(diagnoses="E11.9"), "list"),
    (make(procedures=[{"code": "99213", "units": "many"}]), "whole number"),
    (make(procedures=[{"code": 5}]), "code"),
])
def test_malformed_input_gets_a_clear_error(payload, message):
    with pytest.raises(EncounterError, match=message):
        parse_encounter(payload)


codes = st.sampled_from(["E11.9", "E11", "I10", "Z00.00", "W19.XXXA", "S52.521A", "F02.80", "G30.9", "E10.9",
                         "XYZ", "", "Z38.00", "O80", "A41.9", "R65.20"])
proc = st.fixed_dictionaries({"code": st.sampled_from(["99213", "20610", "12001", "11045", "71046", "J1100", "0000"]),
                              "modifiers": st.lists(st.sampled_from(["25", "59", "XS", "RT", "LT", "50", "26", "TC",
                                                                     "GA", "GZ", "ZZ"]), max_size=5),
                              "units": st.integers(min_value=0, max_value=9),
                              "dx_pointers": st.lists(st.integers(min_value=1, max_value=14), max_size=5)})


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dx=st.lists(codes, max_size=8), procs=st.lists(proc, max_size=6),
       setting=st.sampled_from(["office", "inpatient", "ed"]))
def test_engine_never_crashes(codes_session, dx, procs, setting):
    payload = make(diagnoses=dx, procedures=procs, setting=setting)
    try:
        findings = run(codes_session, payload)
    except EncounterError as err:
        assert str(err)
    else:
        assert all(f.severity in Severity.ORDER and f.message and f.reference for f in findings)
