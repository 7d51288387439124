"""The learner's flow: catalog, chart (no key before submission), autosave, submit, result, retry."""
from __future__ import annotations

import re

from sqlalchemy import select

from trainer.extensions import db
from trainer.models import Attempt, Role

from .conftest import csrf_from, login

EX = "fx-knee-injection"


def open_chart(client):
    response = client.get(f"/practice/{EX}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    attempt_id = int(re.search(r"/practice/attempts/(\d+)/submit", html).group(1))
    return html, attempt_id, csrf_from(html)


def test_catalog_lists_and_filters(client, make_user):
    login(client, make_user(Role.LEARNER).email)
    html = client.get("/practice").get_data(as_text=True)
    assert "knee injection with laterality variants" in html
    assert "knee injection" not in client.get("/practice?setting=inpatient").get_data(as_text=True)


def test_chart_never_contains_the_key(client, make_user):
    login(client, make_user(Role.LEARNER).email)
    html, _, _ = open_chart(client)
    assert "knee joint with corticosteroid" in html
    for secret in ("M17.11", "M17.12", "Unilateral primary osteoarthritis", "rationale", "Major joint injection"):
        assert secret not in html, secret


def test_autosave_keeps_the_draft_across_reloads(client, make_user):
    login(client, make_user(Role.LEARNER).email)
    _, attempt_id, token = open_chart(client)
    answer = {"diagnoses": ["m17.11"], "procedures": [{"code": "20610", "modifiers": "rt", "units": "1",
                                                       "dx_pointers": "A"}]}
    response = client.post(f"/practice/attempts/{attempt_id}/draft", json={"answer": answer, "active_seconds": 30},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["answer"]["procedures"][0] == {"code": "20610", "modifiers": ["RT"], "units": 1,
                                                               "dx_pointers": [1]}
    html, again, _ = open_chart(client)
    assert again == attempt_id and 'value="M1711"' in html.replace(".", "") or 'value="M17.11"' in html
    attempt = db.session.get(Attempt, attempt_id)
    db.session.refresh(attempt)
    assert attempt.active_seconds == 30 and attempt.saved_at is not None


def test_draft_rejects_bad_input_and_needs_csrf(client, make_user):
    login(client, make_user(Role.LEARNER).email)
    _, attempt_id, token = open_chart(client)
    bad = client.post(f"/practice/attempts/{attempt_id}/draft",
                      json={"answer": {"procedures": [{"code": "20610", "dx_pointers": "Z"}]}},
                      headers={"X-CSRFToken": token})
    assert bad.status_code == 400 and "pointer" in bad.get_json()["error"]
    assert client.post(f"/practice/attempts/{attempt_id}/draft", json={"answer": {}}).status_code == 400


def test_submit_without_javascript_grades_and_shows_key(client, make_user):
    login(client, make_user(Role.LEARNER).email)
    _, attempt_id, token = open_chart(client)
    attempt = db.session.get(Attempt, attempt_id)
    dx = "M17.11" if attempt.variant == 0 else "M17.12"
    side = "RT" if attempt.variant == 0 else "LT"
    response = client.post(f"/practice/attempts/{attempt_id}/submit", data={
        "csrf_token": token, "dx": [dx, ""], "line-1-code": "20610", "line-1-mods": side, "line-1-units": "1",
        "line-1-ptr": "A"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/practice/attempts/{attempt_id}")
    db.session.refresh(attempt)
    assert attempt.score == attempt.max_score == 7.0
    html = client.get(f"/practice/attempts/{attempt_id}").get_data(as_text=True)
    assert dx in html and "Major joint injection" in html  # the key and rationale, after submission


def test_double_submit_records_one_submission(client, make_user):
    login(client, make_user(Role.LEARNER).email)
    _, attempt_id, token = open_chart(client)
    form = {"csrf_token": token, "dx": ["M17.10"], "line-1-code": "20610", "line-1-ptr": "A"}
    client.post(f"/practice/attempts/{attempt_id}/submit", data=form)
    first = db.session.get(Attempt, attempt_id)
    db.session.refresh(first)
    submitted_at, score = first.submitted_at, first.score
    again = client.post(f"/practice/attempts/{attempt_id}/submit", data=dict(form, dx=["M17.11"]),
                        follow_redirects=True)
    assert "already been submitted" in again.get_data(as_text=True)
    db.session.refresh(first)
    assert (first.submitted_at, first.score) == (submitted_at, score)
    late = client.post(f"/practice/attempts/{attempt_id}/draft", json={"answer": {"diagnoses": ["I10"]}},
                       headers={"X-CSRFToken": token})
    assert late.status_code == 400


def test_retry_draws_the_other_variant(client, make_user):
    user = make_user(Role.LEARNER)
    login(client, user.email)
    _, attempt_id, token = open_chart(client)
    client.post(f"/practice/attempts/{attempt_id}/submit", data={"csrf_token": token, "dx": ["M17.9"]})
    first = db.session.get(Attempt, attempt_id)
    client.post(f"/practice/{EX}/retry", data={"csrf_token": token})
    _, second_id, _ = open_chart(client)
    second = db.session.get(Attempt, second_id)
    assert second_id != attempt_id and second.variant != first.variant
    attempts = db.session.execute(select(Attempt).where(Attempt.user_id == user.id)).scalars().all()
    assert len(attempts) == 2


def test_others_cannot_see_or_change_an_attempt(app, make_user, school):
    from trainer.models import School

    owner = make_user(Role.LEARNER)
    owner_client = app.test_client()
    login(owner_client, owner.email)
    _, attempt_id, token = open_chart(owner_client)
    owner_client.post(f"/practice/attempts/{attempt_id}/submit", data={"csrf_token": token, "dx": ["M17.11"]})

    peer = app.test_client()
    login(peer, make_user(Role.LEARNER).email)
    assert peer.get(f"/practice/attempts/{attempt_id}").status_code == 404
    peer_token = csrf_from(peer.get("/auth/password").get_data(as_text=True))
    assert peer.post(f"/practice/attempts/{attempt_id}/draft", json={"answer": {}},
                     headers={"X-CSRFToken": peer_token}).status_code == 404

    from trainer.models import CohortMember
    from trainer.teaching.cohorts import create_cohort

    instructor = make_user(Role.INSTRUCTOR)
    teacher = app.test_client()
    login(teacher, instructor.email)
    assert teacher.get(f"/practice/attempts/{attempt_id}").status_code == 404  # not one of their learners
    cohort = create_cohort(db.session, instructor, "Their class")
    cohort.members.append(CohortMember(user_id=owner.id, role="learner"))
    db.session.commit()
    assert teacher.get(f"/practice/attempts/{attempt_id}").status_code == 200

    elsewhere = School(name="Far Away College", slug="far-away")
    db.session.add(elsewhere)
    db.session.commit()
    outsider = app.test_client()
    login(outsider, make_user(Role.INSTRUCTOR, school_obj=elsewhere).email)
    assert outsider.get(f"/practice/attempts/{attempt_id}").status_code == 404


def test_blank_diagnosis_rows_do_not_shift_pointers():
    from trainer.practice.operations import AnswerError, clean_answer

    answer = clean_answer({"diagnoses": ["I10", "", "E11.9"],
                           "procedures": [{"code": "99213", "dx_pointers": "C A"}]})
    assert answer["diagnoses"] == ["I10", "E119"]
    assert answer["procedures"][0]["dx_pointers"] == [2, 1]  # C still means E11.9
    import pytest

    with pytest.raises(AnswerError, match="empty diagnosis row"):
        clean_answer({"diagnoses": ["I10", ""], "procedures": [{"code": "99213", "dx_pointers": "B"}]})
