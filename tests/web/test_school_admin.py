"""The school-admin area: instructors, the school-wide report and CSV, a learner's export and deletion."""
from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import zipfile

import pytest
from sqlalchemy import func, select

from trainer.db_base import Base
from trainer.extensions import db
from trainer.models import (
    Assignment, AssignmentDraw, Attempt, ClaimAttempt, CohortMember, DeletionLog, Dispute, ExamItem, ExamSitting,
    BillingAttempt, DenialWork, GradeOverride, LedgerEntry, PatientAccount, PostingAttempt, QuestionRecord, RegradeLog,
    Role, School, SubmittedClaim, User,
)
from trainer.school.learner_data import DEPENDENTS, USER_POLICY, user_columns
from trainer.teaching.cohorts import create_cohort

from .conftest import csrf_from, login

UTC = dt.timezone.utc
EX = "fx-knee-injection"
_n = itertools.count(1)


def client_for(app, user):
    c = app.test_client()
    assert login(c, user.email).status_code == 302
    return c


def token(client) -> str:
    return csrf_from(client.get("/auth/password").get_data(as_text=True))


def work_of(learner: User, teacher: User, assignment: Assignment, days_ago: int = 1, score: float = 5.0) -> dict:
    """One of every kind of row a learner can have."""
    when = dt.datetime.now(UTC) - dt.timedelta(days=days_ago)
    attempt = Attempt(user_id=learner.id, exercise_id=EX, variant=0, answer={"diagnoses": [f"M17.{learner.id}"]},
                      submitted_at=when, score=score, max_score=10.0, result={"lines": []},
                      assignment_id=assignment.id)
    claim = ClaimAttempt(user_id=learner.id, exercise_id=EX, variant=0, form={"box": learner.email},
                         claim={"claim_id": f"C{learner.id}"}, submitted_at=when, score=3, max_score=4, result={})
    sitting = ExamSitting(user_id=learner.id, blueprint_id="cpc", mode="exam", title="CPC mock",
                          blueprint={"items": 1}, submitted_at=when, score=7, max_score=10, passed=True)
    db.session.add_all([attempt, claim, sitting])
    db.session.flush()
    question = db.session.execute(select(QuestionRecord.id).limit(1)).scalar_one()
    item = ExamItem(sitting_id=sitting.id, position=1, question_id=question, section="em", choice="A")
    db.session.add(item)
    db.session.flush()
    rows = {
        "regrade": RegradeLog(exercise_id=EX, attempt_id=attempt.id, old_score=4, old_max_score=10, new_score=score,
                              new_max_score=10, old_checksum="a", new_checksum="b", trigger="setup"),
        "draw": AssignmentDraw(assignment_id=assignment.id, user_id=learner.id, exercise_ids=[EX]),
        "override": GradeOverride(assignment_id=assignment.id, learner_id=learner.id, old_score=50, new_score=80,
                                  comment="regraded by hand", by_id=teacher.id),
        "dispute": Dispute(school_id=learner.school_id, learner_id=learner.id, attempt_id=attempt.id, exercise_id=EX,
                           target="Diagnosis 1", comment=f"dispute by {learner.name}", status="answered",
                           reply="stands", resolved_by_id=teacher.id),
        "exam_dispute": Dispute(school_id=learner.school_id, learner_id=learner.id, exam_item_id=item.id,
                                question_id=question, target="Question 1", comment="two answers"),
    }
    db.session.add_all(rows.values())
    db.session.commit()
    office = office_rows(learner, claim, when)
    return dict(rows, attempt=attempt, claim=claim, sitting=sitting, item=item, **office)


def office_rows(learner: User, claim_attempt: ClaimAttempt, when: dt.datetime) -> dict:
    """A billing exercise attempt and a billing-office sandbox: an account, a claim and its replacement
    (pointing at each other), a ledger entry, a posting and a denial worked."""
    billing = BillingAttempt(user_id=learner.id, exercise_id="bx-est-demo", task="estimate", checksum="c",
                             answer={"copay": "30"}, score=4, max_score=5, findings=[])
    account = PatientAccount(user_id=learner.id, payer_key="medicare", member_id=f"SIM{learner.id}",
                             patient_name="Pat Sim", account_no=f"A{learner.id}")
    db.session.add_all([billing, account])
    db.session.flush()
    first, second = (SubmittedClaim(user_id=learner.id, account_id=account.id, exercise_id=EX, claim={"n": n},
                                    payer_key="medicare", received=when.date(), accepted=True,
                                    payer_claim_number=f"PCN{learner.id}{n}", status="paid",
                                    claim_attempt_id=claim_attempt.id if n == 1 else None) for n in (1, 2))
    db.session.add_all([first, second])
    db.session.flush()
    first.replaced_by_id, second.replaces_id = second.id, first.id
    db.session.add_all([
        LedgerEntry(account_id=account.id, claim_id=first.id, line=1, service_date=when.date(), code="99213",
                    kind="charge", amount=100, posted_on=when.date(), source_claim_id=second.id,
                    created_by_id=learner.id),
        PostingAttempt(user_id=learner.id, claim_id=first.id, answer={}, score=4, max_score=4, findings=[]),
        DenialWork(user_id=learner.id, claim_id=first.id, line=1, action="corrected", right=True, expected=["corrected"],
                   message="ok")])
    db.session.commit()
    return {"billing": billing, "office_claim": first, "office_replacement": second}


@pytest.fixture()
def setup(app, school, make_user):
    teacher = make_user(Role.INSTRUCTOR, name="Tess Teacher")
    cohort = create_cohort(db.session, teacher, f"Report class {next(_n)}")
    ana = make_user(Role.LEARNER, name="Ana Exported")
    bo = make_user(Role.LEARNER, name="Bo Bystander")
    cohort.members += [CohortMember(user_id=ana.id, role="learner"), CohortMember(user_id=bo.id, role="learner")]
    now = dt.datetime.now(UTC)
    assignment = Assignment(cohort_id=cohort.id, title="Knees", kind="exercises", exercise_ids=[EX],
                            open_at=now - dt.timedelta(days=5), due_at=now + dt.timedelta(days=5),
                            late_policy="refuse", key_reveal="submission", created_by=teacher.id)
    db.session.add(assignment)
    db.session.commit()
    return {"teacher": teacher, "cohort": cohort, "ana": ana, "bo": bo, "assignment": assignment,
            "admin": make_user(Role.SCHOOL_ADMIN)}


def test_instructors_page_and_who_may_open_it(app, school, make_user, setup):
    admin = client_for(app, setup["admin"])
    page = admin.get("/school").get_data(as_text=True)
    assert "Tess Teacher" in page and setup["cohort"].name in page and f"{setup['cohort'].name}</a> (2)" in page
    assert "Ana Exported" in page and f"/school/learners/{setup['ana'].id}/export.zip" in page
    assert client_for(app, setup["teacher"]).get("/school").status_code == 403
    assert client_for(app, setup["ana"]).get("/school/report").status_code == 403

    other = School(name=f"Elsewhere {next(_n)}", slug=f"elsewhere-{next(_n)}")
    db.session.add(other)
    db.session.commit()
    stranger = client_for(app, make_user(Role.SCHOOL_ADMIN, school_obj=other))
    assert "Tess Teacher" not in stranger.get(f"/school?school={school.id}").get_data(as_text=True)
    site = client_for(app, make_user(Role.SITE_ADMIN, school_obj=other))
    assert "Tess Teacher" in site.get(f"/school?school={school.id}").get_data(as_text=True)


def test_school_report_and_csv(app, setup):
    work_of(setup["ana"], setup["teacher"], setup["assignment"], days_ago=1, score=5.0)
    work_of(setup["bo"], setup["teacher"], setup["assignment"], days_ago=40, score=10.0)
    admin = client_for(app, setup["admin"])
    page = admin.get("/school/report").get_data(as_text=True)
    assert "School-wide report" in page and "Knees" in page
    rows = list(csv.reader(io.StringIO(admin.get("/school/report.csv").get_data(as_text=True))))
    assert rows[0][:4] == ["section", "name", "count", "average_percent"]
    school_rows = {r[1]: r[2] for r in rows if r[0] == "school"}
    assert school_rows["learners"] == "2" and school_rows["learners active in the last 30 days"] == "1"
    assert school_rows["practice attempts submitted in the last 30 days"] == "1"
    area = next(r for r in rows if r[0] == "practice area")
    assert area[2:6] == ["2", "75", "1", "50"]  # 50 % and 100 %; only the 50 % in the last 30 days
    exam = next(r for r in rows if r[0] == "exam" and r[1] == "CPC mock")
    assert exam[2:4] == ["2", "70"] and exam[6] == "passed 100 %"
    completion = next(r for r in rows if r[0] == "assignment")
    assert completion[1].endswith(": Knees") and completion[2] == "2" and completion[4] == "2"


def test_export_holds_the_learners_data_and_no_one_elses(app, setup):
    ana, bo = setup["ana"], setup["bo"]
    mine = work_of(ana, setup["teacher"], setup["assignment"])
    theirs = work_of(bo, setup["teacher"], setup["assignment"])
    response = client_for(app, setup["admin"]).get(f"/school/learners/{ana.id}/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    files = {name: archive.read(name).decode() for name in archive.namelist()}
    assert set(files) == {"README.txt", "profile.json", "cohorts.json", "practice_attempts.json",
                          "claim_attempts.json", "exam_sittings.json", "assignments.json", "disputes.json",
                          "billing_attempts.json", "billing_office.json"}
    data = {name: json.loads(text) for name, text in files.items() if name.endswith(".json")}
    assert data["profile.json"]["email"] == ana.email
    assert [c["cohort_id"] for c in data["cohorts.json"]] == [setup["cohort"].id]
    assert [a["id"] for a in data["practice_attempts.json"]] == [mine["attempt"].id]
    assert data["practice_attempts.json"][0]["answer"] == mine["attempt"].answer
    assert data["practice_attempts.json"][0]["regrades"][0]["new_score"] == 5.0
    assert [c["id"] for c in data["claim_attempts.json"]] == [mine["claim"].id]
    assert [b["id"] for b in data["billing_attempts.json"]] == [mine["billing"].id]
    assert [c["id"] for c in data["billing_office.json"]["claims"]] == [mine["office_claim"].id,
                                                                         mine["office_replacement"].id]
    assert len(data["billing_office.json"]["ledger"]) == 1 and len(data["billing_office.json"]["postings"]) == 1
    assert [s["id"] for s in data["exam_sittings.json"]] == [mine["sitting"].id]
    assert data["exam_sittings.json"][0]["items"][0]["choice"] == "A"
    knees = next(a for a in data["assignments.json"] if a["assignment_id"] == setup["assignment"].id)
    assert knees["drawn_for_you"] == [EX] and knees["overrides"][0]["new_score"] == 80
    assert sorted(d["id"] for d in data["disputes.json"]) == sorted([mine["dispute"].id, mine["exam_dispute"].id])
    everything = "".join(files.values())
    for other in (bo.email, bo.name, "Tess Teacher", setup["teacher"].email, f"C{bo.id}",
                  f"dispute by {bo.name}"):
        assert other not in everything, other
    assert theirs["attempt"].id not in [a["id"] for a in data["practice_attempts.json"]]


def referencing_rows(user_id: int) -> dict[str, int]:
    out = {}
    for table, column in user_columns():
        n = db.session.execute(select(func.count()).select_from(table).where(table.c[column] == user_id)).scalar_one()
        if n:
            out[f"{table.name}.{column}"] = n
    return out


def test_every_user_column_has_a_deletion_policy():
    columns = {(t.name, c) for t, c in user_columns()}
    assert len(columns) >= 10 and columns <= set(USER_POLICY)
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name in ("attempt", "exam_sitting", "exam_item", "claim_attempt", "assignment_draw",
                                        "cohort_member", "dispute"):
                assert (table.name, fk.parent.name) in DEPENDENTS, f"{table.name}.{fk.parent.name}"


def test_deleting_a_learner(app, school, make_user, setup):
    ana, bo = setup["ana"], setup["bo"]
    mine = work_of(ana, setup["teacher"], setup["assignment"])
    theirs = work_of(bo, setup["teacher"], setup["assignment"])
    ana_id, ana_email, ana_name = ana.id, ana.email, ana.name
    ids = {k: row.id for k, row in mine.items()}
    their_attempt = theirs["attempt"].id
    assert len(referencing_rows(ana_id)) >= 7
    bo_before = referencing_rows(bo.id)

    # who may: not an instructor, not another school's admin
    assert client_for(app, setup["teacher"]).get(f"/school/learners/{ana_id}/delete").status_code == 403
    other = School(name=f"Faraway {next(_n)}", slug=f"faraway-{next(_n)}")
    db.session.add(other)
    db.session.commit()
    stranger = client_for(app, make_user(Role.SCHOOL_ADMIN, school_obj=other))
    assert stranger.get(f"/school/learners/{ana_id}/export.zip").status_code == 404
    assert stranger.post(f"/school/learners/{ana_id}/delete", data={"csrf_token": token(stranger),
                                                                    "email": ana_email}).status_code == 404
    assert db.session.get(User, ana_id) is not None

    admin = client_for(app, setup["admin"])
    page = admin.get(f"/school/learners/{ana_id}/delete").get_data(as_text=True)
    assert "This cannot be undone" in page
    wrong = admin.post(f"/school/learners/{ana_id}/delete", data={"csrf_token": csrf_from(page), "email": bo.email})
    assert wrong.status_code == 400 and "exactly" in wrong.get_data(as_text=True)
    assert db.session.get(User, ana_id) is not None
    response = admin.post(f"/school/learners/{ana_id}/delete", data={"csrf_token": csrf_from(page),
                                                                     "email": ana_email.upper()})
    assert response.status_code == 302
    db.session.expire_all()

    assert db.session.get(User, ana_id) is None
    assert referencing_rows(ana_id) == {}  # every table with a user column, walked from the metadata
    for model, key in ((Attempt, "attempt"), (ExamSitting, "sitting"), (ExamItem, "item"),
                       (RegradeLog, "regrade"), (Dispute, "exam_dispute"), (ClaimAttempt, "claim")):
        assert db.session.get(model, ids[key]) is None, model.__name__
    kept = db.session.get(GradeOverride, ids["override"])
    assert kept is not None and kept.learner_id is None and kept.new_score == 80  # the audit row, anonymised
    # the other learner is untouched
    assert referencing_rows(bo.id) == bo_before
    assert db.session.get(Attempt, their_attempt) is not None
    log = db.session.execute(select(DeletionLog).order_by(DeletionLog.id.desc())).scalars().first()
    assert log.school_id == school.id and log.by_id == setup["admin"].id and log.counts["attempt"] == 1
    text = json.dumps({"role": log.role, "counts": log.counts})
    assert ana_email not in text and ana_name not in text and str(ana_id) not in json.dumps(log.counts)
    # a second deletion finds nothing
    assert admin.get(f"/school/learners/{ana_id}/delete").status_code == 404


def test_site_admin_may_delete_any_schools_learner_but_not_staff(app, make_user, setup):
    other = School(name=f"Siteland {next(_n)}", slug=f"siteland-{next(_n)}")
    db.session.add(other)
    db.session.commit()
    site = client_for(app, make_user(Role.SITE_ADMIN, school_obj=other))
    bo = setup["bo"]
    assert site.get(f"/school/learners/{setup['teacher'].id}/delete").status_code == 404  # learners only
    response = site.post(f"/school/learners/{bo.id}/delete", data={"csrf_token": token(site), "email": bo.email})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, bo.id) is None
