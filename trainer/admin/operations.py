"""Write-side account operations; they take the acting user as an argument."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..access import can
from ..models import School, User


class AccountError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class NewUser:
    name: str
    email: str
    role: str
    school_id: int
    password: str


def create_user(session: Session, actor: User, data: NewUser) -> User:
    if not can(actor, "assign_role", data.role):
        raise AccountError("role", "You cannot create accounts with that role.")
    school = session.get(School, data.school_id)
    if school is None or not can(actor, "view_school", school):
        raise AccountError("school_id", "Choose a school you administer.")
    email = data.email.strip().lower()
    if session.execute(select(User.id).where(func.lower(User.email) == email)).first():
        raise AccountError("email", "An account with this email already exists.")
    user = User(name=data.name.strip(), email=email, role=data.role, school_id=school.id, active=True)
    user.set_password(data.password)
    session.add(user)
    session.commit()
    return user


def set_active(session: Session, actor: User, user: User, active: bool) -> None:
    if not can(actor, "manage_user", user):
        raise AccountError("user", "You cannot manage this account.")
    if user.id == actor.id and not active:
        raise AccountError("user", "You cannot deactivate your own account.")
    user.active = active
    if not active:
        user.session_version += 1  # end their sessions now
    session.commit()
