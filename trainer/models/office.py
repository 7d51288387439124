"""The billing-office sandbox: a learner's patient accounts, the claims they sent the simulated
payer, the account ledger, and their graded postings and denial work. Every row belongs to one
learner; nobody else ever reads it."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from ..db_base import Base
from .accounts import User, utcnow



class Cents(TypeDecorator):
    """Dollars and cents as a Decimal in Python, whole cents in the database (exact on every backend;
    SQLite has no decimal type)."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else int((Decimal(value) * 100).to_integral_exact())

    def process_result_value(self, value, dialect):
        return None if value is None else (Decimal(value) / 100).quantize(Decimal("0.01"))


MONEY = Cents()


class PatientAccount(Base):
    """One patient (a payer's member) in a learner's practice, with the member's benefits used so far
    this year (deductible and out-of-pocket met), so a second claim applies what the first one used."""

    __tablename__ = "office_account"
    __table_args__ = (UniqueConstraint("user_id", "payer_key", "member_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    payer_key: Mapped[str] = mapped_column(String(20))
    member_id: Mapped[str] = mapped_column(String(40))
    patient_name: Mapped[str] = mapped_column(String(120))
    account_no: Mapped[str] = mapped_column(String(40))
    deductible_met: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    out_of_pocket_met: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship()


class SubmittedClaim(Base):
    """A claim sent to the simulated payer: the acknowledgement, and when accepted the remittance."""

    __tablename__ = "office_claim"
    __table_args__ = (Index("ix_office_claim_user_exercise", "user_id", "exercise_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("office_account.id"), index=True)
    claim_attempt_id: Mapped[int | None] = mapped_column(ForeignKey("claim_attempt.id"), unique=True)
    exercise_id: Mapped[str] = mapped_column(ForeignKey("exercise.id"))
    claim: Mapped[dict] = mapped_column(JSON)  # the claim JSON shape, as sent
    frequency: Mapped[str] = mapped_column(String(1), default="1")
    payer_key: Mapped[str] = mapped_column(String(20))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    received: Mapped[dt.date] = mapped_column(Date)  # the sandbox's date the payer got it
    accepted: Mapped[bool] = mapped_column(Boolean)
    ack_errors: Mapped[list] = mapped_column(JSON, default=list)  # {"rule", "message", "line"}
    payer_claim_number: Mapped[str | None] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20))  # rejected, paid, denied, partly denied, replaced
    remittance_835: Mapped[str | None] = mapped_column(Text, deferred=True)
    remittance: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))  # remitshape.remittance_to_dict
    why: Mapped[list] = mapped_column(JSON, default=list)  # per line: the payer's reasons in plain words
    deductible_applied: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    out_of_pocket_applied: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("office_claim.id"))
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("office_claim.id"))
    posted: Mapped[bool] = mapped_column(Boolean, default=False)  # its remittance is on the ledger

    account: Mapped[PatientAccount] = relationship()


class LedgerEntry(Base):
    """One amount on a patient account, tied to a service line of a submitted claim. The kinds and
    their effect on the insurance and patient balances are in trainer.billing.ledger."""

    __tablename__ = "office_ledger"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("office_account.id"), index=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("office_claim.id"), index=True)  # the line's claim
    line: Mapped[int] = mapped_column(Integer)
    service_date: Mapped[dt.date] = mapped_column(Date)
    code: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    posted_on: Mapped[dt.date] = mapped_column(Date)  # the sandbox's date
    source_claim_id: Mapped[int | None] = mapped_column(ForeignKey("office_claim.id"))  # whose remittance
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PostingAttempt(Base):
    """A learner's posting of one remittance, graded; the ledger gets the right entries either way."""

    __tablename__ = "office_posting"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("office_claim.id"), unique=True)
    answer: Mapped[dict] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    findings: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DenialWork(Base):
    """What a learner chose for a denied line (corrected claim, appeal, write-off, bill the patient),
    graded against what the denial calls for; an appeal gets the sandbox's simulated decision. A line
gets one choice, or another after an appeal the payer upheld."""

    __tablename__ = "office_denial_work"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("office_claim.id"), index=True)
    line: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    right: Mapped[bool] = mapped_column(Boolean)
    expected: Mapped[list] = mapped_column(JSON)  # the actions the denial calls for
    message: Mapped[str] = mapped_column(Text)
    appeal_decision: Mapped[str | None] = mapped_column(String(20))  # overturned, upheld
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
