"""The question editor: school-owned questions, validation by field, draws, import/export, re-scoring."""
from __future__ import annotations

import io
import zipfile

from sqlalchemy import select

from trainer.cli_paths import BLUEPRINTS_DIR, QUESTIONS_DIR
from trainer.exams import sittings as ops
from trainer.exams.store import import_bank, pool_sections
from trainer.extensions import db
from trainer.models import ExamItem, ExamSitting, QuestionRecord, QuestionRescoreLog, Role

from .test_authoring import login, other_school, post_form, zip_of  # noqa: F401  (other_school: a fixture)
from .test_exams import quiz

FILE = """topic: Our school's diabetes questions
items:
  - id: {id}
    exams: [cpc]
    section: anatomy
    stem: |
      A patient with type 2 diabetes has **hyperglycemia**. Which code?
    options: {{A: "E11.65", B: "E11.9", C: "I10", D: "Z79.84"}}
    answer: {answer}
    rationale: |
      The combination code for type 2 diabetes with hyperglycemia.
    code_set_year: FY2026
"""


def qfile(file_id: str, answer: str = "A") -> str:
    return FILE.format(id=file_id, answer=answer)


def editor_form(file_id: str, action: str = "publish", **over) -> dict:
    form = {"id": file_id, "topic": "Our school's diabetes questions", "exam_cpc": "y", "section_cpc": "anatomy",
            "stem": "A patient with type 2 diabetes has **hyperglycemia**. Which code?",
            "option_a": "E11.65", "option_b": "E11.9", "option_c": "I10", "option_d": "Z79.84", "answer": "A",
            "rationale": "The combination code for type 2 diabetes with hyperglycemia.", "code_set_year": "FY2026",
            "tags": "diabetes, combination codes", "action": action}
    form.update(over)
    return {k: v for k, v in form.items() if v is not None}


def publish(client, file_id: str, **over):
    return post_form(client, "/authoring/questions/new", editor_form(file_id, **over))


def upload(client, name: str, raw: bytes):
    return post_form(client, "/authoring/questions/import", {"file": (io.BytesIO(raw), name)},
                     content_type="multipart/form-data")


# ── Permissions ──────────────────────────────────────────────────────────────────────────────

def test_learners_cannot_reach_the_question_editor(client, make_user, school):
    login(client, make_user(Role.LEARNER).email)
    for url in ("/authoring/questions", "/authoring/questions/new", "/authoring/questions/import",
                "/authoring/questions/export.zip", f"/authoring/questions/{school.id}.q-anything",
                f"/authoring/questions/{school.id}.q-anything/edit"):
        assert client.get(url).status_code == 403, url


def test_a_schools_questions_stay_inside_the_school(client, make_user, school, other_school):
    instructor = make_user(Role.INSTRUCTOR)
    login(client, instructor.email)
    response = publish(client, "q-ours-visible")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    rid = f"{school.id}.q-ours-visible"
    record = db.session.get(QuestionRecord, rid)
    assert (record.owner_school_id, record.author_id, record.draft) == (school.id, instructor.id, False)
    assert record.sections == {"cpc": "anatomy"} and record.tags == ["diabetes", "combination codes"]
    page = client.get(f"/authoring/questions/{rid}").get_data(as_text=True)
    assert "<strong>hyperglycemia</strong>" in page  # the stem's Markdown, rendered

    login(client, make_user(Role.INSTRUCTOR, school_obj=other_school).email)
    for url in (f"/authoring/questions/{rid}", f"/authoring/questions/{rid}/edit",
                f"/authoring/questions/{rid}/export", f"/authoring/questions/new?from={rid}"):
        assert client.get(url).status_code == 404, url
    assert "q-ours-visible" not in client.get("/authoring/questions").get_data(as_text=True)
    assert zipfile.ZipFile(io.BytesIO(client.get("/authoring/questions/export.zip").data)).namelist() == []
    assert post_form(client, f"/authoring/questions/{rid}/edit", editor_form("q-ours-visible")).status_code == 404
    # the other school may use the same id: it is its own question
    assert publish(client, "q-ours-visible").status_code == 302
    assert db.session.get(QuestionRecord, f"{other_school.id}.q-ours-visible").owner_school_id == other_school.id


def test_copy_a_bundled_question_into_the_editor(client, make_user):
    login(client, make_user(Role.INSTRUCTOR).email)
    bundled = db.session.execute(select(QuestionRecord).where(QuestionRecord.owner_school_id.is_(None),
                                                              QuestionRecord.active.is_(True))).scalars().first()
    page = client.get(f"/authoring/questions/new?from={bundled.id}").get_data(as_text=True)
    assert f'value="{bundled.id}-copy"' in page and bundled.options["A"] in page
    assert client.get("/authoring/questions/new?from=no-such-question").status_code == 404


# ── Validation, by field ─────────────────────────────────────────────────────────────────────

def test_problems_are_shown_next_to_their_fields_and_allow_only_a_draft(client, make_user, school):
    login(client, make_user(Role.INSTRUCTOR).email)
    # an invented code in a distractor, a header code in the key, a CCA section that is not CCA's
    bad = editor_form("q-ours-bad", option_b="E11.99", option_a="E11", exam_cca="y", section_cca="anatomy")
    response = publish(client, "q-ours-bad", **{k: v for k, v in bad.items() if k != "id"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert db.session.get(QuestionRecord, f"{school.id}.q-ours-bad") is None
    assert 'id="option_b-error"' in html and "E11.99 is not a ICD-10-CM code" in html
    assert 'id="answer-error"' in html and "keyed option uses E11" in html
    assert 'id="section_cca-error"' in html and "is not a section of cca" in html

    response = publish(client, "q-ours-bad", **dict({k: v for k, v in bad.items() if k != "id"}, action="draft"))
    assert response.status_code == 302
    record = db.session.get(QuestionRecord, f"{school.id}.q-ours-bad")
    assert record.draft is True

    # a question that is not even a valid file (no stem, same options) is not saved at all
    response = publish(client, "q-ours-empty", stem="", option_b="E11.65", action="draft")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="stem-error"' in html
    assert db.session.get(QuestionRecord, f"{school.id}.q-ours-empty") is None
    response = publish(client, "q-ours-none", exam_cpc=None, action="draft")
    assert response.status_code == 422 and 'id="exam_cpc-error"' in response.get_data(as_text=True)


def test_the_id_of_a_saved_question_cannot_change(client, make_user, school):
    login(client, make_user(Role.INSTRUCTOR).email)
    assert publish(client, "q-ours-fixed").status_code == 302
    rid = f"{school.id}.q-ours-fixed"
    response = post_form(client, f"/authoring/questions/{rid}/edit", editor_form("q-ours-renamed", stem="New stem"))
    assert response.status_code == 302
    assert db.session.get(QuestionRecord, f"{school.id}.q-ours-renamed") is None
    db.session.expire_all()
    assert db.session.get(QuestionRecord, rid).stem.strip() == "New stem"
    assert publish(client, "q-ours-fixed").status_code == 422  # taken


# ── Draws ────────────────────────────────────────────────────────────────────────────────────

def test_draws_use_bundled_and_own_published_questions_only(client, make_user, school, other_school):
    login(client, make_user(Role.INSTRUCTOR).email)
    assert publish(client, "q-ours-drawn").status_code == 302
    assert publish(client, "q-ours-draft", action="draft").status_code == 302
    login(client, make_user(Role.INSTRUCTOR, school_obj=other_school).email)
    assert publish(client, "q-theirs").status_code == 302

    ours, draft, theirs = f"{school.id}.q-ours-drawn", f"{school.id}.q-ours-draft", f"{other_school.id}.q-theirs"
    bundled = set(db.session.execute(select(QuestionRecord.id).where(
        QuestionRecord.owner_school_id.is_(None), QuestionRecord.active.is_(True))).scalars())
    mine = set(pool_sections(db.session, "cpc", school.id)["anatomy"])
    assert ours in mine and draft not in mine and theirs not in mine
    assert theirs in pool_sections(db.session, "cpc", other_school.id)["anatomy"]  # the cache is per school
    assert ours not in pool_sections(db.session, "cpc", other_school.id)["anatomy"]
    assert not (set(pool_sections(db.session, "cpc", None)["anatomy"]) - bundled)

    # a quiz of the whole section: every item drawn is bundled or ours, and ours is among them
    learner = make_user(Role.LEARNER)
    size = len(mine)
    bp = quiz(school, sections=(("anatomy", size),))
    sitting = ops.start_exam(db.session, learner, bp)
    drawn = {i.question_id for i in sitting.items}
    assert ours in drawn and draft not in drawn and theirs not in drawn and drawn <= bundled | {ours}
    practice = ops.start_practice(db.session, make_user(Role.LEARNER), bp, "anatomy", size)
    assert {i.question_id for i in practice.items} == mine


def test_setup_leaves_a_schools_questions_alone(client, make_user, school):
    login(client, make_user(Role.INSTRUCTOR).email)
    assert publish(client, "q-ours-kept").status_code == 302
    report = import_bank(db.session, QUESTIONS_DIR, BLUEPRINTS_DIR)
    assert report.withdrawn == 0
    record = db.session.get(QuestionRecord, f"{school.id}.q-ours-kept")
    assert record.active and not record.draft and record.owner_school_id == school.id


# ── Import and export ────────────────────────────────────────────────────────────────────────

def test_import_export_round_trip_is_byte_identical(client, make_user, school):
    login(client, make_user(Role.INSTRUCTOR).email)
    one = qfile("q-ours-single").encode()
    response = upload(client, "single.yaml", one)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    rid = f"{school.id}.q-ours-single"
    assert client.get(f"/authoring/questions/{rid}/export").data == one

    several = (qfile("q-ours-first") + qfile("q-ours-second", "B").split("items:\n")[1]).encode()
    assert upload(client, "several.yaml", several).status_code == 302
    second = db.session.get(QuestionRecord, f"{school.id}.q-ours-second")
    assert second.answer == "B" and not second.draft

    exported = client.get("/authoring/questions/export.zip").data
    names = zipfile.ZipFile(io.BytesIO(exported)).namelist()
    assert sorted(names) == ["q-ours-first.yaml", "q-ours-second.yaml", "q-ours-single.yaml"]
    response = upload(client, "back.zip", exported)
    assert response.status_code == 302
    assert "0 new, 0 updated, 3 unchanged" in client.get("/authoring/questions").get_data(as_text=True)
    assert client.get("/authoring/questions/export.zip").data == exported


def test_import_is_all_or_nothing(client, make_user, school):
    login(client, make_user(Role.INSTRUCTOR).email)
    raw = zip_of({"good.yaml": qfile("q-ours-good"), "bad.yaml": qfile("q-ours-broken").replace('"E11.9"', '"E11.99"'),
                  "dup.yaml": qfile("q-ours-good")})
    response = upload(client, "mixed.zip", raw)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "E11.99 is not a ICD-10-CM code" in html and "the id is also in" in html
    assert db.session.get(QuestionRecord, f"{school.id}.q-ours-good") is None
    assert upload(client, "notes.txt", b"hello").status_code == 422


# ── Re-scoring ───────────────────────────────────────────────────────────────────────────────

def _sitting(user, bp, picks, submit=True) -> ExamSitting:
    sitting = ExamSitting(user_id=user.id, blueprint_id=bp.id, mode="exam", title=bp.name, blueprint=bp.data,
                          position=1)
    db.session.add(sitting)
    db.session.flush()
    db.session.add_all([ExamItem(sitting_id=sitting.id, position=n, question_id=qid, section="anatomy", choice=choice,
                                 scored=True, revision=0, seconds=0, flagged=False, checked=False)
                        for n, (qid, choice) in enumerate(picks, start=1)])
    db.session.commit()
    if submit:
        assert ops.submit(db.session, user, sitting)
    return sitting


def test_a_changed_key_rescores_the_sittings_that_drew_the_question(client, make_user, school):
    instructor = make_user(Role.INSTRUCTOR)
    login(client, instructor.email)
    assert publish(client, "q-ours-rekeyed").status_code == 302
    rid = f"{school.id}.q-ours-rekeyed"
    other = db.session.execute(select(QuestionRecord).where(QuestionRecord.owner_school_id.is_(None))).scalars().first()
    bp = quiz(school, sections=(("anatomy", 2),))
    bp.data = dict(bp.data, pass_mark=100)
    db.session.commit()
    learners = [make_user(Role.LEARNER) for _ in range(4)]
    chose_a = _sitting(learners[0], bp, [(rid, "A"), (other.id, other.answer)])  # right under the old key
    chose_b = _sitting(learners[1], bp, [(rid, "B"), (other.id, other.answer)])  # right under the new key
    without = _sitting(learners[2], bp, [(other.id, other.answer)])
    still_open = _sitting(learners[3], bp, [(rid, "B")], submit=False)
    before = {s.id: (s.score, s.passed) for s in (chose_a, chose_b, without)}
    assert before[chose_a.id] == (2, True) and before[chose_b.id] == (1, False)

    response = post_form(client, f"/authoring/questions/{rid}/edit", editor_form("q-ours-rekeyed", answer="B"))
    assert response.status_code == 302
    db.session.expire_all()
    assert (chose_a.score, chose_a.passed, chose_a.max_score) == (1, False, 2)
    assert (chose_b.score, chose_b.passed) == (2, True)
    assert chose_a.result["keys"]["1"] == "B"
    assert (without.score, without.passed) == before[without.id]
    assert still_open.submitted_at is None and still_open.score is None
    logs = db.session.execute(select(QuestionRescoreLog).where(QuestionRescoreLog.question_id == rid)
                              .order_by(QuestionRescoreLog.sitting_id)).scalars().all()
    assert [(g.sitting_id, g.old_score, g.new_score, g.old_passed, g.new_passed, g.old_answer, g.new_answer)
            for g in logs] == [(chose_a.id, 2, 1, True, False, "A", "B"), (chose_b.id, 1, 2, False, True, "A", "B")]
    assert all(g.trigger == "editor" and g.triggered_by_id == instructor.id for g in logs)
    page = client.get(f"/authoring/questions/{rid}").get_data(as_text=True)
    assert f"#{chose_a.id}" in page and "A → B" in page

    # the same key again (a fixed typo elsewhere) re-scores nothing
    assert post_form(client, f"/authoring/questions/{rid}/edit",
                     editor_form("q-ours-rekeyed", answer="B", rationale="Fixed.")).status_code == 302
    assert len(db.session.execute(select(QuestionRescoreLog).where(
        QuestionRescoreLog.question_id == rid)).scalars().all()) == 2
    # an import that changes the key back re-scores again
    assert upload(client, "back.yaml", qfile("q-ours-rekeyed", "A").encode()).status_code == 302
    db.session.expire_all()
    assert (chose_a.score, chose_b.score) == (2, 1)
