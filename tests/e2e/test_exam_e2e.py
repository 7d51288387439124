"""In a real browser: take a short exam, reload mid-way (answers kept), finish, review with rationales."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import BlueprintRecord, ExamItem, ExamSitting, Role

from .test_lookup_e2e import sign_in

pytestmark = pytest.mark.e2e


def test_take_a_short_exam_reload_midway_finish_and_review(page, server_url, make_user, school):
    data = {"id": "e2e-quiz", "name": "E2E short exam", "items": 3, "scored_items": 3, "minutes": 15,
            "time_notice_minutes": 20, "pass_mark": 70, "scoring": "percent", "sources": ["test"],
            "sections": [{"id": "em", "name": "Evaluation and Management", "items": 2},
                         {"id": "anatomy", "name": "Anatomy", "items": 1}]}
    if db.session.get(BlueprintRecord, "e2e-quiz") is None:
        db.session.add(BlueprintRecord(id="e2e-quiz", school_id=school.id, pool="cpc", name=data["name"], data=data))
        db.session.commit()
    learner = make_user(Role.LEARNER, school_obj=school)
    sign_in(page, server_url, learner.email)
    page.goto(server_url + "/exams")
    page.get_by_role("button", name="Start exam").click()
    expect(page.get_by_text("Question 1 of 3")).to_be_visible()
    expect(page.locator("[data-timer-value]")).to_contain_text("0:1")  # counting down from 15 minutes
    expect(page.locator("[data-timer-notice]")).to_be_visible()  # 20-minute notice on a 15-minute exam

    page.locator("label[for=choice-B]").click()
    expect(page.locator("[data-save-status]")).to_have_text("Answer B saved.")
    page.get_by_role("button", name="Save and next").click()
    expect(page.get_by_text("Question 2 of 3")).to_be_visible()
    page.locator("label[for=choice-D]").click()
    page.get_by_label("Flag this question for review").check()
    expect(page.locator("[data-save-status]")).to_have_text("Answer D saved.")

    page.reload()  # mid-way: everything chosen is still there
    expect(page.locator("#choice-D")).to_be_checked()
    expect(page.get_by_label("Flag this question for review")).to_be_checked()
    expect(page.locator(".exam-cell[data-position='1']")).to_have_class("exam-cell is-answered")
    expect(page.locator(".exam-cell[data-position='2']")).to_contain_text("answered, flagged")

    page.locator(".exam-cell[data-position='3']").click()
    expect(page.get_by_text("Question 3 of 3")).to_be_visible()
    page.get_by_role("button", name="Review and submit").click()
    expect(page.get_by_role("heading", name="Before you submit")).to_be_visible()
    expect(page.locator("body")).to_contain_text("1 question not answered")
    page.get_by_role("button", name="Submit exam").click()

    expect(page.get_by_role("heading", name="Score by section")).to_be_visible()
    sitting = db.session.execute(select(ExamSitting).where(ExamSitting.user_id == learner.id)).scalar_one()
    db.session.refresh(sitting)
    choices = [i.choice for i in db.session.execute(select(ExamItem).where(ExamItem.sitting_id == sitting.id)
                                                    .order_by(ExamItem.position)).scalars()]
    assert choices == ["B", "D", None] and sitting.submitted
    items = db.session.execute(select(ExamItem).where(ExamItem.sitting_id == sitting.id)).scalars().all()
    first_rationale = items[0].question.rationale.split()[:6]
    expect(page.locator(".exam-answer-list")).to_contain_text(" ".join(first_rationale))
    expect(page.locator("#q3")).to_contain_text("Not answered")


def test_an_answer_chosen_while_offline_is_kept_and_sent_when_the_network_returns(page, server_url, make_user,
                                                                                  school):
    data = {"id": "e2e-offline", "name": "E2E offline exam", "items": 2, "scored_items": 2, "minutes": 15,
            "pass_mark": 70, "scoring": "percent", "sources": ["test"],
            "sections": [{"id": "em", "name": "Evaluation and Management", "items": 2}]}
    if db.session.get(BlueprintRecord, "e2e-offline") is None:
        db.session.add(BlueprintRecord(id="e2e-offline", school_id=school.id, pool="cpc", name=data["name"],
                                       data=data))
        db.session.commit()
    learner = make_user(Role.LEARNER, school_obj=school)
    sign_in(page, server_url, learner.email)
    page.goto(server_url + "/exams")
    page.get_by_role("article").filter(has_text="E2E offline exam").get_by_role("button", name="Start exam").click()
    expect(page.get_by_text("Question 1 of 2")).to_be_visible()
    page.context.set_offline(True)
    page.locator("label[for=choice-C]").click()
    expect(page.locator("[data-save-status]")).to_contain_text("Not saved yet")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-save-status]")).to_have_text("Answer C saved.", timeout=20000)
    sitting = db.session.execute(select(ExamSitting).where(ExamSitting.user_id == learner.id)).scalar_one()
    db.session.expire_all()
    first = db.session.execute(select(ExamItem).where(ExamItem.sitting_id == sitting.id, ExamItem.position == 1)
                               ).scalar_one()
    assert first.choice == "C"
