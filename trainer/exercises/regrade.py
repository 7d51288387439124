"""Grading an attempt against the current version of its exercise, and re-grading every submitted
attempt when an exercise's key changes (no Flask).

"Key changes" means anything grading depends on: the key, the facts, the date of service,
setting, payer and patient of any variant. A fixed typo in the chart text re-grades nothing.
An attempt keeps its variant number; if the new version has fewer variants, its score is kept
and the log says why.
"""
from __future__ import annotations

import hashlib
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..edits.data import shared as shared_edit_data
from ..grading import GradeResult, grade
from ..models import Attempt, ExerciseRecord, RegradeLog, User
from .format import Exercise

GRADED = ("key", "facts", "date_of_service", "discharge_date", "setting", "payer", "patient", "kind")


def grade_answer(session: Session, exercise: Exercise, variant: int, answer: dict) -> GradeResult:
    """The one way an answer is graded: at submission and when re-grading."""
    key_answer = exercise.key_answer(variant)
    return grade(exercise.variant(variant), dict(key_answer, **answer), shared_edit_data(session), key_answer)


def grading_signature(exercise: Exercise) -> str:
    """A digest of everything the grade depends on, over every variant."""
    parts = []
    for n in range(exercise.variant_count):
        v = exercise.variant(n)
        parts.append({k: v.get(k) for k in GRADED})
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def regrade(session: Session, record: ExerciseRecord, old: Exercise, new: Exercise, trigger: str,
            actor: User | None = None) -> list[RegradeLog]:
    """Re-grade every submitted attempt of ``record`` if the graded content changed from ``old`` to
    ``new``; one log row per attempt. The caller commits."""
    if grading_signature(old) == grading_signature(new):
        return []
    logs = []
    attempts = session.execute(select(Attempt).where(Attempt.exercise_id == record.id,
                                                     Attempt.submitted_at.is_not(None))
                               .order_by(Attempt.id)).scalars().all()
    for attempt in attempts:
        log = RegradeLog(exercise_id=record.id, attempt_id=attempt.id, old_score=attempt.score,
                         old_max_score=attempt.max_score, old_checksum=old.checksum, new_checksum=new.checksum,
                         trigger=trigger, triggered_by_id=actor.id if actor else None)
        if attempt.variant >= new.variant_count:
            log.new_score, log.new_max_score = attempt.score, attempt.max_score
            log.note = f"variant {attempt.variant} no longer exists; score kept"
        else:
            result = grade_answer(session, new, attempt.variant, attempt.answer or {})
            attempt.score, attempt.max_score, attempt.result = result.score, result.max_score, result.as_dict()
            log.new_score, log.new_max_score = result.score, result.max_score
        session.add(log)
        logs.append(log)
    return logs


def regrade_log(session: Session, exercise_id: str, limit: int = 200) -> list[RegradeLog]:
    return list(session.execute(select(RegradeLog).where(RegradeLog.exercise_id == exercise_id)
                                .order_by(RegradeLog.id.desc()).limit(limit)).scalars())
