"""Learners' disputes of an answer key, and the log of learners deleted by an administrator."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_base import Base
from .accounts import User, utcnow
from .exams import ExamItem
from .practice import Attempt


class Dispute(Base):
    """A learner says a key is wrong: on a practice attempt (a code or line) or an exam question.

    Status: ``open``; ``answered`` (an instructor replied: the key stands); ``accepted`` (a school
    exercise: the instructor corrects the key in the editor, which re-grades every attempt);
    ``reported`` (a bundled exercise or question: accepted and reported to the content maintainers).
    """

    __tablename__ = "dispute"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)  # the learner's school
    learner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempt.id"), index=True)
    exam_item_id: Mapped[int | None] = mapped_column(ForeignKey("exam_item.id"), index=True)
    exercise_id: Mapped[str | None] = mapped_column(ForeignKey("exercise.id"))
    question_id: Mapped[str | None] = mapped_column(ForeignKey("question.id"))
    target: Mapped[str] = mapped_column(String(200))  # what is disputed: "Diagnosis 2 (key E11.9)", "Question 12"
    comment: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    reply: Mapped[str | None] = mapped_column(Text)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    learner_seen_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))  # outcome read
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    attempt: Mapped[Attempt | None] = relationship()
    exam_item: Mapped[ExamItem | None] = relationship()


class DeletionLog(Base):
    """A learner's data deleted by an administrator: what was removed, never who it was."""

    __tablename__ = "deletion_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    role: Mapped[str] = mapped_column(String(20))  # the deleted account's role
    counts: Mapped[dict] = mapped_column(JSON)  # table -> rows deleted or anonymised
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    by: Mapped[User | None] = relationship()
