"""Billing exercises: the file format, the chargemaster, computed keys (hand-checked), every bundled
file valid, and the validator catching an inconsistent resolution."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from trainer.billing.chargemaster import practice_charge, unit_charge
from trainer.billing.exercises import BillingExerciseError, load_billing, load_billing_tree, parse_billing
from trainer.billing.tasks import compute_key, exercise_problems, grade, validate_billing
from trainer.cli_paths import BILLING_DIR
from trainer.edits.data import EditData

from .billing_answers import right_answer

GOOD = b"""id: bx-test
title: A test
task: estimate
difficulty: 1
payer: commercial
specialty: Testing
as_of: 2025-03-10
patient: {name: Test Person, sex: F, birth_date: 1980-01-01, account: T1}
insurance: {member_id: LHP1, deductible_met: "0.00"}
diagnoses: [I10]
services:
  - {code: "99213", date: 2025-03-10, pos: "11"}
prompt: Estimate it.
rationale: Because.
references: ["A rule"]
"""


@pytest.fixture(scope="module")
def bundled():
    found, problems = load_billing_tree(BILLING_DIR)
    assert problems == []
    return {ex.id: ex for ex in found}


@pytest.fixture()
def data(codes_session):
    return EditData(codes_session)


def test_a_good_file_parses():
    ex = parse_billing(GOOD, "estimate/bx-test.yaml", "bx-test")
    assert ex.task == "estimate" and ex.money("insurance", "deductible_met") == Decimal("0.00")


@pytest.mark.parametrize("change, field, message, line", [
    (b'deductible_met: "0.00"', "insurance.deductible_met", 'quoted text with cents, e.g. "250.00"', 9),
    (b"task: estimate", "task", "is not one of", 3),
    (b"prompt: Estimate it.\n", "prompt", "is required", 1),
    (b"specialty: Testing", "colour", "unknown field", 7),
])
def test_format_errors_name_the_field_and_line(change, field, message, line):
    bad = {b'deductible_met: "0.00"': GOOD.replace(change, b"deductible_met: 0"),
           b"task: estimate": GOOD.replace(change, b"task: coding"),
           b"prompt: Estimate it.\n": GOOD.replace(change, b""),
           b"specialty: Testing": GOOD.replace(change, b"specialty: Testing\ncolour: blue")}[change]
    with pytest.raises(BillingExerciseError) as err:
        parse_billing(bad, "x.yaml", "bx-test")
    problem = next(p for p in err.value.problems if p.field == field)
    assert message in problem.message and problem.line == line and problem.path == "x.yaml"


def test_semantic_errors():
    with pytest.raises(BillingExerciseError, match="must be named bx-test.yaml"):
        parse_billing(GOOD, "x.yaml", "other-name")
    with pytest.raises(BillingExerciseError, match="needs resolution"):
        parse_billing(GOOD.replace(b"task: estimate", b"task: denial").replace(
            b"prompt:", b"claim: {submitted: 2025-03-12}\nprompt:"), "x.yaml", "bx-test")
    with pytest.raises(BillingExerciseError, match="before a date of service"):
        parse_billing(GOOD.replace(b"task: estimate", b"task: posting").replace(
            b"prompt:", b"claim: {submitted: 2025-03-01}\nprompt:"), "x.yaml", "bx-test")


def test_the_folder_must_match_the_task(tmp_path):
    (tmp_path / "denial").mkdir()
    path = tmp_path / "denial" / "bx-test.yaml"
    path.write_bytes(GOOD)
    with pytest.raises(BillingExerciseError, match="must have task: denial"):
        load_billing(path, tmp_path)


def test_chargemaster_rule(data):
    assert unit_charge("99203", (), data) == Decimal("225")  # 2 x 111.51 = 223.02, up to the next $5
    assert practice_charge("97110", (), 2, data) == Decimal("120.00")  # 2 x 29.29 = 58.58 -> 60, two units
    assert unit_charge("J1010", (), data) == Decimal("100.00")  # not priced by the fee schedule: flat


def test_every_bundled_billing_exercise_validates(data):
    good, problems = validate_billing(data, BILLING_DIR)
    assert [str(p) for p in problems] == []
    tasks = [ex.task for ex in good]
    assert len(good) >= 40 and all(tasks.count(t) >= 5 for t in set(tasks)) and len(set(tasks)) == 6


def test_every_right_answer_gets_full_marks(bundled, data):
    for ex in bundled.values():
        key = compute_key(ex, data)
        result = grade(ex, key, right_answer(ex.task, key))
        assert result.findings == [] and result.score == result.max_score > 0, ex.id


def test_estimate_key_by_hand(bundled, data):
    key = compute_key(bundled["bx-est-medicare-visit-ecg"], data)
    # 99214 128.16 and 93000 14.31 (national, non-facility); $57.00 of the deductible left
    assert [(l["allowed"], l["deductible"], l["coinsurance"]) for l in key["lines"]] == [
        ("128.16", "57.00", "14.23"), ("14.31", "0.00", "2.86")]  # (128.16-57) x 20 %, 14.31 x 20 %
    assert key["total"] == "74.09"
    key = compute_key(bundled["bx-est-two-procedures"], data)
    # 11102 100.53 x 125 % = 125.66 in full; 20610 65.24 x 125 % = 81.55, halved: 40.78
    assert [l["allowed"] for l in key["lines"]] == ["125.66", "40.78"]
    assert key["total"] == "33.29"  # 25.13 + 8.16
    assert compute_key(bundled["bx-est-oop-maximum"], data)["total"] == "50.00"  # 5,000 - 4,950
    uncovered = compute_key(bundled["bx-est-coverage-ended"], data)
    assert uncovered["covered"] == "no" and uncovered["total"] == "185.00"  # the full charge


def test_posting_and_statement_keys_by_hand(bundled, data):
    key = compute_key(bundled["bx-post-medicare-sequestration"], data)
    first = key["lines"][0]
    # allowed 128.16: deductible 57.00, coinsurance 14.23, payer 56.93 less 2 % (1.14) = 55.79
    assert (first["payment"], first["patient"]) == ("55.79", "71.23")
    assert Decimal(first["contractual"]) == Decimal(first["charge"]) - Decimal("128.16") + Decimal("1.14")
    denied = compute_key(bundled["bx-post-with-denied-line"], data)["lines"][0]
    assert denied["payment"] == "0.00" and denied["denied"] == denied["charge"] and denied["patient"] == "0.00"
    st = compute_key(bundled["bx-stmt-copay-and-deductible"], data)
    # copay 30.00 on the visit; injection 81.55: deductible 50.00 + 20 % of 31.55 = 6.31; less the copay paid
    assert [l["patient_owes"] for l in st["lines"]] == ["30.00", "56.31"]
    assert (st["amount_due"], st["due_date"]) == ("56.31", "2025-05-01")
    st = compute_key(bundled["bx-stmt-denied-line-not-billed"], data)
    assert [l["patient_owes"] for l in st["lines"]] == ["30.00", "0.00"] and st["amount_due"] == "30.00"


def test_denial_keys_follow_the_simulator(bundled, data):
    key = compute_key(bundled["bx-den-em-missing-25"], data)
    assert (key["denied_lines"], key["group"], key["carc"], key["rarc"], key["root_cause"]) == (
        [1], "CO", "97", "M15", "ncci")
    assert key["frequency"] == "7" and key["change"] == "modifier" and len(key["claim_number"]) == 13
    assert compute_key(bundled["bx-den-deductible-not-denial"], data)["denied_lines"] == []
    expected = {"bx-den-mue-units-typo": ("151", "N362"), "bx-den-addon-without-primary": ("107", "N122"),
                "bx-den-deleted-drug-code": ("181", "M51"), "bx-den-no-auth-corrected": ("197", ""),
                "bx-den-timely-write-off": ("29", ""), "bx-den-coverage-ended": ("27", ""),
                "bx-den-modifier-25-on-procedure": ("4", "")}
    for exercise_id, (carc, rarc) in expected.items():
        key = compute_key(bundled[exercise_id], data)
        assert (key["carc"], key["rarc"]) == (carc, rarc), exercise_id
    assert compute_key(bundled["bx-den-duplicate"], data)["group"] == "OA"


def _with(ex, **changes):
    return dataclasses.replace(ex, data={**ex.data, **changes})


def test_the_validator_catches_a_wrong_resolution(bundled, data):
    ex = bundled["bx-den-em-missing-25"]
    wrong_fix = _with(ex, resolution={"action": "corrected_claim", "correction": {"line": 1, "modifiers": ["59"]}})
    assert any("still denied" in p.message for p in exercise_problems(wrong_fix, data))
    assert any("does not fit the cause" in p.message
               for p in exercise_problems(_with(ex, resolution={"action": "no_rebill"}), data))
    medicare = bundled["bx-den-medicare-separate-site"]
    as_replacement = _with(medicare, resolution={**medicare.data["resolution"], "action": "corrected_claim"})
    assert any("reopening" in p.message for p in exercise_problems(as_replacement, data))


def test_the_validator_catches_an_estimate_the_payer_would_deny(bundled, data):
    ex = bundled["bx-est-new-patient-deductible"]
    visit, injection = ex.data["services"]
    services = [dict(visit, code="99213", modifiers=[]), injection]  # an established visit without modifier 25
    assert any("would be denied" in p.message for p in exercise_problems(_with(ex, services=services), data))
    bad_code = [dict(ex.data["services"][0], code="99999")]
    assert any("not a code" in p.message for p in exercise_problems(_with(ex, services=bad_code), data))


def test_a_key_depends_on_the_exercise_date_not_today(bundled, data):
    ex = bundled["bx-ar-collections-lawfully"]
    later = compute_key(_with(ex, as_of=dt.date(2025, 10, 31)), data)
    assert later["items"][1]["action"] == "collections"  # final notice 10/01: 30 days have passed
    assert compute_key(ex, data)["items"][1]["action"] == "wait"
