"""Grade passback from the web requests: queue the score, send it once the response has gone out.

The learner never waits for the LMS, and nothing here may break their submission: every failure is
logged and left in the queue for ``trainer lti send-scores``.
"""
from __future__ import annotations

from flask import after_this_request, current_app

from ..extensions import db
from ..models.accounts import utcnow
from .passback import queue_assignment_score, queue_attempt_score, send_scores


def _send_later(score_ids: list[int]) -> None:
    if not score_ids:
        return
    app = current_app._get_current_object()

    def send():
        with app.app_context():
            try:
                send_scores(db.session, utcnow(), ids=score_ids)
            except Exception:  # noqa: BLE001 - the queue keeps the scores
                app.logger.exception("LTI scores %s not sent", score_ids)
                db.session.rollback()

    @after_this_request
    def register(response):
        response.call_on_close(send)
        return response


def _safely(queue, *args) -> None:
    try:
        rows = queue(db.session, *args, utcnow())
    except Exception:  # noqa: BLE001 - never break the learner's request for the LMS
        current_app.logger.exception("LTI score not queued")
        db.session.rollback()
        return
    _send_later([r.id for r in rows])


def attempt_submitted(attempt) -> None:
    _safely(queue_attempt_score, attempt)


def assignment_score_changed(assignment, learner) -> None:
    _safely(queue_assignment_score, assignment, learner)
