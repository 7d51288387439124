"""Who teaches whom: the cohort membership checks other packages use for instructor access (no Flask)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ..models import CohortMember, Role, User


def teaches(session: Session, user: User, learner_id: int) -> bool:
    """True when ``user`` is an instructor of a cohort in which ``learner_id`` is a learner."""
    mine, theirs = aliased(CohortMember), aliased(CohortMember)
    return session.execute(
        select(mine.id).join(theirs, theirs.cohort_id == mine.cohort_id)
        .where(mine.user_id == user.id, mine.role == "instructor", theirs.user_id == learner_id,
               theirs.role == "learner").limit(1)).first() is not None


def may_see_work_of(session: Session, user: User, owner: User) -> bool:
    """A learner's own work; site admins; the school's admins; the learner's cohort instructors."""
    if owner.id == user.id or user.role == Role.SITE_ADMIN:
        return True
    if owner.school_id != user.school_id:
        return False
    if user.role == Role.SCHOOL_ADMIN:
        return True
    return user.role == Role.INSTRUCTOR and teaches(session, user, owner.id)
