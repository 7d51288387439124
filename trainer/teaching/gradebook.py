"""The gradebook (no Flask): learners × assignments, which attempt counts, late penalties, overrides, CSV.

Which attempt counts, per item of an assignment (an exercise, or the exam):
- every submitted attempt started from the assignment is a candidate;
- one submitted by the due date counts at its score;
- a late one counts under the late policy: "accept" at its score, "penalty" minus the penalty
  (percentage points per day or part of a day late, up to the cap, never below 0), "refuse" not at all;
- the item's score is the best candidate; the assignment's score is the mean over its items, an item
  with nothing counted scoring 0;
- an instructor's override replaces the assignment's score (the latest override is current).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Assignment, AssignmentDraw, Attempt, Cohort, ExamSitting, GradeOverride, User
from .assignments import aware
from .cohorts import can_manage

STATUS_LABELS = {"not_started": "Not started", "in_progress": "In progress", "submitted": "Submitted",
                 "late": "Submitted late", "missing": "Missing"}


def work_percent(work) -> float | None:
    """The percent score of a submitted attempt or exam sitting."""
    if work.submitted_at is None:
        return None
    if isinstance(work, ExamSitting) and (work.result or {}).get("percent") is not None:
        return float(work.result["percent"])
    if work.score is None or not work.max_score:
        return None
    return 100 * work.score / work.max_score


def late_penalty(assignment: Assignment, submitted_at: dt.datetime) -> float | None:
    """Percentage points off for work submitted at ``submitted_at``: 0 on time, None when late work is refused."""
    late = (aware(submitted_at) - aware(assignment.due_at)).total_seconds()
    if late <= 0 or assignment.late_policy == "accept":
        return 0.0
    if assignment.late_policy == "refuse":
        return None
    days = math.ceil(late / 86400)
    return float(min(assignment.late_penalty_cap, days * assignment.late_penalty_percent))


@dataclass
class ItemResult:
    item: str  # exercise id, or the blueprint id of an exam
    attempts: list = field(default_factory=list)  # Attempt or ExamSitting rows, oldest first
    counted: object | None = None  # the attempt that counts
    percent: float | None = None  # its score after any late penalty
    penalty: float = 0.0
    late: bool = False


@dataclass
class Cell:
    assignment: Assignment
    learner: User
    items: list[ItemResult]
    status: str
    computed: float | None  # from the attempts, before any override
    override: GradeOverride | None = None

    @property
    def score(self) -> float | None:
        """The final percent: the override if there is one, else the computed score (0 once missing after due)."""
        if self.override is not None:
            return self.override.new_score
        if self.computed is None and self.status == "missing":
            return 0.0
        return self.computed

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def _item_result(assignment: Assignment, item: str, attempts: list) -> ItemResult:
    result = ItemResult(item, attempts)
    for work in attempts:
        pct = work_percent(work)
        if pct is None:
            continue
        penalty = late_penalty(assignment, work.submitted_at)
        if penalty is None:
            continue
        final = max(0.0, pct - penalty)
        if result.percent is None or final > result.percent:
            result.counted, result.percent, result.penalty = work, final, penalty
            result.late = aware(work.submitted_at) > aware(assignment.due_at)
    return result


def build_cell(assignment: Assignment, learner: User, items: list[str], work: list,
               override: GradeOverride | None, now: dt.datetime) -> Cell:
    """One learner's cell from their items and every attempt of theirs linked to the assignment."""
    by_item: dict[str, list] = defaultdict(list)
    for w in work:
        by_item[w.blueprint_id if isinstance(w, ExamSitting) else w.exercise_id].append(w)
    results = [_item_result(assignment, item, sorted(by_item.get(item, []), key=lambda w: w.id)) for item in items]
    counted = [r for r in results if r.percent is not None]
    computed = round(sum(r.percent for r in counted) / len(results), 1) if counted and results else None
    if results and len(counted) == len(results):
        status = "late" if any(r.late for r in results) else "submitted"
    elif now >= aware(assignment.due_at):
        status = "missing"
    elif work:
        status = "in_progress"
    else:
        status = "not_started"
    return Cell(assignment, learner, results, status, computed, override)


def _items(assignment: Assignment, drawn: list[str] | None) -> list[str]:
    """The items a learner is graded on; a draw not made yet counts as the rule's number of empty items."""
    if assignment.kind == "exam":
        return [assignment.blueprint_id]
    if assignment.draw_rule is None:
        return list(assignment.exercise_ids or [])
    return list(drawn) if drawn else [f"(not drawn {n + 1})" for n in range(assignment.draw_rule["count"])]


@dataclass
class Gradebook:
    cohort: Cohort
    learners: list[User]
    assignments: list[Assignment]
    cells: dict[tuple[int, int], Cell]  # (learner id, assignment id) -> cell

    def cell(self, learner: User, assignment: Assignment) -> Cell:
        return self.cells[(learner.id, assignment.id)]

    def average(self, learner: User) -> float | None:
        """Mean of the learner's final scores over the assignments that have one."""
        scores = [self.cells[(learner.id, a.id)].score for a in self.assignments]
        scores = [s for s in scores if s is not None]
        return round(sum(scores) / len(scores), 1) if scores else None


def current_overrides(session: Session, assignment_ids: list[int], learner_ids: list[int]
                      ) -> dict[tuple[int, int], GradeOverride]:
    out: dict[tuple[int, int], GradeOverride] = {}
    if not assignment_ids or not learner_ids:
        return out
    for row in session.execute(select(GradeOverride).where(GradeOverride.assignment_id.in_(assignment_ids),
                                                           GradeOverride.learner_id.in_(learner_ids))
                               .order_by(GradeOverride.at, GradeOverride.id)).scalars():
        out[(row.learner_id, row.assignment_id)] = row  # the latest wins
    return out


def gradebook(session: Session, cohort: Cohort, now: dt.datetime,
              learners: list[User] | None = None) -> Gradebook:
    """Every (or the given) learner of the cohort × its live assignments, in a few queries."""
    if learners is None:
        learners = sorted((m.user for m in cohort.members if m.role == "learner"), key=lambda u: u.name.lower())
    assignments = list(session.execute(select(Assignment).where(Assignment.cohort_id == cohort.id,
                                                                Assignment.archived.is_(False))
                                       .order_by(Assignment.due_at, Assignment.id)).scalars())
    ids, uids = [a.id for a in assignments], [u.id for u in learners]
    work: dict[tuple[int, int], list] = defaultdict(list)
    draws: dict[tuple[int, int], list[str]] = {}
    if ids and uids:
        for model in (Attempt, ExamSitting):
            query = select(model).where(model.assignment_id.in_(ids), model.user_id.in_(uids))
            if model is ExamSitting:
                query = query.where(ExamSitting.mode == "exam")
            for w in session.execute(query).scalars():
                work[(w.user_id, w.assignment_id)].append(w)
        for d in session.execute(select(AssignmentDraw).where(AssignmentDraw.assignment_id.in_(ids),
                                                              AssignmentDraw.user_id.in_(uids))).scalars():
            draws[(d.user_id, d.assignment_id)] = list(d.exercise_ids)
    overrides = current_overrides(session, ids, uids)
    cells = {}
    for learner in learners:
        for a in assignments:
            cells[(learner.id, a.id)] = build_cell(a, learner, _items(a, draws.get((learner.id, a.id))),
                                                   work[(learner.id, a.id)],
                                                   overrides.get((learner.id, a.id)), now)
    return Gradebook(cohort, learners, assignments, cells)


def learner_cell(session: Session, assignment: Assignment, learner: User, now: dt.datetime) -> Cell:
    """One learner's cell (an archived assignment too)."""
    drawn = session.execute(select(AssignmentDraw.exercise_ids).where(
        AssignmentDraw.assignment_id == assignment.id, AssignmentDraw.user_id == learner.id)).scalar_one_or_none()
    work = list(session.execute(select(Attempt).where(Attempt.assignment_id == assignment.id,
                                                      Attempt.user_id == learner.id)).scalars())
    work += session.execute(select(ExamSitting).where(ExamSitting.assignment_id == assignment.id,
                                                      ExamSitting.user_id == learner.id,
                                                      ExamSitting.mode == "exam")).scalars().all()
    override = current_overrides(session, [assignment.id], [learner.id]).get((learner.id, assignment.id))
    return build_cell(assignment, learner, _items(assignment, drawn), work, override, now)


def override_score(session: Session, actor: User, assignment: Assignment, learner: User, new_score: float,
                   comment: str, now: dt.datetime) -> GradeOverride:
    """Record an override (with the score shown before it); earlier overrides stay in the log."""
    if not can_manage(actor, assignment.cohort):
        raise PermissionError("not your cohort")
    comment = (comment or "").strip()
    if not comment:
        raise ValueError("say why the score changes (the comment is kept in the log)")
    if not 0 <= new_score <= 100:
        raise ValueError("the score is a percentage from 0 to 100")
    before = learner_cell(session, assignment, learner, now).score
    row = GradeOverride(assignment_id=assignment.id, learner_id=learner.id, old_score=before,
                        new_score=round(float(new_score), 1), comment=comment, by_id=actor.id, at=now)
    session.add(row)
    session.commit()
    return row


def override_log(session: Session, assignment: Assignment, learner: User) -> list[GradeOverride]:
    """Every override of this cell, newest first."""
    return list(session.execute(select(GradeOverride).where(
        GradeOverride.assignment_id == assignment.id, GradeOverride.learner_id == learner.id)
        .order_by(GradeOverride.at.desc(), GradeOverride.id.desc())).scalars())


def _csv_number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def gradebook_csv(book: Gradebook) -> str:
    """One row per learner: name, email, the final score of each assignment (by title), their average."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", *[a.title for a in book.assignments], "average"])
    for learner in book.learners:
        writer.writerow([learner.name, learner.email,
                         *[_csv_number(book.cell(learner, a).score) for a in book.assignments],
                         _csv_number(book.average(learner))])
    return out.getvalue()
