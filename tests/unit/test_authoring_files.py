"""The editor's fields and the file format; re-grading when `trainer setup` re-imports a changed key."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from trainer.authoring.yamlfile import form_field, from_data, to_source
from trainer.exercises import load_tree
from trainer.exercises.format import parse_exercise

ROOT = Path(__file__).resolve().parents[2]
KNEE = ROOT / "tests" / "fixtures" / "exercises" / "demo" / "fx-knee-injection.yaml"


def _same(a: dict, b: dict) -> bool:
    for data in (a, b):  # an empty list and a missing one mean the same
        for k in ("procedures", "pcs_procedures"):
            if data["key"].get(k) == []:
                data["key"].pop(k)
        for doc in data["documents"]:
            doc["body"] = doc["body"].strip()
    return a == b


def test_every_bundled_exercise_survives_the_editor():
    """Opening a bundled exercise in the editor and saving it writes the same exercise."""
    exercises, problems = load_tree(ROOT / "exercises")
    assert problems == [] and len(exercises) >= 140
    for ex in exercises:
        text, errors = to_source(from_data(ex.data, ex.area))
        assert errors == {}
        assert _same(yaml.safe_load(text), yaml.safe_load(ex.text)), ex.id
        again = parse_exercise(text.encode(), f"{ex.area}/{ex.id}.yaml", ex.id, ex.area)  # passes the file checks
        assert again.variant_count == ex.variant_count


def test_editor_fields_become_the_file_format():
    text, errors = to_source({
        "id": "x-test", "title": "T", "kind": "coding", "setting": "office", "difficulty": "2",
        "date_of_service": "2026-01-05", "payer": "medicare", "patient_name": "P", "patient_sex": "F",
        "patient_birth_date": "1960-02-03", "tags_topics": "one\n\ntwo ",
        "documents": [{"type": "other", "title": "Note", "body": "Line one\r\nLine two"}, {"title": "", "body": " "}],
        "diagnoses": [{"code": "E11.9", "rationale": "R", "poa": "Y", "alternatives": "E11.8  E11.69",
                       "optional": False}, {"code": "", "rationale": ""}],
        "procedures": [{"code": "99213", "modifiers": "25 lt", "units": "", "dx_pointers": "A, b",
                        "rationale": "R2", "optional": True}],
        "facts": "separately_identifiable_em: true", "references": "Ref 1\nRef 2"})
    data = yaml.safe_load(text)
    assert errors == {}
    assert data["documents"] == [{"type": "other", "title": "Note", "body": "Line one\nLine two\n"}]
    assert data["key"]["diagnoses"] == [{"code": "E11.9", "rationale": "R", "alternatives": ["E11.8", "E11.69"]}]
    assert data["key"]["procedures"] == [{"code": "99213", "modifiers": ["25", "LT"], "units": 1,
                                          "dx_pointers": [1, 2], "rationale": "R2", "optional": True}]
    assert data["facts"] == {"separately_identifiable_em": True} and data["references"] == ["Ref 1", "Ref 2"]
    assert data["tags"]["topics"] == ["one", "two"] and str(data["date_of_service"]) == "2026-01-05"


def test_facts_that_are_not_yaml_are_reported_on_their_field():
    _, errors = to_source({"facts": "a: [unclosed", "documents": [], "diagnoses": []})
    assert list(errors) == ["facts"]


@pytest.mark.parametrize("field, message, expected", [
    ("patient.birth_date", "", "patient_birth_date"),
    ("documents[2].body", "", "documents-2-body"),
    ("key.diagnoses[1].code", "", "diagnoses-1-code"),
    ("key.procedures[0].units (variant 1)", "", "procedures-0-units"),
    ("key.pcs_procedures[3]", "", "pcs-3-code"),
    ("tags.cca", "", "tags_cca"),
    ("key", "N1 line 2: something", "procedures-1-code"),
    ("key (variant 0)", "X: no line", "key"),
    ("title", "", "title"),
    ("(file)", "", ""),
])
def test_validation_paths_map_to_editor_fields(field, message, expected):
    assert form_field(field, message) == expected


def test_setup_reimport_of_a_changed_key_regrades(codes_session, tmp_path):
    from trainer.exercises.store import exercise_of, import_exercises
    from trainer.models import Attempt, ExerciseRecord, RegradeLog, School, User
    from trainer.practice.operations import submit

    folder = tmp_path / "demo"
    folder.mkdir()
    target = folder / "fx-knee-regrade.yaml"
    text = KNEE.read_text().replace("id: fx-knee-injection", "id: fx-knee-regrade")
    target.write_text(text)
    assert import_exercises(codes_session, tmp_path).created == 1
    school = School(name="Regrade school", slug="regrade-school")
    codes_session.add(school)
    codes_session.flush()
    user = User(name="L", email="regrade@s.example", role="learner", school_id=school.id, password_hash="x")
    codes_session.add(user)
    codes_session.flush()
    # variant 0 is the right knee (M17.11, RT); this learner coded the left knee
    attempt = Attempt(user_id=user.id, exercise_id="fx-knee-regrade", variant=0, answer={})
    codes_session.add(attempt)
    codes_session.commit()
    submit(codes_session, user, attempt, {"diagnoses": ["M17.12"], "procedures": [
        {"code": "20610", "modifiers": "LT", "units": "1", "dx_pointers": "A"}]})
    before = attempt.score
    assert before < attempt.max_score

    # a change to the chart text only re-grades nothing
    target.write_text(text.replace("with corticosteroid", "with triamcinolone"))
    report = import_exercises(codes_session, tmp_path)
    assert report.updated == 1 and report.regraded == 0

    # variant 0 now describes the left knee: the same answer earns full marks
    old_checksum = codes_session.get(ExerciseRecord, "fx-knee-regrade").checksum
    target.write_text(text.replace('{side: right, dx_char: "1", lt_rt: RT}', '{side: left, dx_char: "2", lt_rt: LT}', 1))
    report = import_exercises(codes_session, tmp_path)
    assert report.updated == 1 and report.regraded == 1
    codes_session.refresh(attempt)
    assert attempt.score == attempt.max_score > before
    log = codes_session.execute(select(RegradeLog).where(RegradeLog.attempt_id == attempt.id)).scalar_one()
    record = codes_session.get(ExerciseRecord, "fx-knee-regrade")
    assert (log.old_score, log.new_score, log.trigger) == (before, attempt.score, "setup")
    assert (log.old_checksum, log.new_checksum) == (old_checksum, record.checksum)
    assert exercise_of(record).variant(0)["key"]["diagnoses"][0]["code"] == "M17.12"
    target.unlink()  # leave no active bundled exercise behind in the shared database
    assert import_exercises(codes_session, tmp_path).deactivated == 1


def test_setup_never_touches_school_exercises(codes_session, tmp_path):
    from trainer.exercises.store import import_exercises
    from trainer.models import ExerciseRecord, School

    school = School(name="Owner school", slug="owner-school")
    codes_session.add(school)
    codes_session.flush()
    source = KNEE.read_text()
    codes_session.add(ExerciseRecord(id=f"{school.id}.fx-knee-injection", title="Mine", kind="coding",
                                     area="surgery", setting="office", difficulty=1, tags={}, variant_count=2,
                                     source=source, path="surgery/fx-knee-injection.yaml", checksum="c",
                                     owner_school_id=school.id))
    codes_session.commit()
    (tmp_path / "empty").mkdir()
    import_exercises(codes_session, tmp_path / "empty")  # as if every bundled file had gone
    mine = codes_session.get(ExerciseRecord, f"{school.id}.fx-knee-injection")
    assert mine.active and mine.owner_school_id == school.id
    mine.active = False
    codes_session.commit()
