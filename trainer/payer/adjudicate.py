"""The simulated payer at work: the front-end check (accept or reject, like a 999/277CA), then line
adjudication (edits, eligibility, timely filing, prior authorization, pricing, patient
responsibility, sequestration) ending in a remittance (what an 835 carries).

Pure functions: the payer's memory (earlier claims, a member's benefits) comes in as arguments and
the changed benefits go out in the result, so the caller decides what to keep.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from decimal import Decimal

from ..claims.model import ProfessionalClaim
from ..claims.remit import Adjustment, ClaimPayment, Remittance, ServicePayment
from ..claims.rules import check_claim
from ..edits.model import Severity
from .pricing import Price, apply_multiple_procedure, cents, price_line
from .profiles import Benefits, PayerProfile

ZERO = Decimal("0")
PAYMENT_FLOOR_DAYS = 14  # Medicare pays clean electronic claims no sooner than the 14th day after receipt
OFFICE_VISITS = tuple(f"992{n:02d}" for n in range(2, 16))  # new and established office/outpatient E/M

# What the payer says when an edit denies a line: group, CARC, RARC (official X12/CMS lists).
DENIALS: dict[str, tuple[str, str, str]] = {
    "A5.procedure-valid": ("CO", "181", "M51"),
    "C1.ncci-ptp": ("CO", "97", "M15"),
    "E4.global-period": ("CO", "97", "M144"),
    "C6.add-on": ("CO", "107", "N122"),
    "D2.mue": ("CO", "151", "N362"),
    "B8.mce-sex": ("CO", "10", ""),
    "B1.excludes1": ("CO", "16", "M76"),
    "B3.manifestation-first": ("CO", "16", "M76"),
    "B5.first-listed-only": ("CO", "16", "M76"),
    "B5.unacceptable-principal": ("CO", "16", "M76"),
    "B6.external-cause-first": ("CO", "16", "M76"),
}
MODIFIER_DENIAL = ("CO", "4", "")  # E2-E10: the procedure code is inconsistent with the modifier used
OTHER_DENIAL = ("CO", "16", "MA130")
GROUP_ORDER = ("CO", "OA", "PI", "PR", "CR")


def denial_for(rule_id: str) -> tuple[str, str, str]:
    if rule_id in DENIALS:
        return DENIALS[rule_id]
    return MODIFIER_DENIAL if rule_id.startswith("E") else OTHER_DENIAL


@dataclass(frozen=True)
class Acknowledgement:
    """The front end's answer: accepted for adjudication, or rejected with the reasons (nothing is
    adjudicated; fix and send again as a new original claim)."""
    claim_id: str
    accepted: bool
    received: dt.date
    errors: tuple[dict, ...] = ()  # {"rule", "message", "line"}


@dataclass(frozen=True)
class LineDecision:
    line: int
    code: str
    charge: Decimal
    allowed: Decimal
    paid: Decimal
    adjustments: tuple[Adjustment, ...]
    remarks: tuple[str, ...]
    why: tuple[str, ...]  # plain-language reasons, for the learner

    @property
    def denied(self) -> bool:
        return self.allowed == 0 and self.paid == 0 and any(a.group != "PR" for a in self.adjustments)


@dataclass(frozen=True)
class Adjudication:
    ack: Acknowledgement
    payer: PayerProfile
    lines: tuple[LineDecision, ...] = ()
    claim_payment: ClaimPayment | None = None
    remittance: Remittance | None = None
    benefits_after: Benefits | None = None


def payer_claim_number(claim: ProfessionalClaim, payer: PayerProfile, received: dt.date, seq: int = 0) -> str:
    """A 13-digit claim control number in the style of a Medicare ICN (receipt year and day of year,
    then a batch and sequence), derived from the claim so that the same submission gets the same one."""
    digest = hashlib.sha256(f"{payer.key}|{claim.claim_id}|{received}|{seq}".encode()).hexdigest()
    return f"{received:%y}{received.timetuple().tm_yday:03d}{int(digest[:12], 16) % 10**8:08d}"


def _reject(claim: ProfessionalClaim, payer: PayerProfile, received: dt.date, errors) -> Adjudication:
    return Adjudication(Acknowledgement(claim.claim_id, False, received, tuple(errors)), payer)


def acknowledge(claim, data, received: dt.date) -> Acknowledgement:
    """The front end alone (any claim, professional or institutional): accepted, or rejected with
    every reject-severity finding."""
    errors = _rejects(check_claim(claim, data))
    return Acknowledgement(claim.claim_id, not errors, received, tuple(errors))


def _rejects(findings) -> list[dict]:
    """What the front end answers: every reject-severity finding."""
    return [{"rule": f.rule, "message": f.message, "line": f.line} for f in findings if f.severity == Severity.REJECT]


def adjudicate(claim: ProfessionalClaim, payer: PayerProfile, data, received: dt.date | None = None, *,
               benefits: Benefits | None = None, prior: ClaimPayment | None = None,
               history: tuple[ClaimPayment, ...] = ()) -> Adjudication:
    """Adjudicate one professional claim.

    ``received``: the day the payer got it (default: the claim's submission date, else its last
    service date). ``benefits``: the member's plan as of that day (default: the payer's default plan).
    ``prior``: for a replacement (frequency 7) or void (8), the payer's earlier claim payment it
    replaces, reversed in the same remittance. ``history``: claim payments already made for this
    member, to catch exact duplicates (OA-18)."""
    received = received or claim.submitted_on or max(l.through for l in claim.lines)
    benefits = benefits or payer.benefits
    findings = check_claim(claim, data)
    errors = _rejects(findings)
    if claim.frequency in ("7", "8") and (prior is None or prior.payer_claim_number != claim.original_claim_number):
        errors.append({"rule": "payer.original-claim", "line": None,
                       "message": f"Original claim number {claim.original_claim_number or '(blank)'} does not match a "
                                  f"claim this payer adjudicated; a rejected claim is sent again as a new claim "
                                  f"(frequency 1)."})
    if errors:
        return _reject(claim, payer, received, errors)
    ack = Acknowledgement(claim.claim_id, True, received)

    denials: dict[int, list[tuple[tuple[str, str, str], str]]] = {n: [] for n in range(1, len(claim.lines) + 1)}

    def deny(n, denial, why):
        denials[n].append((denial, why))

    for f in findings:
        if f.severity != Severity.DENY or (f.rule == "B8.mce-sex" and not payer.denies_sex_edits):
            continue
        for n in ([f.line] if f.line else denials):
            deny(n, denial_for(f.rule), f"{f.rule}: {f.message}")
    duplicates = {(l.code, l.from_date, tuple(l.modifiers)) for c in history if c.status != "22"
                  for l in (s for s in c.services) if l.paid > 0 or l.adjustments}
    for n, line in enumerate(claim.lines, start=1):
        if benefits.coverage_from and line.from_date < benefits.coverage_from:
            deny(n, ("CO", "26", ""), f"The member's coverage starts {benefits.coverage_from}.")
        if benefits.coverage_to and line.from_date > benefits.coverage_to:
            deny(n, ("CO", "27", ""), f"The member's coverage ended {benefits.coverage_to}.")
        if (received - line.from_date).days > payer.timely_filing_days:
            deny(n, ("CO", "29", ""), f"Received {(received - line.from_date).days} days after the service; "
                                      f"{payer.name} allows {payer.timely_filing_days}.")
        if payer.needs_prior_auth(line.code) and not claim.prior_authorization:
            deny(n, ("CO", "197", ""), f"{line.code} needs prior authorization from {payer.name}; "
                                       f"the claim carries no authorization number (box 23).")
        if claim.frequency == "1" and (line.code, line.from_date, tuple(line.modifiers)) in duplicates:
            deny(n, ("OA", "18", ""), f"{line.code} on {line.from_date} was already adjudicated on an earlier claim.")

    pos = {n: line.place_of_service or claim.place_of_service for n, line in enumerate(claim.lines, start=1)}
    prices: dict[int, Price] = {}
    for n, line in enumerate(claim.lines, start=1):
        if claim.frequency == "8" or denials[n]:
            continue
        prices[n] = price_line(line.code, tuple(line.modifiers), line.units, line.charge, pos[n], payer, data)
        if prices[n].basis == "not-payable":
            deny(n, ("CO", "97", "M15") if prices[n].status == "B" else ("CO", "96", "N130"), prices[n].steps[0])
            del prices[n]
    prices = apply_multiple_procedure(prices, {n: l.from_date for n, l in enumerate(claim.lines, start=1)})

    decisions, state, copay_used = [], benefits, False
    for n, line in enumerate(claim.lines, start=1):
        charge = cents(line.charge)
        if claim.frequency == "8":
            decisions.append(LineDecision(n, line.code, charge, ZERO, ZERO, (), (), ("Void: the claim is cancelled.",)))
            continue
        if denials[n]:
            (group, carc, rarc), why = denials[n][0]
            decisions.append(LineDecision(n, line.code, charge, ZERO, ZERO, (Adjustment(group, carc, charge),),
                                          (rarc,) if rarc else (), tuple(w for _, w in denials[n])))
            continue
        price = prices[n]
        allowed = min(charge, price.amount)
        adjustments, why = [], list(price.steps)
        if charge > allowed:
            adjustments.append(Adjustment("CO", "45", charge - allowed))
            why.append(f"Charge {charge} is over the allowed amount {allowed}: the difference is a contractual "
                       f"write-off (CO-45), not billed to the patient.")
        patient, state, copay_used, pr_why = patient_share(line.code, allowed, state, copay_used)
        adjustments += patient
        why += pr_why
        paid = allowed - sum((a.amount for a in patient), ZERO)
        if payer.sequestration and paid > 0:
            cut = cents(paid * payer.sequestration)
            adjustments.append(Adjustment("CO", "253", cut))
            why.append(f"Sequestration: {payer.sequestration:.0%} of the payment ({cut}).")
            paid -= cut
        # the 835 carries each group once per line (one CAS segment per group): keep them together
        adjustments.sort(key=lambda a: GROUP_ORDER.index(a.group))
        decisions.append(LineDecision(n, line.code, charge, allowed, paid, tuple(adjustments), (), tuple(why)))

    number = payer_claim_number(claim, payer, received)
    payment = _claim_payment(claim, payer, received, number, decisions)
    claims = ([reverse(prior)] if prior is not None else []) + [payment]
    remit = remittance_for(claim, payer, received, tuple(claims))
    return Adjudication(ack, payer, tuple(decisions), payment, remit, state)


def patient_share(code: str, allowed: Decimal, state: Benefits, copay_used: bool):
    """The patient's part of one line (the adjudication's, and the front desk's estimate): the office
    visit copay (once a claim), or deductible then coinsurance, capped at the out-of-pocket maximum. Returns the PR adjustments, the benefits after,
    whether the copay is used, and the reasons."""
    out, why = [], []
    oop_left = None if state.out_of_pocket_max is None else max(ZERO, state.out_of_pocket_max - state.out_of_pocket_met)

    def cap(amount):
        return amount if oop_left is None else min(amount, oop_left - sum((a.amount for a in out), ZERO))

    if state.copay_office_visit and code in OFFICE_VISITS:
        if not copay_used:
            copay = cap(min(state.copay_office_visit, allowed))
            if copay > 0:
                out.append(Adjustment("PR", "3", copay))
                why.append(f"Office visit copay: {copay} (PR-3).")
        else:
            why.append("The visit copay was already taken on this claim.")
        total = sum((a.amount for a in out), ZERO)
        return out, replace(state, out_of_pocket_met=state.out_of_pocket_met + total), True, why
    ded = cap(min(state.deductible_left, allowed))
    if ded > 0:
        out.append(Adjustment("PR", "1", ded))
        why.append(f"Deductible: {ded} of the {state.deductible_left} still to meet (PR-1).")
    coins = cap(cents((allowed - ded) * state.coinsurance)) if state.coinsurance else ZERO
    if coins > 0:
        out.append(Adjustment("PR", "2", coins))
        why.append(f"Coinsurance: {state.coinsurance:.0%} of {allowed - ded} = {coins} (PR-2).")
    total = sum((a.amount for a in out), ZERO)
    after = replace(state, deductible_met=state.deductible_met + ded, out_of_pocket_met=state.out_of_pocket_met + total)
    return out, after, copay_used, why


def _claim_payment(claim: ProfessionalClaim, payer: PayerProfile, received: dt.date, number: str,
                   decisions: list[LineDecision]) -> ClaimPayment:
    who = claim.the_patient
    services = tuple(ServicePayment(code=line.code, charge=d.charge, paid=d.paid, modifiers=tuple(line.modifiers),
                                    units=Decimal(line.units), from_date=line.from_date,
                                    to_date=line.to_date if line.to_date and line.to_date != line.from_date else None,
                                    allowed=d.allowed if d.allowed or not d.adjustments else None,
                                    adjustments=d.adjustments, remarks=d.remarks, line_control=str(d.line))
                     for line, d in zip(claim.lines, decisions))
    paid = sum((d.paid for d in decisions), ZERO)
    pr = sum((a.amount for d in decisions for a in d.adjustments if a.group == "PR"), ZERO)
    if claim.frequency == "8":
        status = "1"
    else:
        status = "1" if any(d.allowed > 0 for d in decisions) else "4"
    return ClaimPayment(claim_id=claim.claim_id, status=status, charge=cents(claim.total), paid=paid,
                        patient_responsibility=pr, filing=payer.filing, payer_claim_number=number,
                        patient_last=who.last, patient_first=who.first, member_id=claim.subscriber.member_id,
                        facility_type=claim.place_of_service, frequency=claim.frequency, services=services,
                        received=received,
                        rendering_npi=claim.rendering.npi if claim.rendering else "")


def reverse(payment: ClaimPayment) -> ClaimPayment:
    """The reversal of an earlier claim payment (CLP02 22): every amount negated, same claim number."""
    def neg(adjs):
        return tuple(replace(a, amount=-a.amount) for a in adjs)

    return replace(payment, status="22", charge=-payment.charge, paid=-payment.paid,
                   patient_responsibility=-payment.patient_responsibility, adjustments=neg(payment.adjustments),
                   services=tuple(replace(s, charge=-s.charge, paid=-s.paid,
                                          allowed=-s.allowed if s.allowed is not None else None,
                                          adjustments=neg(s.adjustments)) for s in payment.services))


def remittance_for(claim: ProfessionalClaim, payer: PayerProfile, received: dt.date,
                   claims: tuple[ClaimPayment, ...]) -> Remittance:
    paid_on = received + dt.timedelta(days=PAYMENT_FLOOR_DAYS)
    total = sum((c.paid for c in claims), ZERO)
    trace = f"{payer.payer_id[:3]}{paid_on:%y%m%d}{int(hashlib.sha256(claims[-1].payer_claim_number.encode()).hexdigest()[:8], 16) % 10**6:06d}"
    return Remittance(payer_name=payer.name.upper(), payer_id=payer.payer_id, payee_name=claim.billing.name,
                      payee_npi=claim.billing.npi, payee_tax_id=claim.billing.tax_id, paid_on=paid_on,
                      trace_number=trace, method="ACH" if total > 0 else "NON", claims=claims,
                      production_date=received + dt.timedelta(days=PAYMENT_FLOOR_DAYS - 1))
