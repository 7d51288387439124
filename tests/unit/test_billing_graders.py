"""Each billing grader: the right answer scores full marks (test_billing_exercises), typical
mistakes produce the right findings, and the A/R policy picks the documented next step."""
from __future__ import annotations

import datetime as dt

import pytest

from trainer.billing.exercises import load_billing_tree
from trainer.billing.tasks import compute_key, grade
from trainer.billing.tasks_ar import next_action
from trainer.cli_paths import BILLING_DIR
from trainer.edits.data import EditData

from .billing_answers import right_answer


@pytest.fixture(scope="module")
def bundled():
    return {ex.id: ex for ex in load_billing_tree(BILLING_DIR)[0]}


@pytest.fixture()
def keyed(bundled, codes_session):
    def get(exercise_id):
        ex = bundled[exercise_id]
        return ex, compute_key(ex, EditData(codes_session))

    return get


def rules(result):
    return sorted((f.rule, f.line) for f in result.findings)


def test_estimate_copay_taken_on_the_injection(keyed):
    ex, key = keyed("bx-est-new-patient-deductible")
    answer = {**right_answer("estimate", key), "line-2-copay": "30.00", "line-2-deductible": "51.55",
              "total": "$141.55"}
    result = grade(ex, key, answer)
    assert rules(result) == [("estimate.copay", 2), ("estimate.deductible", 2), ("estimate.total", None)]
    copay = result.findings[0]
    assert (copay.expected, copay.given) == ("0.00", "30.00") and "office visit" in copay.message
    assert copay.reference and result.score == result.max_score - 3


def test_estimate_not_covered_is_the_full_charge(keyed):
    ex, key = keyed("bx-est-coverage-ended")
    result = grade(ex, key, {"covered": "yes", "total": "30.00"})
    assert rules(result) == [("estimate.covered", None), ("estimate.total", None)]
    assert "self-pay" in result.findings[1].message and result.max_score == 2


def test_estimate_amount_that_is_not_a_number(keyed):
    ex, key = keyed("bx-est-medicaid-child-visit")
    result = grade(ex, key, {**right_answer("estimate", key), "total": "four dollars"})
    assert [(f.rule, f.given) for f in result.findings] == [("estimate.total", "not a number")]


def test_prior_auth_mistakes(keyed):
    ex, key = keyed("bx-pa-sleep-study-medicaid")
    answer = {**right_answer("prior_auth", key), "line-1-needs": "yes", "line-1-reason": "sleep"}
    result = grade(ex, key, answer)
    assert rules(result) == [("prior_auth.needed", 1), ("prior_auth.reason", 1)]
    ex, key = keyed("bx-pa-coverage-not-started")
    assert rules(grade(ex, key, {**right_answer("prior_auth", key), "covered": "yes"})) == [
        ("prior_auth.covered", None)]


def test_denial_written_off_instead_of_corrected(keyed):
    ex, key = keyed("bx-den-em-missing-25")
    answer = {"line-2-denied": "yes", "group": "PR", "root_cause": "ncci", "action": "write_off"}
    result = grade(ex, key, answer)
    assert rules(result) == [("denial.action", None), ("denial.change", None), ("denial.claim_number", None),
                             ("denial.frequency", None), ("denial.group", None), ("denial.lines", 1),
                             ("denial.lines", 2)]
    action = next(f for f in result.findings if f.rule == "denial.action")
    assert action.points == 2 and action.expected == "Send a corrected (replacement) claim"
    assert result.max_score == 2 + 1 + 1 + 2 + 1 + 1 + 1  # lines, group, cause, action, frequency, number, change


def test_denial_billing_the_patient_for_a_co_denial(keyed):
    ex, key = keyed("bx-den-no-auth-write-off")
    result = grade(ex, key, {**right_answer("denial", key), "action": "bill_patient"})
    assert rules(result) == [("denial.action", None)]
    ex, key = keyed("bx-den-deductible-not-denial")
    result = grade(ex, key, {"line-1-denied": "yes", "group": "CO", "root_cause": "no_auth", "action": "appeal"})
    assert rules(result) == [("denial.action", None), ("denial.group", None), ("denial.lines", 1),
                             ("denial.root_cause", None)]  # a $0 payment that went to the deductible


def test_denial_appeal_needs_the_right_evidence(keyed):
    ex, key = keyed("bx-den-timely-appeal")
    result = grade(ex, key, {**right_answer("denial", key), "appeal_reason": "medical_records"})
    assert rules(result) == [("denial.appeal_reason", None)]


def test_posting_a_denial_as_a_write_off(keyed):
    ex, key = keyed("bx-post-with-denied-line")
    charge = key["lines"][0]["charge"]
    answer = {**right_answer("posting", key), "line-1-contractual": charge, "line-1-denied": "0"}
    result = grade(ex, key, answer)
    assert rules(result) == [("post.contractual", 1), ("post.denied", 1)]
    assert "left open" in result.findings[1].message


def test_statement_billing_the_denied_mri(keyed):
    ex, key = keyed("bx-stmt-denied-line-not-billed")
    mri = key["lines"][1]
    answer = {**right_answer("statement", key), "line-2-patient_owes": mri["charge"], "due_date": "04/15/2025"}
    result = grade(ex, key, answer)
    assert rules(result) == [("statement.due_date", None), ("statement.patient_owes", 2)]
    answer = {**right_answer("statement", key), "due_date": "05/01/2025"}  # MM/DD/YYYY is read too
    assert grade(ex, key, answer).findings == []


def test_ar_collections_too_early(keyed):
    ex, key = keyed("bx-ar-collections-lawfully")
    answer = {**right_answer("ar_followup", key), **{f"item-{n}-action": "collections" for n in range(1, 6)}}
    result = grade(ex, key, answer)
    assert rules(result) == [("ar.action", 2), ("ar.action", 3), ("ar.action", 4), ("ar.action", 5)]
    assert "dispute" in result.findings[1].message


def test_ar_bucket_and_total(keyed):
    ex, key = keyed("bx-ar-insurance-basics")
    answer = {**right_answer("ar_followup", key), "item-1-bucket": "31-60", "total-insurance-0-30": "1.00"}
    assert rules(grade(ex, key, answer)) == [("ar.bucket", 1), ("ar.total", None)]


DAY = dt.date(2025, 6, 1)


@pytest.mark.parametrize("item, action", [
    ({"owed_by": "insurance", "payer": "commercial", "status": "no_response", "service_date": dt.date(2025, 5, 1),
      "submitted": dt.date(2025, 5, 2)}, "wait"),
    ({"owed_by": "insurance", "payer": "commercial", "status": "no_response", "service_date": dt.date(2025, 4, 1),
      "submitted": dt.date(2025, 4, 2)}, "check_status"),
    ({"owed_by": "insurance", "payer": "commercial", "status": "rejected", "service_date": dt.date(2025, 2, 1),
      "submitted": dt.date(2025, 2, 2)}, "write_off"),  # 120 days: past the 90-day limit
    ({"owed_by": "insurance", "payer": "medicare", "status": "rejected", "service_date": dt.date(2025, 2, 1),
      "submitted": dt.date(2025, 2, 2)}, "resubmit"),  # Medicare allows a year
    ({"owed_by": "insurance", "payer": "medicare", "status": "denied", "service_date": dt.date(2025, 1, 10),
      "submitted": dt.date(2025, 1, 11), "remit_date": dt.date(2025, 1, 25), "carc": "50"}, "write_off"),
    ({"owed_by": "insurance", "payer": "commercial", "status": "denied", "service_date": dt.date(2025, 1, 10),
      "submitted": dt.date(2025, 1, 11), "remit_date": dt.date(2025, 1, 25), "carc": "197"}, "appeal"),
    ({"owed_by": "patient", "statements_sent": 1, "last_statement": dt.date(2025, 5, 20)}, "wait"),
    ({"owed_by": "patient", "statements_sent": 1, "last_statement": dt.date(2025, 5, 1)}, "send_statement"),
    ({"owed_by": "patient", "statements_sent": 3, "last_statement": dt.date(2025, 4, 1)}, "final_notice"),
    ({"owed_by": "patient", "statements_sent": 3, "final_notice": dt.date(2025, 5, 1)}, "collections"),
    ({"owed_by": "patient", "statements_sent": 3, "final_notice": dt.date(2025, 5, 1), "payment_plan": True}, "wait"),
    ({"owed_by": "patient", "statements_sent": 3, "final_notice": dt.date(2025, 5, 1), "dispute": True},
     "hold_dispute"),
])
def test_ar_policy(item, action):
    assert next_action({"service_date": dt.date(2025, 1, 1), **item}, DAY)[0] == action
