"""Grade passback (AGS) with a retry queue (no Flask).

A score is queued (an ``LtiScore`` row) when a learner submits an attempt started from an LTI launch of
an exercise link, or when their gradebook score on a linked assignment may have changed (a submission,
an override). Sending happens after the learner's request, or from ``trainer lti send-scores``; a failure
is recorded with the error and retried later with a growing delay. A newer score for the same learner
and link replaces an older one still waiting.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

import requests
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.grade import Grade
from pylti1p3.service_connector import ServiceConnector
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import Assignment, Attempt, LtiPlatform, LtiScore, User
from ..models.lti import LtiAttempt, LtiResourceLink, LtiUserLink
from ..teaching.assignments import aware
from ..teaching.gradebook import learner_cell
from .toolconf import PlatformRegistration, http_session

log = logging.getLogger(__name__)
RETRY_MINUTES = (1, 5, 30, 120, 720, 1440, 2880)  # after the 1st, 2nd, ... failure
MAX_TRIES = len(RETRY_MINUTES) + 1


def _sub(session: Session, link: LtiResourceLink, user: User) -> str | None:
    return session.execute(select(LtiUserLink.sub).where(LtiUserLink.platform_id == link.platform_id,
                                                         LtiUserLink.user_id == user.id)).scalars().first()


def _queue(session: Session, link: LtiResourceLink, user: User, given: float, maximum: float,
           at: dt.datetime, now: dt.datetime) -> LtiScore | None:
    sub = _sub(session, link, user)
    if sub is None or not link.lineitem_url or maximum <= 0:
        return None
    session.execute(update(LtiScore).where(LtiScore.resource_link_id == link.id, LtiScore.user_id == user.id,
                                           LtiScore.status == "pending").values(status="superseded"))
    row = LtiScore(resource_link_id=link.id, user_id=user.id, lms_user_id=sub, score_given=round(float(given), 2),
                   score_maximum=float(maximum), timestamp=aware(at), status="pending", tries=0, next_try_at=now)
    session.add(row)
    return row


def queue_assignment_score(session: Session, assignment: Assignment, learner: User, now: dt.datetime
                           ) -> list[LtiScore]:
    """The learner's current gradebook score (percent, after late penalty or override) for every LMS link
    to this assignment."""
    links = session.execute(select(LtiResourceLink).where(LtiResourceLink.assignment_id == assignment.id,
                                                          LtiResourceLink.lineitem_url.is_not(None))).scalars().all()
    if not links:
        return []
    score = learner_cell(session, assignment, learner, now).score
    if score is None:
        return []
    rows = [r for r in (_queue(session, link, learner, score, 100, now, now) for link in links) if r]
    session.commit()
    return rows


def queue_attempt_score(session: Session, attempt: Attempt, now: dt.datetime) -> list[LtiScore]:
    """After a submission: the attempt's score (an exercise link), and the assignment's (an assignment link)."""
    if attempt.submitted_at is None or attempt.score is None:
        return []
    rows = []
    marker = session.execute(select(LtiAttempt).where(LtiAttempt.attempt_id == attempt.id)).scalar_one_or_none()
    if marker is not None:
        link = session.get(LtiResourceLink, marker.resource_link_id)
        row = _queue(session, link, attempt.user, attempt.score, attempt.max_score or 0, attempt.submitted_at, now)
        if row is not None:
            rows.append(row)
        session.commit()
    if attempt.assignment_id:
        rows += queue_assignment_score(session, session.get(Assignment, attempt.assignment_id), attempt.user, now)
    return rows


def grade_of(row: LtiScore) -> Grade:
    return (Grade().set_score_given(row.score_given).set_score_maximum(row.score_maximum)
            .set_activity_progress("Completed").set_grading_progress("FullyGraded")
            .set_timestamp(aware(row.timestamp).isoformat()).set_user_id(row.lms_user_id))


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def send_scores(session: Session, now: dt.datetime, ids: list[int] | None = None,
                http: requests.Session | None = None) -> SendReport:
    """Post the due pending scores (or the given ones) to their platforms; never raises for a platform's
    failure (the row keeps the error and is retried later, or given up after MAX_TRIES)."""
    query = select(LtiScore).where(LtiScore.status == "pending").order_by(LtiScore.id)
    query = query.where(LtiScore.id.in_(ids)) if ids is not None else query.where(LtiScore.next_try_at <= now)
    rows = session.execute(query).scalars().all()
    report = SendReport()
    connectors: dict[int, ServiceConnector] = {}
    http = http or http_session()
    for row in rows:
        link = row.resource_link
        try:
            if link.platform_id not in connectors:  # one access token per platform and batch
                platform = session.get(LtiPlatform, link.platform_id)
                connectors[link.platform_id] = ServiceConnector(PlatformRegistration(platform), http)
            service = AssignmentsGradesService(connectors[link.platform_id],
                                               {"scope": link.ags_scopes or [], "lineitem": link.lineitem_url})
            service.put_grade(grade_of(row))
        except Exception as err:  # noqa: BLE001 - any failure of the platform is recorded and retried
            row.tries += 1
            row.last_error = f"{type(err).__name__}: {err}"[:2000]
            if row.tries >= MAX_TRIES:
                row.status = "failed"
                report.failed += 1
            else:
                row.next_try_at = now + dt.timedelta(minutes=RETRY_MINUTES[row.tries - 1])
                report.retrying += 1
            report.errors.append(f"score {row.id}: {row.last_error}")
            log.warning("LTI score %s not sent (try %s): %s", row.id, row.tries, row.last_error)
        else:
            row.status, row.sent_at, row.last_error = "sent", now, None
            row.tries += 1
            report.sent += 1
        session.commit()
    return report
