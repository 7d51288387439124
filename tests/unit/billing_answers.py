"""The form a learner who gets everything right would submit, built from a computed key."""
from __future__ import annotations

ESTIMATE_FIELDS = ("allowed", "copay", "deductible", "coinsurance")
POSTING_FIELDS = ("payment", "contractual", "patient", "denied")


def right_answer(task: str, key: dict) -> dict:
    out: dict = {}
    if task == "estimate":
        out = {"covered": key["covered"], "total": key["total"]}
        for line in key["lines"]:
            out.update({f"line-{line['line']}-{name}": line[name] for name in ESTIMATE_FIELDS})
    elif task == "prior_auth":
        out = {"covered": key["covered"]}
        for line in key["lines"]:
            out[f"line-{line['line']}-needs"] = line["needs"]
            out[f"line-{line['line']}-reason"] = line["reason"]
    elif task == "denial":
        out = {f"line-{n}-denied": "yes" for n in key["denied_lines"]}
        out.update(group=key["group"], root_cause=key["root_cause"], action=key["action"],
                   frequency=key["frequency"], claim_number=key["claim_number"], change=key["change"],
                   appeal_reason=key["appeal_reason"])
    elif task == "posting":
        for line in key["lines"]:
            out.update({f"line-{line['line']}-{name}": line[name] for name in POSTING_FIELDS})
    elif task == "statement":
        out = {f"line-{line['line']}-patient_owes": line["patient_owes"] for line in key["lines"]}
        out.update(amount_due=key["amount_due"], due_date=key["due_date"])
    elif task == "ar_followup":
        for row in key["items"]:
            out[f"item-{row['item']}-bucket"] = row["bucket"]
            out[f"item-{row['item']}-action"] = row["action"]
        for who, by in key["totals"].items():
            out.update({f"total-{who}-{label}": value for label, value in by.items()})
    return out
