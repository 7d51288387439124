"""Exercises imported from files, and learners' attempts at them."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_base import Base
from .accounts import User, utcnow


class ExerciseRecord(Base):
    """One exercise file as imported; re-importing a changed file updates the row in place.

    Bundled exercises (``exercises/``) have no owner school. A school's own exercises (written in
    the editor or imported by its instructors) have one, and an id ``<school id>.<file id>`` so
    two schools may use the same file id; only that school's people ever see them, and a draft
    is seen by none of its learners.
    """

    __tablename__ = "exercise"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    area: Mapped[str] = mapped_column(String(60), index=True)
    setting: Mapped[str] = mapped_column(String(30))
    difficulty: Mapped[int] = mapped_column(Integer)
    tags: Mapped[dict] = mapped_column(JSON)
    variant_count: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str] = mapped_column(Text, deferred=True)  # the YAML file as written (read when parsed)
    path: Mapped[str] = mapped_column(String(300))
    checksum: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    owner_school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    draft: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    author: Mapped[User | None] = relationship()


class Attempt(Base):
    """A learner's work on one variant of an exercise: a draft until submitted."""

    __tablename__ = "attempt"
    __table_args__ = (Index("ix_attempt_user_exercise", "user_id", "exercise_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    exercise_id: Mapped[str] = mapped_column(ForeignKey("exercise.id"))
    variant: Mapped[int] = mapped_column(Integer, default=0)
    answer: Mapped[dict] = mapped_column(JSON, default=dict)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    saved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    active_seconds: Mapped[int] = mapped_column(Integer, default=0)  # time with the chart open and visible
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float | None] = mapped_column(Float)
    result: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignment.id"), index=True)  # started from it

    user: Mapped[User] = relationship()
    exercise: Mapped[ExerciseRecord] = relationship()

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def percent(self) -> int | None:
        if self.score is None or not self.max_score:
            return None
        return round(100 * self.score / self.max_score)


class ClaimAttempt(Base):
    """A claim a learner built on a claim form for an exercise and submitted (each submission kept): the
    CMS-1500 for a professional encounter, the UB-04 for an inpatient stay (``form_type``)."""

    __tablename__ = "claim_attempt"
    __table_args__ = (Index("ix_claim_attempt_user_exercise", "user_id", "exercise_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    exercise_id: Mapped[str] = mapped_column(ForeignKey("exercise.id"))
    variant: Mapped[int] = mapped_column(Integer, default=0)
    form_type: Mapped[str] = mapped_column(String(10), default="cms1500", server_default="cms1500")  # or "ub04"
    form: Mapped[dict] = mapped_column(JSON)  # the boxes (or form locators) as entered
    claim: Mapped[dict] = mapped_column(JSON)  # the claim in the claim JSON shape
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    result: Mapped[dict] = mapped_column(JSON)

    user: Mapped[User] = relationship()
    exercise: Mapped[ExerciseRecord] = relationship()
