"""In a real browser: fill a CMS-1500 from the packet, submit, see the rejection, correct, resubmit."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from trainer.models import Role

from ..web.test_claims_web import EXERCISE, right_form
from .test_lookup_e2e import sign_in

pytestmark = pytest.mark.e2e

SELECTS = {"sex", "relationship", "frequency", "tax_id_type", "accept_assignment"}


def fill(page, form: dict):
    for name, value in form.items():
        if name == "payer_kind":
            page.check(f"#f-payer-{value}")
        elif name in ("signature_on_file", "benefits_assigned"):
            page.check(f"input[name={name}]")
        elif name in SELECTS:
            page.select_option(f"select[name={name}]", value)
        else:
            page.fill(f"input[name={name}]", value)


def test_fill_a_claim_see_the_rejection_correct_and_resubmit(page, server_url, make_user):
    learner = make_user(Role.LEARNER)
    sign_in(page, server_url, learner.email)
    page.goto(server_url + "/claims")
    page.locator(f"a[href='/claims/{EXERCISE}']").click()
    expect(page.get_by_role("heading", name="Superbill (coded encounter)")).to_be_visible()
    form = right_form()
    fill(page, form | {"billing_npi": "1093791627"})
    page.get_by_role("button", name="Submit claim").click()
    expect(page.locator(".claim-outcome")).to_contain_text("Rejected at the front end")
    expect(page.locator(".claim-response")).to_contain_text("fails the check-digit test")

    page.get_by_role("link", name="Correct and resubmit").click()
    expect(page.locator("input[name=billing_npi]")).to_have_value("1093791627")
    expect(page.locator("input[name=member_id]")).to_have_value(form["member_id"])
    page.fill("input[name=billing_npi]", form["billing_npi"])
    page.get_by_role("button", name="Submit claim").click()
    expect(page.locator(".claim-outcome")).to_contain_text("Accepted")
    expect(page.locator(".score-main")).to_contain_text("boxes right")
