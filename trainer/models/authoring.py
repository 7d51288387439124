"""What happened when an exercise's key changed: every submitted attempt re-graded, old and new."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_base import Base
from .accounts import User, utcnow
from .practice import Attempt


class RegradeLog(Base):
    """One attempt re-graded after its exercise's key changed (by the editor, an import or setup)."""

    __tablename__ = "regrade_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exercise_id: Mapped[str] = mapped_column(ForeignKey("exercise.id"), index=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"), index=True)
    old_score: Mapped[float | None] = mapped_column(Float)
    old_max_score: Mapped[float | None] = mapped_column(Float)
    new_score: Mapped[float | None] = mapped_column(Float)
    new_max_score: Mapped[float | None] = mapped_column(Float)
    old_checksum: Mapped[str] = mapped_column(String(64))
    new_checksum: Mapped[str] = mapped_column(String(64))
    trigger: Mapped[str] = mapped_column(String(20))  # editor, import, setup
    triggered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    attempt: Mapped[Attempt] = relationship()
    triggered_by: Mapped[User | None] = relationship()

    @staticmethod
    def _percent(score, max_score) -> int | None:
        return None if score is None or not max_score else round(100 * score / max_score)

    @property
    def old_percent(self) -> int | None:
        return self._percent(self.old_score, self.old_max_score)

    @property
    def new_percent(self) -> int | None:
        return self._percent(self.new_score, self.new_max_score)
