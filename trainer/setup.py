"""`trainer setup`: migrate, load the code sets and content, create the demo school.

Every step is idempotent: a second run finds each release and account in place
and changes nothing.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from code_sets.icd10cm import load_icd10cm
from code_sets.icd10pcs import load_icd10pcs

from .models import Role, School, User

log = logging.getLogger(__name__)

DEMO_SCHOOL = ("Demo School of Medical Coding", "demo")
DEMO_PASSWORD_NOTE = "Demo passwords are public: deactivate these accounts on a real deployment."


@dataclass(frozen=True)
class DemoAccount:
    role: str
    name: str
    email: str
    password: str


DEMO_ACCOUNTS = (
    DemoAccount(Role.SITE_ADMIN, "Sam Siteadmin", "siteadmin@demo.example", "demo-siteadmin-pass"),
    DemoAccount(Role.SCHOOL_ADMIN, "Ada Administrator", "admin@demo.example", "demo-admin-pass"),
    DemoAccount(Role.INSTRUCTOR, "Ivy Instructor", "instructor@demo.example", "demo-instructor-pass"),
    DemoAccount(Role.LEARNER, "Leo Learner", "learner@demo.example", "demo-learner-pass"),
)


def code_set_steps() -> list[tuple[str, Callable]]:
    from code_sets.registry import STARTERS

    return [("ICD-10-CM FY2025 + FY2026", load_icd10cm), ("ICD-10-PCS", load_icd10pcs), *STARTERS]


def load_code_sets(session: Session, report: Callable[[str, int], None], progress) -> None:
    for label, loader in code_set_steps():
        report(label, loader(session, progress=progress))


def load_exercises(session: Session):
    from .exercises.store import import_exercises
    from .cli_paths import EXERCISES_DIR

    return import_exercises(session, EXERCISES_DIR)


def load_question_bank(session: Session):
    from .cli_paths import BLUEPRINTS_DIR, QUESTIONS_DIR
    from .exams.store import import_bank

    return import_bank(session, QUESTIONS_DIR, BLUEPRINTS_DIR)


def ensure_demo_school(session: Session) -> list[tuple[DemoAccount, bool]]:
    """Create the demo school and its accounts if missing; returns (account, created) pairs."""
    name, slug = DEMO_SCHOOL
    school = session.execute(select(School).where(School.slug == slug)).scalar_one_or_none()
    if school is None:
        school = School(name=name, slug=slug)
        session.add(school)
        session.flush()
    out = []
    for account in DEMO_ACCOUNTS:
        user = session.execute(select(User).where(User.email == account.email)).scalar_one_or_none()
        created = user is None
        if created:
            user = User(name=account.name, email=account.email, role=account.role, school_id=school.id, active=True)
            user.set_password(account.password)
            session.add(user)
        out.append((account, created))
    session.commit()
    return out
