"""Practice: the exercise catalog, the chart with its coding panel, results and history."""
from __future__ import annotations

import datetime as dt
import json
from collections import OrderedDict

from flask import (
    Blueprint, abort, flash, get_template_attribute, jsonify, redirect, render_template, request, url_for,
)
from markupsafe import Markup
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import defer

from ..access import signed_in
from ..exercises import markdown
from ..exercises.store import exercise_of, is_visible, public_view, visible_clause
from ..extensions import db
from ..lti import background as lti_passback
from ..models import Assignment, Attempt, ExerciseRecord
from ..teaching.assignments import practice_key_hidden
from .labels import AREA_LABELS, DIFFICULTY_LABELS, SETTING_LABELS, STATUS_LABELS
from .operations import AnswerError, can_view_attempt, new_attempt, save_draft, submit, utcnow

bp = Blueprint("practice", __name__, url_prefix="/practice")


@bp.app_template_filter("chart_markdown")
def chart_markdown(text: str | None) -> Markup:
    """A chart document's Markdown as sanitized HTML (trainer.exercises.markdown)."""
    return Markup(markdown.render(text))  # noqa: S704 - sanitized by nh3 with an allow-list

def _record_or_404(exercise_id: str) -> ExerciseRecord:
    record = db.session.get(ExerciseRecord, exercise_id)
    if not is_visible(record, current_user.school_id):
        abort(404)
    return record


def _attempt_or_404(attempt_id: int) -> Attempt:
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or not can_view_attempt(current_user, attempt):
        abort(404)
    return attempt


@bp.route("")
@signed_in
def catalog():
    records = db.session.execute(select(ExerciseRecord).where(visible_clause(current_user.school_id))
                                 .order_by(ExerciseRecord.area, ExerciseRecord.difficulty, ExerciseRecord.title)
                                 ).scalars().all()
    stats = {row.exercise_id: row for row in db.session.execute(
        select(Attempt.exercise_id, func.count(Attempt.submitted_at).label("submitted"),
               func.max(Attempt.score / Attempt.max_score).label("best"),
               func.count(Attempt.id).label("attempts"))
        .where(Attempt.user_id == current_user.id).group_by(Attempt.exercise_id))}

    def status(record):
        row = stats.get(record.id)
        if row is None:
            return "new"
        return "done" if row.submitted else "draft"

    filters = {k: request.args.get(k, "") for k in ("area", "setting", "difficulty", "status")}
    items = []
    for r in records:
        st = status(r)
        if ((filters["area"] and r.area != filters["area"]) or (filters["setting"] and r.setting != filters["setting"])
                or (filters["difficulty"] and str(r.difficulty) != filters["difficulty"])
                or (filters["status"] and st != filters["status"])):
            continue
        best = stats[r.id].best if r.id in stats and stats[r.id].best is not None else None
        items.append({"record": r, "status": st, "best": round(100 * best) if best is not None else None})
    return render_template("practice/catalog.html", items=items, filters=filters, total=len(records),
                           areas=sorted({r.area for r in records}), area_labels=AREA_LABELS, settings=SETTING_LABELS,
                           difficulties=DIFFICULTY_LABELS, statuses=STATUS_LABELS)


@bp.route("/<exercise_id>")
@signed_in
def chart(exercise_id: str):
    """Free practice, or (``?assignment=ID``) the draft started from that assignment's page."""
    record = _record_or_404(exercise_id)
    assignment_id = request.args.get("assignment", type=int)
    assignment = db.session.get(Assignment, assignment_id) if assignment_id else None
    mine = db.session.execute(select(Attempt).options(defer(Attempt.result)).where(
        Attempt.user_id == current_user.id, Attempt.exercise_id == record.id)).scalars().all()
    drafts = [a for a in mine if a.submitted_at is None and a.assignment_id == (assignment.id if assignment else None)]
    if assignment is not None and not drafts:
        return redirect(url_for("assignments.detail", assignment_id=assignment.id))
    attempt = drafts[0] if drafts else new_attempt(db.session, current_user, record)
    history = sorted((a for a in mine if a.submitted_at is not None), key=lambda a: a.submitted_at, reverse=True)
    view = public_view(exercise_of(record).variant(attempt.variant))
    return render_template("practice/chart.html", record=record, attempt=attempt, exercise=view,
                           assignment=assignment,
                           documents=chart_documents(record, attempt.variant, view), history=history,
                           empty_row=empty_row,
                           settings=SETTING_LABELS, difficulties=DIFFICULTY_LABELS)


_empty_rows: dict[tuple, Markup] = {}


def empty_row(macro: str, *args) -> Markup:
    """An empty row of the coding panel (the same for every learner), rendered once per arguments."""
    key = (macro, *args) if not any(isinstance(a, dict) for a in args) else (macro, *map(repr, args))
    html = _empty_rows.get(key)
    if html is None:
        html = _empty_rows[key] = Markup(get_template_attribute("practice/_coding_rows.html", macro)(*args))
    return html


_documents: OrderedDict = OrderedDict()
DOCUMENTS_CACHED = 512


def chart_documents(record: ExerciseRecord, variant: int, view: dict) -> Markup:
    """The chart half of the page, the same for every learner on this variant: rendered once per
    (exercise, file checksum, variant) and kept (a changed file has a new checksum)."""
    key = (record.id, record.checksum, variant)
    html = _documents.get(key)
    if html is None:
        html = Markup(render_template("practice/_chart_documents.html", exercise=view, settings=SETTING_LABELS))
        _documents[key] = html
        while len(_documents) > DOCUMENTS_CACHED:
            _documents.popitem(last=False)
    return html


@bp.route("/attempts/<int:attempt_id>/draft", methods=["POST"])
@signed_in
def draft(attempt_id: int):
    attempt = _attempt_or_404(attempt_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(error="send the answer as JSON"), 400
    try:
        save_draft(db.session, current_user, attempt, body.get("answer"), body.get("active_seconds", 0))
    except PermissionError:
        abort(404)
    except (AnswerError, ValueError, TypeError) as err:
        db.session.rollback()
        return jsonify(error=str(err)), 400
    saved = attempt.saved_at if attempt.saved_at.tzinfo else attempt.saved_at.replace(tzinfo=dt.timezone.utc)
    return jsonify(saved_at=saved.isoformat(), answer=attempt.answer)


def _form_answer() -> dict:
    """The panel's fields (works without JavaScript), or the JSON the script put in answer_json."""
    if request.form.get("answer_json"):
        try:
            return json.loads(request.form["answer_json"])
        except ValueError as err:
            raise AnswerError("the answer could not be read; reload the page") from err
    lines = []
    for n in range(1, 51):
        prefix = f"line-{n}-"
        if not any(k.startswith(prefix) for k in request.form):
            continue
        lines.append({"code": request.form.get(prefix + "code", ""), "modifiers": request.form.get(prefix + "mods", ""),
                      "units": request.form.get(prefix + "units", ""), "dx_pointers": request.form.get(prefix + "ptr", "")})
    answer = {"diagnoses": request.form.getlist("dx"), "procedures": lines, "pcs_procedures": request.form.getlist("pcs")}
    if "poa" in request.form:
        answer["poa"] = request.form.getlist("poa")
    return answer


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@signed_in
def submit_attempt(attempt_id: int):
    attempt = _attempt_or_404(attempt_id)
    try:
        outcome = submit(db.session, current_user, attempt, _form_answer(),
                         request.form.get("active_seconds", 0, type=int))
    except PermissionError:
        abort(404)
    except AnswerError as err:
        db.session.rollback()
        flash(f"Not submitted: {err}.", "error")
        return redirect(url_for("practice.chart", exercise_id=attempt.exercise_id, assignment=attempt.assignment_id))
    if outcome.already:
        flash("This attempt had already been submitted; here is its result.", "info")
    else:
        lti_passback.attempt_submitted(attempt)  # to the LMS gradebook when launched from one
    return redirect(url_for("practice.result", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>")
@signed_in
def result(attempt_id: int):
    attempt = _attempt_or_404(attempt_id)
    if not attempt.submitted:
        return redirect(url_for("practice.chart", exercise_id=attempt.exercise_id, assignment=attempt.assignment_id))
    exercise = exercise_of(attempt.exercise)
    variant = exercise.variant(attempt.variant)
    assignment = db.session.get(Assignment, attempt.assignment_id) if attempt.assignment_id else None
    return render_template("practice/result.html", attempt=attempt, record=attempt.exercise, exercise=variant,
                           key=variant["key"], result=attempt.result, settings=SETTING_LABELS, assignment=assignment,
                           key_hidden=practice_key_hidden(db.session, current_user, attempt, assignment, utcnow()))


@bp.route("/<exercise_id>/retry", methods=["POST"])
@signed_in
def retry(exercise_id: str):
    """Start again on another variant; an unsubmitted draft with work in it is never thrown away."""
    record = _record_or_404(exercise_id)
    draft = db.session.execute(select(Attempt).where(Attempt.user_id == current_user.id,
                                                     Attempt.exercise_id == record.id, Attempt.assignment_id.is_(None),
                                                     Attempt.submitted_at.is_(None))).scalar_one_or_none()
    if draft is not None and any((draft.answer or {}).values()):
        flash("You have an unsubmitted attempt on this exercise; it is open below.", "info")
    else:
        if draft is not None:
            db.session.delete(draft)
            db.session.commit()
        new_attempt(db.session, current_user, record)
    return redirect(url_for("practice.chart", exercise_id=record.id))
