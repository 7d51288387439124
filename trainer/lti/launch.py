"""What a validated launch does (no Flask): find or create the person in the platform's school, put them in
the cohort of the LMS course, and resolve the link to an exercise or an assignment.

The id_token has been verified (signature, issuer, audience, expiry, nonce, deployment) by PyLTI1p3 before
anything here runs; ``platform`` is the registration it matched, so every account touched belongs to that
platform's school.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..exercises.store import is_visible
from ..models import Assignment, Attempt, Cohort, CohortMember, ExerciseRecord, Role, User
from ..models.lti import LtiAttempt, LtiContext, LtiPlatform, LtiResourceLink, LtiUserLink
from ..practice.operations import new_attempt
from ..teaching.cohorts import new_join_code

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
# The last part of an LIS role URI (context or institution role, or a sub-role) -> our role.
INSTRUCTOR_ROLES = {"Instructor", "TeachingAssistant", "ContentDeveloper"}
LEARNER_ROLES = {"Learner", "Student"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CUSTOM_EXERCISE, CUSTOM_ASSIGNMENT = "trainer_exercise", "trainer_assignment"


class LaunchRefused(Exception):
    """A launch that is valid LTI but that we refuse; ``status`` is 400 or 403 and the message is shown."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.status = status


def role_from_claims(roles: list | None) -> str | None:
    names = {str(r).rsplit("#", 1)[-1].rsplit("/", 1)[-1] for r in roles or []}
    if names & INSTRUCTOR_ROLES:
        return Role.INSTRUCTOR
    if names & LEARNER_ROLES:
        return Role.LEARNER
    return None


def _name(claims: dict) -> str:
    name = (claims.get("name") or " ".join(p for p in (claims.get("given_name"), claims.get("family_name")) if p))
    return (name or "LMS user").strip()[:120]


def _lti_email(platform: LtiPlatform, sub: str) -> str:
    return f"lti-{platform.id}-{hashlib.sha256(sub.encode()).hexdigest()[:20]}@lti.invalid"


def _new_account(session: Session, platform: LtiPlatform, sub: str, claims: dict, role: str) -> User:
    email = str(claims.get("email") or "").strip().lower()
    if not EMAIL.match(email) or len(email) > 254 or session.execute(
            select(User.id).where(func.lower(User.email) == email)).first():
        email = _lti_email(platform, sub)
    user = User(school_id=platform.school_id, email=email, name=_name(claims), role=role, active=True)
    user.set_password(secrets.token_urlsafe(32))  # nobody knows it: they sign in from the LMS
    session.add(user)
    session.flush()
    return user


def _existing_by_email(session: Session, platform: LtiPlatform, claims: dict) -> User | None:
    """An account of the platform's own school with the LMS's email, if it is a learner's or instructor's
    and not linked to another user of this LMS. Never an administrator's; never another school's."""
    email = str(claims.get("email") or "").strip().lower()
    if not EMAIL.match(email):
        return None
    user = session.execute(select(User).where(func.lower(User.email) == email)).scalar_one_or_none()
    if (user is None or user.school_id != platform.school_id
            or user.role not in (Role.LEARNER, Role.INSTRUCTOR)):
        return None
    linked = session.execute(select(LtiUserLink.id).where(LtiUserLink.platform_id == platform.id,
                                                          LtiUserLink.user_id == user.id)).first()
    return None if linked else user


def provision_user(session: Session, platform: LtiPlatform, claims: dict) -> tuple[User, str]:
    """The account for this LMS user (created on the first launch) and their role in this launch."""
    sub = str(claims.get("sub") or "")
    if not sub:
        raise LaunchRefused("The LMS did not say who you are (no user id in the launch).", 400)
    role = role_from_claims(claims.get(LTI + "roles"))
    if role is None:
        raise LaunchRefused("Your role in this course does not give access to Coding Trainer "
                            "(only learners and instructors are signed in).")
    link = session.execute(select(LtiUserLink).where(LtiUserLink.platform_id == platform.id,
                                                     LtiUserLink.sub == sub)).scalar_one_or_none()
    if link is not None:
        user = link.user
    else:
        user = _existing_by_email(session, platform, claims) or _new_account(session, platform, sub, claims, role)
        session.add(LtiUserLink(platform_id=platform.id, sub=sub, user_id=user.id))
    if user.school_id != platform.school_id:
        raise LaunchRefused("This LMS cannot sign in accounts of another school.")
    if not user.active:
        raise LaunchRefused("Your Coding Trainer account has been deactivated; ask your school.")
    if user.role == Role.LEARNER and role == Role.INSTRUCTOR:
        user.role = Role.INSTRUCTOR  # the school's LMS says they teach; administrators are never changed
    session.flush()
    return user, role


def cohort_for_context(session: Session, platform: LtiPlatform, claims: dict, user: User, role: str
                       ) -> Cohort | None:
    """The cohort of the LMS course ("LMS: <course title>", created on its first launch), with the user in it."""
    context = claims.get(LTI + "context") or {}
    context_id = str(context.get("id") or "")
    if not context_id:
        return None
    title = str(context.get("title") or context.get("label") or context_id)[:200]
    row = session.execute(select(LtiContext).where(LtiContext.platform_id == platform.id,
                                                   LtiContext.context_id == context_id)).scalar_one_or_none()
    if row is None:
        name = f"LMS: {title}"[:120]
        linked = select(LtiContext.cohort_id)
        cohort = session.execute(select(Cohort).where(Cohort.school_id == platform.school_id, Cohort.name == name,
                                                      Cohort.id.not_in(linked))).scalars().first()
        if cohort is None:
            cohort = Cohort(school_id=platform.school_id, name=name, join_code=new_join_code(session), active=True)
            session.add(cohort)
            session.flush()
        row = LtiContext(platform_id=platform.id, context_id=context_id, title=title, cohort_id=cohort.id)
        session.add(row)
    else:
        row.title = title
    cohort = row.cohort if row.cohort is not None else session.get(Cohort, row.cohort_id)
    member_role = "instructor" if role == Role.INSTRUCTOR else "learner"
    member = session.execute(select(CohortMember).where(CohortMember.cohort_id == cohort.id,
                                                        CohortMember.user_id == user.id)).scalar_one_or_none()
    if member is None:
        session.add(CohortMember(cohort_id=cohort.id, user_id=user.id, role=member_role))
    elif member.role == "learner" and member_role == "instructor":
        member.role = "instructor"
    session.flush()
    return cohort


def _target(session: Session, platform: LtiPlatform, custom: dict, cohort: Cohort | None
            ) -> tuple[str | None, int | None]:
    exercise_id = str(custom.get(CUSTOM_EXERCISE) or "")
    assignment_id = str(custom.get(CUSTOM_ASSIGNMENT) or "")
    if exercise_id:
        if not is_visible(session.get(ExerciseRecord, exercise_id), platform.school_id):
            raise LaunchRefused("This link points to an exercise that is not available.", 400)
        return exercise_id, None
    if assignment_id.isdigit():
        assignment = session.get(Assignment, int(assignment_id))
        if (assignment is None or assignment.archived or assignment.cohort.school_id != platform.school_id
                or (cohort is not None and assignment.cohort_id != cohort.id)):
            raise LaunchRefused("This link points to an assignment that is not available in this course.", 400)
        return None, assignment.id
    raise LaunchRefused("This link is not set up yet: an instructor adds it again from the LMS "
                        "(choose Coding Trainer as external tool content and pick an exercise or assignment).", 400)


def resource_link(session: Session, platform: LtiPlatform, claims: dict, cohort: Cohort | None) -> LtiResourceLink:
    """The link launched, created on its first launch from the custom parameters deep linking put in it;
    the AGS line item of the latest launch is kept for grade passback."""
    link_id = str((claims.get(LTI + "resource_link") or {}).get("id") or "")
    link = session.execute(select(LtiResourceLink).where(LtiResourceLink.platform_id == platform.id,
                                                         LtiResourceLink.resource_link_id == link_id)
                           ).scalar_one_or_none()
    if link is None:
        exercise_id, assignment_id = _target(session, platform, claims.get(LTI + "custom") or {}, cohort)
        context_id = (claims.get(LTI + "context") or {}).get("id")
        link = LtiResourceLink(platform_id=platform.id, resource_link_id=link_id, context_id=context_id,
                               exercise_id=exercise_id, assignment_id=assignment_id)
        session.add(link)
    ags = claims.get(AGS) or {}
    if ags.get("lineitem") and SCORE_SCOPE in (ags.get("scope") or []):
        link.lineitem_url, link.ags_scopes = str(ags["lineitem"])[:500], list(ags["scope"])
    session.flush()
    return link


def exercise_attempt(session: Session, user: User, link: LtiResourceLink) -> Attempt:
    """The learner's open practice attempt at the linked exercise (started if none), marked as started
    from this link so that its score goes back to the LMS."""
    draft = session.execute(select(Attempt).where(Attempt.user_id == user.id, Attempt.exercise_id == link.exercise_id,
                                                  Attempt.assignment_id.is_(None), Attempt.submitted_at.is_(None))
                            .order_by(Attempt.id)).scalars().first()
    if draft is None:
        draft = new_attempt(session, user, session.get(ExerciseRecord, link.exercise_id))
    marker = session.execute(select(LtiAttempt).where(LtiAttempt.attempt_id == draft.id)).scalar_one_or_none()
    if marker is None:
        session.add(LtiAttempt(attempt_id=draft.id, resource_link_id=link.id))
    else:
        marker.resource_link_id = link.id
    session.flush()
    return draft


@dataclass
class Landing:
    user: User
    cohort: Cohort | None
    link: LtiResourceLink | None  # None for a deep-linking request
    attempt: Attempt | None = None


def handle_launch(session: Session, platform: LtiPlatform, claims: dict) -> Landing:
    """Everything a validated launch changes, committed together (nothing on a refusal)."""
    message_type = claims.get(LTI + "message_type")
    try:
        user, role = provision_user(session, platform, claims)
        cohort = cohort_for_context(session, platform, claims, user, role)
        if message_type == DEEP_LINKING_REQUEST:
            if role != Role.INSTRUCTOR:
                raise LaunchRefused("Only the course's instructors can add Coding Trainer content.")
            session.commit()
            return Landing(user, cohort, None)
        if message_type != RESOURCE_LINK_REQUEST:
            raise LaunchRefused(f"Coding Trainer does not handle {message_type!r} messages.", 400)
        link = resource_link(session, platform, claims, cohort)
        attempt = exercise_attempt(session, user, link) if link.exercise_id else None
        session.commit()
    except Exception:
        session.rollback()
        raise
    return Landing(user, cohort, link, attempt)
