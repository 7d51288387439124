"""The billing exercise file format (YAML, one file per exercise under exercises/billing/<task>/).

See exercises/billing/README.md for the format with examples. The schema checker of the coding
exercises (trainer.exercises.schema) reports every problem with file, field and line. Amounts are
written as quoted text ("250.00") so that no float ever touches money. Keys are never written in a
file: each task module computes its key from the scenario (trainer.billing.tasks).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

from ..exercises.format import ExerciseError, load_each
from ..exercises.schema import Field, Problem, check

TASKS = ("estimate", "prior_auth", "denial", "posting", "statement", "ar_followup")
TASK_LABELS = {"estimate": "Estimate at check-in", "prior_auth": "Prior authorization",
               "denial": "Work a denial", "posting": "Post a remittance", "statement": "Patient statement",
               "ar_followup": "A/R follow-up"}
PAYERS = ("medicare", "commercial", "medicaid")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{2,60}$")
MONEY_RE = re.compile(r"^-?\d{1,7}\.\d{2}$")
CODE_RE = re.compile(r"^[0-9A-Z]{5}$")
POS_RE = re.compile(r"^\d{2}$")
# The resolution of a denial: what the biller does next (claim-rules H6 and I).
ACTIONS = ("corrected_claim", "reopening", "appeal", "new_claim", "bill_patient", "write_off", "no_rebill")
APPEAL_REASONS = ("timely_filing_proof", "authorization_on_file", "medical_records")

TEXT, DATE, INT, BOOL = Field("str"), Field("date"), Field("int"), Field("bool")
OPT_TEXT, OPT_DATE, OPT_INT, OPT_BOOL = (Field("str", required=False), Field("date", required=False),
                                         Field("int", required=False), Field("bool", required=False))
MONEY = Field("str", pattern=MONEY_RE)
MONEY_FIELDS = ("deductible_met", "out_of_pocket_met", "previous_balance", "payments_received", "amount")
OPT_MONEY = Field("str", required=False, pattern=MONEY_RE)
CODES = Field("list", required=False, item=Field("str"))
SERVICE = Field("map", fields={
    "code": Field("str", pattern=CODE_RE), "date": DATE, "units": OPT_INT, "modifiers": CODES,
    "pos": Field("str", required=False, pattern=POS_RE), "pointers": Field("list", required=False, item=INT),
    "note": OPT_TEXT})
CORRECTION = Field("map", required=False, fields={
    "line": OPT_INT, "code": Field("str", required=False, pattern=CODE_RE), "modifiers": CODES, "units": OPT_INT,
    "pointers": Field("list", required=False, item=INT), "prior_authorization": OPT_TEXT,
    "payer": Field("str", required=False, choices=PAYERS), "member_id": OPT_TEXT})
ITEM = Field("map", fields={
    "account": TEXT, "patient": TEXT, "service_date": DATE, "code": Field("str", pattern=CODE_RE), "amount": MONEY,
    "owed_by": Field("str", choices=("insurance", "patient")),
    "payer": Field("str", required=False, choices=PAYERS),
    "status": Field("str", choices=("no_response", "rejected", "denied", "patient_balance")),
    "submitted": OPT_DATE, "remit_date": OPT_DATE, "carc": OPT_TEXT,
    "statements_sent": OPT_INT, "last_statement": OPT_DATE, "final_notice": OPT_DATE,
    "payment_plan": OPT_BOOL, "plan_requested": OPT_BOOL, "dispute": OPT_BOOL, "note": OPT_TEXT})
SCHEMA = Field("map", fields={
    "id": Field("str", pattern=ID_RE),
    "title": TEXT,
    "task": Field("str", choices=TASKS),
    "difficulty": Field("int", choices=(1, 2, 3)),
    "payer": Field("str", choices=PAYERS),
    "specialty": TEXT,
    "as_of": DATE,  # the day of the task: check-in, the statement run, the A/R review
    "patient": Field("map", required=False, fields={
        "name": TEXT, "sex": Field("str", choices=("F", "M")), "birth_date": DATE, "account": TEXT}),
    "insurance": Field("map", required=False, fields={
        "member_id": TEXT, "group": OPT_TEXT, "coverage_from": OPT_DATE, "coverage_to": OPT_DATE,
        "deductible_met": OPT_MONEY, "out_of_pocket_met": OPT_MONEY}),
    "diagnoses": CODES,
    "services": Field("list", required=False, item=SERVICE),
    "claim": Field("map", required=False, fields={
        "submitted": DATE, "prior_authorization": OPT_TEXT, "previously_billed": Field("list", required=False,
                                                                                        item=INT)}),
    "statement": Field("map", required=False, fields={"previous_balance": MONEY, "payments_received": MONEY}),
    "items": Field("list", required=False, item=ITEM),
    "resolution": Field("map", required=False, fields={
        "action": Field("str", choices=ACTIONS), "appeal_reason": Field("str", required=False, choices=APPEAL_REASONS),
        "correction": CORRECTION}),
    "prompt": TEXT,
    "rationale": TEXT,
    "references": Field("list", item=Field("str")),
})
# What each task needs besides the common fields
NEEDS = {"estimate": ("patient", "insurance", "diagnoses", "services"),
         "prior_auth": ("patient", "insurance", "diagnoses", "services"),
         "denial": ("patient", "insurance", "diagnoses", "services", "claim", "resolution"),
         "posting": ("patient", "insurance", "diagnoses", "services", "claim"),
         "statement": ("patient", "insurance", "diagnoses", "services", "claim", "statement"),
         "ar_followup": ("items",)}


class BillingExerciseError(ExerciseError):
    """A billing exercise file's problems (the coding format's error, so shared loaders catch it)."""


@dataclass(frozen=True)
class BillingExercise:
    id: str
    path: str
    data: dict
    checksum: str

    @property
    def task(self) -> str:
        return self.data["task"]

    @property
    def title(self) -> str:
        return self.data["title"]

    def money(self, *path: str, default: str = "0.00") -> Decimal:
        holder = self.data
        for part in path:
            holder = holder.get(part) if isinstance(holder, dict) else None
        return Decimal(holder if holder is not None else default)


def parse_billing(raw: bytes, shown: str, stem: str) -> BillingExercise:
    """Schema-check one file's bytes; raises BillingExerciseError naming the file, field and line."""
    try:
        text = raw.decode("utf-8")
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except UnicodeDecodeError:
        raise BillingExerciseError([Problem(shown, "(file)", None, "not UTF-8 text")]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise BillingExerciseError([Problem(shown, "(file)", mark.line + 1 if mark else None,
                                            f"not valid YAML: {getattr(err, 'problem', err)}")]) from None
    problems: list[Problem] = []
    check(data, SCHEMA, node, shown, "", problems)
    problems = [Problem(p.path, p.field, p.line, 'write amounts as quoted text with cents, e.g. "250.00"')
                if p.field.rsplit(".", 1)[-1] in MONEY_FIELDS and p.message == "expected non-empty text" else p
                for p in problems]
    if not problems:
        problems += _semantic_problems(data, shown, stem)
    if problems:
        raise BillingExerciseError(problems)
    return BillingExercise(data["id"], shown, data, hashlib.sha256(raw).hexdigest())


def _semantic_problems(data: dict, shown: str, stem: str) -> list[Problem]:
    out = []

    def bad(field, message):
        out.append(Problem(shown, field, None, message))

    if stem != data["id"]:
        bad("id", f"the file must be named {data['id']}.yaml")
    for name in NEEDS[data["task"]]:
        if not data.get(name):
            bad(name, f"a {data['task']} exercise needs {name}")
    if data["task"] == "ar_followup":
        for i, item in enumerate(data.get("items") or []):
            if item["owed_by"] == "insurance" and (not item.get("payer") or not item.get("submitted")):
                bad(f"items[{i}]", "an insurance balance needs its payer and the submitted date")
            if item["status"] == "denied" and (not item.get("carc") or not item.get("remit_date")):
                bad(f"items[{i}]", "a denied item needs its carc and remit_date")
            if (item["owed_by"] == "patient") != (item["status"] == "patient_balance"):
                bad(f"items[{i}].status", "patient balances have status patient_balance, insurance ones do not")
            if item["service_date"] > data["as_of"]:
                bad(f"items[{i}].service_date", "is after as_of")
        return out
    patient, services = data.get("patient") or {}, data.get("services") or []
    n_dx = len(data.get("diagnoses") or [])
    for i, s in enumerate(services):
        if patient and patient["birth_date"] > s["date"]:
            bad(f"services[{i}].date", "is before the patient's birth date")
        if not 1 <= s.get("units", 1) <= 999:
            bad(f"services[{i}].units", "must be 1-999")
        for p in s.get("pointers") or [1]:
            if n_dx and not 1 <= p <= n_dx:
                bad(f"services[{i}].pointers", f"{p} does not point at one of the {n_dx} diagnoses")
    claim = data.get("claim") or {}
    if claim and services and claim["submitted"] < max(s["date"] for s in services):
        bad("claim.submitted", "is before a date of service")
    for n in claim.get("previously_billed") or []:
        if not 1 <= n <= len(services):
            bad("claim.previously_billed", f"there is no line {n}")
    resolution = data.get("resolution") or {}
    if resolution and data["task"] != "denial":
        bad("resolution", "only a denial exercise has a resolution")
    if resolution.get("action") == "appeal" and not resolution.get("appeal_reason"):
        bad("resolution.appeal_reason", "an appeal needs its reason")
    if resolution.get("action") in ("corrected_claim", "reopening", "new_claim") and not resolution.get("correction"):
        bad("resolution.correction", f"{resolution['action']} needs the correction (what changes)")
    return out


def load_billing(path: str | Path, root: str | Path | None = None) -> BillingExercise:
    path = Path(path)
    shown = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
    exercise = parse_billing(path.read_bytes(), shown, path.stem)
    folder = path.parent.name
    if folder in TASKS and folder != exercise.task:
        raise BillingExerciseError([Problem(shown, "task", None, f"a file in {folder}/ must have task: {folder}")])
    return exercise


def load_billing_tree(root: str | Path, paths=None) -> tuple[list[BillingExercise], list[Problem]]:
    """Every billing exercise under root (or the given files/folders); problems collected, not raised."""
    root = Path(root)
    files: list[Path] = []
    for p in [Path(x) for x in paths] if paths else [root]:
        files += sorted(p.rglob("*.yaml")) if p.is_dir() else [p]
    return load_each(files, root, load_billing)
