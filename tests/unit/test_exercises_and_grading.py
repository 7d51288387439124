"""The exercise format, variants, validation of keys against the engine, and the grader."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from trainer.edits import EncounterError
from trainer.edits.data import EditData
from trainer.exercises import ExerciseError, load_exercise, load_tree
from trainer.exercises.validate import validate_tree
from trainer.grading import grade

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "exercises"
BUNDLED = Path(__file__).resolve().parent.parent.parent / "exercises"
KNEE = FIXTURES / "demo" / "fx-knee-injection.yaml"


def test_variants_fill_the_key_from_parameters():
    ex = load_exercise(KNEE)
    assert ex.variant_count == 2
    right, left = ex.key_answer(0), ex.key_answer(1)
    assert right["diagnoses"] == ["M17.11"] and right["procedures"][0]["modifiers"] == ["RT"]
    assert left["diagnoses"] == ["M17.12"] and left["procedures"][0]["modifiers"] == ["LT"]
    assert "left knee" in ex.variant(1)["documents"][0]["body"]
    with pytest.raises(IndexError):
        ex.variant(2)


@pytest.mark.parametrize("edit, field, message", [
    (lambda t: t.replace("kind: coding", "kind: quiz"), "kind", "not one of"),
    (lambda t: t.replace("difficulty: 1", "difficulty: hard"), "difficulty", "whole number"),
    (lambda t: t.replace("date_of_service: 2025-11-12", "date_of_service: soon"), "date_of_service", "date"),
    (lambda t: t.replace('  - {side: left, dx_char: "2", lt_rt: LT}\n', '  - {side: left, lt_rt: LT}\n'),
     "variants[1]", "dx_char"),
    (lambda t: t.replace("title:", "titel:"), "title", "required"),
    (lambda t: t + "extra_field: 1\n", "extra_field", "unknown field"),
    (lambda t: t.replace("documents:", "documents: [\n"), "(file)", "not valid YAML"),
])
def test_schema_errors_name_file_field_and_line(tmp_path, edit, field, message):
    bad = tmp_path / "fx-knee-injection.yaml"
    bad.write_text(edit(KNEE.read_text()))
    with pytest.raises(ExerciseError) as err:
        load_exercise(bad, tmp_path)
    problem = next(p for p in err.value.problems if p.field == field)
    assert message in problem.message and problem.path == "fx-knee-injection.yaml"
    assert problem.line is None or problem.line >= 1


def test_schema_error_reports_the_line(tmp_path):
    bad = tmp_path / "fx-knee-injection.yaml"
    bad.write_text(KNEE.read_text().replace("difficulty: 1", "difficulty: 7"))
    with pytest.raises(ExerciseError) as err:
        load_exercise(bad, tmp_path)
    assert "line 5" in str(err.value) and "difficulty" in str(err.value)


def test_file_name_must_match_id(tmp_path):
    bad = tmp_path / "other-name.yaml"
    bad.write_text(KNEE.read_text())
    with pytest.raises(ExerciseError, match="must be named fx-knee-injection.yaml"):
        load_exercise(bad, tmp_path)


def test_key_failing_the_engine_is_rejected(codes_session, tmp_path):
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "fx-knee-injection.yaml").write_text(KNEE.read_text().replace('"M17.1{{dx_char}}"', '"M17.1"'))
    good, problems = validate_tree(codes_session, tmp_path)
    assert good == [] and problems and "A1.dx-valid" in problems[0].message


def test_every_variant_of_the_fixture_validates(codes_session):
    good, problems = validate_tree(codes_session, FIXTURES)
    assert problems == [] and [e.id for e in good] == ["fx-knee-injection"]


def test_bundled_exercises_all_validate(codes_session):
    exercises, _ = load_tree(BUNDLED)
    good, problems = validate_tree(codes_session, BUNDLED)
    assert problems == [], "\n".join(map(str, problems))
    assert len(good) == len(exercises) >= 1


def _grade(codes_session, answer_changes, variant=0):
    ex = load_exercise(KNEE)
    key = ex.key_answer(variant)
    answer = copy.deepcopy(key)
    answer.update(answer_changes)
    return grade(ex.variant(variant), answer, EditData(codes_session), key)


def test_key_scores_the_maximum(codes_session):
    result = _grade(codes_session, {})
    assert result.score == result.max_score == 7.0 and result.findings == []
    assert {l.status for l in result.lines} == {"right"}


def test_wrong_modifier_is_partial_credit(codes_session):
    result = _grade(codes_session, {"procedures": [{"code": "20610", "modifiers": ["LT"], "units": 1,
                                                    "dx_pointers": [1]}]})
    assert result.score == 6.0
    finding = next(f for f in result.findings if f.rule == "grade.modifier")
    assert (finding.expected, finding.given, finding.points) == ("RT", "LT", 1.0)


def test_specificity_and_sequencing_and_overcoding(codes_session):
    result = _grade(codes_session, {"diagnoses": ["I10", "M17.10"]})
    rules = {f.rule: f for f in result.findings}
    assert rules["grade.dx-specificity"].expected == "M17.11" and rules["grade.dx-specificity"].given == "M17.10"
    assert "grade.sequencing" in rules and "grade.dx-extra" in rules
    # the pointer now targets I10, so the line loses its pointer credit too
    assert result.score < result.max_score


def test_missing_and_extra_procedures(codes_session):
    result = _grade(codes_session, {"procedures": [{"code": "J1100", "units": 4, "dx_pointers": [1]}]})
    rules = {f.rule for f in result.findings}
    assert "grade.proc-missing" in rules and "grade.proc-extra" in rules
    line_status = {l.status for l in result.lines if l.kind == "procedure"}
    assert line_status == {"missing", "extra"}


def test_engine_findings_cost_points_only_when_the_key_has_none(codes_session):
    result = _grade(codes_session, {"procedures": [{"code": "20610", "modifiers": ["RT"], "units": 3,
                                                    "dx_pointers": [1]}]})
    edit = [f for f in result.findings if f.rule.startswith("edit.")]
    assert edit and edit[0].rule == "edit.D2.mue" and edit[0].points == 0.5
    assert any(f.rule == "D2.mue" for f in result.engine)


def test_score_never_below_zero(codes_session):
    result = _grade(codes_session, {"diagnoses": ["I10", "E11.9", "J45.909", "K21.9"], "procedures": []})
    assert result.score == 0.0


answers = st.fixed_dictionaries({
    "diagnoses": st.lists(st.sampled_from(["M17.11", "M17.12", "M17.1", "I10", "", "xx", "W19.XXXA"]), max_size=5),
    "procedures": st.lists(st.fixed_dictionaries({
        "code": st.sampled_from(["20610", "20611", "99213", "J1100"]),
        "modifiers": st.lists(st.sampled_from(["RT", "LT", "50", "25", "XS"]), max_size=4),
        "units": st.integers(min_value=1, max_value=5),
        "dx_pointers": st.lists(st.integers(min_value=1, max_value=6), max_size=4)}), max_size=4)})


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answer=answers)
def test_grader_never_crashes_and_stays_in_range(codes_session, answer):
    try:
        result = _grade(codes_session, answer)
    except EncounterError as err:
        assert str(err)
    else:
        assert 0 <= result.score <= result.max_score
        assert all(f.rule and f.message and f.reference for f in result.findings)


def test_ms_drg_grouping_names_the_cc_and_mcc():
    import datetime as dt

    from trainer.grading.drg import group, version_for

    assert version_for(dt.date(2025, 11, 1)) == "v43" and version_for(dt.date(2026, 5, 1)) == "v43.1"
    sepsis = group(["A41.9", "J96.01", "N17.9"], [], "M", dt.date(2025, 11, 1))
    assert sepsis["drg"] == "871" and "with MCC" in sepsis["description"]
    assert {"code": "J9601", "level": "MCC"} in sepsis["drivers"]
    plain = group(["A41.9"], [], "M", dt.date(2025, 11, 1))
    assert plain["drg"] == "872" and plain["drivers"] == []


def test_inpatient_grading_groups_key_and_answer(codes_session):
    ex = load_exercise(BUNDLED / "inpatient" / "ip-hf-htn-ckd-acute-on-chronic.yaml")
    key = ex.key_answer(0)
    weaker = dict(key, diagnoses=[c for c in key["diagnoses"] if not c.startswith("I50")])
    result = grade(ex.variant(0), weaker, EditData(codes_session), key)
    assert result.drg["key"]["drg"] != result.drg["answer"]["drg"]
    assert any(d["level"] == "MCC" for d in result.drg["key"]["drivers"])


def test_reimport_updates_in_place_and_withdraws_removed_files(codes_session, tmp_path):
    from sqlalchemy import select

    from trainer.exercises.store import import_exercises
    from trainer.models import Attempt, ExerciseRecord, School, User

    folder = tmp_path / "demo"
    folder.mkdir()
    target = folder / "fx-knee-injection.yaml"
    target.write_text(KNEE.read_text())
    first = import_exercises(codes_session, tmp_path)
    assert (first.created, first.problems) == (1, [])
    school = School(name="S", slug="s")
    codes_session.add(school)
    codes_session.flush()
    user = User(name="L", email="l@s.example", role="learner", school_id=school.id, password_hash="x")
    codes_session.add(user)
    codes_session.flush()
    codes_session.add(Attempt(user_id=user.id, exercise_id="fx-knee-injection", variant=0, answer={}))
    codes_session.commit()

    target.write_text(KNEE.read_text().replace("Test fixture: knee", "Test fixture (revised): knee"))
    second = import_exercises(codes_session, tmp_path)
    assert (second.created, second.updated) == (0, 1)
    record = codes_session.get(ExerciseRecord, "fx-knee-injection")
    assert record.title.startswith("Test fixture (revised)")
    assert codes_session.execute(select(Attempt).where(Attempt.exercise_id == record.id)).scalar_one()

    target.write_text(KNEE.read_text().replace('"M17.1{{dx_char}}"', '"M17.1"'))  # a key that fails
    third = import_exercises(codes_session, tmp_path)
    assert third.problems and codes_session.get(ExerciseRecord, "fx-knee-injection").active  # old version stays

    target.unlink()
    fourth = import_exercises(codes_session, tmp_path)
    assert fourth.deactivated == 1 and not codes_session.get(ExerciseRecord, "fx-knee-injection").active
    assert import_exercises(codes_session, tmp_path).changed is False


def test_present_on_admission_indicators_are_graded(codes_session):
    ex = load_exercise(BUNDLED / "inpatient" / "ip-appendicitis-lap-appendectomy.yaml")
    key = ex.key_answer(0)
    assert key["poa"] and len(key["poa"]) == len(key["diagnoses"])
    perfect = grade(ex.variant(0), key, EditData(codes_session), key)
    assert perfect.score == perfect.max_score
    wrong = dict(key, poa=["N" if key["poa"][0] != "N" else "Y"] + key["poa"][1:])
    result = grade(ex.variant(0), wrong, EditData(codes_session), key)
    poa = [f for f in result.findings if f.rule == "grade.poa"]
    assert len(poa) == 1 and poa[0].points == 0.5 and result.score == result.max_score - 0.5


def test_clean_answer_keeps_poa_with_its_diagnosis():
    from trainer.practice.operations import AnswerError, clean_answer

    answer = clean_answer({"diagnoses": ["K35.80", "", "E11.9"], "poa": ["Y", "", "1"]})
    assert answer["diagnoses"] == ["K3580", "E119"] and answer["poa"] == ["Y", "1"]
    with pytest.raises(AnswerError, match="present-on-admission"):
        clean_answer({"diagnoses": ["K35.80"], "poa": ["maybe"]})


def test_no_bundled_variant_leaves_a_placeholder_unfilled():
    import yaml as _yaml

    exercises, _ = load_tree(BUNDLED)
    for ex in exercises:
        for n in range(ex.variant_count):
            text = _yaml.safe_dump(ex.variant(n), allow_unicode=True)
            assert "{{" not in text, f"{ex.id} variant {n} still has a placeholder"


def test_unspecified_code_gets_a_pointed_explanation(codes_session):
    result = _grade(codes_session, {"diagnoses": ["M17.10"]})
    finding = next(f for f in result.findings if f.rule == "grade.dx-specificity")
    assert "unspecified code is not the right choice" in finding.message and "I.B.18" in finding.message
    other = _grade(codes_session, {"diagnoses": ["M17.0"]})
    plain = next(f for f in other.findings if f.rule == "grade.dx-specificity")
    assert "unspecified" not in plain.message
    # and the engine, told by the grader what the record documents, warns as a payer's editor would
    b9 = next(f for f in result.engine if f.rule == "B9.unspecified")
    assert b9.severity == "warn" and "M17.10" in b9.message
