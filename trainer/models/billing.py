"""Learners' answers to the billing exercises (the exercises themselves are files: exercises/billing/)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_base import Base
from .accounts import User, utcnow


class BillingAttempt(Base):
    """One submitted answer to a billing exercise, graded (each submission kept)."""

    __tablename__ = "billing_attempt"
    __table_args__ = (Index("ix_billing_attempt_user_exercise", "user_id", "exercise_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    exercise_id: Mapped[str] = mapped_column(String(64))
    task: Mapped[str] = mapped_column(String(20))
    checksum: Mapped[str] = mapped_column(String(64))  # the exercise file graded against
    answer: Mapped[dict] = mapped_column(JSON)  # the form as entered
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    findings: Mapped[list] = mapped_column(JSON)
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship()
