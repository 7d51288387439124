"""Deep linking (no Flask): what an instructor may place in the LMS, and the signed response.

The content item is an ``ltiResourceLink`` to our launch URL, with custom parameters naming the exercise or
assignment (the LMS sends them back in every launch of the link) and, when graded, a line item so that the
LMS creates a gradebook column for AGS.
"""
from __future__ import annotations

from dataclasses import dataclass

from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem
from pylti1p3.message_launch import MessageLaunch
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..exercises.store import visible_clause
from ..models import Assignment, Cohort, ExerciseRecord, User
from ..models.lti import LtiContext, LtiPlatform, LtiUserLink
from ..practice.labels import AREA_LABELS
from .launch import CUSTOM_ASSIGNMENT, CUSTOM_EXERCISE, LTI, LaunchRefused
from .toolconf import find_platform


@dataclass(frozen=True)
class Choice:
    value: str  # "exercise:<id>" or "assignment:<id>"
    title: str
    graded_always: bool


def choices(session: Session, school_id: int, cohort: Cohort | None) -> dict[str, list[Choice]]:
    """The cohort's live assignments, then the exercises the school may practise by area."""
    out: dict[str, list[Choice]] = {}
    if cohort is not None:
        assignments = session.execute(select(Assignment).where(Assignment.cohort_id == cohort.id,
                                                               Assignment.archived.is_(False))
                                      .order_by(Assignment.due_at, Assignment.id)).scalars().all()
        if assignments:
            out[f"Assignments of {cohort.name}"] = [Choice(f"assignment:{a.id}", a.title, True) for a in assignments]
    for r in session.execute(select(ExerciseRecord).where(visible_clause(school_id))
                             .order_by(ExerciseRecord.area, ExerciseRecord.difficulty, ExerciseRecord.title)).scalars():
        out.setdefault(f"Exercises: {AREA_LABELS.get(r.area, r.area)}", []).append(
            Choice(f"exercise:{r.id}", r.title, False))
    return out


def find_choice(options: dict[str, list[Choice]], value: str) -> Choice | None:
    return next((c for group in options.values() for c in group if c.value == value), None)


def resource_for(choice: Choice, graded: bool, launch_url: str) -> DeepLinkResource:
    kind, _, ident = choice.value.partition(":")
    custom = {CUSTOM_EXERCISE if kind == "exercise" else CUSTOM_ASSIGNMENT: ident}
    resource = (DeepLinkResource().set_url(launch_url).set_title(choice.title[:200]).set_custom_params(custom)
                .set_target("window"))
    if graded or choice.graded_always:
        resource.set_lineitem(LineItem().set_score_maximum(100).set_label(choice.title[:200])
                              .set_resource_id(choice.value))
    return resource


def launch_platform(session: Session, launch: MessageLaunch, user: User) -> LtiPlatform:
    """The platform of a stored deep-linking launch; refused to anyone but the instructor it signed in."""
    data = launch.get_launch_data()
    platform = find_platform(session, data.get("iss"), launch.get_client_id())
    if platform is None or data.get(LTI + "message_type") != "LtiDeepLinkingRequest":
        raise LaunchRefused("This is not a deep-linking request.", 400)
    owner = session.execute(select(LtiUserLink.user_id).where(LtiUserLink.platform_id == platform.id,
                                                              LtiUserLink.sub == str(data.get("sub")))).scalar()
    if owner != user.id:
        raise LaunchRefused("This deep-linking request was started by someone else.")
    return platform


def response_jwt(launch: MessageLaunch, resource: DeepLinkResource) -> tuple[str, str]:
    """The signed LtiDeepLinkingResponse and the platform's return URL."""
    deep_link = launch.get_deep_link()
    settings = launch.get_launch_data()["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"]
    return deep_link.get_response_jwt([resource]), settings["deep_link_return_url"]


def cohort_of_launch(session: Session, platform: LtiPlatform, data: dict) -> Cohort | None:
    """The cohort of the LMS course the deep-linking request came from (made when it was launched)."""
    context_id = str((data.get(LTI + "context") or {}).get("id") or "")
    row = session.execute(select(LtiContext).where(LtiContext.platform_id == platform.id,
                                                   LtiContext.context_id == context_id)).scalar_one_or_none()
    return row.cohort if row is not None else None
