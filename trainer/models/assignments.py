"""Assignments given to a cohort, the exercises drawn for each learner, and grade overrides."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_base import Base
from .accounts import User, utcnow
from .teaching import Cohort


class Assignment(Base):
    """A set of exercises (picked, or drawn by rule per learner) or an exam, with dates and policies."""

    __tablename__ = "assignment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20))  # "exercises" or "exam"
    exercise_ids: Mapped[list | None] = mapped_column(JSON(none_as_null=True))  # picked exercises, in order
    draw_rule: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))  # {"pool": "area:surgery", "count": 10}
    blueprint_id: Mapped[str | None] = mapped_column(ForeignKey("exam_blueprint.id"))
    open_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")  # the zone the dates were entered in
    attempts_allowed: Mapped[int | None] = mapped_column(Integer)  # per item; None: unlimited
    late_policy: Mapped[str] = mapped_column(String(20))  # "refuse", "penalty" or "accept"
    late_penalty_percent: Mapped[int] = mapped_column(Integer, default=0)  # points off per day (or part) late
    late_penalty_cap: Mapped[int] = mapped_column(Integer, default=100)  # at most this many points off
    key_reveal: Mapped[str] = mapped_column(String(20))  # "submission" or "due"
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    cohort: Mapped[Cohort] = relationship()
    author: Mapped[User] = relationship()


class AssignmentDraw(Base):
    """The exercises drawn by rule for one learner, the first time they opened the assignment."""

    __tablename__ = "assignment_draw"
    __table_args__ = (UniqueConstraint("assignment_id", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    exercise_ids: Mapped[list] = mapped_column(JSON)
    drawn_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GradeOverride(Base):
    """An instructor's override of a learner's score on an assignment; the latest row is current, none is deleted."""

    __tablename__ = "grade_override"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id"), index=True)
    # NULL once the learner was deleted (the override stays in the audit log, anonymised)
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    old_score: Mapped[float | None] = mapped_column(Float)  # the percent shown before this override
    new_score: Mapped[float] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    by: Mapped[User] = relationship(foreign_keys=[by_id])
