"""The billing pages: catalog, exercise, submit, result; the key stays secret until submission and
an attempt is its owner's only."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.unit.billing_answers import right_answer
from trainer.billing.tasks import compute_key
from trainer.billing.views import exercises
from trainer.edits.data import EditData
from trainer.extensions import db
from trainer.models import BillingAttempt, Role

from .conftest import csrf_from, login

ONE_OF_EACH = ("bx-est-new-patient-deductible", "bx-pa-knee-mri", "bx-den-em-missing-25", "bx-post-with-denied-line",
               "bx-stmt-copay-and-deductible", "bx-ar-denials-and-deadlines")


def _key(app, exercise_id):
    with app.test_request_context():
        ex = exercises()[exercise_id]
        return ex, compute_key(ex, EditData(db.session))


def test_catalog_lists_every_task(app, make_user):
    client = app.test_client()
    login(client, make_user(Role.LEARNER).email)
    page = client.get("/billing").get_data(as_text=True)
    for heading in ("Estimate at check-in", "Prior authorization", "Work a denial", "Post a remittance",
                    "Patient statement", "A/R follow-up"):
        assert heading in page
    assert "Office visit bundled into a joint injection" in page
    assert 'href="/billing"' in client.get("/").get_data(as_text=True)  # the nav link


@pytest.mark.parametrize("exercise_id", ONE_OF_EACH)
def test_exercise_page_shows_the_scenario_never_the_key(app, make_user, exercise_id):
    ex, key = _key(app, exercise_id)
    client = app.test_client()
    login(client, make_user(Role.LEARNER).email)
    response = client.get(f"/billing/{exercise_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ex.title in page and 'name="csrf_token"' in page
    assert ex.data["rationale"].split("\n")[0].strip() not in page
    assert "The worked key" not in page
    if ex.task == "estimate":
        assert key["total"] not in page
    if ex.task == "denial":
        assert "Proof of timely" in page  # the choices are there; which one is right is not
        assert ex.data["rationale"].split(".")[0] not in page


def test_the_era_is_shown_readable_and_raw(app, make_user):
    client = app.test_client()
    login(client, make_user(Role.LEARNER).email)
    page = client.get("/billing/bx-post-with-denied-line").get_data(as_text=True)
    assert "CO-97" in page and "M15" in page
    assert "<details" in page and "ISA*" in page and "CLP*" in page


def test_submit_grades_stores_and_reveals_the_key(app, make_user):
    ex, key = _key(app, "bx-est-new-patient-deductible")
    client = app.test_client()
    learner = make_user(Role.LEARNER)
    login(client, learner.email)
    token = csrf_from(client.get(f"/billing/{ex.id}").get_data(as_text=True))
    response = client.post(f"/billing/{ex.id}", data={"csrf_token": token, **right_answer("estimate", key)})
    assert response.status_code == 302
    attempt = db.session.execute(select(BillingAttempt).where(BillingAttempt.user_id == learner.id)).scalar_one()
    assert attempt.score == attempt.max_score > 0 and attempt.findings == []
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The worked key" in result and key["total"] in result
    assert "Everything right" in result
    assert ex.title in client.get("/billing").get_data(as_text=True)  # in the history


def test_wrong_answer_gives_findings(app, make_user):
    ex, key = _key(app, "bx-den-em-missing-25")
    client = app.test_client()
    login(client, make_user(Role.LEARNER).email)
    token = csrf_from(client.get(f"/billing/{ex.id}").get_data(as_text=True))
    answer = {**right_answer("denial", key), "action": "write_off"}
    result = client.get(client.post(f"/billing/{ex.id}", data={"csrf_token": token, **answer})
                        .headers["Location"]).get_data(as_text=True)
    assert "denial.action" in result and "Send a corrected (replacement) claim" in result


def test_post_without_csrf_is_refused(app, make_user):
    client = app.test_client()
    login(client, make_user(Role.LEARNER).email)
    assert client.post("/billing/bx-pa-knee-mri", data={"covered": "yes"}).status_code == 400


def test_an_attempt_is_its_owners_only(app, make_user):
    owner, other = make_user(Role.LEARNER), make_user(Role.LEARNER)
    attempt = BillingAttempt(user_id=owner.id, exercise_id="bx-pa-knee-mri", task="prior_auth", checksum="x",
                             answer={}, score=0, max_score=5, findings=[])
    db.session.add(attempt)
    db.session.commit()
    client = app.test_client()
    login(client, other.email)
    assert client.get(f"/billing/attempts/{attempt.id}").status_code == 404
    assert f"/billing/attempts/{attempt.id}" not in client.get("/billing").get_data(as_text=True)
    assert f"/billing/attempts/{attempt.id}" not in client.get("/billing/bx-pa-knee-mri").get_data(as_text=True)
    instructor = make_user(Role.INSTRUCTOR)
    staff = app.test_client()
    login(staff, instructor.email)
    assert staff.get(f"/billing/attempts/{attempt.id}").status_code == 404
    mine = app.test_client()
    login(mine, owner.email)
    assert mine.get(f"/billing/attempts/{attempt.id}").status_code == 200


def test_unknown_exercise_is_404(app, make_user):
    client = app.test_client()
    login(client, make_user(Role.LEARNER).email)
    assert client.get("/billing/no-such-exercise").status_code == 404


def test_cli_billing_validate_and_key(app, tmp_path):
    from trainer.cli import main

    runner = app.test_cli_runner()
    good = runner.invoke(main, ["billing", "validate", "exercises/billing/statement"])
    assert good.exit_code == 0 and "5 billing exercise(s) valid, 0 with problems" in good.output
    bad = tmp_path / "bx-broken.yaml"
    bad.write_text("id: bx-broken\ntitle: Broken\ntask: estimate\n")
    result = runner.invoke(main, ["billing", "validate", str(bad)])
    assert result.exit_code == 1 and "bx-broken.yaml" in result.output and "difficulty: is required" in result.output
    key = runner.invoke(main, ["billing", "key", "bx-stmt-medicaid-prior-balance"])
    assert key.exit_code == 0 and '"amount_due": "12.00"' in key.output
