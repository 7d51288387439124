"""Assignments (no Flask): create and edit them, draw each learner's exercises, start an item, reveal keys.

Every function that depends on the time takes ``now`` (the views pass the clock; tests freeze it).
"""
from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Assignment, AssignmentDraw, Attempt, Cohort, CohortMember, ExamSitting, ExerciseRecord, User
from ..models.exams import BlueprintRecord
from ..exams.sittings import finalize_if_due, start_exam
from ..practice.labels import AREA_LABELS
from ..practice.operations import new_attempt
from ..exercises.store import visible_clause
from .cohorts import can_manage

KINDS = {"exercises": "Coding exercises", "exam": "Exam"}
LATE_POLICIES = {"refuse": "Not accepted", "penalty": "Accepted, minus a percentage per day late",
                 "accept": "Accepted, no penalty"}
KEY_REVEAL = {"submission": "After submission", "due": "After the due date"}
MAX_ATTEMPTS = 10
MAX_ITEMS = 50
TAG_GROUPS = {"cpc": "CPC topic", "cca": "CCA topic", "icd_chapter": "ICD-10-CM chapter", "topics": "Topic"}


class AssignmentError(ValueError):
    """Problems with what was asked, by field name ("" for the whole request)."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


class NotAllowed(ValueError):
    """Starting an item is refused now; the message says why (shown to the learner)."""


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    if value is None or value.tzinfo:
        return value
    return value.replace(tzinfo=dt.timezone.utc)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise AssignmentError({"time_zone": f"{name!r} is not a time zone"}) from err


def to_utc(local: dt.datetime, zone_name: str) -> dt.datetime:
    """A wall-clock time entered in ``zone_name`` as an aware UTC datetime."""
    return local.replace(tzinfo=zone(zone_name)).astimezone(dt.timezone.utc)


def to_local(value: dt.datetime, zone_name: str) -> dt.datetime:
    return aware(value).astimezone(zone(zone_name))


# ── Pools for draw rules ────────────────────────────────────────────────────────────────────────────

def _matches(record: ExerciseRecord, pool: str) -> bool:
    kind, _, value = pool.partition(":")
    if kind == "area":
        return record.area == value
    if kind == "tag":
        group, _, tag = value.partition(":")
        return tag in ((record.tags or {}).get(group) or [])
    return False


def pool_options(session: Session, school_id: int | None = None) -> list[tuple[str, str, int]]:
    """(pool value, label, number of exercises) for every area and tag of the exercises the school's
    learners may practise (bundled ones and the school's own published ones)."""
    records = session.execute(select(ExerciseRecord).where(visible_clause(school_id))).scalars().all()
    counts: Counter[tuple[str, str]] = Counter()
    for r in records:
        counts[(f"area:{r.area}", f"Area: {AREA_LABELS.get(r.area, r.area)}")] += 1
        for group, tags in (r.tags or {}).items():
            for tag in tags or []:
                counts[(f"tag:{group}:{tag}", f"{TAG_GROUPS.get(group, group)}: {tag}")] += 1
    return sorted(((value, label, n) for (value, label), n in counts.items()), key=lambda o: (o[0][:4], o[1]))


def pool_ids(session: Session, pool: str, school_id: int | None = None) -> list[str]:
    records = session.execute(select(ExerciseRecord).where(visible_clause(school_id))
                              .order_by(ExerciseRecord.id)).scalars()
    return [r.id for r in records if _matches(r, pool)]


# ── Create, edit, archive ───────────────────────────────────────────────────────────────────────────

@dataclass
class AssignmentSpec:
    title: str
    kind: str
    open_at: dt.datetime  # aware
    due_at: dt.datetime  # aware
    late_policy: str
    key_reveal: str
    instructions: str = ""
    exercise_ids: list[str] | None = None
    pool: str = ""
    count: int = 0
    blueprint_id: str = ""
    time_zone: str = "UTC"
    attempts_allowed: int | None = 1  # None: unlimited
    late_penalty_percent: int = 0
    late_penalty_cap: int = 100


def _check(session: Session, cohort: Cohort, spec: AssignmentSpec, current: Assignment | None) -> dict[str, str]:
    problems: dict[str, str] = {}
    title = spec.title.strip()
    if not 1 <= len(title) <= 200:
        problems["title"] = "give the assignment a title (up to 200 characters)"
    elif session.execute(select(Assignment.id).where(
            Assignment.cohort_id == cohort.id, func.lower(Assignment.title) == title.lower(),
            Assignment.archived.is_(False), Assignment.id != (current.id if current else -1))).first():
        problems["title"] = "another assignment of this cohort has this title"
    if spec.kind not in KINDS:
        problems["kind"] = "choose exercises or an exam"
    if spec.due_at <= spec.open_at:
        problems["due_at"] = "the due date must be after the open date"
    if spec.attempts_allowed is not None and not 1 <= spec.attempts_allowed <= MAX_ATTEMPTS:
        problems["attempts_allowed"] = f"allow 1 to {MAX_ATTEMPTS} attempts, or unlimited"
    if spec.late_policy not in LATE_POLICIES:
        problems["late_policy"] = "choose a late policy"
    elif spec.late_policy == "penalty":
        if not 1 <= spec.late_penalty_percent <= 100:
            problems["late_penalty_percent"] = "the penalty is 1 to 100 percentage points per day late"
        if not 1 <= spec.late_penalty_cap <= 100:
            problems["late_penalty_cap"] = "the cap is 1 to 100 percentage points"
    if spec.key_reveal not in KEY_REVEAL:
        problems["key_reveal"] = "choose when the key is shown"
    if spec.kind == "exercises":
        picked = spec.exercise_ids or []
        if picked and spec.pool:
            problems["exercise_ids"] = "pick exercises or give a draw rule, not both"
        elif picked:
            active = set(session.execute(select(ExerciseRecord.id).where(
                ExerciseRecord.id.in_(picked), visible_clause(cohort.school_id))).scalars())
            unknown = [e for e in picked if e not in active]
            if unknown:
                problems["exercise_ids"] = f"no such exercise: {', '.join(unknown)}"
            elif len(picked) > MAX_ITEMS:
                problems["exercise_ids"] = f"at most {MAX_ITEMS} exercises"
            elif len(set(picked)) != len(picked):
                problems["exercise_ids"] = "an exercise is picked twice"
        elif spec.pool:
            size = len(pool_ids(session, spec.pool, cohort.school_id))
            if size == 0:
                problems["pool"] = "no exercise matches this rule"
            elif not 1 <= spec.count <= min(size, MAX_ITEMS):
                problems["count"] = (f"the pool has {size} exercise{'s' if size != 1 else ''}: draw 1 to "
                                     f"{min(size, MAX_ITEMS)}")
        else:
            problems["exercise_ids"] = "pick at least one exercise, or give a draw rule"
    elif spec.kind == "exam":
        record = session.get(BlueprintRecord, spec.blueprint_id) if spec.blueprint_id else None
        if record is None or not record.active or record.school_id not in (None, cohort.school_id):
            problems["blueprint_id"] = "choose an exam available to your school"
    return problems


def save_assignment(session: Session, actor: User, cohort: Cohort, spec: AssignmentSpec,
                    assignment: Assignment | None = None) -> Assignment:
    """Create (or, given ``assignment``, update) an assignment of ``cohort``; AssignmentError lists the problems."""
    if not can_manage(actor, cohort) or (assignment is not None and assignment.cohort_id != cohort.id):
        raise PermissionError("not your cohort")
    zone(spec.time_zone)
    problems = _check(session, cohort, spec, assignment)
    if problems:
        raise AssignmentError(problems)
    if assignment is None:
        assignment = Assignment(cohort_id=cohort.id, created_by=actor.id, archived=False)
        session.add(assignment)
    elif assignment.kind != spec.kind or assignment.draw_rule != _rule(spec):
        drawn = session.execute(select(AssignmentDraw.id).where(AssignmentDraw.assignment_id == assignment.id)).first()
        if drawn or _started(session, assignment):
            raise AssignmentError({"kind": "learners have started this assignment: its kind and draw rule "
                                           "can no longer change"})
    picked = spec.kind == "exercises" and not spec.pool
    assignment.title = spec.title.strip()
    assignment.instructions = spec.instructions.strip()
    assignment.kind = spec.kind
    assignment.exercise_ids = list(spec.exercise_ids or []) if picked else None
    assignment.draw_rule = _rule(spec)
    assignment.blueprint_id = spec.blueprint_id if spec.kind == "exam" else None
    assignment.open_at, assignment.due_at = spec.open_at, spec.due_at
    assignment.time_zone = spec.time_zone or "UTC"
    assignment.attempts_allowed = spec.attempts_allowed
    assignment.late_policy = spec.late_policy
    assignment.late_penalty_percent = spec.late_penalty_percent if spec.late_policy == "penalty" else 0
    assignment.late_penalty_cap = spec.late_penalty_cap if spec.late_policy == "penalty" else 100
    assignment.key_reveal = spec.key_reveal
    session.commit()
    return assignment


def _rule(spec: AssignmentSpec) -> dict | None:
    return {"pool": spec.pool, "count": spec.count} if spec.kind == "exercises" and spec.pool else None


def _started(session: Session, assignment: Assignment) -> bool:
    return bool(session.execute(select(Attempt.id).where(Attempt.assignment_id == assignment.id)).first()
                or session.execute(select(ExamSitting.id).where(ExamSitting.assignment_id == assignment.id)).first())


def set_archived(session: Session, actor: User, assignment: Assignment, archived: bool) -> None:
    if not can_manage(actor, assignment.cohort):
        raise PermissionError("not your cohort")
    assignment.archived = archived
    session.commit()


# ── Learners ────────────────────────────────────────────────────────────────────────────────────────

def is_learner(session: Session, user: User, cohort_id: int) -> bool:
    return session.execute(select(CohortMember.id).where(
        CohortMember.cohort_id == cohort_id, CohortMember.user_id == user.id,
        CohortMember.role == "learner")).first() is not None


def assignments_of(session: Session, learner: User) -> list[Assignment]:
    """The live assignments of every cohort the user is a learner of, by due date."""
    return list(session.execute(select(Assignment).join(CohortMember, CohortMember.cohort_id == Assignment.cohort_id)
                                .where(CohortMember.user_id == learner.id, CohortMember.role == "learner",
                                       Assignment.archived.is_(False))
                                .order_by(Assignment.due_at, Assignment.id)).scalars())


def items_for(session: Session, assignment: Assignment, learner: User, rng: random.Random | None = None,
              draw: bool = True) -> list[str]:
    """The exercise ids this learner works on (or the blueprint id of an exam), in order.

    A draw rule is applied the first time (``draw``) and stored, so the learner keeps the same exercises.
    """
    if assignment.kind == "exam":
        return [assignment.blueprint_id]
    if assignment.draw_rule is None:
        return list(assignment.exercise_ids or [])
    row = session.execute(select(AssignmentDraw).where(AssignmentDraw.assignment_id == assignment.id,
                                                       AssignmentDraw.user_id == learner.id)).scalar_one_or_none()
    if row is not None:
        return list(row.exercise_ids)
    if not draw:
        return []
    pool = pool_ids(session, assignment.draw_rule["pool"], assignment.cohort.school_id)
    chosen = (rng or random).sample(pool, min(assignment.draw_rule["count"], len(pool)))
    session.add(AssignmentDraw(assignment_id=assignment.id, user_id=learner.id, exercise_ids=chosen))
    session.commit()
    return chosen


def attempts_on(session: Session, assignment: Assignment, learner: User, item: str) -> list:
    """The learner's attempts (or exam sittings) at one item of the assignment, oldest first."""
    if assignment.kind == "exam":
        return list(session.execute(select(ExamSitting).where(
            ExamSitting.assignment_id == assignment.id, ExamSitting.user_id == learner.id,
            ExamSitting.mode == "exam").order_by(ExamSitting.id)).scalars())
    return list(session.execute(select(Attempt).where(
        Attempt.assignment_id == assignment.id, Attempt.user_id == learner.id,
        Attempt.exercise_id == item).order_by(Attempt.id)).scalars())


def start_refusal(assignment: Assignment, used: int, now: dt.datetime) -> str | None:
    """Why a new attempt cannot start now (None: it can)."""
    if assignment.archived:
        return "This assignment has been archived."
    if now < aware(assignment.open_at):
        return "This assignment is not open yet."
    if now >= aware(assignment.due_at) and assignment.late_policy == "refuse":
        return "The due date has passed and this assignment does not accept late work."
    if assignment.attempts_allowed is not None and used >= assignment.attempts_allowed:
        n = assignment.attempts_allowed
        return f"You have used the {n} attempt{'s' if n != 1 else ''} this assignment allows."
    return None


def start_item(session: Session, learner: User, assignment: Assignment, item: str, now: dt.datetime,
               rng: random.Random | None = None):
    """Resume the learner's open attempt at an item, or start one linked to the assignment (NotAllowed if not)."""
    if not is_learner(session, learner, assignment.cohort_id) or item not in items_for(session, assignment, learner):
        raise PermissionError("not an item of your assignment")
    previous = attempts_on(session, assignment, learner, item)
    if assignment.kind == "exam":
        for sitting in previous:
            finalize_if_due(session, sitting, now)  # a sitting past its time limit is submitted first
    open_one = next((a for a in previous if a.submitted_at is None), None)
    refusal = start_refusal(assignment, len(previous) - (open_one is not None), now)
    if open_one is not None and refusal is None:
        return open_one
    if refusal:
        raise NotAllowed(refusal)
    if assignment.kind == "exam":
        record = session.get(BlueprintRecord, assignment.blueprint_id)
        return start_exam(session, learner, record, rng=rng, now=now, assignment_id=assignment.id)
    record = session.get(ExerciseRecord, item)
    if record is None or not record.active:
        raise NotAllowed("This exercise is no longer available; tell your instructor.")
    return new_attempt(session, learner, record, rng, assignment_id=assignment.id)


# ── Keys ────────────────────────────────────────────────────────────────────────────────────────────

def key_hidden(assignment: Assignment | None, now: dt.datetime) -> bool:
    """True while the key and rationales of this assignment's work stay hidden from its learners."""
    return assignment is not None and assignment.key_reveal == "due" and now < aware(assignment.due_at)


def hidden_exercises(session: Session, learner: User, now: dt.datetime) -> set[str]:
    """Exercises whose key this learner must not see yet (in an assignment of theirs that reveals after the due
    date), so free practice of the same exercise does not show it either."""
    out: set[str] = set()
    for a in assignments_of(session, learner):
        if a.kind == "exercises" and key_hidden(a, now):
            out.update(items_for(session, a, learner, draw=False))
    return out


def practice_key_hidden(session: Session, viewer: User, attempt: Attempt, assignment: Assignment | None,
                        now: dt.datetime) -> bool:
    """Hide a practice result's key from its learner while an assignment of theirs keeps it hidden."""
    if viewer.id != attempt.user_id:
        return False  # instructors and administrators always see the key
    return key_hidden(assignment, now) or attempt.exercise_id in hidden_exercises(session, viewer, now)
