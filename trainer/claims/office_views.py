"""The billing-office sandbox pages: send a claim to the payer, read the acknowledgement and the
remittance, post it, work the denials, the patient's ledger and statement, and the office dashboard.
Every page shows only the signed-in learner's own office (anything else is a 404)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import signed_in
from ..billing import ledger, office
from ..billing.office_denials import ACTIONS, called_for, grade_choice
from ..edits.data import shared as shared_edit_data
from ..extensions import db
from ..models import ClaimAttempt, DenialWork, ExerciseRecord, LedgerEntry, PatientAccount, PostingAttempt, SubmittedClaim
from ..payer.profiles import profile
from .carc import describe
from .office_forms import DenialForm, SendForm, posting_answer, posting_form
from .views import reference_for

bp = Blueprint("office", __name__, url_prefix="/office")


def _mine(model, object_id: int):
    row = db.session.get(model, object_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    return row


@bp.route("")
@signed_in
def dashboard():
    claims = db.session.execute(select(SubmittedClaim).where(SubmittedClaim.user_id == current_user.id)
                                .order_by(SubmittedClaim.id.desc())).scalars().all()
    accounts = db.session.execute(select(PatientAccount).where(PatientAccount.user_id == current_user.id)
                                  .order_by(PatientAccount.patient_name)).scalars().all()
    entries = office.entries_by_account(db.session, current_user.id)
    balances = {a.id: office.account_balance(entries.get(a.id, [])) for a in accounts}
    return render_template("office/dashboard.html", claims=claims, accounts=accounts, balances=balances,
                           k=office.kpis(db.session, current_user.id, entries=entries))


@bp.route("/send/<int:attempt_id>", methods=["POST"])
@signed_in
def send(attempt_id: int):
    attempt = _mine(ClaimAttempt, attempt_id)
    if not SendForm().validate_on_submit():
        abort(400)
    try:
        row = office.submit(db.session, current_user.id, attempt, shared_edit_data(db.session))
    except office.OfficeError as err:
        db.session.rollback()
        flash(str(err), "info")
        existing = db.session.execute(select(SubmittedClaim).where(SubmittedClaim.claim_attempt_id == attempt.id)
                                      ).scalar_one_or_none()
        if existing is None:
            return redirect(url_for("claims.result", attempt_id=attempt.id))
        return redirect(url_for(".claim", claim_id=existing.id))
    db.session.commit()
    return redirect(url_for(".claim", claim_id=row.id))


def _era(remit: dict | None) -> dict | None:
    """The stored remittance with the official descriptions of every group code, CARC and RARC."""
    if not remit:
        return None
    for c in remit["claims"]:
        for s in c["services"]:
            for a in s["adjustments"]:
                a["group_text"] = describe("group", a["group"]) or ""
                a["reason_text"] = describe("carc", a["reason"]) or "(not in the starter CARC list)"
            s["remark_texts"] = [(r, describe("rarc", r) or "(not in the starter RARC list)") for r in s["remarks"]]
    return remit


def _work_state(row: SubmittedClaim):
    work = db.session.execute(select(DenialWork).where(DenialWork.claim_id == row.id)
                              .order_by(DenialWork.id)).scalars().all()
    by_line: dict[int, list[DenialWork]] = {}
    for w in work:
        by_line.setdefault(w.line, []).append(w)
    open_lines = {}
    for d in office.denied_lines(row):
        done = by_line.get(d.line, [])
        if row.posted and row.replaced_by_id is None and (not done or done[-1].appeal_decision == "upheld"):
            open_lines[d.line] = DenialForm(prefix=f"l{d.line}")
    return by_line, open_lines


@bp.route("/claims/<int:claim_id>")
@signed_in
def claim(claim_id: int):
    row = _mine(SubmittedClaim, claim_id)
    posting = db.session.execute(select(PostingAttempt).where(PostingAttempt.claim_id == row.id)).scalar_one_or_none()
    groups = office.posting_groups(row) if row.accepted else []
    form = posting_form(groups) if row.accepted and posting is None else None
    by_line, open_lines = _work_state(row)
    return render_template("office/claim.html", row=row, era=_era(row.remittance), posting=posting, form=form,
                           groups=groups, denied=office.denied_lines(row), work=by_line, work_forms=open_lines,
                           actions=ACTIONS, payer=profile(row.payer_key), attempt=db.session.get(ClaimAttempt, row.claim_attempt_id),
                           original=db.session.get(SubmittedClaim, row.replaces_id) if row.replaces_id else None,
                           replacement=db.session.get(SubmittedClaim, row.replaced_by_id) if row.replaced_by_id else None)


@bp.route("/claims/<int:claim_id>.835")
@signed_in
def download_835(claim_id: int):
    row = _mine(SubmittedClaim, claim_id)
    if not row.remittance_835:
        abort(404)
    return Response(row.remittance_835, mimetype="text/plain", headers={
        "Content-Disposition": f'attachment; filename="era-{row.payer_claim_number}.835"'})


@bp.route("/claims/<int:claim_id>/post", methods=["POST"])
@signed_in
def post(claim_id: int):
    row = _mine(SubmittedClaim, claim_id)
    if not row.accepted or row.posted:
        flash("There is nothing to post for this claim.", "info")
        return redirect(url_for(".claim", claim_id=row.id))
    groups = office.posting_groups(row)
    form = posting_form(groups, request.form)
    if not form.validate():
        by_line, open_lines = _work_state(row)
        return render_template("office/claim.html", row=row, era=_era(row.remittance), posting=None, form=form,
                               groups=groups, denied=office.denied_lines(row), work=by_line, work_forms=open_lines,
                               actions=ACTIONS, payer=profile(row.payer_key), attempt=None, original=None,
                               replacement=None), 400
    attempt = office.grade_and_post(db.session, row, current_user.id, posting_answer(form, groups))
    db.session.commit()
    flash(f"Posted: {attempt.score:g} of {attempt.max_score:g} amounts right. The ledger has the right entries.",
          "success")
    return redirect(url_for(".claim", claim_id=row.id, _anchor="posting"))


@bp.route("/claims/<int:claim_id>/work", methods=["POST"])
@signed_in
def work(claim_id: int):
    row = _mine(SubmittedClaim, claim_id)
    line = request.form.get("line", type=int)
    _, open_lines = _work_state(row)
    if line not in open_lines:
        abort(404)
    form = DenialForm(prefix=f"l{line}")
    if not form.validate_on_submit():
        flash("Choose what to do with the denied line.", "error")
        return redirect(url_for(".claim", claim_id=row.id, _anchor=f"work-{line}"))
    denied = next(d for d in office.denied_lines(row) if d.line == line)
    _, reference = reference_for(db.session.get(ExerciseRecord, row.exercise_id))
    needed = called_for(denied, [(l.code, tuple(l.modifiers), l.units) for l in reference.lines],
                        str((reference.facts or {}).get("prior_authorization") or ""))
    grade = grade_choice(form.action.data, needed)
    db.session.add(DenialWork(user_id=current_user.id, claim_id=row.id, line=line, action=form.action.data,
                              reason=form.reason.data or "", right=grade.right, expected=sorted(needed.actions),
                              message=grade.message, appeal_decision=grade.appeal_decision))
    balance = _line_balance(row, line)
    if form.action.data in ("write_off", "bill_patient") and balance:
        db.session.add(LedgerEntry(
            account_id=row.account_id, claim_id=row.id, line=line, service_date=balance.service_date,
            code=balance.code, kind="write_off" if form.action.data == "write_off" else "transfer",
            amount=balance.insurance, posted_on=office.clock(db.session, current_user.id),
            note=(form.reason.data or ACTIONS[form.action.data])[:300], created_by_id=current_user.id))
    db.session.commit()
    if form.action.data == "corrected":
        flash("Correct the claim and send it again: it is prefilled as a replacement (frequency 7) of the payer's "
              "claim number.", "info")
        return redirect(url_for("claims.form", exercise_id=row.exercise_id,
                                **{"from": row.claim_attempt_id, "replace": row.id}))
    return redirect(url_for(".claim", claim_id=row.id, _anchor=f"work-{line}"))


def _line_balance(row: SubmittedClaim, line: int):
    entries = [e for e in office.as_entries(office.entries_of(db.session, row.account_id))
               if e.claim == row.id and e.line == line]
    found = ledger.line_balances(entries)
    return found[0] if found and found[0].insurance > 0 else None


@bp.route("/accounts/<int:account_id>")
@signed_in
def account(account_id: int):
    acct = _mine(PatientAccount, account_id)
    entries = office.entries_of(db.session, acct.id)
    return render_template("office/account.html", acct=acct, entries=entries, labels=ledger.KIND_LABELS,
                           lines=ledger.line_balances(office.as_entries(entries)), payer=profile(acct.payer_key),
                           claims={c.id: c for c in office.claims_of(db.session, acct.id)})


@bp.route("/accounts/<int:account_id>/statement")
@signed_in
def statement(account_id: int):
    acct = _mine(PatientAccount, account_id)
    today = office.clock(db.session, current_user.id)
    stmt = ledger.statement(office.as_entries(office.entries_of(db.session, acct.id)), acct.account_no,
                            acct.patient_name, today)
    from .practice import BILLING

    return render_template("office/statement.html", acct=acct, stmt=stmt, practice=BILLING,
                           payer=profile(acct.payer_key))
