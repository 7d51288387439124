"""In a real browser, the teaching loop: an instructor creates a cohort, imports a roster and assigns an
exercise; the new learner signs in with the roster's temporary password and completes it; the
instructor sees the score in the gradebook and the learner's row in the cohort heatmap."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest
from playwright.sync_api import expect

from trainer.extensions import db
from trainer.models import Attempt, Role, User

from .test_lookup_e2e import sign_in

pytestmark = pytest.mark.e2e
EXERCISE = "Test fixture: knee injection with laterality variants"
_n = itertools.count(1)


def sign_in_with(page, server_url, email, password):
    page.goto(server_url + "/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_cohort_roster_assignment_work_gradebook_and_heatmap(page, browser, server_url, make_user):
    n = next(_n)
    teacher = make_user(Role.INSTRUCTOR)
    cohort_name, title = f"Evening class {n}", f"Week 1: knee injections {n}"
    email, name = f"e2e-roster-{n}-{teacher.id}@school.example", f"Rosa Roster {n}"

    # the instructor: a cohort, a roster pasted as CSV, an assignment of one exercise
    sign_in(page, server_url, teacher.email)
    page.get_by_role("link", name="Cohorts").click()
    page.get_by_label("Name").fill(cohort_name)
    page.get_by_role("button", name="Create cohort").click()
    expect(page.get_by_role("heading", level=1, name=cohort_name)).to_be_visible()
    page.get_by_label("Or paste the rows").fill(f"name,email,role\n{name},{email},learner\n")
    page.get_by_role("button", name="Import roster").click()
    expect(page.get_by_role("heading", name="Roster imported")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=email)
    temporary = row.locator("td.code").inner_text().strip()
    assert len(temporary) >= 8

    page.get_by_role("link", name="New assignment").click()
    page.get_by_label("Title", exact=True).fill(title)
    box = page.locator("#ex-fx-knee-injection")
    page.locator("details.exercise-area", has=box).locator("summary").click()
    box.check()
    today = dt.datetime.now(dt.timezone.utc)
    page.get_by_label("Opens").fill((today - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Due", exact=True).fill((today + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Time zone of these dates").select_option("UTC")
    page.get_by_role("button", name="Save assignment").click()
    expect(page.get_by_role("heading", level=1, name=cohort_name)).to_be_visible()
    expect(page.locator("body")).to_contain_text(title)

    # the learner, in a browser of their own, with the temporary password from the roster
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    learner_page = context.new_page()
    errors: list[str] = []
    learner_page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        sign_in_with(learner_page, server_url, email, temporary)
        learner_page.get_by_role("link", name="Assignments").first.click()
        learner_page.get_by_role("link", name=title).click()
        learner_page.get_by_role("button", name="Start").click()
        expect(learner_page.locator("input[name=dx]").first).to_be_visible()
        learner = db.session.query(User).filter_by(email=email).one()
        attempt = db.session.query(Attempt).filter_by(user_id=learner.id).one()
        assert attempt.assignment_id is not None
        dx, side = ("M17.11", "RT") if attempt.variant == 0 else ("M17.12", "LT")
        learner_page.locator("input[name=dx]").first.fill(dx)
        learner_page.locator("input[name=line-1-code]").fill("20610")
        learner_page.locator("input[name=line-1-mods]").fill(side)
        learner_page.locator("input[name=line-1-ptr]").fill("A")
        learner_page.keyboard.press("Escape")  # close any typeahead list
        expect(learner_page.get_by_text("All changes saved", exact=False)).to_be_visible(timeout=10000)
        learner_page.get_by_role("button", name="Submit for grading").click()
        confirm = learner_page.get_by_role("button", name="Yes, submit")  # the panel's confirm step
        expect(confirm).to_be_visible()
        confirm.click()
        expect(learner_page.locator("body")).to_contain_text("7 / 7", timeout=10000)
    finally:
        context.close()
    assert errors == [], f"JavaScript errors on the learner's pages: {errors}"

    # the instructor: the gradebook has the score, the heatmap has the learner's row
    page.get_by_role("link", name="Gradebook").first.click()
    learner_row = page.get_by_role("row").filter(has_text=name)
    expect(learner_row).to_contain_text("100")
    expect(learner_row).to_contain_text("Submitted")
    page.get_by_role("link", name=cohort_name).click()
    page.get_by_role("link", name="Analytics: mastery heatmap, errors, item statistics").click()
    expect(page.get_by_role("heading", name="Mastery by learner and section")).to_be_visible()
    expect(page.locator(".chart-figure svg")).to_contain_text(name)
    page.get_by_text("The heatmap's values as a table, with links to each learner").click()
    expect(page.get_by_role("row").filter(has_text=name).get_by_role("link", name=name)).to_be_visible()
