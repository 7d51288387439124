"""Assignments and the gradebook through the web: forms, permission boundaries, start rules, key reveal, CSV."""
from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from sqlalchemy import select

from trainer.exams import sittings as exam_ops
from trainer.extensions import db
from trainer.models import (
    Assignment, Attempt, BlueprintRecord, CohortMember, ExamSitting, GradeOverride, Role, School,
)
from trainer.teaching.assignments import AssignmentSpec, save_assignment
from trainer.teaching.cohorts import create_cohort

from .conftest import csrf_from, login

EX = "fx-knee-injection"
UTC = dt.timezone.utc
_n = itertools.count(1)


def now() -> dt.datetime:
    return dt.datetime.now(UTC)


def token(client) -> str:
    return csrf_from(client.get("/auth/password").get_data(as_text=True))


def client_for(app, user):
    c = app.test_client()
    assert login(c, user.email).status_code == 302
    return c


@pytest.fixture()
def klass(app, school, make_user):
    """A cohort with its instructor and two learners, and a second cohort of the same school."""
    teacher = make_user(Role.INSTRUCTOR)
    cohort = create_cohort(db.session, teacher, f"Class {next(_n)}")
    ana, bo = make_user(Role.LEARNER, name="Ana Learner"), make_user(Role.LEARNER, name="Bo Learner")
    cohort.members += [CohortMember(user_id=ana.id, role="learner"), CohortMember(user_id=bo.id, role="learner")]
    other_teacher = make_user(Role.INSTRUCTOR)
    other = create_cohort(db.session, other_teacher, f"Other class {next(_n)}")
    outsider = make_user(Role.LEARNER)
    other.members.append(CohortMember(user_id=outsider.id, role="learner"))
    db.session.commit()
    return {"teacher": teacher, "cohort": cohort, "ana": ana, "bo": bo, "other_teacher": other_teacher,
            "outsider": outsider}


def assign(k, **kw) -> Assignment:
    base = dict(title=f"Assignment {next(_n)}", kind="exercises", open_at=now() - dt.timedelta(days=1),
                due_at=now() + dt.timedelta(days=3), late_policy="refuse", key_reveal="submission",
                exercise_ids=[EX], attempts_allowed=1)
    base.update(kw)
    return save_assignment(db.session, k["teacher"], k["cohort"], AssignmentSpec(**base))


def start(client, assignment, item=EX):
    return client.post(f"/assignments/{assignment.id}/start", data={"csrf_token": token(client), "item": item})


def submit_key(client, attempt: Attempt):
    dx, side = ("M17.11", "RT") if attempt.variant == 0 else ("M17.12", "LT")
    return client.post(f"/practice/attempts/{attempt.id}/submit", data={
        "csrf_token": token(client), "dx": [dx], "line-1-code": "20610", "line-1-mods": side, "line-1-units": "1",
        "line-1-ptr": "A"})


def linked_attempts(assignment, user) -> list[Attempt]:
    return db.session.execute(select(Attempt).where(Attempt.assignment_id == assignment.id,
                                                    Attempt.user_id == user.id).order_by(Attempt.id)).scalars().all()


def test_the_form_converts_local_dates_and_names_each_problem(app, klass):
    client = client_for(app, klass["teacher"])
    url = f"/cohorts/{klass['cohort'].id}/assignments/new"
    page = client.get(url).get_data(as_text=True)
    assert "knee injection with laterality variants" in page and "CPC topic: Surgery: Musculoskeletal (1 exercise)" in page
    form = {"csrf_token": csrf_from(page), "title": "Week 1", "kind": "exercises", "pool": "tag:cpc:Surgery: Musculoskeletal",
            "count": "5", "open_at": "2026-02-09T09:00", "due_at": "2026-02-08T17:00",
            "time_zone": "America/New_York", "attempts_allowed": "2", "late_policy": "refuse",
            "key_reveal": "due"}
    bad = client.post(url, data=form)
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "There is a problem" in html
    assert "the due date must be after the open date" in html and "the pool has 1 exercise: draw 1 to 1" in html
    response = client.post(url, data=dict(form, due_at="2026-02-16T17:00", count="1"))
    assert response.status_code == 302
    a = db.session.execute(select(Assignment).where(Assignment.cohort_id == klass["cohort"].id)).scalar_one()
    assert a.draw_rule == {"pool": "tag:cpc:Surgery: Musculoskeletal", "count": 1} and a.exercise_ids is None
    assert (a.open_at.replace(tzinfo=UTC), a.due_at.replace(tzinfo=UTC)) == (
        dt.datetime(2026, 2, 9, 14, 0, tzinfo=UTC), dt.datetime(2026, 2, 16, 22, 0, tzinfo=UTC))
    assert "Week 1" in client.get(f"/cohorts/{klass['cohort'].id}").get_data(as_text=True)
    edit = client.get(f"/assignments/{a.id}/edit").get_data(as_text=True)
    assert 'value="2026-02-16T17:00"' in edit  # shown back in the zone it was entered in
    client.post(f"/assignments/{a.id}/archive", data={"csrf_token": token(client), "archived": "1"})
    db.session.refresh(a)
    assert a.archived


def test_permission_boundaries(app, klass, make_user):
    a = assign(klass)
    ana = client_for(app, klass["ana"])
    assert start(ana, a).status_code == 302
    attempt = linked_attempts(a, klass["ana"])[0]
    submit_key(ana, attempt)
    cohort_id = klass["cohort"].id
    staff_pages = [f"/cohorts/{cohort_id}/assignments/new", f"/assignments/{a.id}/edit",
                   f"/cohorts/{cohort_id}/gradebook", f"/cohorts/{cohort_id}/gradebook.csv",
                   f"/assignments/{a.id}/learners/{klass['ana'].id}"]
    n = next(_n)
    elsewhere = School(name=f"Assignments Elsewhere {n}", slug=f"assignments-elsewhere-{n}")
    db.session.add(elsewhere)
    db.session.commit()
    for intruder in (klass["other_teacher"], make_user(Role.INSTRUCTOR, school_obj=elsewhere),
                     make_user(Role.SCHOOL_ADMIN, school_obj=elsewhere)):
        c = client_for(app, intruder)
        for url in staff_pages:
            assert c.get(url).status_code == 404, (intruder.role, url)
        assert c.post(f"/assignments/{a.id}/archive", data={"csrf_token": token(c)}).status_code == 404
        assert c.post(f"/assignments/{a.id}/learners/{klass['ana'].id}",
                      data={"csrf_token": token(c), "score": "100", "comment": "x"}).status_code == 404
        assert c.get(f"/practice/attempts/{attempt.id}").status_code == 404  # drill-in refused
        assert c.get(f"/assignments/{a.id}").status_code == 404
    for learner in (klass["bo"], klass["outsider"]):
        c = client_for(app, learner)
        for url in staff_pages:
            assert c.get(url).status_code == 403
        assert c.get(f"/practice/attempts/{attempt.id}").status_code == 404  # another learner's work
    outsider = client_for(app, klass["outsider"])
    assert outsider.get(f"/assignments/{a.id}").status_code == 404
    assert start(outsider, a).status_code == 404
    assert a.title not in outsider.get("/assignments").get_data(as_text=True)
    # the gradebook of one's own cohort: its instructor and the school's admin
    for insider in (klass["teacher"], make_user(Role.SCHOOL_ADMIN)):
        c = client_for(app, insider)
        assert c.get(f"/cohorts/{cohort_id}/gradebook").status_code == 200
        drill = c.get(f"/practice/attempts/{attempt.id}").get_data(as_text=True)
        assert "Attempt by Ana Learner" in drill and "20610" in drill
    # a learner's cell is only for learners of that cohort
    assert client_for(app, klass["teacher"]).get(
        f"/assignments/{a.id}/learners/{klass['outsider'].id}").status_code == 404


def test_attempts_allowed_and_the_attempt_counts(app, klass):
    a = assign(klass, attempts_allowed=1)
    ana = client_for(app, klass["ana"])
    page = ana.get(f"/assignments/{a.id}").get_data(as_text=True)
    assert a.title in page and "Start" in page
    response = start(ana, a)
    assert response.status_code == 302 and f"assignment={a.id}" in response.headers["Location"]
    chart = ana.get(response.headers["Location"]).get_data(as_text=True)
    assert "Part of the assignment" in chart
    assert start(ana, a).headers["Location"] == response.headers["Location"]  # the draft is resumed
    attempts = linked_attempts(a, klass["ana"])
    assert len(attempts) == 1
    submit_key(ana, attempts[0])
    refused = start(ana, a)
    assert refused.status_code == 302 and refused.headers["Location"].endswith(f"/assignments/{a.id}")
    assert "You have used the 1 attempt this assignment allows." in ana.get(
        f"/assignments/{a.id}").get_data(as_text=True)
    assert len(linked_attempts(a, klass["ana"])) == 1
    listing = ana.get("/assignments").get_data(as_text=True)
    assert "Done" in listing and "100&nbsp;%" in listing
    book = client_for(app, klass["teacher"]).get(f"/cohorts/{klass['cohort'].id}/gradebook").get_data(as_text=True)
    assert "100&nbsp;%" in book and "Submitted" in book and "Not started" in book
    # free practice of the same exercise is not linked to the assignment
    free = ana.get(f"/practice/{EX}").get_data(as_text=True)
    free_id = int(re.search(r"/practice/attempts/(\d+)/submit", free).group(1))
    assert db.session.get(Attempt, free_id).assignment_id is None


def test_open_and_due_dates_and_late_policies(app, klass):
    ana = client_for(app, klass["ana"])
    upcoming = assign(klass, open_at=now() + dt.timedelta(days=1), due_at=now() + dt.timedelta(days=2))
    start(ana, upcoming)
    assert "This assignment is not open yet." in ana.get(f"/assignments/{upcoming.id}").get_data(as_text=True)
    closed = assign(klass, open_at=now() - dt.timedelta(days=3), due_at=now() - dt.timedelta(days=1))
    start(ana, closed)
    assert "does not accept late work" in ana.get(f"/assignments/{closed.id}").get_data(as_text=True)
    assert linked_attempts(upcoming, klass["ana"]) == [] and linked_attempts(closed, klass["ana"]) == []
    late_ok = assign(klass, open_at=now() - dt.timedelta(days=3), due_at=now() - dt.timedelta(hours=1),
                     late_policy="penalty", late_penalty_percent=10, late_penalty_cap=50)
    assert start(ana, late_ok).status_code == 302
    submit_key(ana, linked_attempts(late_ok, klass["ana"])[0])
    groups = ana.get("/assignments").get_data(as_text=True)
    assert "Upcoming" in groups and "Past due" in groups and "Submitted late" in groups and "90&nbsp;%" in groups


def test_key_hidden_until_the_due_date(app, klass):
    a = assign(klass, key_reveal="due")
    ana = client_for(app, klass["ana"])
    start(ana, a)
    attempt = linked_attempts(a, klass["ana"])[0]
    submit_key(ana, attempt)
    html = ana.get(f"/practice/attempts/{attempt.id}").get_data(as_text=True)
    assert 'score-value">7</span>' in html and "Points lost" in html  # the score and findings are shown
    assert "are shown after the due date" in html
    assert "Answer key and rationale" not in html and "Major joint injection" not in html
    # nor through free practice of the same exercise
    free = ana.get(f"/practice/{EX}").get_data(as_text=True)
    free_id = int(re.search(r"/practice/attempts/(\d+)/submit", free).group(1))
    ana.post(f"/practice/attempts/{free_id}/submit", data={"csrf_token": token(ana), "dx": ["M17.9"]})
    assert "Major joint injection" not in ana.get(f"/practice/attempts/{free_id}").get_data(as_text=True)
    # the instructor sees it; the learner does once the due date passes
    teacher = client_for(app, klass["teacher"])
    assert "Major joint injection" in teacher.get(f"/practice/attempts/{attempt.id}").get_data(as_text=True)
    a.open_at, a.due_at = now() - dt.timedelta(days=2), now() - dt.timedelta(minutes=1)
    db.session.commit()
    assert "Major joint injection" in ana.get(f"/practice/attempts/{attempt.id}").get_data(as_text=True)


def test_exam_assignment_links_the_sitting_and_hides_rationales(app, school, klass):
    bid = f"assign-quiz-{next(_n)}"
    data = {"id": bid, "name": "Assigned quiz", "items": 2, "scored_items": 2, "minutes": 10, "pass_mark": 70,
            "scoring": "percent", "sources": ["test"], "sections": [{"id": "em", "name": "EM", "items": 2}]}
    db.session.add(BlueprintRecord(id=bid, school_id=school.id, pool="cpc", name="Assigned quiz", data=data,
                                   active=True))
    db.session.commit()
    a = assign(klass, kind="exam", exercise_ids=None, blueprint_id=bid, key_reveal="due")
    ana = client_for(app, klass["ana"])
    response = start(ana, a, item=bid)
    assert response.status_code == 302 and "/exams/sittings/" in response.headers["Location"]
    sitting = db.session.execute(select(ExamSitting).where(ExamSitting.assignment_id == a.id)).scalar_one()
    exam_ops.submit(db.session, klass["ana"], sitting)
    html = ana.get(f"/exams/sittings/{sitting.id}/result").get_data(as_text=True)
    assert "are shown after the due date" in html and "Rationale." not in html
    teacher = client_for(app, klass["teacher"])
    assert "Rationale." in teacher.get(f"/exams/sittings/{sitting.id}/result").get_data(as_text=True)
    cell = teacher.get(f"/assignments/{a.id}/learners/{klass['ana'].id}").get_data(as_text=True)
    assert "Assigned quiz" in cell and f"/exams/sittings/{sitting.id}/result" in cell


def test_override_with_a_comment_is_logged_and_the_csv_has_final_scores(app, klass):
    a = assign(klass, title="Knee week")
    assign(klass, title="Later week", open_at=now() + dt.timedelta(days=5), due_at=now() + dt.timedelta(days=9))
    ana = client_for(app, klass["ana"])
    start(ana, a)
    submit_key(ana, linked_attempts(a, klass["ana"])[0])
    teacher = client_for(app, klass["teacher"])
    url = f"/assignments/{a.id}/learners/{klass['bo'].id}"
    missing = teacher.post(url, data={"csrf_token": token(teacher), "score": "80", "comment": ""})
    assert missing.status_code == 400 and "say why the score changes" in missing.get_data(as_text=True)
    assert teacher.post(url, data={"csrf_token": token(teacher), "score": "80",
                                   "comment": "Submitted on paper in class."}).status_code == 302
    assert teacher.post(url, data={"csrf_token": token(teacher), "score": "85",
                                   "comment": "Paper copy re-marked."}).status_code == 302
    page = teacher.get(url).get_data(as_text=True)
    assert "Submitted on paper in class." in page and "Paper copy re-marked." in page and "Current" in page
    rows = db.session.execute(select(GradeOverride).where(GradeOverride.assignment_id == a.id)
                              .order_by(GradeOverride.id)).scalars().all()
    assert [(r.old_score, r.new_score, r.by_id) for r in rows] == [(None, 80.0, klass["teacher"].id),
                                                                   (80.0, 85.0, klass["teacher"].id)]
    csv = teacher.get(f"/cohorts/{klass['cohort'].id}/gradebook.csv")
    assert csv.mimetype == "text/csv" and "gradebook.csv" in csv.headers["Content-Disposition"]
    assert csv.get_data(as_text=True).splitlines() == [
        "name,email,Knee week,Later week,average",
        f"Ana Learner,{klass['ana'].email},100,,100",
        f"Bo Learner,{klass['bo'].email},85,,85"]  # "Later week" is not due yet: empty, left out of the average
