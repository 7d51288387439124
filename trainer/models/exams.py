"""Question bank, exam blueprints, and learners' sittings (timed exams and untimed practice)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON, BigInteger, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_base import Base
from .accounts import School, User, utcnow


class QuestionRecord(Base):
    """One multiple-choice item as imported from the bank; a changed file updates it in place.

    Bundled items (``exercises/_questions``) have no owner school. A school's own items (written in
    the question editor or imported by its instructors) have one, an id ``<school id>.<file id>``
    and the file they were saved as (``source``); only that school's learners draw them, and never
    a draft.
    """

    __tablename__ = "question"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    exams: Mapped[list] = mapped_column(JSON)
    sections: Mapped[dict] = mapped_column(JSON)  # exam -> section id
    stem: Mapped[str] = mapped_column(Text)
    options: Mapped[dict] = mapped_column(JSON)
    answer: Mapped[str] = mapped_column(String(1))
    rationale: Mapped[str] = mapped_column(Text)
    code_set_year: Mapped[str] = mapped_column(String(10))
    tags: Mapped[list] = mapped_column(JSON)
    path: Mapped[str] = mapped_column(String(300))
    checksum: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    owner_school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    draft: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    source: Mapped[str | None] = mapped_column(Text, deferred=True)  # a school's item: its file as written

    author: Mapped[User | None] = relationship()


class BlueprintRecord(Base):
    """An exam blueprint: bundled (school_id NULL, from exercises/_blueprints) or a school's own."""

    __tablename__ = "exam_blueprint"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    pool: Mapped[str] = mapped_column(String(10))  # whose questions it draws: cpc, cca or cpb
    name: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict] = mapped_column(JSON)  # the blueprint as in the files
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    school: Mapped[School | None] = relationship()


class ExamSitting(Base):
    """One sitting of an exam (timed, with a deadline kept here) or an untimed practice set."""

    __tablename__ = "exam_sitting"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    blueprint_id: Mapped[str] = mapped_column(ForeignKey("exam_blueprint.id"))
    mode: Mapped[str] = mapped_column(String(10))  # "exam" or "practice"
    title: Mapped[str] = mapped_column(String(200))
    blueprint: Mapped[dict] = mapped_column(JSON)  # a copy as drawn, so later edits change nothing here
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deadline: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    auto_submitted: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=1)  # where the learner was, to resume there
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    result: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignment.id"), index=True)  # started from it

    user: Mapped[User] = relationship()
    items: Mapped[list["ExamItem"]] = relationship(order_by="ExamItem.position", back_populates="sitting")

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class ExamItem(Base):
    """One drawn question of a sitting, with the learner's choice as last saved."""

    __tablename__ = "exam_item"
    __table_args__ = (UniqueConstraint("sitting_id", "position"), UniqueConstraint("sitting_id", "question_id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("exam_sitting.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(ForeignKey("question.id"), index=True)
    section: Mapped[str] = mapped_column(String(60))
    scored: Mapped[bool] = mapped_column(Boolean, default=True)  # False for unscored pretest items
    choice: Mapped[str | None] = mapped_column(String(1))
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    revision: Mapped[int] = mapped_column(BigInteger, default=0)  # the client's clock (ms) of the last save
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    seconds: Mapped[int] = mapped_column(Integer, default=0)
    checked: Mapped[bool] = mapped_column(Boolean, default=False)  # practice: feedback shown, choice locked

    sitting: Mapped[ExamSitting] = relationship(back_populates="items")
    question: Mapped[QuestionRecord] = relationship()


class QuestionRescoreLog(Base):
    """One submitted sitting re-scored after the answer key of one of its questions changed."""

    __tablename__ = "question_rescore_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[str] = mapped_column(ForeignKey("question.id"), index=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("exam_sitting.id"), index=True)
    old_answer: Mapped[str] = mapped_column(String(1))
    new_answer: Mapped[str] = mapped_column(String(1))
    old_score: Mapped[float | None] = mapped_column(Float)
    new_score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float | None] = mapped_column(Float)
    old_passed: Mapped[bool | None] = mapped_column(Boolean)
    new_passed: Mapped[bool | None] = mapped_column(Boolean)
    trigger: Mapped[str] = mapped_column(String(20))  # editor, import
    triggered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    sitting: Mapped[ExamSitting] = relationship()
    triggered_by: Mapped[User | None] = relationship()
