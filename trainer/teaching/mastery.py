"""A learner's mastery by practice area and what to practise next (no Flask).

Mastery of an area is the mean percentage of the learner's submitted attempts there. The next
exercises come from the weakest areas first (areas never tried count as 0 %), skipping exercises the
learner has already submitted, easiest first within an area.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from ..exercises.store import visible_clause
from ..models import Attempt, ExerciseRecord, User


@dataclass(frozen=True)
class AreaMastery:
    area: str
    percent: float | None  # None: never tried
    attempts: int
    exercises: int  # active exercises in the area


def mastery(session: Session, user: User) -> list[AreaMastery]:
    """Every area with active exercises, weakest first (never tried before 0 %)."""
    scores: dict[str, list[float]] = defaultdict(list)
    for area, score, max_score in session.execute(
            select(ExerciseRecord.area, Attempt.score, Attempt.max_score)
            .join(ExerciseRecord, ExerciseRecord.id == Attempt.exercise_id)
            .where(Attempt.user_id == user.id, Attempt.submitted_at.is_not(None))):
        if max_score:
            scores[area].append(100 * (score or 0) / max_score)
    counts: dict[str, int] = defaultdict(int)
    for (area,) in session.execute(select(ExerciseRecord.area).where(visible_clause(user.school_id))):
        counts[area] += 1
    rows = [AreaMastery(area, round(sum(scores[area]) / len(scores[area]), 1) if scores[area] else None,
                        len(scores[area]), n) for area, n in counts.items()]
    return sorted(rows, key=lambda r: (r.percent is not None, r.percent or 0, r.area))


def recommend(session: Session, user: User, limit: int = 5,
              areas: list[AreaMastery] | None = None) -> list[ExerciseRecord]:
    """``areas``: the learner's ``mastery`` when the caller has it already."""
    done = {eid for (eid,) in session.execute(select(Attempt.exercise_id).where(
        Attempt.user_id == user.id, Attempt.submitted_at.is_not(None)))}
    order = {m.area: i for i, m in enumerate(areas if areas is not None else mastery(session, user))}
    listed = select(ExerciseRecord).options(load_only(ExerciseRecord.id, ExerciseRecord.title, ExerciseRecord.area,
                                                      ExerciseRecord.difficulty))
    candidates = [r for r in session.execute(listed.where(visible_clause(user.school_id))).scalars()
                  if r.id not in done]
    candidates.sort(key=lambda r: (order.get(r.area, len(order)), r.difficulty, r.title))
    picked, per_area = [], defaultdict(int)
    for r in candidates:  # at most two from one area, so the list shows more than one weak spot
        if per_area[r.area] < 2:
            picked.append(r)
            per_area[r.area] += 1
        if len(picked) == limit:
            break
    return picked
