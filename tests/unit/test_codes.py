"""Code-set queries on the real, loaded code sets: validity by date, detail, search."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from trainer.codes import search as code_search
from trainer.codes.lookup import CodeNotFound, detail, is_valid, resolve, suggestions
from trainer.codes.normalize import BadInput, display, normalise, parse_date
from trainer.codes.tables import CodeSystem

CM = CodeSystem.ICD10CM
BEFORE_FY2026 = dt.date(2025, 6, 1)
IN_FY2026 = dt.date(2025, 10, 1)


def test_normalise_and_display():
    assert normalise(" s52.521a ") == "S52521A"
    assert display(CM, "S52521A") == "S52.521A"
    assert display(CM, "I10") == "I10"
    assert display(CodeSystem.CPT, "99213") == "99213"


@pytest.mark.parametrize("code, when, expected", [
    ("E11.A", BEFORE_FY2026, False),   # added 2025-10-01
    ("E11.A", IN_FY2026, True),
    ("E11.9", BEFORE_FY2026, True),
    ("S30.1XXA", BEFORE_FY2026, True),  # expanded into more specific codes on 2025-10-01
    ("S30.1XXA", IN_FY2026, False),
    ("E11", IN_FY2026, False),          # a category header is never reportable
    ("S52.521", IN_FY2026, False),      # needs its 7th character
    ("S52.521A", IN_FY2026, True),
    ("I10", IN_FY2026, True),           # a three-character code with no children
    ("E11.9", dt.date(2020, 1, 1), False),  # before any loaded release
])
def test_validity_on_date_of_service(codes_session, code, when, expected):
    assert is_valid(codes_session, CM, code, when) is expected


def test_other_systems_validity(codes_session):
    assert is_valid(codes_session, CodeSystem.ICD10PCS, "0DTJ4ZZ", IN_FY2026)
    assert is_valid(codes_session, CodeSystem.CPT, "99213", IN_FY2026)
    assert is_valid(codes_session, CodeSystem.HCPCS, "J1100", IN_FY2026)
    assert not is_valid(codes_session, CodeSystem.CPT, "00000", IN_FY2026)


def test_detail_has_hierarchy_notes_and_seventh_characters(codes_session):
    info = detail(codes_session, CM, "S52521", IN_FY2026)
    assert info["display"] == "S52.521" and info["billable"] is False and info["needs_seventh"] is True
    assert [a["display"] for a in info["hierarchy"]] == ["19", "S50-S59", "S52", "S52.5", "S52.52"]
    assert info["seventh_characters"]["A"] == "initial encounter for closed fracture"
    assert {c["display"] for c in info["children"]} >= {"S52.521A", "S52.521D", "S52.521S"}
    inherited = {(n["from_display"], n["kind"]) for n in info["inherited_notes"]}
    assert ("S52", "excludes1") in inherited and ("S52", "excludes2") in inherited


def test_detail_own_notes_code_first_and_use_additional(codes_session):
    e11 = detail(codes_session, CM, "E11", IN_FY2026)
    kinds = {n["kind"]: n["texts"] for n in e11["notes"]}
    assert any("Z79.4" in t for t in kinds["use_additional"])
    assert any("E10" in t for t in kinds["excludes1"])
    i214 = detail(codes_session, CM, "I214", IN_FY2026)
    terms = {n["kind"]: n["texts"] for n in i214["notes"]}["inclusion_term"]
    assert "Non-Q wave myocardial infarction NOS" in terms


def test_detail_versions_and_pcs_axes(codes_session):
    deleted = detail(codes_session, CM, "S301XXA", IN_FY2026)
    assert deleted["valid_on_date"] is False and deleted["effective_to"] == "2025-09-30"
    pcs = detail(codes_session, CodeSystem.ICD10PCS, "0DTJ4ZZ", IN_FY2026)
    axes = {a["name"]: a["meaning"] for a in pcs["pcs_axes"]}
    assert axes["Root Operation"].startswith("Resection") and axes["Body Part"] == "Appendix"
    assert axes["Approach"] == "Percutaneous Endoscopic"


def test_pcs_obstetrics_codes_have_composed_titles(codes_session):
    info = detail(codes_session, CodeSystem.ICD10PCS, "10D00Z1", IN_FY2026)
    assert info["description"] == "Extraction of Products of Conception, Low, Open Approach"
    assert info["pcs_axes"][0]["meaning"] == "Obstetrics" and info["valid_on_date"]


def test_resolve_guesses_the_system(codes_session):
    assert resolve(codes_session, "e11.9") == (CM, "E119")
    assert resolve(codes_session, "99213") == (CodeSystem.CPT, "99213")
    assert resolve(codes_session, "0DTJ4ZZ") == (CodeSystem.ICD10PCS, "0DTJ4ZZ")
    assert resolve(codes_session, "J1100") == (CodeSystem.HCPCS, "J1100")
    assert resolve(codes_session, "J11.00") == (CM, "J1100")  # the dot says ICD-10-CM
    with pytest.raises(CodeNotFound):
        resolve(codes_session, "E11.99")
    with pytest.raises(BadInput):
        resolve(codes_session, "")


def test_suggestions_for_unknown_code(codes_session):
    near = [s["display"] for s in suggestions(codes_session, CM, "E1199", IN_FY2026)]
    assert "E11.9" in near


def search(session, q, **kw):
    return code_search.search(session, q, kw.pop("system", None), kw.pop("when", IN_FY2026), kw.pop("limit", 25))


def test_search_by_code_prefix_with_or_without_dot(codes_session):
    with_dot = [h.code for h in search(codes_session, "S52.52").hits]
    without = [h.code for h in search(codes_session, "s5252").hits]
    assert with_dot == without and with_dot[0] == "S5252"  # the exact code ranks first
    assert all(c.startswith("S5252") for c in with_dot)


def test_search_ranks_exact_then_billable_before_headers(codes_session):
    hits = search(codes_session, "E11").hits
    assert hits[0].code == "E11"
    billable = [h.billable for h in hits[1:]]
    assert billable == sorted(billable, reverse=True)  # all billable codes come before any header


def test_search_words_in_any_order(codes_session):
    for q in ("fracture shaft radius left", "left radius shaft fracture"):
        top = search(codes_session, q).hits[0]
        assert top.system == CM and top.billable
        for word in ("fracture", "shaft", "left", "radius"):
            assert word in top.description.lower()


def test_search_abbreviation_and_inclusion_terms(codes_session):
    assert search(codes_session, "nstemi").hits[0].code == "I214"
    hit = next(h for h in search(codes_session, "non-q wave").hits if h.code == "I214")
    assert hit.matched and "Non-Q wave" in hit.matched


def test_search_filters_by_system_and_marks_validity(codes_session):
    hits = search(codes_session, "appendix resection", system=CodeSystem.ICD10PCS).hits
    assert hits and all(h.system == CodeSystem.ICD10PCS for h in hits)
    hit = search(codes_session, "E11.A", when=BEFORE_FY2026).hits[0]
    assert hit.code == "E11A" and hit.valid_on_date is False
    assert search(codes_session, "E11.A", when=IN_FY2026).hits[0].valid_on_date is True


def test_search_needs_seventh_flag(codes_session):
    hit = search(codes_session, "S52.521").hits[0]
    assert hit.code == "S52521" and hit.needs_seventh and not hit.billable


def test_search_while_typing_a_stopword_is_not_an_error(codes_session):
    assert search(codes_session, "in").total > 0


@pytest.mark.parametrize("q", ["", "   ", "x" * 300, "!!!"])
def test_search_rejects_bad_queries(codes_session, q):
    with pytest.raises(BadInput):
        search(codes_session, q)


def test_parse_date():
    assert parse_date("2025-06-01") == BEFORE_FY2026
    with pytest.raises(BadInput):
        parse_date("06/01/2025")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_search_never_crashes_on_any_text(codes_session, q):
    try:
        result = search(codes_session, q)
    except BadInput as err:
        assert str(err)
    else:
        assert result.total >= len(result.hits)
