"""Working a denial (no Flask): read the remittance, find the denied lines, name the cause, choose
the next step (claim-rules H6 and I).

The key comes from the simulator: the claim is adjudicated, the denied lines and their group, CARC
and RARC are the payer's, and the root cause is the rule that fired. The exercise file states only
the resolution (what the documentation supports); ``denial_problems`` checks it against the cause
and, for a correction, sends the corrected claim through the simulator again: it must be paid.
"""
from __future__ import annotations

import dataclasses

from ..claims.practice import PAYERS
from ..claims.remit import GROUPS
from ..payer.adjudicate import adjudicate
from ..payer.profiles import profile
from .chargemaster import practice_charge
from .findings import Result, grade_choice
from .scenario import adjudication_of, benefits_of, payer_of

ROOT_CAUSES = {
    "ncci": "NCCI procedure-to-procedure bundling", "global": "Service inside a surgery's global period",
    "add_on": "Add-on code billed without its primary procedure", "mue": "Units over the medically unlikely edit (MUE)",
    "modifier": "Modifier inconsistent with the procedure", "invalid_code": "Code not valid on the date of service",
    "diagnosis": "Diagnosis coding conflict", "no_auth": "No prior authorization number on the claim",
    "timely": "Received after the payer's filing limit", "coverage": "Member not covered on the date of service",
    "duplicate": "Duplicate of a service already processed", "noncovered": "Service the payer does not pay for",
    "patient_responsibility": "Not a denial: the unpaid amount is the patient's (deductible, coinsurance or copay)"}
RULE_CAUSES = {"C1.ncci-ptp": "ncci", "E4.global-period": "global", "C6.add-on": "add_on", "D2.mue": "mue",
               "A5.procedure-valid": "invalid_code"}
CARC_CAUSES = {"26": "coverage", "27": "coverage", "29": "timely", "197": "no_auth", "18": "duplicate",
               "96": "noncovered", "4": "modifier", "151": "mue", "181": "invalid_code", "107": "add_on"}
ACTION_LABELS = {
    "corrected_claim": "Send a corrected (replacement) claim", "reopening": "Ask Medicare for a clerical-error reopening",
    "appeal": "Appeal (redetermination / the payer's appeal)", "new_claim": "Bill the payer that covers the date (new claim)",
    "bill_patient": "Bill the patient", "write_off": "Write the amount off (after review)",
    "no_rebill": "Do not rebill: check the claim status"}
CHANGES = {"code": "The procedure code", "modifier": "A modifier", "units": "The units", "pointer": "The diagnosis pointer",
           "auth": "The prior authorization number (box 23)", "payer": "The payer and member ID"}
APPEAL_LABELS = {"timely_filing_proof": "Proof of timely filing (the payer's acceptance report)",
                 "authorization_on_file": "The authorization obtained before the service",
                 "medical_records": "Medical records supporting the service"}
ALLOWED_ACTIONS = {
    "ncci": {"corrected_claim", "reopening", "write_off"}, "global": {"corrected_claim", "reopening", "write_off"},
    "add_on": {"corrected_claim", "reopening"}, "mue": {"corrected_claim", "reopening", "appeal"},
    "modifier": {"corrected_claim", "reopening"}, "invalid_code": {"corrected_claim", "reopening"},
    "diagnosis": {"corrected_claim", "reopening"}, "no_auth": {"corrected_claim", "appeal", "write_off"},
    "timely": {"appeal", "write_off"}, "coverage": {"new_claim"}, "duplicate": {"no_rebill"},
    "noncovered": {"write_off"}, "patient_responsibility": {"bill_patient"}}
APPEAL_FOR = {"timely": "timely_filing_proof", "no_auth": "authorization_on_file", "mue": "medical_records"}
GROUP_LABELS = {g: f"{g}: {text}" for g, text in GROUPS.items() if g != "CR"}
REF = ("claim-rules H6 (corrected claim, reopening or appeal) and I (denial causes and the biller's fix); "
       "Medicare Claims Processing Manual ch. 29 (appeals) and ch. 34 (reopenings)")
CHANGE_ORDER = (("code", "code"), ("modifiers", "modifier"), ("units", "units"), ("pointers", "pointer"),
                ("prior_authorization", "auth"), ("payer", "payer"))


def cause_of(decision) -> str:
    rule = decision.why[0].split(":", 1)[0] if decision.why else ""
    if rule in RULE_CAUSES:
        return RULE_CAUSES[rule]
    if rule[:1] == "E" and rule[1:2].isdigit():
        return "modifier"
    if rule[:1] == "B" and rule[1:2].isdigit():
        return "diagnosis"
    group_carc = [(a.group, a.reason) for a in decision.adjustments if a.group != "PR"]
    return CARC_CAUSES.get(group_carc[0][1], "noncovered") if group_carc else "patient_responsibility"


def denial_key(ex, data) -> dict:
    claim, result = adjudication_of(ex, data)
    if not result.ack.accepted:
        raise ValueError("the claim is rejected at the front end: " + "; ".join(e["message"] for e in result.ack.errors))
    denied = [d for d in result.lines if d.denied]
    main = denied[0] if denied else next((d for d in result.lines if any(a.group == "PR" for a in d.adjustments)), None)
    if main is None:
        raise ValueError("nothing was denied and nothing is the patient's: no denial to work")
    adj = next(a for a in main.adjustments if (a.group != "PR") == bool(denied))
    resolution = ex.data["resolution"]
    correction = resolution.get("correction") or {}
    change = next((name for key, name in CHANGE_ORDER if key in correction), "")
    action = resolution["action"]
    return {"denied_lines": [d.line for d in denied], "group": adj.group, "carc": adj.reason,
            "rarc": main.remarks[0] if main.remarks else "", "root_cause": cause_of(main) if denied else
            "patient_responsibility", "action": action, "frequency": "7" if action == "corrected_claim" else "",
            "claim_number": result.claim_payment.payer_claim_number, "change": change,
            "appeal_reason": resolution.get("appeal_reason", ""),
            "why": [w for d in (denied or [main]) for w in d.why]}


def grade_denial(ex, key: dict, answer: dict) -> Result:
    result = Result()
    n_lines = len(ex.data["services"])
    for n in range(1, n_lines + 1):
        want = "yes" if n in key["denied_lines"] else "no"
        got = "yes" if answer.get(f"line-{n}-denied") in ("yes", "on", "y") else "no"
        grade_choice(result, "denial.lines", want, got,
                     f"Line {n} {'was' if want == 'yes' else 'was not'} denied: a denied line has no allowed amount "
                     f"and an adjustment other than PR for its whole charge.", "claim-rules H1 (835 CAS segments)",
                     {"yes": "Denied", "no": "Not denied"}, n)
    grade_choice(result, "denial.group", key["group"], answer.get("group"),
                 f"The adjustment is {key['group']}-{key['carc']}: the group says who carries the amount "
                 "(CO: the practice under its contract, never billed to the patient; PR: the patient).",
                 "claim-rules H1 (group codes)", GROUP_LABELS)
    grade_choice(result, "denial.root_cause", key["root_cause"], answer.get("root_cause"),
                 "The root cause is the edit or rule behind the CARC/RARC: " + "; ".join(key["why"][:2]), REF,
                 ROOT_CAUSES)
    grade_choice(result, "denial.action", key["action"], answer.get("action"),
                 "The next step follows from the cause and what the documentation supports (see the rationale).",
                 REF, ACTION_LABELS, points=2.0)
    if key["action"] == "corrected_claim":
        grade_choice(result, "denial.frequency", "7", str(answer.get("frequency") or "").strip(),
                     "A corrected claim replaces the adjudicated one: claim frequency 7 (box 22 resubmission code).",
                     "claim-rules H6; NUCC 1500 instructions, item 22", {"7": "7 (replacement)"})
    if key["action"] in ("corrected_claim", "reopening", "appeal"):
        grade_choice(result, "denial.claim_number", key["claim_number"], str(answer.get("claim_number") or "").strip(),
                     "Quote the payer's claim control number from the remittance (CLP07) so the payer finds the "
                     "original claim.", "claim-rules H6 (REF*F8 / box 22 original reference number)", {})
    if key["change"]:
        grade_choice(result, "denial.change", key["change"], answer.get("change"),
                     "What the correction changes on the claim (see the rationale).", REF, CHANGES)
    if key["action"] == "appeal":
        grade_choice(result, "denial.appeal_reason", key["appeal_reason"], answer.get("appeal_reason"),
                     "An appeal needs the evidence that answers the denial.", REF, APPEAL_LABELS)
    return result


def corrected(ex, data, correction: dict):
    """The resolution's claim, adjudicated: a replacement (frequency 7) of the original, or, for a new
    payer, a new claim to that payer."""
    claim, first = adjudication_of(ex, data)
    lines = list(claim.lines)
    n = int(correction.get("line") or 1)
    if any(k in correction for k in ("code", "modifiers", "units", "pointers")):
        line = lines[n - 1]
        code = correction.get("code", line.code)
        mods = tuple(correction.get("modifiers", line.modifiers))
        units = int(correction.get("units", line.units))
        lines[n - 1] = dataclasses.replace(line, code=code, modifiers=mods, units=units,
                                           pointers=tuple(correction.get("pointers", line.pointers)),
                                           charge=practice_charge(code, mods, units, data))
    if correction.get("payer"):
        payer = profile(correction["payer"])
        new = dataclasses.replace(claim, lines=tuple(lines), payer=PAYERS[payer.key], subscriber=dataclasses.replace(
            claim.subscriber, member_id=str(correction.get("member_id") or claim.subscriber.member_id)))
        return adjudicate(new, payer, data, claim.submitted_on)
    new = dataclasses.replace(claim, lines=tuple(lines), frequency="7",
                              original_claim_number=first.claim_payment.payer_claim_number,
                              prior_authorization=str(correction.get("prior_authorization") or claim.prior_authorization))
    return adjudicate(new, payer_of(ex), data, claim.submitted_on, benefits=benefits_of(ex), prior=first.claim_payment)


def denial_problems(ex, data, key: dict) -> list[str]:
    out = []
    action, cause = key["action"], key["root_cause"]
    if action not in ALLOWED_ACTIONS[cause]:
        out.append(f"resolution {action} does not fit the cause {cause} (allowed: {', '.join(sorted(ALLOWED_ACTIONS[cause]))})")
    medicare = ex.data["payer"] == "medicare"
    if action == "corrected_claim" and medicare:
        out.append("Medicare Part B fixes a clerical error by reopening, not by a replacement claim (claim-rules H6)")
    if action == "reopening" and not medicare:
        out.append("a reopening is Medicare's process; other payers take a corrected claim")
    if action == "appeal" and key["appeal_reason"] != APPEAL_FOR.get(cause):
        out.append(f"appeal reason {key['appeal_reason']} does not answer the cause {cause}")
    correction = ex.data["resolution"].get("correction")
    if correction and action in ("corrected_claim", "reopening", "new_claim"):
        again = corrected(ex, data, correction)
        if not again.ack.accepted:
            out.append("the corrected claim is rejected: " + "; ".join(e["message"] for e in again.ack.errors))
        else:
            still = [f"line {d.line}: {'; '.join(d.why)}" for d in again.lines if d.denied]
            if still:
                out.append("the corrected claim is still denied: " + " | ".join(still))
    return out
