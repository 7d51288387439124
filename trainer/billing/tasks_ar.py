"""A/R follow-up (no Flask): sort open items into aging buckets and pick the next step for each by
the practice's written policy.

**The practice's A/R and financial policy** (Lakeside Practice Group; a training example, not legal
advice: a real practice follows its own written policy, its payer contracts and federal and state
law, including the Fair Debt Collection Practices Act where it applies to its collection agency):

Insurance balances
1. Rejected at the front end (never filed): fix it and resubmit as a new claim while the payer's
   filing limit allows; after it, write it off (a practice's own late filing is not billed to the patient).
2. No remittance 30 days after the claim was sent: check the claim status (portal, phone or 276).
   Before that: no action yet.
3. Denied: a correctable claim error (codes, modifiers, units, bundling) is resubmitted as a
   corrected claim within the filing limit; an authorization or medical necessity denial is appealed
   within the payer's appeal window (APPEAL_DAYS, from the remittance date); a coverage denial means
   verifying eligibility and billing the right payer; a duplicate is not rebilled (check the status);
   a timely filing denial, or any of these past its deadline, is written off after review.
Patient balances (statements every 30 days)
4. A balance the patient disputes: hold all collection activity until the dispute is reviewed.
5. On a payment plan being kept: no action. A patient who asks to pay over time: offer a plan.
6. Fewer than three statements: send the next one when the last is 30 days old (else no action).
7. Three statements and no final notice: send the final notice (30 days before any referral).
8. Final notice at least 30 days old and no plan, payment or dispute: refer to the collection agency.
   Never earlier, and never a balance that is disputed or on a kept plan.
"""
from __future__ import annotations

from decimal import Decimal

from ..payer.profiles import profile
from .accounts import BUCKETS, OpenItem, aging, bucket
from .findings import Result, grade_amount, grade_choice
from .scenario import money

STATUS_DAYS = 30
STATEMENT_CYCLE = 30
FINAL_NOTICE_DAYS = 30
# Appeal windows from the remittance date: Medicare redetermination 120 days (42 CFR 405.942;
# claim-rules H6); the commercial and Medicaid windows are the practice payers' contract values.
APPEAL_DAYS = {"medicare": 120, "commercial": 180, "medicaid": 90}
CORRECTABLE = {"4", "16", "97", "107", "151", "181"}
APPEALABLE = {"50", "197"}
ACTIONS = {"wait": "No action yet", "check_status": "Check the claim status with the payer",
           "resubmit": "Correct and resubmit the claim", "appeal": "Appeal before the deadline",
           "verify_eligibility": "Verify eligibility and bill the right payer", "write_off": "Write off (after review)",
           "send_statement": "Send the next statement", "payment_plan": "Offer a payment plan",
           "final_notice": "Send the final notice", "collections": "Refer to the collection agency",
           "hold_dispute": "Hold: review the patient's dispute"}
BUCKET_LABELS = {label: f"{label} days" for _, _, label in BUCKETS}
REF = "Practice A/R and financial policy (exercises/billing/README.md); trainer billing aging buckets (days from the date of service)"


def _days(later, earlier) -> int:
    return (later - earlier).days


def next_action(item: dict, as_of) -> tuple[str, str]:
    """The policy's next step for one open item, and the reason in a sentence."""
    if item["owed_by"] == "insurance":
        payer = profile(item["payer"])
        filing_left = payer.timely_filing_days - _days(as_of, item["service_date"])
        if item["status"] == "rejected":
            if filing_left >= 0:
                return "resubmit", f"A rejected claim was never filed; {filing_left} days of the {payer.timely_filing_days}-day filing limit remain."
            return "write_off", f"The {payer.timely_filing_days}-day filing limit has passed and the claim was never filed."
        if item["status"] == "no_response":
            waited = _days(as_of, item["submitted"])
            if waited > STATUS_DAYS:
                return "check_status", f"No remittance {waited} days after the claim was sent (policy: {STATUS_DAYS})."
            return "wait", f"The claim was sent {waited} days ago; the policy checks status after {STATUS_DAYS}."
        carc = str(item["carc"])
        if carc in ("26", "27"):
            return "verify_eligibility", f"CARC {carc}: coverage was not active on the date; find the right payer."
        if carc == "18":
            return "check_status", "CARC 18: a duplicate is not rebilled; check the original claim's status."
        if carc in CORRECTABLE:
            if filing_left >= 0:
                return "resubmit", f"CARC {carc} is a claim error to correct; the filing limit allows {filing_left} more days."
            return "write_off", f"CARC {carc}: the filing limit for a corrected claim has passed."
        if carc in APPEALABLE:
            left = APPEAL_DAYS[item["payer"]] - _days(as_of, item["remit_date"])
            if left >= 0:
                return "appeal", f"CARC {carc} is appealed; {left} days of the {APPEAL_DAYS[item['payer']]}-day window remain."
            return "write_off", f"The {APPEAL_DAYS[item['payer']]}-day appeal window has closed."
        return "write_off", f"CARC {carc}: not correctable or appealable under the policy; write off after review."
    if item.get("dispute"):
        return "hold_dispute", "The patient disputes the balance: no collection activity until it is reviewed."
    if item.get("payment_plan"):
        return "wait", "The patient is keeping a payment plan."
    if item.get("plan_requested"):
        return "payment_plan", "The patient asked to pay over time: offer a plan before any other step."
    sent, last = int(item.get("statements_sent") or 0), item.get("last_statement")
    if sent < 3:
        if last is None or _days(as_of, last) >= STATEMENT_CYCLE:
            return "send_statement", f"{sent} statement(s) sent; the next is due every {STATEMENT_CYCLE} days."
        return "wait", f"The last statement went out {_days(as_of, last)} days ago (cycle: {STATEMENT_CYCLE} days)."
    if not item.get("final_notice"):
        return "final_notice", "Three statements went unanswered: the final notice comes before any referral."
    if _days(as_of, item["final_notice"]) >= FINAL_NOTICE_DAYS:
        return "collections", (f"Three statements and a final notice {_days(as_of, item['final_notice'])} days ago, no "
                               "plan, payment or dispute: the documented steps are complete.")
    return "wait", f"The final notice went out {_days(as_of, item['final_notice'])} days ago (wait {FINAL_NOTICE_DAYS})."


def _open_item(item: dict) -> OpenItem:
    return OpenItem(item["account"], item["patient"], item["service_date"], item["code"], Decimal(item["amount"]),
                    item["owed_by"], item.get("payer") or "", item.get("note") or "")


def ar_key(ex, data=None) -> dict:
    as_of, items = ex.data["as_of"], ex.data["items"]
    rows = []
    for n, item in enumerate(items, start=1):
        action, why = next_action(item, as_of)
        rows.append({"item": n, "account": item["account"], "bucket": bucket(item["service_date"], as_of),
                     "days": _days(as_of, item["service_date"]), "action": action, "why": why})
    totals = aging([_open_item(i) for i in items], as_of)
    return {"items": rows, "totals": {who: {label: money(v) for label, v in by.items()} for who, by in totals.items()}}


def grade_ar(ex, key: dict, answer: dict) -> Result:
    result = Result()
    for row in key["items"]:
        n = row["item"]
        grade_choice(result, "ar.bucket", row["bucket"], answer.get(f"item-{n}-bucket"),
                     f"Item {n} ({row['account']}): {row['days']} days from the date of service.", REF, BUCKET_LABELS, n)
        grade_choice(result, "ar.action", row["action"], answer.get(f"item-{n}-action"),
                     f"Item {n} ({row['account']}): {row['why']}", REF, ACTIONS, n)
    for who, by in key["totals"].items():
        for label, want in by.items():
            grade_amount(result, "ar.total", want, answer.get(f"total-{who}-{label}"),
                         f"The {who} total of the {label} bucket is {want}.", REF)
    return result
