"""Before the visit: the check-in estimate and the prior-authorization check (no Flask).

The estimate is what the payer simulator will do, done ahead of time: each service priced by the
payer (``price_line``, the multiple-procedure rule across lines, never more than the charge), then
the member's share line by line with ``patient_share`` (the office visit copay once a visit, else
deductible then coinsurance, capped at the out-of-pocket maximum). Practice financial policy: a
member not covered on the date of service is a self-pay patient and the estimate is the full charge.
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal

from ..payer.adjudicate import patient_share
from ..payer.pricing import apply_multiple_procedure, cents, price_line
from ..payer.profiles import PROFILES
from .findings import Result, grade_amount, grade_choice
from .scenario import adjudication_of, benefits_of, covered_on, lines_of, money, payer_of, pos_of

ZERO = Decimal("0")
YES_NO = {"yes": "Yes", "no": "No"}
PA_REASONS = {"imaging": "Advanced imaging (CT, MRI, PET): on the payer's prior-authorization list",
              "sleep": "Sleep study: on the payer's prior-authorization list",
              "joint": "Hip or knee replacement: on the payer's prior-authorization list",
              "not_listed": "Not on the payer's prior-authorization list"}
REF_ESTIMATE = ("Payer profile (benefits: deductible, coinsurance, copay, out-of-pocket maximum); claim-rules H3 "
                "(patient responsibility); the practice financial policy (estimates at check-in)")
REF_ELIGIBILITY = "Eligibility and benefits (270/271): coverage dates on the member's plan"
REF_PA = "Payer profile: prior-authorization list; claim-rules I.4 (authorization absent: CARC 197)"


def fee_rows(ex, data) -> list[dict]:
    """The fee schedule excerpt the front desk looks up: the Medicare national amount of one unit at
    the line's place of service, and what this payer pays of it."""
    payer, rows = payer_of(ex), []
    for n, line in enumerate(lines_of(ex, data), start=1):
        pos = line.place_of_service or pos_of(ex)
        medicare = price_line(line.code, line.modifiers, 1, line.charge, pos, PROFILES["medicare"], data)
        rows.append({"line": n, "code": line.code, "modifiers": " ".join(line.modifiers), "units": line.units,
                     "pos": pos, "charge": money(line.charge), "basis": medicare.basis,
                     "national": money(medicare.amount) if medicare.basis == "fee-schedule" else "",
                     "multiple_procedure": medicare.multiple_procedure == "2",
                     "percent": f"{payer.fee_percent:.0%}" if medicare.basis == "fee-schedule"
                     else f"{payer.unlisted_percent:.0%} of the charge"})
    return rows


def estimate_key(ex, data) -> dict:
    payer, benefits = payer_of(ex), benefits_of(ex)
    lines = lines_of(ex, data)
    day = min(l.from_date for l in lines)
    covered = covered_on(benefits, day)
    prices = {n: price_line(l.code, l.modifiers, l.units, l.charge, l.place_of_service or pos_of(ex), payer, data)
              for n, l in enumerate(lines, start=1)}
    prices = apply_multiple_procedure(prices, {n: l.from_date for n, l in enumerate(lines, start=1)})
    out, state, copay_used = [], benefits, False
    for n, line in enumerate(lines, start=1):
        price = prices[n]
        allowed = min(cents(line.charge), price.amount)
        adjustments, state, copay_used, why = patient_share(line.code, allowed, state, copay_used)
        share = {reason: sum((a.amount for a in adjustments if a.reason == reason), ZERO) for reason in "123"}
        out.append({"line": n, "code": line.code, "charge": money(line.charge), "allowed": money(allowed),
                    "copay": money(share["3"]), "deductible": money(share["1"]), "coinsurance": money(share["2"]),
                    "patient": money(sum(share.values(), ZERO)), "basis": price.basis,
                    "why": list(price.steps) + list(why)})
    total = sum((Decimal(l["patient"]) for l in out), ZERO) if covered else sum((l.charge for l in lines), ZERO)
    return {"covered": "yes" if covered else "no", "lines": out, "total": money(total),
            "deductible_left": money(benefits.deductible_left)}


def grade_estimate(ex, key: dict, answer: dict) -> Result:
    result = Result()
    grade_choice(result, "estimate.covered", key["covered"], answer.get("covered"),
                 "Compare the date of service with the coverage dates of the eligibility response.", REF_ELIGIBILITY,
                 YES_NO)
    if key["covered"] == "yes":
        for line in key["lines"]:
            n = line["line"]
            for name, label, why in (
                    ("allowed", "allowed amount", "the payer's fee (its percentage of the national amount, times "
                                                  "the units, any multiple-procedure reduction), never more than the "
                                                  "charge"),
                    ("copay", "copay", "the plan's office visit copay, once a visit, for office/outpatient E/M only"),
                    ("deductible", "deductible applied", "what is left of the deductible, up to the allowed amount"),
                    ("coinsurance", "coinsurance", "the plan's percentage of the allowed amount after the deductible")):
                grade_amount(result, f"estimate.{name}", line[name], answer.get(f"line-{n}-{name}"),
                             f"Line {n} ({line['code']}): the {label} is {line[name]}: {why}.", REF_ESTIMATE, n)
    message = ("The amount to collect is the sum of the copays, deductible and coinsurance of every line."
               if key["covered"] == "yes" else
               "The member is not covered on the date of service: under the practice's financial policy the visit "
               "is self-pay, and the estimate is the full charge.")
    grade_amount(result, "estimate.total", key["total"], answer.get("total"), message, REF_ESTIMATE)
    return result


def pa_reason(payer, code: str) -> str:
    if not payer.needs_prior_auth(code):
        return "not_listed"
    if code.startswith("7"):
        return "imaging"
    if code.startswith("958"):
        return "sleep"
    if code in ("27130", "27447"):
        return "joint"
    raise ValueError(f"{code} is on {payer.name}'s list under a category this exercise kind does not name")


def prior_auth_key(ex, data) -> dict:
    payer, benefits = payer_of(ex), benefits_of(ex)
    lines = lines_of(ex, data)
    out = [{"line": n, "code": l.code, "needs": "yes" if payer.needs_prior_auth(l.code) else "no",
            "reason": pa_reason(payer, l.code)} for n, l in enumerate(lines, start=1)]
    covered = covered_on(benefits, min(l.from_date for l in lines))
    return {"covered": "yes" if covered else "no", "lines": out, "payer": payer.name}


def grade_prior_auth(ex, key: dict, answer: dict) -> Result:
    result = Result()
    grade_choice(result, "prior_auth.covered", key["covered"], answer.get("covered"),
                 "Compare the date of service with the coverage dates of the eligibility response.", REF_ELIGIBILITY,
                 YES_NO)
    for line in key["lines"]:
        n = line["line"]
        grade_choice(result, "prior_auth.needed", line["needs"], answer.get(f"line-{n}-needs"),
                     f"Line {n} ({line['code']}): {'on' if line['needs'] == 'yes' else 'not on'} "
                     f"{key['payer']}'s prior-authorization list.", REF_PA, YES_NO, n)
        grade_choice(result, "prior_auth.reason", line["reason"], answer.get(f"line-{n}-reason"),
                     f"Line {n} ({line['code']}): the reason is the list's category.", REF_PA, PA_REASONS, n)
    return result


def front_problems(ex, data, key: dict) -> list[str]:
    """An estimate must be what the simulator then does: no denied line, same allowed and patient share."""
    probe = dataclasses.replace(ex, data={**ex.data, "claim": {"submitted": min(s["date"] for s in ex.data["services"]),
                                                                 "prior_authorization": "ESTIMATE"}})
    _, result = adjudication_of(probe, data)
    if not result.ack.accepted:
        return [f"the claim would be rejected: {e['rule']}: {e['message']}" for e in result.ack.errors]
    if key.get("covered") == "no":
        return [] if all(d.denied for d in result.lines) else ["the member is not covered, yet the payer pays a line"]
    out = []
    for decision, line in zip(result.lines, key.get("lines") or []):
        if decision.denied:
            out.append(f"line {decision.line} ({decision.code}) would be denied: {'; '.join(decision.why)}")
        elif "allowed" in line and decision.allowed != Decimal(line["allowed"]):
            out.append(f"line {decision.line}: the estimate allows {line['allowed']}, the payer {decision.allowed}")
        elif "patient" in line and sum(
                (a.amount for a in decision.adjustments if a.group == "PR"), ZERO) != Decimal(line["patient"]):
            out.append(f"line {decision.line}: the estimate's patient share differs from the payer's")
    return out

