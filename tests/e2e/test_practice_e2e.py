"""In a real browser: open a chart, code it, reload (the draft is kept), submit, see the score."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from trainer.extensions import db
from trainer.models import Attempt, Role

from .test_lookup_e2e import sign_in

pytestmark = pytest.mark.e2e


def test_code_a_chart_reload_submit_and_see_the_score(page, server_url, make_user):
    learner = make_user(Role.LEARNER)
    sign_in(page, server_url, learner.email)
    page.goto(server_url + "/practice")
    page.get_by_role("link", name="knee injection with laterality variants").click()
    expect(page.locator("body")).to_contain_text("knee joint with corticosteroid")
    attempt = db.session.query(Attempt).filter_by(user_id=learner.id).one()
    dx = "M17.11" if attempt.variant == 0 else "M17.12"
    side = "RT" if attempt.variant == 0 else "LT"

    page.locator("input[name=dx]").first.fill(dx)
    page.locator("input[name=line-1-code]").fill("20610")
    page.locator("input[name=line-1-mods]").fill(side)
    page.locator("input[name=line-1-ptr]").fill("A")
    page.keyboard.press("Escape")  # close any typeahead list
    expect(page.get_by_text("saved", exact=False).first).to_be_visible(timeout=10000)
    page.reload()
    expect(page.locator("input[name=dx]").first).to_have_value(dx)
    expect(page.locator("input[name=line-1-mods]")).to_have_value(side)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit for grading").click()
    confirm = page.get_by_role("button", name="Yes, submit")
    if confirm.count():
        confirm.click()
    expect(page.locator("body")).to_contain_text("7 / 7", timeout=10000)
    expect(page.locator("body")).to_contain_text("Major joint injection")  # rationale after submission
