"""After the remittance: posting it to the account, and the patient statement (no Flask).

Posting keys come from the simulator's claim payment through ``expected_postings`` and are graded
by ``grade_posting`` (trainer.billing.posting). Statement keys come from the same postings: the
patient owes every PR amount, never a contractual write-off or a denied amount still being worked;
the amount due and the due date follow trainer.billing.accounts.Statement.
"""
from __future__ import annotations

from decimal import Decimal

from .accounts import Statement, StatementLine
from .findings import Finding, Result, date_given, grade_amount
from .posting import FIELDS, LinePosting, expected_postings, grade_posting
from .scenario import adjudication_of, money

REF_POSTING = ("trainer billing posting rules (payment, CO-45/CO-253 contractual, PR to the patient, other "
               "adjustments left open); claim-rules H2-H3")
REF_STATEMENT = ("Practice financial policy: statements show the patient's share from the remittance (PR), due "
                 "30 days after the statement date; claim-rules H3")


def postings_of(ex, data) -> list[LinePosting]:
    _, result = adjudication_of(ex, data)
    if not result.ack.accepted or result.claim_payment is None:
        raise ValueError("the claim is rejected at the front end: " + "; ".join(e["message"] for e in result.ack.errors))
    return expected_postings(result.claim_payment)


def _posting_dict(p: LinePosting) -> dict:
    return {"line": p.line, "code": p.code, "charge": money(p.charge), "payment": money(p.payment),
            "contractual": money(p.contractual), "patient": money(p.patient), "denied": money(p.denied),
            "reasons": list(p.reasons)}


def posting_key(ex, data) -> dict:
    return {"lines": [_posting_dict(p) for p in postings_of(ex, data)]}


def _from_dict(d: dict) -> LinePosting:
    return LinePosting("", d["line"], d["code"], Decimal(d["charge"]), Decimal(d["payment"]),
                       Decimal(d["contractual"]), Decimal(d["patient"]), Decimal(d["denied"]), tuple(d["reasons"]))


def grade_posting_answer(ex, key: dict, answer: dict) -> Result:
    expected = [_from_dict(d) for d in key["lines"]]
    given = {p.line: {name: answer.get(f"line-{p.line}-{name}") for name in FIELDS} for p in expected}
    score, max_score, found = grade_posting(expected, given)
    return Result(score, max_score, [Finding(f.rule, f.expected, f.given, f.message, REF_POSTING, f.line, f.points)
                                     for f in found])


def statement_of(ex, data) -> Statement:
    services = ex.data["services"]
    lines = tuple(StatementLine(services[p.line - 1]["date"], p.code, p.charge, p.payment, p.contractual, p.patient)
                  for p in postings_of(ex, data))
    patient = ex.data["patient"]
    return Statement(str(patient["account"]), patient["name"], ex.data["as_of"], lines,
                     previous_balance=ex.money("statement", "previous_balance"),
                     payments_received=ex.money("statement", "payments_received"))


def statement_key(ex, data) -> dict:
    st = statement_of(ex, data)
    return {"lines": [{"line": n, "code": l.description, "charge": money(l.charge), "insurance_paid": money(l.insurance_paid),
                       "adjustments": money(l.adjustments), "patient_owes": money(l.patient_owes)}
                      for n, l in enumerate(st.lines, start=1)],
            "previous_balance": money(st.previous_balance), "payments_received": money(st.payments_received),
            "new_charges": money(st.new_charges_due), "amount_due": money(st.amount_due),
            "due_date": st.due_date.isoformat()}


def grade_statement(ex, key: dict, answer: dict) -> Result:
    result = Result()
    for line in key["lines"]:
        n = line["line"]
        grade_amount(result, "statement.patient_owes", line["patient_owes"], answer.get(f"line-{n}-patient_owes"),
                     f"Line {n} ({line['code']}): the patient owes the PR amounts of the remittance, {line['patient_owes']}"
                     "; contractual write-offs and denied amounts are never billed to the patient.", REF_STATEMENT, n)
    grade_amount(result, "statement.amount_due", key["amount_due"], answer.get("amount_due"),
                 f"Amount due = previous balance {key['previous_balance']} - payments received "
                 f"{key['payments_received']} + new patient charges {key['new_charges']}.", REF_STATEMENT)
    got = date_given(answer.get("due_date"))
    result.point(got is not None and got.isoformat() == key["due_date"],
                 Finding("statement.due_date", key["due_date"], got.isoformat() if got else str(answer.get("due_date") or "(blank)"),
                         "The statement is due 30 days after the statement date.", REF_STATEMENT))
    return result
