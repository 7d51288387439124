"""Schools and the people in them."""
from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..db_base import Base


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Role:
    LEARNER = "learner"
    INSTRUCTOR = "instructor"
    SCHOOL_ADMIN = "school_admin"
    SITE_ADMIN = "site_admin"

    ALL = (LEARNER, INSTRUCTOR, SCHOOL_ADMIN, SITE_ADMIN)
    LABELS = {
        LEARNER: "Learner",
        INSTRUCTOR: "Instructor",
        SCHOOL_ADMIN: "School admin",
        SITE_ADMIN: "Site admin",
    }
    # Who may create or manage accounts of which role.
    MANAGEABLE = {
        SCHOOL_ADMIN: (LEARNER, INSTRUCTOR, SCHOOL_ADMIN),
        SITE_ADMIN: ALL,
    }


class School(Base):
    __tablename__ = "school"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="school")


class User(UserMixin, Base):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Bumped on password change or deactivation so that old sessions stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)

    school: Mapped[School] = relationship(back_populates="users")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        # scrypt is Werkzeug's default: memory-hard and current.
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def role_label(self) -> str:
        return Role.LABELS.get(self.role, self.role)
