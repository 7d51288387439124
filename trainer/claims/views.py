"""Claims practice: build the claim for an encounter from its packet, submit, read the response.

The same URLs serve both forms: the CMS-1500 for a professional encounter, the UB-04 for an inpatient
stay (the exercise's kind decides; an attempt remembers its ``form_type``).
"""
from __future__ import annotations

import zlib

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import load_only

from ..access import signed_in
from ..edits.data import shared as shared_edit_data
from ..exercises.store import exercise_of, is_visible, public_view, visible_clause
from ..extensions import db
from ..models import ClaimAttempt, ExerciseRecord, SubmittedClaim
from . import form_ub04
from .form import LETTERS, LINES, FormError, claim_from_form, packet_for
from .grading import grade_claim, outcome
from .grading_ub04 import grade_ub04
from .jsonshape import claim_to_dict
from .office_forms import SendForm
from ..practice.labels import SETTING_LABELS
from ..practice.views import chart_documents
from .practice import reference_claim
from ..billing.chargemaster import practice_charges

bp = Blueprint("claims", __name__, url_prefix="/claims")


def _record_or_404(exercise_id: str) -> ExerciseRecord:
    record = db.session.get(ExerciseRecord, exercise_id)
    if not is_visible(record, current_user.school_id):
        abort(404)
    return record


def reference_for(record: ExerciseRecord, variant: int = 0):
    """The exercise variant and its reference claim: a UB-04 (InstitutionalClaim) for an inpatient stay."""
    exercise = exercise_of(record)
    data = exercise.variant(variant)
    claim = reference_claim(record.id, data, exercise.key_answer(variant), zlib.crc32(record.id.encode()) % 99999,
                            charge=practice_charges(shared_edit_data(db.session)))
    return data, claim


def _optional_codes(variant: dict) -> frozenset[str]:
    return frozenset(d["code"] for d in variant["key"]["diagnoses"] if d.get("optional"))


@bp.route("")
@signed_in
def index():
    records = db.session.execute(select(ExerciseRecord).options(load_only(
        ExerciseRecord.id, ExerciseRecord.title, ExerciseRecord.area, ExerciseRecord.kind))
        .where(visible_clause(current_user.school_id))
        .order_by(ExerciseRecord.area, ExerciseRecord.title)).scalars().all()
    best = dict(db.session.execute(select(ClaimAttempt.exercise_id, func.max(ClaimAttempt.score / ClaimAttempt.max_score))
                                   .where(ClaimAttempt.user_id == current_user.id)
                                   .group_by(ClaimAttempt.exercise_id)).all())
    return render_template("claims/index.html", records=records, best=best)


def _render_form(record, values: dict, error: FormError | None = None, status: int = 200):
    variant, reference = reference_for(record)
    if record.kind == "inpatient":
        return render_template("claims/ub04.html", record=record, values=values, error=error, slots=form_ub04,
                               packet=form_ub04.ub04_packet_for(variant, reference),
                               documents=chart_documents(record, 0, public_view(variant))), status
    return render_template("claims/form.html", record=record, packet=packet_for(variant, reference), values=values,
                           error=error, lines=LINES, letters=LETTERS, settings=SETTING_LABELS), status


@bp.route("/<exercise_id>")
@signed_in
def form(exercise_id: str):
    record = _record_or_404(exercise_id)
    values = {}
    previous = request.args.get("from", type=int)
    if previous:
        attempt = db.session.get(ClaimAttempt, previous)
        if attempt is None or attempt.user_id != current_user.id or attempt.exercise_id != record.id:
            abort(404)
        values = dict(attempt.form)
    replacing = request.args.get("replace", type=int)
    if replacing:  # a corrected claim from the billing office: a replacement of the payer's claim
        original = db.session.get(SubmittedClaim, replacing)
        if original is None or original.user_id != current_user.id or not original.payer_claim_number:
            abort(404)
        values |= {"frequency": "7", "original_ref": original.payer_claim_number}
    return _render_form(record, values)


@bp.route("/<exercise_id>", methods=["POST"])
@signed_in
def submit(exercise_id: str):
    record = _record_or_404(exercise_id)
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    variant, reference = reference_for(record)
    ub04 = record.kind == "inpatient"
    try:
        if ub04:
            claim = form_ub04.ub04_from_form(values, form_ub04.ub04_packet_for(variant, reference))
        else:
            claim = claim_from_form(values, packet_for(variant, reference))
    except FormError as err:
        return _render_form(record, values, err, 400)
    data = shared_edit_data(db.session)
    result = (grade_ub04(claim, reference, data, _optional_codes(variant)) if ub04
              else grade_claim(claim, reference, data))
    attempt = ClaimAttempt(user_id=current_user.id, exercise_id=record.id, variant=0, form=values,
                           form_type="ub04" if ub04 else "cms1500", claim=claim_to_dict(claim), score=result.score,
                           max_score=result.max_score, result=result.as_dict())
    db.session.add(attempt)
    db.session.commit()
    return redirect(url_for(".result", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>.pdf")
@signed_in
def pdf(attempt_id: int):
    from .jsonshape import claim_from_dict
    from .pdf import claim_pdf
    from .pdf_ub04 import ub04_pdf

    attempt = db.session.get(ClaimAttempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    body = (ub04_pdf if attempt.form_type == "ub04" else claim_pdf)(claim_from_dict(attempt.claim))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="claim-{attempt.id}.pdf"'})


@bp.route("/attempts/<int:attempt_id>")
@signed_in
def result(attempt_id: int):
    attempt = db.session.get(ClaimAttempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    res = attempt.result
    result_outcome, failing = outcome(res["findings"])
    if result_outcome != "accepted":
        flash("The claim came back: read the response, then correct and resubmit it.", "info")
    sent = db.session.execute(select(SubmittedClaim).where(SubmittedClaim.claim_attempt_id == attempt.id)
                              ).scalar_one_or_none()
    return render_template("claims/result.html", attempt=attempt, record=attempt.exercise, res=res,
                           failing=failing, outcome=result_outcome, sent=sent, send_form=SendForm())
