"""The billing exercise kinds in one table: how each computes its key, grades an answer, checks its
own consistency, and what its page shows before the answer (no Flask).

``validate_billing`` loads every file, computes every key and runs every check: it is what
``trainer billing validate`` and CI run, and what the pages trust."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..claims.carc import describe
from ..codes.tables import CodeSystem
from ..edits.rules_codes import procedure_system
from ..exercises.schema import Problem
from . import tasks_ar, tasks_denial, tasks_front, tasks_office
from .era import era_view
from .exercises import BillingExercise, load_billing_tree
from .findings import Result
from .scenario import adjudication_of, benefits_of, lines_of, payer_of


@dataclass(frozen=True)
class Kind:
    key: Callable
    grade: Callable
    problems: Callable = lambda ex, data, key: []


KINDS = {
    "estimate": Kind(tasks_front.estimate_key, tasks_front.grade_estimate, tasks_front.front_problems),
    "prior_auth": Kind(tasks_front.prior_auth_key, tasks_front.grade_prior_auth),
    "denial": Kind(tasks_denial.denial_key, tasks_denial.grade_denial, tasks_denial.denial_problems),
    "posting": Kind(tasks_office.posting_key, tasks_office.grade_posting_answer),
    "statement": Kind(tasks_office.statement_key, tasks_office.grade_statement),
    "ar_followup": Kind(tasks_ar.ar_key, tasks_ar.grade_ar),
}


def compute_key(ex: BillingExercise, data) -> dict:
    return KINDS[ex.task].key(ex, data)


def grade(ex: BillingExercise, key: dict, answer: dict) -> Result:
    return KINDS[ex.task].grade(ex, key, answer)


def scenario(ex: BillingExercise, data) -> dict:
    """What the exercise page shows before any answer: never the key."""
    out: dict = {"payer": payer_of(ex)}
    if ex.data.get("insurance"):
        out["benefits"] = benefits_of(ex)
    if ex.data.get("services"):
        out["lines"] = lines_of(ex, data)
    if ex.task in ("estimate", "prior_auth"):
        out["fees"] = tasks_front.fee_rows(ex, data)
    if ex.task in ("denial", "posting", "statement"):
        claim, result = adjudication_of(ex, data)
        out["claim"] = claim
        out["era"] = era_view(result.remittance)
    return out


def _code_problems(ex: BillingExercise, data) -> list[str]:
    out = []
    codes = [(s["code"], s["date"]) for s in ex.data.get("services") or []]
    codes += [(i["code"], i["service_date"]) for i in ex.data.get("items") or []]
    for code, day in codes:
        system = procedure_system(code)
        if system is None or not data.exists(system, code):
            out.append(f"{code} is not a code of the loaded CPT/HCPCS code sets")
    for item in ex.data.get("items") or []:
        if item.get("carc") and describe("CARC", str(item["carc"])) is None:
            out.append(f"CARC {item['carc']} is not in the official list")
    for dx in ex.data.get("diagnoses") or []:
        day = min(s["date"] for s in ex.data["services"])
        if not data.valid(CodeSystem.ICD10CM, str(dx).replace(".", "").upper(), day):
            out.append(f"diagnosis {dx} is not a valid ICD-10-CM code on {day}")
    return out


def exercise_problems(ex: BillingExercise, data) -> list[Problem]:
    """Everything wrong with one schema-valid file: codes, the key, the kind's own checks."""
    found = _code_problems(ex, data)
    if not found:
        try:
            key = compute_key(ex, data)
            found = KINDS[ex.task].problems(ex, data, key)
        except (ValueError, KeyError, IndexError) as err:
            found = [f"the key cannot be computed: {err}"]
    return [Problem(ex.path, "key", None, message) for message in found]


def validate_billing(data, root: str | Path, paths=None) -> tuple[list[BillingExercise], list[Problem]]:
    exercises, problems = load_billing_tree(root, paths)
    good = []
    for ex in exercises:
        found = exercise_problems(ex, data)
        problems += found
        if not found:
            good.append(ex)
    return good, problems
