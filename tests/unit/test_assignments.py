"""Assignments and the gradebook as plain Python: dates with a frozen clock, draws, counting rule, CSV."""
from __future__ import annotations

import datetime as dt
import random

import pytest

from trainer.models import (
    AssignmentDraw, Attempt, Cohort, CohortMember, ExerciseRecord, GradeOverride, Role, School, User,
)
from trainer.teaching.assignments import (
    AssignmentError, AssignmentSpec, items_for, key_hidden, pool_ids, pool_options, save_assignment, start_refusal,
    to_utc,
)
from trainer.teaching.gradebook import gradebook, gradebook_csv, late_penalty, override_log, override_score

UTC = dt.timezone.utc
OPEN = dt.datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
DUE = dt.datetime(2026, 3, 9, 17, 0, tzinfo=UTC)


def exercise(session, ex_id: str, area: str, tags: dict) -> ExerciseRecord:
    record = ExerciseRecord(id=ex_id, title=ex_id, kind="coding", area=area, setting="office", difficulty=1,
                            tags=tags, variant_count=1, source="", path=f"{ex_id}.yaml", checksum="x", active=True)
    session.add(record)
    return record


@pytest.fixture()
def world(session):
    school = School(name="Unit School", slug="unit-school")
    session.add(school)
    session.flush()
    teacher = User(name="Teacher", email="t@u.example", role=Role.INSTRUCTOR, school_id=school.id, password_hash="x")
    ana = User(name="Ana", email="ana@u.example", role=Role.LEARNER, school_id=school.id, password_hash="x")
    bo = User(name="Bo", email="bo@u.example", role=Role.LEARNER, school_id=school.id, password_hash="x")
    cy = User(name="Cy", email="cy@u.example", role=Role.LEARNER, school_id=school.id, password_hash="x")
    session.add_all([teacher, ana, bo, cy])
    session.flush()
    cohort = Cohort(school_id=school.id, name="Unit cohort", join_code="UNIT0001", active=True)
    cohort.members += [CohortMember(user_id=teacher.id, role="instructor"), CohortMember(user_id=ana.id, role="learner"),
                       CohortMember(user_id=bo.id, role="learner"), CohortMember(user_id=cy.id, role="learner")]
    session.add(cohort)
    for n in range(6):
        exercise(session, f"ms-{n}", "surgery", {"cpc": ["Surgery: Musculoskeletal"], "topics": []})
    exercise(session, "em-1", "em", {"cpc": ["Evaluation and Management"]})
    session.commit()
    return {"teacher": teacher, "ana": ana, "bo": bo, "cy": cy, "cohort": cohort}


def spec(**kw) -> AssignmentSpec:
    base = dict(title="Week 1", kind="exercises", open_at=OPEN, due_at=DUE, late_policy="accept",
                key_reveal="submission", exercise_ids=["ms-0", "ms-1"])
    base.update(kw)
    return AssignmentSpec(**base)


def attempt(session, user, assignment, ex_id, score, submitted_at) -> Attempt:
    a = Attempt(user_id=user.id, exercise_id=ex_id, variant=0, answer={}, score=score, max_score=10,
                submitted_at=submitted_at, assignment_id=assignment.id)
    session.add(a)
    session.commit()
    return a


def test_local_dates_become_utc_and_validation_names_each_field(session, world):
    assert to_utc(dt.datetime(2026, 2, 9, 17, 0), "America/Chicago") == dt.datetime(2026, 2, 9, 23, 0, tzinfo=UTC)
    assert to_utc(dt.datetime(2026, 3, 9, 17, 0), "America/Chicago") == dt.datetime(2026, 3, 9, 22, 0, tzinfo=UTC)
    with pytest.raises(AssignmentError) as err:
        save_assignment(session, world["teacher"], world["cohort"], spec(
            title="", due_at=OPEN - dt.timedelta(hours=1), attempts_allowed=11, exercise_ids=[], pool="area:surgery",
            count=7, late_policy="penalty", late_penalty_percent=0))
    assert err.value.problems == {
        "title": "give the assignment a title (up to 200 characters)",
        "due_at": "the due date must be after the open date",
        "attempts_allowed": "allow 1 to 10 attempts, or unlimited",
        "late_penalty_percent": "the penalty is 1 to 100 percentage points per day late",
        "count": "the pool has 6 exercises: draw 1 to 6"}
    with pytest.raises(AssignmentError) as err:
        save_assignment(session, world["teacher"], world["cohort"], spec(exercise_ids=["ms-0", "nope"]))
    assert err.value.problems == {"exercise_ids": "no such exercise: nope"}
    with pytest.raises(AssignmentError) as err:
        save_assignment(session, world["teacher"], world["cohort"], spec(kind="exam", blueprint_id="missing"))
    assert err.value.problems == {"blueprint_id": "choose an exam available to your school"}
    with pytest.raises(PermissionError):
        save_assignment(session, world["ana"], world["cohort"], spec())


def test_pools_come_from_the_exercises_areas_and_tags(session, world):
    options = {value: (label, n) for value, label, n in pool_options(session)}
    assert options["area:surgery"] == ("Area: Surgery", 6)
    assert options["tag:cpc:Surgery: Musculoskeletal"] == ("CPC topic: Surgery: Musculoskeletal", 6)
    assert pool_ids(session, "tag:cpc:Evaluation and Management") == ["em-1"]


def test_a_draw_is_made_once_per_learner_and_kept(session, world):
    a = save_assignment(session, world["teacher"], world["cohort"],
                        spec(exercise_ids=None, pool="tag:cpc:Surgery: Musculoskeletal", count=3))
    first = items_for(session, a, world["ana"], random.Random(1))
    assert len(first) == 3 and len(set(first)) == 3 and all(e.startswith("ms-") for e in first)
    assert items_for(session, a, world["ana"], random.Random(99)) == first
    assert session.query(AssignmentDraw).filter_by(assignment_id=a.id).count() == 1
    assert items_for(session, a, world["bo"], draw=False) == []  # not opened yet: nothing drawn
    with pytest.raises(AssignmentError):  # the rule cannot change once someone has drawn
        save_assignment(session, world["teacher"], world["cohort"],
                        spec(exercise_ids=None, pool="area:surgery", count=3), a)


def test_start_refusals_with_a_frozen_clock(session, world):
    a = save_assignment(session, world["teacher"], world["cohort"], spec(attempts_allowed=2, late_policy="refuse"))
    assert start_refusal(a, 0, OPEN - dt.timedelta(seconds=1)) == "This assignment is not open yet."
    assert start_refusal(a, 0, OPEN) is None
    assert start_refusal(a, 1, DUE - dt.timedelta(seconds=1)) is None
    assert start_refusal(a, 2, OPEN) == "You have used the 2 attempts this assignment allows."
    assert start_refusal(a, 0, DUE) == "The due date has passed and this assignment does not accept late work."
    a.late_policy, a.attempts_allowed = "penalty", None
    assert start_refusal(a, 50, DUE + dt.timedelta(days=3)) is None


def test_late_penalty_per_day_with_a_cap(session, world):
    a = save_assignment(session, world["teacher"], world["cohort"], spec(
        late_policy="penalty", late_penalty_percent=10, late_penalty_cap=25))
    assert late_penalty(a, DUE) == 0
    assert late_penalty(a, DUE + dt.timedelta(minutes=1)) == 10
    assert late_penalty(a, DUE + dt.timedelta(days=1, minutes=1)) == 20
    assert late_penalty(a, DUE + dt.timedelta(days=5)) == 25
    a.late_policy = "refuse"
    assert late_penalty(a, DUE + dt.timedelta(minutes=1)) is None


def test_key_hidden_until_the_due_date_only_under_that_policy(session, world):
    a = save_assignment(session, world["teacher"], world["cohort"], spec(key_reveal="due"))
    assert key_hidden(a, DUE - dt.timedelta(seconds=1)) and not key_hidden(a, DUE)
    a.key_reveal = "submission"
    assert not key_hidden(a, OPEN) and not key_hidden(None, OPEN)


def test_gradebook_counting_rule_statuses_overrides_and_csv(session, world):
    t, ana, bo, cohort = world["teacher"], world["ana"], world["bo"], world["cohort"]
    a = save_assignment(session, t, cohort, spec(title="Week 1", late_policy="penalty", late_penalty_percent=10,
                                                 late_penalty_cap=50))
    b = save_assignment(session, t, cohort, spec(title="Week 2", exercise_ids=["em-1"], late_policy="refuse",
                                                 due_at=DUE + dt.timedelta(days=7)))
    on_time = DUE - dt.timedelta(hours=1)
    attempt(session, ana, a, "ms-0", 6, on_time)                                   # 60 on time
    attempt(session, ana, a, "ms-0", 9, DUE + dt.timedelta(hours=30))              # 90 - 20 = 70 late: best
    attempt(session, ana, a, "ms-1", 8, on_time)                                   # 80
    attempt(session, bo, a, "ms-0", 10, on_time)                                   # ms-1 never submitted
    attempt(session, bo, b, "em-1", 10, DUE + dt.timedelta(days=8))                # late, refused: no score
    attempt(session, ana, b, "em-1", 3, None)                                      # a draft

    before_due_b = DUE + dt.timedelta(days=2)
    book = gradebook(session, cohort, before_due_b)
    cell = book.cell(ana, a)
    assert cell.status == "late" and cell.score == 75.0  # (70 + 80) / 2
    assert [r.penalty for r in cell.items] == [20.0, 0.0] and cell.items[0].late
    assert book.cell(bo, a).status == "missing" and book.cell(bo, a).score == 50.0  # (100 + 0) / 2
    assert book.cell(ana, b).status == "in_progress" and book.cell(ana, b).score is None
    assert book.cell(bo, b).status == "in_progress"
    after = gradebook(session, cohort, DUE + dt.timedelta(days=9))
    assert after.cell(bo, b).status == "missing" and after.cell(bo, b).score == 0.0
    assert book.cell(world["cy"], b).status == "not_started" and book.cell(world["cy"], b).score is None
    assert book.cell(world["cy"], a).status == "missing" and book.cell(world["cy"], a).score == 0.0

    override_score(session, t, a, bo, 65, "Line 2 was graded against the wrong variant.", before_due_b)
    override_score(session, t, a, bo, 70, "Re-checked: 70.", before_due_b + dt.timedelta(minutes=5))
    with pytest.raises(ValueError):
        override_score(session, t, a, bo, 80, "  ", before_due_b)
    with pytest.raises(PermissionError):
        override_score(session, ana, a, bo, 100, "mine", before_due_b)
    log = override_log(session, a, bo)
    assert [(o.old_score, o.new_score, o.comment) for o in log] == [
        (65.0, 70.0, "Re-checked: 70."), (50.0, 65.0, "Line 2 was graded against the wrong variant.")]
    assert session.query(GradeOverride).count() == 2

    book = gradebook(session, cohort, before_due_b)
    assert book.cell(bo, a).score == 70.0 and book.cell(bo, a).override is log[0]
    assert gradebook_csv(book).splitlines() == ["name,email,Week 1,Week 2,average",
                                                "Ana,ana@u.example,75,,75",
                                                "Bo,bo@u.example,70,,70",
                                                "Cy,cy@u.example,0,,0"]
    a.archived = True  # archived assignments leave the gradebook
    session.commit()
    assert [x.title for x in gradebook(session, cohort, before_due_b).assignments] == ["Week 2"]
