"""Re-scoring submitted sittings when a question's answer key changes (no Flask).

Every submitted sitting (timed or practice) that drew the question is graded again exactly as at
submission (trainer.exams.sittings.grade_sitting, which reads the current keys): its score, its
sections and its pass or fail. One log row per sitting keeps the old and the new score. A sitting
still open needs nothing: it is graded with the current key when it is submitted.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import User
from ..models.exams import ExamItem, ExamSitting, QuestionRecord, QuestionRescoreLog
from .sittings import grade_sitting


def rescore(session: Session, question: QuestionRecord, old_answer: str, trigger: str,
            actor: User | None = None) -> list[QuestionRescoreLog]:
    """Re-score the submitted sittings of ``question`` if its key is no longer ``old_answer``. The
    caller commits."""
    if old_answer == question.answer:
        return []
    session.flush()  # grading reads the new key from the database
    drew = select(ExamItem.sitting_id).where(ExamItem.question_id == question.id)
    sittings = session.execute(select(ExamSitting).where(ExamSitting.id.in_(drew),
                                                         ExamSitting.submitted_at.is_not(None))
                               .order_by(ExamSitting.id)).scalars().all()
    logs = []
    for sitting in sittings:
        log = QuestionRescoreLog(question_id=question.id, sitting_id=sitting.id, old_answer=old_answer,
                                 new_answer=question.answer, old_score=sitting.score, old_passed=sitting.passed,
                                 trigger=trigger, triggered_by_id=actor.id if actor else None)
        grade_sitting(session, sitting)
        log.new_score, log.max_score, log.new_passed = sitting.score, sitting.max_score, sitting.passed
        session.add(log)
        logs.append(log)
    return logs


def rescore_log(session: Session, question_id: str, limit: int = 200) -> list[QuestionRescoreLog]:
    return list(session.execute(select(QuestionRescoreLog).where(QuestionRescoreLog.question_id == question_id)
                                .order_by(QuestionRescoreLog.id.desc()).limit(limit)).scalars())
