"""LMS integration (LTI 1.3): registered platforms, who and what they link to, and scores to send back."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_base import Base
from .accounts import School, User, utcnow
from .teaching import Cohort


class LtiPlatform(Base):
    """An LMS registered by a school. Everyone it signs in belongs to that school, and only to it.

    The tool's key pair is generated for each platform when it is registered (never committed anywhere);
    the platform fetches the public half from our JWKS URL.
    """

    __tablename__ = "lti_platform"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    deployment_ids: Mapped[list] = mapped_column(JSON)
    auth_login_url: Mapped[str] = mapped_column(String(500))
    auth_token_url: Mapped[str] = mapped_column(String(500))
    key_set_url: Mapped[str] = mapped_column(String(500))
    tool_private_key: Mapped[str] = mapped_column(Text, deferred=True)  # PEM (PKCS#8)
    tool_kid: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    school: Mapped[School] = relationship()


class LtiUserLink(Base):
    """The LMS's user id ("sub") for one of our accounts."""

    __tablename__ = "lti_user_link"
    __table_args__ = (UniqueConstraint("platform_id", "sub"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id"), index=True)
    sub: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship()


class LtiContext(Base):
    """An LMS course (context) and the cohort its people are put in."""

    __tablename__ = "lti_context"
    __table_args__ = (UniqueConstraint("platform_id", "context_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id"), index=True)
    context_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255), default="")
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)

    cohort: Mapped[Cohort] = relationship()


class LtiResourceLink(Base):
    """A link placed in the LMS (by deep linking) to an exercise or an assignment, with its AGS line item."""

    __tablename__ = "lti_resource_link"
    __table_args__ = (UniqueConstraint("platform_id", "resource_link_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id"), index=True)
    resource_link_id: Mapped[str] = mapped_column(String(255))
    context_id: Mapped[str | None] = mapped_column(String(255))
    exercise_id: Mapped[str | None] = mapped_column(ForeignKey("exercise.id"))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignment.id"), index=True)
    lineitem_url: Mapped[str | None] = mapped_column(String(500))  # from the AGS claim of the latest launch
    ags_scopes: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    platform: Mapped[LtiPlatform] = relationship()


class LtiAttempt(Base):
    """A practice attempt started from an LTI launch of an exercise link (its score goes back to the LMS)."""

    __tablename__ = "lti_attempt"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"), unique=True)
    resource_link_id: Mapped[int] = mapped_column(ForeignKey("lti_resource_link.id"), index=True)


class LtiScore(Base):
    """A score to post to a platform's AGS line item: the retry queue (nothing is lost when the LMS is down)."""

    __tablename__ = "lti_score"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_link_id: Mapped[int] = mapped_column(ForeignKey("lti_resource_link.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    lms_user_id: Mapped[str] = mapped_column(String(255))  # the learner's "sub" on that platform
    score_given: Mapped[float] = mapped_column(Float)
    score_maximum: Mapped[float] = mapped_column(Float)
    timestamp: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(12), index=True)  # pending, sent, superseded, failed
    tries: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    resource_link: Mapped[LtiResourceLink] = relationship()


class LtiStoreEntry(Base):
    """Short-lived OIDC data (nonces, launch data, state) that PyLTI1p3 keeps between requests.

    Kept in the database rather than the session cookie: the launch is a cross-site POST from the LMS,
    which the browser sends without our (SameSite=Lax) session cookie.
    """

    __tablename__ = "lti_store"
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[dict | list | str | bool | None] = mapped_column(JSON(none_as_null=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
