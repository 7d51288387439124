"""Cohorts: create, join with a code, roster import (all or nothing), and who sees what."""
from __future__ import annotations

import io
import itertools

from sqlalchemy import select

from trainer.extensions import db
from trainer.models import Cohort, CohortMember, Role, School, User
from trainer.teaching.cohorts import create_cohort, import_roster, parse_roster

from .conftest import csrf_from, login

_n = itertools.count(1)


def other_school() -> School:
    n = next(_n)
    school = School(name=f"Cohort Elsewhere {n}", slug=f"cohort-elsewhere-{n}")
    db.session.add(school)
    db.session.commit()
    return school


def token(client) -> str:
    return csrf_from(client.get("/cohorts").get_data(as_text=True))


def test_roster_parsing_names_every_bad_line():
    rows, problems = parse_roster("name,email,role\nAna Ruiz,ana@x.example,learner\nBo,not-an-email,learner\n"
                                  "Cy,cy@x.example,dean\n,dee@x.example,learner\nEd,ana@x.example,student\n"
                                  "Fay,fay@x.example\n\n")
    assert len(rows) == 5
    assert problems == ["line 3: not-an-email is not an email address",
                        "line 4: role dean must be learner or instructor",
                        "line 5: the name is empty",
                        "line 6: ana@x.example is also on line 2",
                        "line 7: expected 3 values (name, email, role), found 2"]
    assert parse_roster("")[1] and parse_roster("email,name,role\n")[1][0].startswith("line 1")


def test_a_roster_with_one_bad_row_imports_nothing_then_the_fixed_one_imports_everyone(app, school, make_user):
    instructor = make_user(Role.INSTRUCTOR)
    cohort = create_cohort(db.session, instructor, "Spring CPC prep")
    outsider = make_user(Role.LEARNER, school_obj=other_school())
    existing = make_user(Role.LEARNER)
    n = next(_n)
    bad = (f"name,email,role\nNew Learner,new{n}@school.example,learner\n{outsider.name},{outsider.email},learner\n"
           f"{existing.name},{existing.email},instructor\n")
    result = import_roster(db.session, instructor, cohort, bad)
    assert result.problems == [f"line 3: {outsider.email} belongs to another school's account",
                               f"line 4: {existing.email} already has a learner account, not instructor"]
    assert db.session.execute(select(User).where(User.email == f"new{n}@school.example")).first() is None
    assert len(cohort.members) == 1  # only its creator
    good = f"name,email,role\nNew Learner,NEW{n}@school.example,learner\n{existing.name},{existing.email},learner\n"
    result = import_roster(db.session, instructor, cohort, good)
    assert result.problems == [] and [e for _, e, _ in result.created] == [f"new{n}@school.example"]
    assert result.added == [existing.email]
    created = db.session.execute(select(User).where(User.email == f"new{n}@school.example")).scalar_one()
    assert created.school_id == cohort.school_id and created.check_password(result.created[0][2])
    assert import_roster(db.session, instructor, cohort, good).already == [f"new{n}@school.example", existing.email]


def test_learners_join_with_the_code_of_their_own_school_only(app, school, make_user, login_as):
    instructor = make_user(Role.INSTRUCTOR)
    cohort = create_cohort(db.session, instructor, "Evening class")
    client = login_as(make_user(Role.LEARNER))
    page = client.post("/cohorts/join", data={"csrf_token": token(client), "code": cohort.join_code.lower()},
                       follow_redirects=True).get_data(as_text=True)
    assert "You are in" in page and "Evening class" in page
    stranger = app.test_client()
    assert login(stranger, make_user(Role.LEARNER, school_obj=other_school()).email).status_code == 302
    page = stranger.post("/cohorts/join", data={"csrf_token": token(stranger), "code": cohort.join_code},
                         follow_redirects=True).get_data(as_text=True)
    assert "No cohort of your school has this code" in page
    assert db.session.execute(select(CohortMember).where(CohortMember.cohort_id == cohort.id)).scalars().all().__len__() == 2


def test_instructors_see_only_their_own_cohorts_and_learners_none(app, school, make_user):
    owner = make_user(Role.INSTRUCTOR)
    cohort = create_cohort(db.session, owner, "Owner's class")
    colleague, admin, learner = make_user(Role.INSTRUCTOR), make_user(Role.SCHOOL_ADMIN), make_user(Role.LEARNER)
    far_admin = make_user(Role.SCHOOL_ADMIN, school_obj=other_school())
    expectations = ((owner, 200), (admin, 200), (colleague, 404), (far_admin, 404), (learner, 403))
    for user, status in expectations:
        client = app.test_client()
        assert login(client, user.email).status_code == 302
        assert client.get(f"/cohorts/{cohort.id}").status_code == status, user.role
        if status != 200:
            bad = client.post(f"/cohorts/{cohort.id}/roster", data={"csrf_token": token(client), "roster": "x"})
            assert bad.status_code == status


def test_roster_upload_through_the_page_shows_temporary_passwords_once(app, school, make_user, login_as):
    instructor = make_user(Role.INSTRUCTOR)
    client = login_as(instructor)
    created = client.post("/cohorts", data={"csrf_token": token(client), "name": "Upload class"})
    cohort_id = int(created.location.rsplit("/", 1)[1])
    n = next(_n)
    csv_bytes = f"name,email,role\nUp Loaded,up{n}@school.example,learner\n".encode("utf-8-sig")
    page = client.post(f"/cohorts/{cohort_id}/roster", data={"csrf_token": token(client),
                                                             "file": (io.BytesIO(csv_bytes), "roster.csv")},
                       content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Temporary passwords" in html and f"up{n}@school.example" in html
    again = client.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    assert "Temporary passwords" not in again and f"up{n}@school.example" in again
    bad = client.post(f"/cohorts/{cohort_id}/roster", data={"csrf_token": token(client), "roster": "name,email,role\nX,y,z\n"})
    assert bad.status_code == 400 and "Nothing was imported" in bad.get_data(as_text=True)
    assert db.session.get(Cohort, cohort_id).school_id == instructor.school_id


def test_progress_shows_each_learners_results_and_exports_csv(app, school, make_user, login_as):
    import csv as _csv
    import datetime as dt

    from trainer.models import Attempt, ExamSitting

    instructor = make_user(Role.INSTRUCTOR)
    cohort = create_cohort(db.session, instructor, "Progress class")
    busy, idle = make_user(Role.LEARNER, name="Aaron Busy"), make_user(Role.LEARNER, name="Zoe Idle")
    import_roster(db.session, instructor, cohort,
                  f"name,email,role\n{busy.name},{busy.email},learner\n{idle.name},{idle.email},learner\n")
    now = dt.datetime.now(dt.timezone.utc)
    db.session.add_all([
        Attempt(user_id=busy.id, exercise_id="fx-knee-injection", variant=0, answer={}, submitted_at=now,
                score=6, max_score=8, result={}),
        Attempt(user_id=busy.id, exercise_id="fx-knee-injection", variant=1, answer={}, submitted_at=now,
                score=8, max_score=8, result={}),
        Attempt(user_id=busy.id, exercise_id="fx-knee-injection", variant=0, answer={}),  # a draft: not counted
        ExamSitting(user_id=busy.id, blueprint_id="cpc", mode="exam", title="CPC", blueprint={}, submitted_at=now,
                    result={"percent": 72.0}),
        ExamSitting(user_id=busy.id, blueprint_id="cpc", mode="exam", title="CPC", blueprint={}, submitted_at=now,
                    result={"percent": 64.0})])
    db.session.commit()
    client = login_as(instructor)
    page = client.get(f"/cohorts/{cohort.id}/progress").get_data(as_text=True)
    assert "Aaron Busy" in page and "Zoe Idle" in page and "87.5&nbsp;%" in page and "72.0&nbsp;%" in page
    exported = client.get(f"/cohorts/{cohort.id}/progress.csv")
    assert exported.mimetype == "text/csv"
    rows = list(_csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert list(rows[0]) == ["name", "email", "exercises_submitted", "practice_percent", "area_demo",
                             "exam_cpc_best_percent"]
    assert rows[0]["exercises_submitted"] == "2" and rows[0]["practice_percent"] == "87.5"
    assert rows[0]["exam_cpc_best_percent"] == "72.0" and rows[1]["practice_percent"] == ""
    colleague = app.test_client()
    assert login(colleague, make_user(Role.INSTRUCTOR).email).status_code == 302
    assert colleague.get(f"/cohorts/{cohort.id}/progress.csv").status_code == 404
