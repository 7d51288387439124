"""Posting a remittance: payment, contractual adjustment, patient responsibility and open denials."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

from tests.unit.test_payer import DOS, claim
from trainer.billing.posting import expected_postings, grade_posting
from trainer.edits.data import EditData
from trainer.payer.adjudicate import adjudicate, reverse
from trainer.payer.profiles import PROFILES


def test_each_line_splits_its_charge_into_the_four_postings(codes_session):
    c = claim(("93000", "60.00", 1, ()), ("93010", "30.00", 1, ()), ("99214", "250.00", 1, ("25",)),
              kind="medicare")
    result = adjudicate(c, PROFILES["medicare"].with_benefits(deductible_met=Decimal("237")), EditData(codes_session))
    postings = expected_postings(result.claim_payment)
    assert all(p.balanced for p in postings)
    by_code = {p.code: p for p in postings}
    assert by_code["93010"].denied == Decimal("30.00") and by_code["93010"].payment == 0  # CO-97 left open
    visit = by_code["99214"]
    assert visit.payment > 0 and visit.contractual > 0 and visit.patient > 0 and visit.denied == 0
    assert sum(p.payment for p in postings) == result.claim_payment.paid
    assert sum(p.patient for p in postings) == result.claim_payment.patient_responsibility


def test_a_reversal_posts_the_opposite_amounts(codes_session):
    result = adjudicate(claim(("99214", "250.00", 1, ())), PROFILES["commercial"], EditData(codes_session))
    original, = expected_postings(result.claim_payment)
    back, = expected_postings(reverse(result.claim_payment))
    assert (back.payment, back.contractual, back.patient) == (-original.payment, -original.contractual,
                                                              -original.patient)


def test_grading_a_posting_names_each_wrong_amount(codes_session):
    result = adjudicate(claim(("99214", "250.00", 1, ())), PROFILES["commercial"], EditData(codes_session))
    exp, = expected_postings(result.claim_payment)
    right = {1: {"payment": str(exp.payment), "contractual": f"${exp.contractual}", "patient": "30", "denied": ""}}
    assert grade_posting([exp], right) == (4.0, 4.0, [])
    # the classic mistake: writing the copay off instead of billing the patient
    wrong = {1: dict(right[1], contractual=str(exp.contractual + 30), patient="0")}
    score, top, findings = grade_posting([exp], wrong)
    assert (score, top) == (2.0, 4.0)
    assert {f.rule for f in findings} == {"post.contractual", "post.patient"}
    assert "PR-3 30" in next(f.message for f in findings if f.rule == "post.patient")
    assert grade_posting([exp], {1: {"payment": "abc"}})[2][0].given == "not a number"
    assert dataclasses.asdict(findings[0])["line"] == 1
