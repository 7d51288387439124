"""In a real browser: fill a CMS-1500 without the E/M's modifier 25, submit it to the payer, see the
CO-97 denial on the ERA, post it, choose a corrected claim, resubmit it as a replacement (frequency
7 with the payer's claim number) and see the reversal and the new payment on the next ERA."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from trainer.models import Role

from ..web.test_claims_web import right_form
from ..web.test_office import EX, office_exercise  # noqa: F401  (fixture)
from .test_claim_e2e import fill
from .test_lookup_e2e import sign_in

pytestmark = pytest.mark.e2e


def test_a_denied_claim_is_corrected_and_resubmitted_as_a_replacement(page, server_url, make_user,
                                                                      office_exercise):  # noqa: F811
    learner = make_user(Role.LEARNER)
    sign_in(page, server_url, learner.email)
    page.goto(server_url + "/claims")
    page.locator(f"a[href='/claims/{EX}']").click()
    form = right_form(EX)
    fill(page, form | {"mods_1": ""})  # the learner leaves out modifier 25 on the office visit
    page.get_by_role("button", name="Submit claim").click()
    page.get_by_role("button", name="Submit to the payer").click()

    expect(page.locator("#ack-title")).to_be_visible()
    expect(page.locator(".claim-outcome")).to_contain_text("Accepted for adjudication")
    era = page.locator(".era")
    expect(era).to_contain_text("CO-97")
    expect(era).to_contain_text("M15")
    number = page.locator(".claim-outcome .code").inner_text()

    page.get_by_role("button", name="Post the remittance").click()  # blank amounts: graded, the ledger is right
    expect(page.locator("#posting")).to_contain_text("amounts right")
    work = page.locator("#work-1")
    work.get_by_label("Send a corrected claim (frequency 7)").check()
    work.get_by_role("button", name="Record my decision").click()

    expect(page.locator("select[name=frequency]")).to_have_value("7")
    expect(page.locator("input[name=original_ref]")).to_have_value(number)
    page.fill("input[name=mods_1]", "25")
    page.get_by_role("button", name="Submit claim").click()
    page.get_by_role("button", name="Submit to the payer").click()

    expect(page.locator(".claim-outcome")).to_contain_text("Accepted for adjudication")
    era = page.locator(".era")
    expect(era).to_contain_text("Reversal of previous payment")
    expect(era).to_contain_text(number)
    expect(era).to_contain_text("Processed as primary")
    expect(era.locator(".era-lines").nth(1)).to_contain_text("99213-25")
    expect(era).not_to_contain_text("CO-97 100.00")  # only the reversal's negated amount: CO-97 -100.00

    page.get_by_role("link", name="Billing office").first.click()
    expect(page.get_by_role("heading", name="Billing office (sandbox)")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Replaced")
    expect(page.locator("main")).to_contain_text("50.0 %")
