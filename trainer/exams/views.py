"""Exams: the list of blueprints, a sitting question by question, review and submit, results."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import signed_in
from ..extensions import db
from ..lti import background as lti_passback
from ..models import Assignment
from ..models.exams import BlueprintRecord, ExamItem, ExamSitting
from ..teaching.assignments import key_hidden
from .sittings import (
    PRACTICE_MAX, ExamClosed, ExamError, can_view_sitting, check_practice, finalize_if_due, remaining_seconds,
    save_answer, start_exam, start_practice, submit, utcnow, visible_blueprints,
)
from .draw import section_counts
from .store import pool_sections

bp = Blueprint("exams", __name__, url_prefix="/exams")


def _blueprint_or_404(blueprint_id: str) -> BlueprintRecord:
    record = db.session.get(BlueprintRecord, blueprint_id)
    if record is None or not record.active or record.school_id not in (None, current_user.school_id):
        abort(404)
    return record


def _sitting_or_404(sitting_id: int, own: bool = True) -> ExamSitting:
    sitting = db.session.get(ExamSitting, sitting_id)
    if sitting is None or not can_view_sitting(current_user, sitting) or (own and sitting.user_id != current_user.id):
        abort(404)
    return sitting


def _int(value, default: int | None = None) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


@bp.route("")
@signed_in
def index():
    blueprints = visible_blueprints(db.session, current_user)
    sittings = db.session.execute(select(ExamSitting).where(ExamSitting.user_id == current_user.id)
                                  .order_by(ExamSitting.id.desc()).limit(50)).scalars().all()
    for s in sittings:
        finalize_if_due(db.session, s)
    pools = {pool: pool_sections(db.session, pool, current_user.school_id) for pool in {b.pool for b in blueprints}}
    short = {}
    for b in blueprints:
        need = section_counts(b.data)
        short[b.id] = {sid: n - len(pools[b.pool].get(sid, [])) for sid, n in need.items()
                       if n > len(pools[b.pool].get(sid, []))}
    return render_template("exams/index.html", blueprints=blueprints, sittings=sittings, pools=pools, short=short,
                           practice_max=PRACTICE_MAX, remaining=remaining_seconds)


@bp.route("/start/<blueprint_id>", methods=["POST"])
@signed_in
def start(blueprint_id: str):
    record = _blueprint_or_404(blueprint_id)
    try:
        sitting = start_exam(db.session, current_user, record, _int(request.form.get("items")))
    except ExamError as err:
        flash(str(err), "error")
        return redirect(url_for(".index"))
    return redirect(url_for(".item", sitting_id=sitting.id, position=sitting.position))


@bp.route("/practice", methods=["POST"])
@signed_in
def practice():
    blueprint_id, _, section = request.form.get("topic", "").partition("|")
    record = _blueprint_or_404(blueprint_id)
    try:
        sitting = start_practice(db.session, current_user, record, section or "all",
                                 _int(request.form.get("count"), 0))
    except ExamError as err:
        flash(str(err), "error")
        return redirect(url_for(".index") + "#practice")
    return redirect(url_for(".item", sitting_id=sitting.id, position=1))


@bp.route("/sittings/<int:sitting_id>")
@signed_in
def resume(sitting_id: int):
    sitting = _sitting_or_404(sitting_id, own=False)
    if finalize_if_due(db.session, sitting) or sitting.user_id != current_user.id:
        return redirect(url_for(".result", sitting_id=sitting.id))
    return redirect(url_for(".item", sitting_id=sitting.id, position=sitting.position))


def _nav(sitting: ExamSitting) -> list[ExamItem]:
    return db.session.execute(select(ExamItem).where(ExamItem.sitting_id == sitting.id)
                              .order_by(ExamItem.position)).scalars().all()


@bp.route("/sittings/<int:sitting_id>/q/<int:position>")
@signed_in
def item(sitting_id: int, position: int):
    sitting = _sitting_or_404(sitting_id)
    if finalize_if_due(db.session, sitting):
        flash("Time is up: the exam was submitted with the answers saved." if sitting.auto_submitted
              else "This exam has been submitted.", "info")
        return redirect(url_for(".result", sitting_id=sitting.id))
    items = _nav(sitting)
    if not 1 <= position <= len(items):
        abort(404)
    if sitting.position != position:
        sitting.position = position
        db.session.commit()
    current = items[position - 1]
    return render_template("exams/item.html", sitting=sitting, items=items, current=current,
                           question=current.question, remaining=remaining_seconds(sitting),
                           notice_seconds=60 * (sitting.blueprint.get("time_notice_minutes") or 0))


def _answer_fields(source) -> dict:
    out: dict = {}
    if "choice" in source:
        out["choice"] = source.get("choice") or ""
    if "flagged" in source:
        value = source.get("flagged")
        out["flagged"] = value in (True, "1", "true", "on", 1)
    return out


@bp.route("/sittings/<int:sitting_id>/q/<int:position>", methods=["POST"])
@signed_in
def save_form(sitting_id: int, position: int):
    """The form fallback (and the buttons): save this item, then go where the learner asked."""
    sitting = _sitting_or_404(sitting_id)
    fields = _answer_fields(request.form)
    if "flag_present" in request.form and "flagged" not in fields:
        fields["flagged"] = False
    action = request.form.get("go", "stay")
    try:
        if action == "check":
            check_practice(db.session, current_user, sitting, position, request.form.get("choice", ""),
                           _int(request.form.get("revision")), _int(request.form.get("seconds"), 0))
        else:
            save_answer(db.session, current_user, sitting, position, revision=_int(request.form.get("revision")),
                        seconds=_int(request.form.get("seconds"), 0), **fields)
    except ExamClosed as err:
        flash(str(err), "info")
        return redirect(url_for(".result", sitting_id=sitting.id))
    except ExamError as err:
        flash(str(err), "error")
        return redirect(url_for(".item", sitting_id=sitting.id, position=position))
    total = len(sitting.items)
    target = {"next": position + 1, "prev": position - 1}.get(action)
    if action == "review":
        return redirect(url_for(".review", sitting_id=sitting.id))
    if action.isdigit():
        target = int(action)
    if target is None or not 1 <= target <= total:
        target = position
    return redirect(url_for(".item", sitting_id=sitting.id, position=target))


@bp.route("/sittings/<int:sitting_id>/answers", methods=["POST"])
@signed_in
def save_json(sitting_id: int):
    """Autosave: one item's choice and/or flag, and the seconds spent on it since the last report."""
    sitting = _sitting_or_404(sitting_id)
    body = request.get_json(silent=True) if request.is_json else request.form
    if not body or _int(body.get("position")) is None:
        return jsonify(error="send the position and the answer"), 400
    try:
        saved = save_answer(db.session, current_user, sitting, _int(body.get("position")),
                            revision=_int(body.get("revision")), seconds=_int(body.get("seconds"), 0),
                            **_answer_fields(body))
    except ExamClosed as err:
        return jsonify(error=str(err), closed=True, result_url=url_for(".result", sitting_id=sitting.id)), 409
    except ExamError as err:
        return jsonify(error=str(err)), 400
    answered = db.session.execute(select(ExamItem.id).where(ExamItem.sitting_id == sitting.id,
                                                            ExamItem.choice.is_not(None))).all()
    return jsonify(saved=True, stale=saved.stale, position=saved.item.position, choice=saved.item.choice,
                   flagged=saved.item.flagged, answered=len(answered), remaining=remaining_seconds(sitting))


@bp.route("/sittings/<int:sitting_id>/status")
@signed_in
def status(sitting_id: int):
    sitting = _sitting_or_404(sitting_id)
    closed = finalize_if_due(db.session, sitting)
    return jsonify(submitted=closed, remaining=remaining_seconds(sitting),
                   result_url=url_for(".result", sitting_id=sitting.id))


@bp.route("/sittings/<int:sitting_id>/review")
@signed_in
def review(sitting_id: int):
    sitting = _sitting_or_404(sitting_id)
    if finalize_if_due(db.session, sitting):
        return redirect(url_for(".result", sitting_id=sitting.id))
    items = _nav(sitting)
    return render_template("exams/review.html", sitting=sitting, items=items, remaining=remaining_seconds(sitting),
                           unanswered=[i for i in items if not i.choice], flagged=[i for i in items if i.flagged])


@bp.route("/sittings/<int:sitting_id>/submit", methods=["POST"])
@signed_in
def submit_sitting(sitting_id: int):
    sitting = _sitting_or_404(sitting_id)
    if sitting.submitted or not submit(db.session, current_user, sitting):
        flash("This exam had already been submitted; it was recorded once.", "info")
    elif sitting.assignment_id:
        lti_passback.assignment_score_changed(db.session.get(Assignment, sitting.assignment_id),
                                              current_user._get_current_object())
    return redirect(url_for(".result", sitting_id=sitting.id))


@bp.route("/sittings/<int:sitting_id>/result")
@signed_in
def result(sitting_id: int):
    sitting = _sitting_or_404(sitting_id, own=False)
    if not finalize_if_due(db.session, sitting):
        if sitting.user_id == current_user.id:
            flash("Submit the exam to see its result.", "info")
            return redirect(url_for(".review", sitting_id=sitting.id))
        abort(404)
    used = (sitting.submitted_at - sitting.started_at).total_seconds() if sitting.submitted_at else 0
    assignment = db.session.get(Assignment, sitting.assignment_id) if sitting.assignment_id else None
    hidden = sitting.user_id == current_user.id and key_hidden(assignment, utcnow())
    return render_template("exams/result.html", sitting=sitting, items=_nav(sitting), res=sitting.result or {},
                           used_seconds=max(0, int(used)), blueprint=db.session.get(BlueprintRecord,
                                                                                    sitting.blueprint_id),
                           assignment=assignment, key_hidden=hidden)

