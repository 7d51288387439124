"""Every route, every role: a new route cannot ship unprotected.

Walks ``app.url_map`` and checks what anonymous visitors and each role get,
against the access marker the view declares. A view without a marker fails.
"""
from __future__ import annotations

import pytest

from trainer.access import PUBLIC, SIGNED_IN
from trainer.extensions import db
from sqlalchemy import select

from trainer.models import Attempt, ExamItem, ExamSitting, QuestionRecord, Role

from .conftest import csrf_from, login

ROLES = (None, *Role.ALL)
# Routes whose POST changes who is signed in run last.
LAST = {"auth.logout"}


def sample_url(app, rule, target_user_id: int, attempt_id: int, sitting_id: int) -> str:
    values = {}
    for arg in rule.arguments:
        values[arg] = {"system": "icd10cm", "code": "E11.9", "user_id": target_user_id,
                       "exercise_id": "fx-knee-injection", "question_id": "q-bundled", "attempt_id": attempt_id, "blueprint_id": "cpc",
                       "sitting_id": sitting_id, "position": 1, "pool": "cpc", "cohort_id": 1,
                       "assignment_id": 1, "claim_id": 1, "account_id": 1, "platform_id": 1, "dispute_id": 1}[arg]
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def test_every_view_declares_access(app):
    missing = [rule.endpoint for rule in app.url_map.iter_rules()
               if rule.endpoint != "static" and not hasattr(app.view_functions[rule.endpoint], "_access")]
    assert missing == []


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_route_matrix(app, make_user, role):
    target = make_user(Role.LEARNER)
    attempt = Attempt(user_id=target.id, exercise_id="fx-knee-injection", variant=0, answer={})
    db.session.add(attempt)
    sitting = ExamSitting(user_id=target.id, blueprint_id="cpc", mode="exam", title="CPC", blueprint={"items": 1},
                          position=1)
    db.session.add(sitting)
    db.session.flush()
    db.session.add(ExamItem(sitting_id=sitting.id, position=1, section="em", question_id=db.session.execute(
        select(QuestionRecord.id).limit(1)).scalar_one()))
    db.session.commit()
    client = app.test_client()
    if role:
        actor = make_user(role)
        assert login(client, actor.email).status_code == 302
    rules = sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static"),
                   key=lambda r: (r.endpoint in LAST, r.endpoint))
    checked = 0
    for rule in rules:
        marker = app.view_functions[rule.endpoint]._access
        url = sample_url(app, rule, target.id, attempt.id, sitting.id)
        for method in sorted({"GET", "POST"} & rule.methods):
            if method == "POST":
                token_page = client.get("/auth/password" if role else "/auth/login")
                data = {"csrf_token": csrf_from(token_page.get_data(as_text=True))}
                response = client.post(url, data=data)
            else:
                response = client.get(url)
            status = response.status_code
            where = f"{method} {url} as {role or 'anonymous'} -> {status}"
            if marker == PUBLIC:
                assert status not in (401, 403), where
            elif role is None:
                if url.startswith("/api/"):
                    assert status == 401, where
                else:
                    assert status == 302 and "/auth/login" in response.headers["Location"], where
            elif marker == SIGNED_IN or role in marker:
                assert status not in (401, 403), where
                assert not (status == 302 and "/auth/login" in response.headers.get("Location", "")), where
            else:
                assert status == 403, where
            checked += 1
    assert checked >= 10
