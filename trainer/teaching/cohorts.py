"""Cohorts and rosters (no Flask): create a cohort, join with a code, import a CSV roster.

A roster import checks every row first and writes nothing unless every row is good: the instructor
gets the list of problems by row number and fixes the file, never a half-imported class.
"""
from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Cohort, CohortMember, Role, User

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
ROSTER_ROLES = {"learner": Role.LEARNER, "student": Role.LEARNER, "instructor": Role.INSTRUCTOR}
MAX_ROWS = 300  # each new account hashes a password (scrypt): keep one import under half a minute


class CohortError(ValueError):
    """A request that cannot be done; the message says why."""


def new_join_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if not session.execute(select(Cohort.id).where(Cohort.join_code == code)).first():
            return code


def create_cohort(session: Session, actor: User, name: str) -> Cohort:
    if actor.role not in (Role.INSTRUCTOR, Role.SCHOOL_ADMIN, Role.SITE_ADMIN):
        raise PermissionError("only instructors and administrators create cohorts")
    name = (name or "").strip()
    if not 1 <= len(name) <= 120:
        raise CohortError("give the cohort a name (up to 120 characters)")
    cohort = Cohort(school_id=actor.school_id, name=name, join_code=new_join_code(session), active=True)
    cohort.members.append(CohortMember(user_id=actor.id, role="instructor"))
    session.add(cohort)
    session.commit()
    return cohort


def can_manage(user: User, cohort: Cohort) -> bool:
    """Its own instructors; the school's administrators; site administrators."""
    if user.role == Role.SITE_ADMIN:
        return True
    if cohort.school_id != user.school_id:
        return False
    if user.role == Role.SCHOOL_ADMIN:
        return True
    return any(m.user_id == user.id and m.role == "instructor" for m in cohort.members)


def join(session: Session, user: User, code: str) -> Cohort:
    code = re.sub(r"[\s-]", "", code or "").upper()
    cohort = session.execute(select(Cohort).where(Cohort.join_code == code, Cohort.active.is_(True))
                             ).scalar_one_or_none()
    if cohort is None or cohort.school_id != user.school_id:
        raise CohortError("no cohort of your school has this code: check it with your instructor")
    if any(m.user_id == user.id for m in cohort.members):
        return cohort
    cohort.members.append(CohortMember(user_id=user.id, role="learner" if user.role == Role.LEARNER else "instructor"))
    session.commit()
    return cohort


@dataclass
class RosterRow:
    line: int
    name: str
    email: str
    role: str


@dataclass
class RosterResult:
    created: list[tuple[str, str, str]] = field(default_factory=list)  # (name, email, temporary password)
    added: list[str] = field(default_factory=list)  # existing accounts added to the cohort
    already: list[str] = field(default_factory=list)  # already in the cohort
    problems: list[str] = field(default_factory=list)  # "line N: ..." (nothing was written)


def parse_roster(text: str) -> tuple[list[RosterRow], list[str]]:
    """Rows of ``name,email,role`` (a header row with those names is required)."""
    if not (text or "").strip():
        return [], ["the file is empty: the first line is the header name,email,role"]
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in next(reader, [])]
    if header[:3] != ["name", "email", "role"]:
        return [], [f"line 1: the header must be name,email,role (found {','.join(header) or 'nothing'})"]
    rows, problems, seen = [], [], {}
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(f"line {number}: at most {MAX_ROWS} people per import")
            break
        if len(cells) != 3:
            problems.append(f"line {number}: expected 3 values (name, email, role), found {len(cells)}")
            continue
        name, email, role = (c.strip() for c in cells)
        email = email.lower()
        if not name:
            problems.append(f"line {number}: the name is empty")
        if not EMAIL.match(email):
            problems.append(f"line {number}: {email or '(empty)'} is not an email address")
        if role.lower() not in ROSTER_ROLES:
            problems.append(f"line {number}: role {role or '(empty)'} must be learner or instructor")
        if email in seen:
            problems.append(f"line {number}: {email} is also on line {seen[email]}")
        seen.setdefault(email, number)
        rows.append(RosterRow(number, name, email, ROSTER_ROLES.get(role.lower(), "")))
    return rows, problems


def import_roster(session: Session, actor: User, cohort: Cohort, text: str) -> RosterResult:
    if not can_manage(actor, cohort):
        raise PermissionError("not your cohort")
    rows, problems = parse_roster(text)
    result = RosterResult(problems=problems)
    existing = {u.email.lower(): u for u in session.execute(
        select(User).where(func.lower(User.email).in_([r.email for r in rows]))).scalars()} if rows else {}
    for row in rows:
        user = existing.get(row.email)
        if user is not None and user.school_id != cohort.school_id:
            result.problems.append(f"line {row.line}: {row.email} belongs to another school's account")
        elif user is not None and user.role != row.role and not (
                row.role == Role.INSTRUCTOR and user.role in (Role.SCHOOL_ADMIN, Role.SITE_ADMIN)):
            result.problems.append(f"line {row.line}: {row.email} already has a {Role.LABELS[user.role].lower()} "
                                   f"account, not {Role.LABELS.get(row.role, row.role).lower()}")
    if not rows and not result.problems:
        result.problems.append("the file has a header but no people")
    if result.problems:
        return result  # nothing written
    members = {m.user_id for m in cohort.members}
    for row in rows:
        user = existing.get(row.email)
        if user is None:
            password = secrets.token_urlsafe(9)
            user = User(name=row.name, email=row.email, role=row.role, school_id=cohort.school_id, active=True)
            user.set_password(password)
            session.add(user)
            session.flush()
            result.created.append((row.name, row.email, password))
        elif user.id in members:
            result.already.append(row.email)
            continue
        else:
            result.added.append(row.email)
        cohort.members.append(CohortMember(user_id=user.id, role="instructor" if row.role == Role.INSTRUCTOR
                                           else "learner"))
        members.add(user.id)
    session.commit()
    return result
