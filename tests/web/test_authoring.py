"""The exercise editor, school-owned exercises, import/export and re-grading."""
from __future__ import annotations

import io
import re
import zipfile

import pytest
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import Attempt, ExerciseRecord, RegradeLog, Role, School

from .conftest import _counter, csrf_from
from .conftest import login as _login


def login(client, email: str):
    """Sign in as someone else on the same client (forget the previous session first)."""
    client.delete_cookie("session")
    response = _login(client, email)
    assert response.status_code == 302
    return response

KNEE = """id: {id}
title: "Knee injection, {side} knee"
kind: coding
tags: {{cpc: ["Surgery: Musculoskeletal"], icd_chapter: ["13"], cca: [], topics: ["laterality"]}}
difficulty: 1
setting: office
date_of_service: 2025-11-12
payer: medicare
patient: {{name: "Test Patient", sex: M, birth_date: 1950-01-01}}
documents:
  - type: procedure_note
    title: "Procedure note"
    body: |
      **Assessment:** Primary osteoarthritis of the {side} knee.
      **Procedure:** Injected the {side} knee joint with corticosteroid.
key:
  diagnoses:
    - code: "{dx}"
      rationale: "Unilateral primary osteoarthritis of the {side} knee."
  procedures:
    - code: "20610"
      modifiers: ["{mod}"]
      units: 1
      dx_pointers: [1]
      rationale: "Major joint injection without ultrasound guidance."
"""


def knee(file_id: str, side: str = "right", dx: str | None = None) -> str:
    mod = "RT" if side == "right" else "LT"
    return KNEE.format(id=file_id, side=side, dx=dx or ("M17.11" if side == "right" else "M17.12"), mod=mod)


def editor_form(file_id: str, dx: str = "M17.11", action: str = "publish", **over) -> dict:
    form = {
        "id": file_id, "title": "Knee injection from the editor", "kind": "coding", "area": "surgery",
        "setting": "office", "difficulty": "1", "date_of_service": "2025-11-12", "payer": "medicare",
        "patient_name": "Test Patient", "patient_sex": "M", "patient_birth_date": "1950-01-01",
        "tags_cpc": "Surgery: Musculoskeletal", "tags_icd_chapter": "13", "tags_topics": "laterality",
        "documents-0-type": "procedure_note", "documents-0-title": "Procedure note",
        "documents-0-body": "**Assessment:** Primary osteoarthritis of the right knee.\n**Procedure:** Injected it.",
        "diagnoses-0-code": dx, "diagnoses-0-poa": "", "diagnoses-0-rationale": "Right knee, primary.",
        "procedures-0-code": "20610", "procedures-0-modifiers": "RT", "procedures-0-units": "1",
        "procedures-0-dx_pointers": "A", "procedures-0-rationale": "Major joint injection.",
        "action": action,
    }
    form.update(over)
    return form


@pytest.fixture()
def other_school(app):
    n = next(_counter)
    school = School(name=f"Other School {n}", slug=f"other-school-{n}")
    db.session.add(school)
    db.session.commit()
    return school


def post_form(client, url: str, data: dict, **kw):
    token = csrf_from(client.get("/authoring/new").get_data(as_text=True))
    return client.post(url, data=dict(data, csrf_token=token), **kw)


def zip_of(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def upload(client, name: str, raw: bytes, area: str = "surgery"):
    return post_form(client, "/authoring/import", {"file": (io.BytesIO(raw), name), "area": area},
                     content_type="multipart/form-data")


def submit_answer(client, exercise_id: str, dx: str, mod: str) -> Attempt:
    html = client.get(f"/practice/{exercise_id}").get_data(as_text=True)
    attempt_id = int(re.search(r"/practice/attempts/(\d+)/submit", html).group(1))
    response = client.post(f"/practice/attempts/{attempt_id}/submit", data={
        "csrf_token": csrf_from(html), "dx": [dx], "line-1-code": "20610", "line-1-mods": mod, "line-1-units": "1",
        "line-1-ptr": "A"})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return db.session.get(Attempt, attempt_id)


# ── Permissions ──────────────────────────────────────────────────────────────────────────────

def test_learners_cannot_reach_the_editor(client, make_user):
    login(client, make_user(Role.LEARNER).email)
    for url in ("/authoring", "/authoring/new", "/authoring/import", "/authoring/export.zip"):
        assert client.get(url).status_code == 403, url
    token = csrf_from(client.get("/auth/password").get_data(as_text=True))
    assert client.post("/authoring/preview", data={"csrf_token": token, "body": "x"}).status_code == 403


def test_school_exercises_stay_inside_their_school(client, make_user, school, other_school):
    instructor = make_user(Role.INSTRUCTOR)
    login(client, instructor.email)
    response = post_form(client, "/authoring/new", editor_form("knee-editor-visible"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    rid = f"{school.id}.knee-editor-visible"
    record = db.session.get(ExerciseRecord, rid)
    assert record.owner_school_id == school.id and record.author_id == instructor.id and not record.draft

    login(client, make_user(Role.LEARNER).email)  # a learner of the same school sees and opens it
    assert "Knee injection from the editor" in client.get("/practice").get_data(as_text=True)
    assert client.get(f"/practice/{rid}").status_code == 200

    login(client, make_user(Role.LEARNER, school_obj=other_school).email)  # another school's learner: never
    assert "Knee injection from the editor" not in client.get("/practice").get_data(as_text=True)
    assert client.get(f"/practice/{rid}").status_code == 404
    assert client.get(f"/claims/{rid}").status_code == 404

    login(client, make_user(Role.INSTRUCTOR, school_obj=other_school).email)  # nor its instructors
    for url in (f"/authoring/{rid}", f"/authoring/{rid}/edit", f"/authoring/{rid}/export",
                f"/authoring/new?from={rid}"):
        assert client.get(url).status_code == 404, url
    assert "Knee injection from the editor" not in client.get("/authoring").get_data(as_text=True)
    assert zipfile.ZipFile(io.BytesIO(client.get("/authoring/export.zip").data)).namelist() == []
    assert post_form(client, f"/authoring/{rid}/edit", editor_form("knee-editor-visible")).status_code == 404


def test_two_schools_may_use_the_same_file_id(client, make_user, school, other_school):
    for s in (school, other_school):
        login(client, make_user(Role.INSTRUCTOR, school_obj=s).email)
        assert post_form(client, "/authoring/new", editor_form("knee-shared-id")).status_code == 302
    assert {r.owner_school_id for r in db.session.execute(select(ExerciseRecord).where(
        ExerciseRecord.id.like("%.knee-shared-id"))).scalars()} == {school.id, other_school.id}


# ── The editor ───────────────────────────────────────────────────────────────────────────────

def test_a_key_the_engine_rejects_is_a_draft_never_published(client, make_user):
    login(client, make_user(Role.INSTRUCTOR).email)
    # M17.1 is a header code, not a valid code to report: the engine rejects it
    response = post_form(client, "/authoring/new", editor_form("knee-bad-key", dx="M17.1"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Not published" in html
    assert re.search(r'id="diagnoses-0-code-error"', html), "the finding sits next to the diagnosis code"
    assert db.session.execute(select(ExerciseRecord).where(ExerciseRecord.id.like("%.knee-bad-key"))).first() is None

    response = post_form(client, "/authoring/new", editor_form("knee-bad-key", dx="M17.1", action="draft"))
    assert response.status_code == 302
    record = db.session.execute(select(ExerciseRecord).where(ExerciseRecord.id.like("%.knee-bad-key"))).scalar_one()
    assert record.draft
    assert "Draft" in client.get(f"/authoring/{record.id}").get_data(as_text=True)
    login(client, make_user(Role.LEARNER).email)
    assert client.get(f"/practice/{record.id}").status_code == 404
    assert "knee-bad-key" not in client.get("/practice").get_data(as_text=True)


def test_schema_errors_are_shown_beside_their_fields(client, make_user):
    login(client, make_user(Role.INSTRUCTOR).email)
    response = post_form(client, "/authoring/new", editor_form(
        "knee-bad-fields", action="draft", patient_birth_date="1950-13-40", **{"procedures-0-units": "two"}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="patient_birth_date-error"' in html and 'id="procedures-0-units-error"' in html
    assert 'href="#procedures-0-units"' in html  # the summary links to the field
    assert db.session.execute(select(ExerciseRecord).where(ExerciseRecord.id.like("%.knee-bad-fields"))).first() is None


def test_rows_are_added_moved_and_removed_without_javascript(client, make_user):
    login(client, make_user(Role.INSTRUCTOR).email)
    form = editor_form("knee-rows", action="add:documents")
    html = post_form(client, "/authoring/new", form).get_data(as_text=True)
    assert 'name="documents-1-body"' in html and 'name="documents-2-body"' not in html
    form.update({"documents-1-type": "other", "documents-1-title": "Second", "documents-1-body": "Later text",
                 "action": "up:documents:1"})
    html = post_form(client, "/authoring/new", form).get_data(as_text=True)
    assert re.search(r'name="documents-0-title"[^>]*value="Second"', html)
    form["action"] = "remove:procedures:0"
    html = post_form(client, "/authoring/new", form).get_data(as_text=True)
    assert 'name="procedures-0-code"' not in html


def test_preview_is_sanitized(client, make_user):
    login(client, make_user(Role.INSTRUCTOR).email)
    token = csrf_from(client.get("/authoring/new").get_data(as_text=True))
    response = client.post("/authoring/preview", data={"csrf_token": token, "body": (
        "**HPI:** ok <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))")})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<strong>HPI:</strong>" in html
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert client.post("/authoring/preview", data={"body": "x"}).status_code == 400  # CSRF still applies


def test_duplicate_a_bundled_exercise_as_a_starting_point(client, make_user):
    login(client, make_user(Role.INSTRUCTOR).email)
    html = client.get("/authoring/new?from=fx-knee-injection").get_data(as_text=True)
    assert 'value="fx-knee-injection-copy"' in html and "{{lt_rt}}" in html  # variants kept as written


# ── Import and export ────────────────────────────────────────────────────────────────────────

def test_import_export_round_trip(client, make_user, school):
    login(client, make_user(Role.INSTRUCTOR).email)
    files = {"surgery/knee-rt-import.yaml": knee("knee-rt-import"),
             "radiology/knee-lt-import.yaml": knee("knee-lt-import", "left")}
    response = upload(client, "bundle.zip", zip_of(files))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    left = db.session.get(ExerciseRecord, f"{school.id}.knee-lt-import")
    assert left.area == "radiology" and left.source == files["radiology/knee-lt-import.yaml"]

    exported = client.get("/authoring/export.zip")
    archive = zipfile.ZipFile(io.BytesIO(exported.data))
    assert {n: archive.read(n).decode() for n in files} == files  # byte for byte
    single = client.get(f"/authoring/{left.id}/export")
    assert single.get_data(as_text=True) == files["radiology/knee-lt-import.yaml"]
    assert 'filename="knee-lt-import.yaml"' in single.headers["Content-Disposition"]

    checksum = left.checksum
    assert upload(client, "again.zip", exported.data).status_code == 302  # re-import: unchanged
    db.session.refresh(left)
    assert left.checksum == checksum
    assert "0 new, 0 updated, 2 unchanged" in client.get("/authoring").get_data(as_text=True)
    single_again = upload(client, "knee-lt-import.yaml", single.data, area="radiology")
    assert single_again.status_code == 302
    assert "0 new, 0 updated, 1 unchanged" in client.get("/authoring").get_data(as_text=True)


def test_import_is_all_or_nothing_with_errors_per_file(client, make_user, school):
    login(client, make_user(Role.INSTRUCTOR).email)
    bad_key = knee("knee-bad-import", dx="M17.1")
    response = upload(client, "mixed.zip", zip_of({
        "surgery/knee-good-import.yaml": knee("knee-good-import"),
        "surgery/knee-bad-import.yaml": bad_key,
        "surgery/wrong-name.yaml": knee("knee-named-otherwise"),
        "surgery/broken.yaml": "id: [unclosed\n"}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nothing was imported" in html
    for name in ("knee-bad-import.yaml", "wrong-name.yaml", "broken.yaml"):
        assert name in html
    assert "knee-good-import.yaml" not in html.split("Nothing was imported")[1].split("</ul>")[0]
    assert db.session.get(ExerciseRecord, f"{school.id}.knee-good-import") is None


def test_import_limits(client, make_user, monkeypatch):
    from trainer.authoring import service

    login(client, make_user(Role.INSTRUCTOR).email)
    assert "upload one exercise file" in upload(client, "notes.txt", b"hello").get_data(as_text=True)
    assert "not a readable zip" in upload(client, "bad.zip", b"not a zip").get_data(as_text=True)
    monkeypatch.setattr(service, "MAX_FILES", 1)
    html = upload(client, "two.zip", zip_of({"a/x-one.yaml": knee("x-one"), "a/x-two.yaml": knee("x-two")})
                  ).get_data(as_text=True)
    assert "at most 1 at a time" in html


# ── Re-grading ───────────────────────────────────────────────────────────────────────────────

def test_editing_the_key_regrades_submitted_attempts(client, make_user, school):
    instructor, learner = make_user(Role.INSTRUCTOR), make_user(Role.LEARNER)
    login(client, instructor.email)
    assert post_form(client, "/authoring/new", editor_form("knee-regrade")).status_code == 302
    rid = f"{school.id}.knee-regrade"
    login(client, learner.email)
    attempt = submit_answer(client, rid, "M17.12", "LT")  # the left knee: wrong for the right-knee key
    old_score, max_score = attempt.score, attempt.max_score
    assert old_score < max_score

    login(client, instructor.email)
    left = editor_form("knee-regrade", dx="M17.12", **{"procedures-0-modifiers": "LT"})
    response = post_form(client, f"/authoring/{rid}/edit", left)
    assert response.status_code == 302
    db.session.refresh(attempt)
    assert attempt.score == attempt.max_score > old_score  # the answer now matches the key
    log = db.session.execute(select(RegradeLog).where(RegradeLog.attempt_id == attempt.id)).scalar_one()
    assert (log.old_score, log.new_score, log.trigger, log.triggered_by_id) == (old_score, attempt.score, "editor",
                                                                                instructor.id)
    assert log.old_checksum != log.new_checksum
    page = client.get(f"/authoring/{rid}").get_data(as_text=True)
    assert "Re-grading log" in page and learner.name in page and f"#{attempt.id}" in page

    # a change that does not touch grading (a title) re-grades nothing
    assert post_form(client, f"/authoring/{rid}/edit", dict(left, title="Renamed")).status_code == 302
    assert len(db.session.execute(select(RegradeLog).where(RegradeLog.exercise_id == rid)).all()) == 1

    # and back: the same attempt loses the points again
    assert post_form(client, f"/authoring/{rid}/edit", editor_form("knee-regrade")).status_code == 302
    db.session.refresh(attempt)
    assert attempt.score == old_score


def test_reimporting_a_changed_file_regrades(client, make_user, school):
    instructor, learner = make_user(Role.INSTRUCTOR), make_user(Role.LEARNER)
    login(client, instructor.email)
    assert upload(client, "knee-reimport.yaml", knee("knee-reimport", "left").encode()).status_code == 302
    rid = f"{school.id}.knee-reimport"
    login(client, learner.email)
    attempt = submit_answer(client, rid, "M17.11", "RT")
    before = attempt.score
    login(client, instructor.email)
    assert upload(client, "knee-reimport.yaml", knee("knee-reimport", "right").encode()).status_code == 302
    db.session.refresh(attempt)
    assert attempt.score > before and attempt.score == attempt.max_score
    log = db.session.execute(select(RegradeLog).where(RegradeLog.attempt_id == attempt.id)).scalar_one()
    assert log.trigger == "import"
