"""A cohort's progress: each learner's submitted practice and exams, by area (no Flask)."""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Attempt, Cohort, ExamSitting, ExerciseRecord, User


@dataclass
class LearnerProgress:
    user: User
    submitted: int = 0
    percent: float | None = None  # mean of the submitted attempts' percentages
    by_area: dict[str, float] = field(default_factory=dict)  # area -> mean percent
    exams: dict[str, float] = field(default_factory=dict)  # blueprint id -> best percent (timed exams)


def cohort_progress(session: Session, cohort: Cohort) -> tuple[list[LearnerProgress], list[str]]:
    """(one row per learner, the areas that have any result), learners by name."""
    learners = sorted((m.user for m in cohort.members if m.role == "learner"), key=lambda u: u.name.lower())
    ids = [u.id for u in learners]
    rows = {u.id: LearnerProgress(u) for u in learners}
    if not ids:
        return [], []
    scores: dict[int, list[float]] = defaultdict(list)
    areas: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for user_id, area, score, max_score in session.execute(
            select(Attempt.user_id, ExerciseRecord.area, Attempt.score, Attempt.max_score)
            .join(ExerciseRecord, ExerciseRecord.id == Attempt.exercise_id)
            .where(Attempt.user_id.in_(ids), Attempt.submitted_at.is_not(None))):
        if not max_score:
            continue
        pct = 100 * (score or 0) / max_score
        scores[user_id].append(pct)
        areas[user_id][area].append(pct)
    for user_id, values in scores.items():
        row = rows[user_id]
        row.submitted = len(values)
        row.percent = round(sum(values) / len(values), 1)
        row.by_area = {a: round(sum(v) / len(v), 1) for a, v in areas[user_id].items()}
    for user_id, blueprint_id, result in session.execute(
            select(ExamSitting.user_id, ExamSitting.blueprint_id, ExamSitting.result)
            .where(ExamSitting.user_id.in_(ids), ExamSitting.mode == "exam", ExamSitting.submitted_at.is_not(None))):
        pct = (result or {}).get("percent")
        if pct is not None:
            best = rows[user_id].exams.get(blueprint_id)
            rows[user_id].exams[blueprint_id] = max(pct, best) if best is not None else pct
    all_areas = sorted({a for r in rows.values() for a in r.by_area})
    return list(rows.values()), all_areas


def exams_taken(rows: list[LearnerProgress]) -> list[str]:
    return sorted({e for r in rows for e in r.exams})


def progress_csv(rows: list[LearnerProgress], areas: list[str]) -> str:
    """The progress table as CSV: one row per learner; empty cells where there is no result."""
    exams = exams_taken(rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "exercises_submitted", "practice_percent", *[f"area_{a}" for a in areas],
                     *[f"exam_{e}_best_percent" for e in exams]])
    for r in rows:
        writer.writerow([r.user.name, r.user.email, r.submitted, "" if r.percent is None else r.percent,
                         *[r.by_area.get(a, "") for a in areas], *[r.exams.get(e, "") for e in exams]])
    return out.getvalue()
