"""Disputes: a learner flags a key, an instructor answers or accepts (editing a school exercise
re-grades everyone), the learner sees the outcome; other schools and other learners see nothing."""
from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from sqlalchemy import select

from trainer.exams import sittings as exam_ops
from trainer.extensions import db
from trainer.models import Attempt, CohortMember, Dispute, RegradeLog, Role, School
from trainer.teaching.assignments import AssignmentSpec, save_assignment
from trainer.teaching.cohorts import create_cohort

from .conftest import csrf_from, login
from .test_authoring import editor_form
from .test_exams import quiz

_n = itertools.count(1)
UTC = dt.timezone.utc


def client_for(app, user):
    c = app.test_client()
    assert login(c, user.email).status_code == 302
    return c


def token(client) -> str:
    return csrf_from(client.get("/auth/password").get_data(as_text=True))


def submit(client, exercise_id: str, dx: str, mod: str, assignment_id: int | None = None) -> Attempt:
    url = f"/practice/{exercise_id}" + (f"?assignment={assignment_id}" if assignment_id else "")
    html = client.get(url).get_data(as_text=True)
    attempt_id = int(re.search(r"/practice/attempts/(\d+)/submit", html).group(1))
    response = client.post(f"/practice/attempts/{attempt_id}/submit", data={
        "csrf_token": csrf_from(html), "dx": [dx], "line-1-code": "20610", "line-1-mods": mod,
        "line-1-units": "1", "line-1-ptr": "A"})
    assert response.status_code == 302
    return db.session.get(Attempt, attempt_id)


def flag(client, attempt: Attempt, target: str = "line-0", comment: str = "The note says left knee."):
    return client.post(f"/disputes/attempts/{attempt.id}", data={"csrf_token": token(client), "target": target,
                                                                 "comment": comment})


@pytest.fixture()
def klass(app, school, make_user):
    teacher = make_user(Role.INSTRUCTOR)
    cohort = create_cohort(db.session, teacher, f"Dispute class {next(_n)}")
    ana = make_user(Role.LEARNER, name="Ana Disputer")
    cohort.members.append(CohortMember(user_id=ana.id, role="learner"))
    db.session.commit()
    return {"teacher": teacher, "cohort": cohort, "ana": ana}


def test_accepting_a_school_exercise_opens_the_editor_and_the_edit_regrades_the_disputed_work(app, school, klass):
    teacher, ana = klass["teacher"], klass["ana"]
    staff = client_for(app, teacher)
    token_page = staff.get("/authoring/new").get_data(as_text=True)
    response = staff.post("/authoring/new", data=dict(editor_form("knee-dispute"), csrf_token=csrf_from(token_page)))
    assert response.status_code == 302
    rid = f"{school.id}.knee-dispute"

    learner = client_for(app, ana)
    attempt = submit(learner, rid, "M17.12", "LT")  # the left knee; the key says right
    before = attempt.score
    assert before < attempt.max_score
    result = learner.get(f"/practice/attempts/{attempt.id}").get_data(as_text=True)
    assert "Think the key is wrong? Flag it" in result and "key M17.11" in result

    assert flag(learner, attempt, comment="").status_code == 303  # a comment is required
    assert db.session.execute(select(Dispute).where(Dispute.learner_id == ana.id)).first() is None
    response = flag(learner, attempt, "line-0", "The procedure note documents the left knee.")
    assert response.status_code == 302
    dispute = db.session.execute(select(Dispute).where(Dispute.learner_id == ana.id)).scalar_one()
    assert (dispute.status, dispute.attempt_id, dispute.exercise_id) == ("open", attempt.id, rid)
    assert dispute.target.startswith("Diagnosis 1") and "M17.12" in dispute.target
    assert flag(learner, attempt, "line-0", "again").status_code == 303  # no duplicate while open
    assert len(db.session.execute(select(Dispute).where(Dispute.learner_id == ana.id)).all()) == 1

    cohort_page = staff.get(f"/cohorts/{klass['cohort'].id}").get_data(as_text=True)
    assert "Disputes (1 open)" in cohort_page
    queue = staff.get(f"/disputes?cohort={klass['cohort'].id}").get_data(as_text=True)
    assert "Ana Disputer" in queue and "1 open" in queue

    page = staff.get(f"/disputes/{dispute.id}").get_data(as_text=True)
    assert "accepting opens it in the editor" in page
    response = staff.post(f"/disputes/{dispute.id}/accept", data={"csrf_token": csrf_from(page), "note": "Right."})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/authoring/{rid}/edit")
    db.session.refresh(dispute)
    assert dispute.status == "accepted" and dispute.resolved_by_id == teacher.id
    assert "has not been changed yet" in staff.get(f"/disputes/{dispute.id}").get_data(as_text=True)

    left = editor_form("knee-dispute", dx="M17.12", **{"procedures-0-modifiers": "LT"})
    token_page = staff.get(f"/authoring/{rid}/edit").get_data(as_text=True)
    assert staff.post(f"/authoring/{rid}/edit", data=dict(left, csrf_token=csrf_from(token_page))).status_code == 302
    db.session.refresh(attempt)
    assert attempt.score == attempt.max_score > before
    log = db.session.execute(select(RegradeLog).where(RegradeLog.attempt_id == attempt.id)).scalar_one()

    mine = learner.get("/disputes").get_data(as_text=True)
    assert "New answer" in mine and "Accepted: the key is being corrected" in mine
    assert "New answer" not in learner.get("/disputes").get_data(as_text=True)  # seen now
    detail = learner.get(f"/disputes/{dispute.id}").get_data(as_text=True)
    assert f"{log.old_percent}&nbsp;% → 100&nbsp;%" in detail and "Right." in detail
    result = learner.get(f"/practice/attempts/{attempt.id}").get_data(as_text=True)
    assert "Re-graded with the corrected key" in result
    staff_view = staff.get(f"/disputes/{dispute.id}").get_data(as_text=True)
    assert "1 submitted attempt of this exercise re-graded" in staff_view
    # resolved once: a second answer is refused
    response = staff.post(f"/disputes/{dispute.id}/answer", data={"csrf_token": token(staff), "reply": "No."})
    assert response.status_code == 400 and dispute.reply == "Right."


def test_bundled_key_answered_or_reported_with_a_gradebook_override(app, klass):
    teacher, ana, cohort = klass["teacher"], klass["ana"], klass["cohort"]
    now = dt.datetime.now(UTC)
    assignment = save_assignment(db.session, teacher, cohort, AssignmentSpec(
        title="Knees", kind="exercises", open_at=now - dt.timedelta(days=1), due_at=now + dt.timedelta(days=2),
        late_policy="refuse", key_reveal="submission", exercise_ids=["fx-knee-injection"], attempts_allowed=2))
    learner = client_for(app, ana)
    learner.post(f"/assignments/{assignment.id}/start", data={"csrf_token": token(learner),
                                                              "item": "fx-knee-injection"})
    attempt = submit(learner, "fx-knee-injection", "M17.9", "RT", assignment.id)
    assert attempt.assignment_id == assignment.id
    assert flag(learner, attempt, "key", "The whole key looks wrong.").status_code == 302
    assert flag(learner, attempt, "line-1", "The modifier.").status_code == 302
    first, second = db.session.execute(select(Dispute).where(Dispute.attempt_id == attempt.id)
                                       .order_by(Dispute.id)).scalars().all()

    staff = client_for(app, teacher)
    page = staff.get(f"/disputes/{first.id}").get_data(as_text=True)
    assert "bundled content, which is not edited here" in page
    # answering needs a reply
    assert staff.post(f"/disputes/{first.id}/answer", data={"csrf_token": token(staff), "reply": ""}
                      ).status_code == 400
    response = staff.post(f"/disputes/{first.id}/answer", data={"csrf_token": token(staff),
                                                                "reply": "M17.9 is unspecified: the note says primary."})
    assert response.status_code == 302
    response = staff.post(f"/disputes/{second.id}/accept", data={"csrf_token": token(staff)})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/disputes/{second.id}")
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.status, second.status) == ("answered", "reported")
    staff_view = staff.get(f"/disputes/{second.id}").get_data(as_text=True)
    assert f"/assignments/{assignment.id}/learners/{ana.id}" in staff_view  # the override link

    result = learner.get(f"/practice/attempts/{attempt.id}").get_data(as_text=True)
    assert "Answered: the key stands" in result and "the note says primary" in result
    assert "Accepted: reported to the content maintainers" in result


def test_disputing_an_exam_question(app, school, klass):
    ana = klass["ana"]
    sitting = exam_ops.start_exam(db.session, ana, quiz(school))
    learner = client_for(app, ana)
    data = {"csrf_token": token(learner), "target": "2", "comment": "Two options are right."}
    assert learner.post(f"/disputes/sittings/{sitting.id}", data=data).status_code == 303  # not submitted yet
    exam_ops.submit(db.session, ana, sitting)
    assert "Think the key is wrong" in learner.get(f"/exams/sittings/{sitting.id}/result").get_data(as_text=True)
    assert learner.post(f"/disputes/sittings/{sitting.id}", data=data).status_code == 302
    dispute = db.session.execute(select(Dispute).where(Dispute.learner_id == ana.id)).scalar_one()
    item = next(it for it in sitting.items if it.position == 2)
    assert (dispute.target, dispute.exam_item_id, dispute.question_id) == ("Question 2", item.id, item.question_id)
    staff = client_for(app, klass["teacher"])
    assert staff.post(f"/disputes/{dispute.id}/accept", data={"csrf_token": token(staff)}).status_code == 302
    db.session.refresh(dispute)
    assert dispute.status == "reported"


def test_boundaries(app, school, make_user, klass):
    teacher, ana = klass["teacher"], klass["ana"]
    learner = client_for(app, ana)
    attempt = submit(learner, "fx-knee-injection", "M17.9", "RT")
    assert flag(learner, attempt).status_code == 302
    dispute = db.session.execute(select(Dispute).where(Dispute.learner_id == ana.id)).scalar_one()

    other_school = School(name=f"Far School {next(_n)}", slug=f"far-school-{next(_n)}")
    db.session.add(other_school)
    db.session.commit()
    outsiders = {
        "another school's instructor": make_user(Role.INSTRUCTOR, school_obj=other_school),
        "another school's admin": make_user(Role.SCHOOL_ADMIN, school_obj=other_school),
        "an instructor who does not teach her": make_user(Role.INSTRUCTOR),
    }
    bo = make_user(Role.LEARNER, name="Bo Bystander")
    klass["cohort"].members.append(CohortMember(user_id=bo.id, role="learner"))
    db.session.commit()
    for who, user in outsiders.items():
        c = client_for(app, user)
        assert c.get(f"/disputes/{dispute.id}").status_code == 404, who
        for action in ("answer", "accept"):
            response = c.post(f"/disputes/{dispute.id}/{action}", data={"csrf_token": token(c), "reply": "x"})
            assert response.status_code == 404, (who, action)
        assert "Ana Disputer" not in c.get("/disputes").get_data(as_text=True), who

    other_learner = client_for(app, bo)
    assert other_learner.get(f"/disputes/{dispute.id}").status_code == 404
    assert "Ana Disputer" not in other_learner.get("/disputes").get_data(as_text=True)
    assert other_learner.post(f"/disputes/{dispute.id}/answer", data={"csrf_token": token(other_learner),
                                                                      "reply": "x"}).status_code == 403
    assert flag(other_learner, attempt).status_code == 404  # not their work
    # the learner cannot resolve their own dispute
    assert learner.post(f"/disputes/{dispute.id}/accept", data={"csrf_token": token(learner)}).status_code == 403
    db.session.refresh(dispute)
    assert dispute.status == "open"

    # the learner's own school admin and a site admin do see and may act
    admin = client_for(app, make_user(Role.SCHOOL_ADMIN))
    assert "Ana Disputer" in admin.get("/disputes").get_data(as_text=True)
    site = client_for(app, make_user(Role.SITE_ADMIN, school_obj=other_school))
    assert site.get(f"/disputes/{dispute.id}").status_code == 200
    assert client_for(app, teacher).get(f"/disputes/{dispute.id}").status_code == 200
