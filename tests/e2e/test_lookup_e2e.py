"""In a real browser: sign in, search a code as you type, open it, use the keyboard."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from trainer.models import Role

pytestmark = pytest.mark.e2e


def sign_in(page, server_url, email):
    page.goto(server_url + "/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_sign_in_search_and_open_a_code(page, server_url, make_user):
    learner = make_user(Role.LEARNER)
    sign_in(page, server_url, learner.email)
    page.get_by_role("link", name="Code lookup").first.click()
    page.get_by_label("Search codes or words").fill("nstemi")
    first = page.locator("#result-list a").first
    expect(first).to_contain_text("I21.4")  # results arrive as you type, no button pressed
    expect(page).to_have_url(re.compile(r"q=nstemi"))
    first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("I21.4")
    expect(page.locator("body")).to_contain_text("Non-ST elevation (NSTEMI) myocardial infarction")
    expect(page.locator("body")).to_contain_text("Non-Q wave myocardial infarction NOS")


def test_keyboard_only_search_and_validity_by_date(page, server_url, make_user):
    learner = make_user(Role.LEARNER)
    sign_in(page, server_url, learner.email)
    page.goto(server_url + "/codes")
    page.get_by_label("Date of service").fill("2025-06-01")
    box = page.get_by_label("Search codes or words")
    box.fill("E11.A")
    expect(page.locator("#result-list")).to_contain_text("Not valid on this date")
    box.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("E11.A")
    expect(page.locator("body")).to_contain_text("Not valid on 2025-06-01")


def test_admin_creates_an_account_by_keyboard(page, server_url, make_user):
    admin = make_user(Role.SCHOOL_ADMIN)
    sign_in(page, server_url, admin.email)
    page.goto(server_url + "/admin/users/new")
    page.get_by_label("Full name").fill("Keyboard Kim")
    page.get_by_label("Email").fill("kim.keyboard@school.example")
    page.get_by_label("Initial password").fill("a-long-initial-pass")
    page.get_by_label("Initial password").press("Enter")
    expect(page.locator("body")).to_contain_text("Account created for Keyboard Kim")
    expect(page.get_by_role("table")).to_contain_text("kim.keyboard@school.example")
