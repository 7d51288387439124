"""The billing-office sandbox (no Flask): send a learner's claim to the simulated payer, keep the
acknowledgement and the remittance, post it to the patient's ledger, work the denials, and compute
the practice KPIs from the learner's own data.

The sandbox's clock: a patient's first claim reaches the payer on its own submission date (box 31
of the packet); every later claim of that patient arrives the day after the last answer the practice
got (a rejection or a remittance), so dates never run backwards. The remittance is paid and posted
on its payment date. Nothing uses today's date, so a learner's office is the same whenever it is
opened.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from sqlalchemy import select

from ..claims.jsonshape import claim_from_dict
from ..claims.model import ProfessionalClaim
from ..claims.remit import ClaimPayment
from ..claims.remitshape import remittance_to_dict
from ..claims.x12_835 import read_835, write_835
from ..models import LedgerEntry, PatientAccount, PostingAttempt, SubmittedClaim
from ..payer.adjudicate import adjudicate
from ..payer.profiles import profile
from . import accounts, ledger
from .office_denials import DeniedLine
from .posting import FIELDS, WRITE_OFF, LinePosting, expected_postings, grade_posting

ZERO = Decimal("0")
CENT = Decimal("0.01")
DAY = dt.timedelta(days=1)


class OfficeError(ValueError):
    """Something the learner asked that the office cannot do (the message says why)."""


# -- submitting ---------------------------------------------------------------------------------------------------
def account_for(session, user_id: int, claim) -> PatientAccount:
    payer_key = profile(claim.payer.kind).key
    member = claim.subscriber.member_id
    found = session.execute(select(PatientAccount).where(
        PatientAccount.user_id == user_id, PatientAccount.payer_key == payer_key,
        PatientAccount.member_id == member)).scalar_one_or_none()
    if found is None:
        who = claim.the_patient
        found = PatientAccount(user_id=user_id, payer_key=payer_key, member_id=member,
                               patient_name=f"{who.first} {who.last}".title(), account_no=claim.claim_id,
                               deductible_met=ZERO, out_of_pocket_met=ZERO)
        session.add(found)
        session.flush()
    return found


def claims_of(session, account_id: int) -> list[SubmittedClaim]:
    return list(session.execute(select(SubmittedClaim).where(SubmittedClaim.account_id == account_id)
                                .order_by(SubmittedClaim.id)).scalars())


def last_event(row: SubmittedClaim) -> dt.date:
    """The day the practice got the payer's answer to this claim."""
    if row.remittance:
        return dt.date.fromisoformat(row.remittance["paid_on"])
    return row.received


def received_date(earlier: list[SubmittedClaim], claim) -> dt.date:
    first = claim.submitted_on or max(line.through for line in claim.lines)
    if not earlier:
        return first
    return max(first, max(last_event(r) for r in earlier) + DAY)


def payment_of(row: SubmittedClaim) -> ClaimPayment:
    """The payer's claim payment for this submission (not the reversal its 835 may also carry)."""
    remit = read_835(row.remittance_835)
    return next(c for c in remit.claims if c.payer_claim_number == row.payer_claim_number and c.status != "22")


def find_original(session, user_id: int, number: str) -> SubmittedClaim | None:
    if not number:
        return None
    return session.execute(select(SubmittedClaim).where(
        SubmittedClaim.user_id == user_id, SubmittedClaim.payer_claim_number == number,
        SubmittedClaim.accepted.is_(True), SubmittedClaim.replaced_by_id.is_(None))).scalar_one_or_none()


def submit(session, user_id: int, attempt, data) -> SubmittedClaim:
    """Send a claim-form attempt to its payer; the row keeps the acknowledgement and the remittance.
    A replacement (frequency 7) names the payer's claim number of the claim it replaces in box 22:
    the payer reverses that claim in the same remittance, and the member's benefits it used come back
    before the replacement is priced."""
    if session.execute(select(SubmittedClaim.id).where(SubmittedClaim.claim_attempt_id == attempt.id)).first():
        raise OfficeError("This claim was already sent to the payer.")
    claim = claim_from_dict(attempt.claim)
    if not isinstance(claim, ProfessionalClaim):
        raise OfficeError("The sandbox's payers adjudicate professional claims (CMS-1500) only.")
    payer = profile(claim.payer.kind)
    account = account_for(session, user_id, claim)
    earlier = claims_of(session, account.id)
    received = received_date(earlier, claim)
    original = find_original(session, user_id, claim.original_claim_number) if claim.frequency in ("7", "8") else None
    if original is not None and original.account_id != account.id:
        original = None
    if original is not None and not original.posted:
        post_to_ledger(session, original, user_id)  # the ledger must hold the payment it reverses
    prior = payment_of(original) if original is not None else None
    ded_met = account.deductible_met - (original.deductible_applied if original else ZERO)
    oop_met = account.out_of_pocket_met - (original.out_of_pocket_applied if original else ZERO)
    before = replace(payer.benefits, deductible_met=ded_met, out_of_pocket_met=oop_met)
    history = tuple(payment_of(r) for r in earlier
                    if r.accepted and r.replaced_by_id is None and r is not original)
    result = adjudicate(claim, payer, data, received, benefits=before, prior=prior, history=history)
    row = SubmittedClaim(user_id=user_id, account_id=account.id, claim_attempt_id=attempt.id,
                         exercise_id=attempt.exercise_id, claim=attempt.claim, frequency=claim.frequency,
                         payer_key=payer.key, received=received, accepted=result.ack.accepted,
                         ack_errors=list(result.ack.errors), status="rejected", why=[],
                         deductible_applied=ZERO, out_of_pocket_applied=ZERO,
                         replaces_id=original.id if original is not None else None)
    session.add(row)
    if result.ack.accepted:
        after = result.benefits_after
        row.payer_claim_number = result.claim_payment.payer_claim_number
        row.remittance_835 = write_835(result.remittance)
        row.remittance = remittance_to_dict(result.remittance)
        row.why = [list(d.why) for d in result.lines]
        row.deductible_applied = after.deductible_met - ded_met
        row.out_of_pocket_applied = after.out_of_pocket_met - oop_met
        denied = sum(1 for d in result.lines if d.denied)
        row.status = "denied" if denied == len(result.lines) else ("partly denied" if denied else "processed")
        account.deductible_met, account.out_of_pocket_met = after.deductible_met, after.out_of_pocket_met
        session.flush()
        if original is not None:
            original.replaced_by_id, original.status = row.id, "replaced"
        for n, line in enumerate(claim.lines, start=1):
            session.add(LedgerEntry(account_id=account.id, claim_id=row.id, line=n, service_date=line.from_date,
                                    code=line.code, kind="charge", amount=line.charge, posted_on=received,
                                    note=f"Billed to {payer.name}", created_by_id=user_id))
    session.flush()
    return row


# -- posting ------------------------------------------------------------------------------------------------------
def posting_groups(row: SubmittedClaim) -> list[tuple[str, ClaimPayment, list[LinePosting]]]:
    """The remittance's claim payments with the postings each calls for, keyed "c0", "c1" ... (a
    replacement's 835 carries the reversal of the claim it replaces first)."""
    remit = read_835(row.remittance_835)
    return [(f"c{i}", c, [_cents(p) for p in expected_postings(c)]) for i, c in enumerate(remit.claims)]


def _cents(p: LinePosting) -> LinePosting:
    """Amounts read back from the 835 carry no trailing zeros (30, not 30.00): show them as money."""
    return replace(p, **{name: p.__dict__[name].quantize(CENT) for name in ("charge",) + FIELDS},
                   reasons=tuple(_money_reason(r) for r in p.reasons))


def _money_reason(reason: str) -> str:
    code, _, amount = reason.partition(" ")
    return f"{code} {Decimal(amount).quantize(CENT)}"


def _ledger_rows(row: SubmittedClaim, session) -> dict[str, SubmittedClaim]:
    """Which submitted claim each claim payment of the remittance belongs to."""
    out = {row.payer_claim_number: row}
    if row.replaces_id:
        original = session.get(SubmittedClaim, row.replaces_id)
        out[original.payer_claim_number] = original
    return out


def post_to_ledger(session, row: SubmittedClaim, user_id: int) -> None:
    """Put what the remittance says on the ledger (once): payments, contractual adjustments, transfers
    to the patient. A reversal posts the same with the opposite sign on the replaced claim's lines,
    and takes back the charge and whatever the practice did on them (write-offs, patient billing)."""
    if row.posted or not row.accepted:
        return
    targets = _ledger_rows(row, session)
    paid_on = dt.date.fromisoformat(row.remittance["paid_on"])
    for _, payment, postings in posting_groups(row):
        target = targets[payment.payer_claim_number]
        reversal = payment.status == "22"
        lines = {e.line: e for e in session.execute(select(LedgerEntry).where(
            LedgerEntry.claim_id == target.id, LedgerEntry.kind == "charge")).scalars()}
        for p in postings:
            charge = lines[p.line]
            amounts = {"payment": p.payment, "contractual": p.contractual, "transfer": p.patient}
            if reversal:
                amounts["charge"] = p.charge
                for work in session.execute(select(LedgerEntry).where(
                        LedgerEntry.claim_id == target.id, LedgerEntry.line == p.line,
                        LedgerEntry.source_claim_id.is_(None), LedgerEntry.kind != "charge")).scalars().all():
                    amounts[work.kind] = amounts.get(work.kind, ZERO) - work.amount
            for kind, amount in amounts.items():
                if amount:
                    session.add(LedgerEntry(
                        account_id=row.account_id, claim_id=target.id, line=p.line, service_date=charge.service_date,
                        code=charge.code, kind=kind, amount=amount, posted_on=paid_on, source_claim_id=row.id,
                        note=("Reversal (CLP02 22): " if reversal else "") + ", ".join(p.reasons),
                        created_by_id=user_id))
    row.posted = True
    session.flush()


def grade_and_post(session, row: SubmittedClaim, user_id: int, answer: dict[str, dict[int, dict]]) -> PostingAttempt:
    """Grade the learner's posting (``answer``: group key -> line -> the four amounts), keep it, and
    post the right entries to the ledger whatever was typed."""
    if session.execute(select(PostingAttempt.id).where(PostingAttempt.claim_id == row.id)).first():
        raise OfficeError("This remittance is already posted.")
    score = max_score = 0.0
    findings = []
    for key, payment, postings in posting_groups(row):
        s, m, found = grade_posting(postings, answer.get(key) or {})
        score, max_score = score + s, max_score + m
        label = "Reversal" if payment.status == "22" else "Claim"
        findings += [{"claim": f"{label} {payment.payer_claim_number}", "line": f.line, "rule": f.rule,
                      "expected": f.expected, "given": f.given, "message": f.message} for f in found]
    attempt = PostingAttempt(user_id=user_id, claim_id=row.id, score=score, max_score=max_score, findings=findings,
                             answer={k: {str(n): v for n, v in lines.items()} for k, lines in answer.items()})
    session.add(attempt)
    post_to_ledger(session, row, user_id)
    return attempt


# -- the ledger, aging, KPIs --------------------------------------------------------------------------------------
def entries_of(session, account_id: int) -> list[LedgerEntry]:
    return list(session.execute(select(LedgerEntry).where(LedgerEntry.account_id == account_id)
                                .order_by(LedgerEntry.posted_on, LedgerEntry.id)).scalars())


def entries_by_account(session, user_id: int) -> dict[int, list[LedgerEntry]]:
    """Every ledger entry of the learner's sandbox accounts, in one query, by account id."""
    out: dict[int, list[LedgerEntry]] = {}
    for e in session.execute(select(LedgerEntry).join(PatientAccount, PatientAccount.id == LedgerEntry.account_id)
                             .where(PatientAccount.user_id == user_id)
                             .order_by(LedgerEntry.posted_on, LedgerEntry.id)).scalars():
        out.setdefault(e.account_id, []).append(e)
    return out


def account_balance(entries: list[LedgerEntry]) -> tuple[Decimal, Decimal]:
    """What the account still owes: (insurance, patient)."""
    lines = ledger.line_balances(as_entries(entries))
    return sum((b.insurance for b in lines), ZERO), sum((b.patient for b in lines), ZERO)


def as_entries(rows: list[LedgerEntry]) -> list[ledger.Entry]:
    return [ledger.Entry(r.claim_id, r.line, r.service_date, r.code, r.kind, r.amount) for r in rows]


def clock(session, user_id: int) -> dt.date | None:
    """The sandbox's today: the day of the latest answer from the payer (None before any claim)."""
    rows = session.execute(select(SubmittedClaim).where(SubmittedClaim.user_id == user_id)).scalars().all()
    return max((last_event(r) for r in rows), default=None)


def denied_lines(row: SubmittedClaim) -> list[DeniedLine]:
    """The denied lines of an accepted claim: those with an amount other than CO-45, CO-253 and PR,
    as billed, with the (group, CARC) of each denied amount."""
    if not row.accepted:
        return []
    billed = row.claim["lines"]
    out = []
    for n, s in enumerate(payment_of(row).services, start=1):
        line = int(s.line_control) if s.line_control.isdigit() else n
        reasons = tuple((a.group, a.reason) for a in s.adjustments
                        if a.group != "PR" and (a.group, a.reason) not in WRITE_OFF and a.amount)
        if reasons:
            mine = billed[line - 1]
            out.append(DeniedLine(line, s.code, tuple(mine.get("modifiers") or ()), int(mine.get("units") or 1),
                                  reasons))
    return out


def line_denied(row: SubmittedClaim) -> list[int]:
    return [d.line for d in denied_lines(row)]


def kpis(session, user_id: int, period_days: int = 90,
         entries: dict[int, list[LedgerEntry]] | None = None) -> dict:
    """The learner's KPIs; ``entries`` (entries_by_account), when the caller already has them."""
    rows = list(session.execute(select(SubmittedClaim).where(SubmittedClaim.user_id == user_id)
                                .order_by(SubmittedClaim.id)).scalars())
    today = clock(session, user_id)
    firsts: dict[str, SubmittedClaim] = {}
    for r in rows:
        firsts.setdefault(r.exercise_id, r)
    denied = {r.id: bool(line_denied(r)) for r in rows if r.accepted}
    replaced = {r.id for r in rows if r.replaced_by_id}  # its services are charged once, on the replacement
    by_account = entries_by_account(session, user_id) if entries is None else entries
    gross = ZERO
    items = []
    for account in session.execute(select(PatientAccount).where(PatientAccount.user_id == user_id)).scalars():
        mine = by_account.get(account.id, [])
        items += ledger.open_items(as_entries(mine), account.account_no, account.patient_name,
                                   profile(account.payer_key).name)
        gross += sum((e.amount for e in mine if e.kind == "charge" and e.amount > 0 and today is not None
                      and e.claim_id not in replaced and (today - e.posted_on).days < period_days), ZERO)
    open_total = sum((i.amount for i in items), ZERO)
    return {
        "as_of": today, "period_days": period_days, "open_total": open_total, "gross_charges": gross,
        "first_submissions": len(firsts), "adjudicated": len(denied),
        "clean": sum(1 for r in firsts.values() if r.accepted and not denied.get(r.id)),
        "denied": sum(1 for d in denied.values() if d),
        "clean_claim_rate": accounts.clean_claim_rate([(r.accepted, denied.get(r.id, False)) for r in firsts.values()]),
        "denial_rate": accounts.denial_rate(list(denied.values())),
        "days_in_ar": accounts.days_in_ar(open_total, gross, period_days),
        "aging": accounts.aging(items, today) if today else None, "items": items,
    }
