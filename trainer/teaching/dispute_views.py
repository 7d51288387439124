"""Disputes: learners flag a key from a result page; instructors answer or accept; both see the outcome."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from ..access import STAFF, roles, signed_in
from ..exams.sittings import can_view_sitting
from ..extensions import db
from ..models import Assignment, Attempt, Cohort, Dispute, ExamSitting
from ..practice.operations import can_view_attempt, utcnow
from . import disputes as dom
from .assignments import practice_key_hidden
from .cohorts import can_manage
from .dispute_forms import AcceptForm, AnswerForm, FlagForm

bp = Blueprint("disputes", __name__, url_prefix="/disputes")


def _dispute_or_404(dispute_id: int) -> Dispute:
    dispute = db.session.get(Dispute, dispute_id)
    if dispute is None or not dom.can_see(db.session, current_user, dispute):
        abort(404)
    return dispute


def _flag_form(targets: list[tuple[str, str]]) -> FlagForm:
    form = FlagForm()
    form.target.choices = targets
    return form


@bp.app_template_global()
def dispute_panel(attempt: Attempt | None = None, sitting: ExamSitting | None = None,
                  key_hidden: bool = False) -> Markup:
    """The disputes section of a practice or exam result page: this work's disputes with their
    outcome, and for its learner the form to flag the key."""
    if attempt is not None:
        rows, targets = dom.on_attempt(db.session, attempt), dom.attempt_targets(attempt, key_hidden)
        owner, action = attempt.user_id, url_for("disputes.flag_attempt", attempt_id=attempt.id)
    else:
        rows, targets = dom.on_sitting(db.session, sitting), dom.sitting_targets(sitting)
        owner, action = sitting.user_id, url_for("disputes.flag_question", sitting_id=sitting.id)
    return Markup(render_template(
        "teaching/_dispute_panel.html", disputes=rows, form=_flag_form(targets) if owner == current_user.id else None,
        action=action, labels=dom.STATUS_LABELS, regrades={d.id: dom.regrades(db.session, d) for d in rows}))


@bp.app_template_global()
def open_dispute_count(cohort: Cohort) -> int:
    return dom.open_counts(db.session, current_user, [cohort.id]).get(cohort.id, 0)


@bp.route("")
@signed_in
def index():
    if current_user.role not in STAFF:
        rows = dom.mine(db.session, current_user)
        unseen = {d.id for d in rows if d.status != "open" and d.learner_seen_at is None}
        dom.mark_seen(db.session, current_user, rows)
        return render_template("teaching/disputes.html", disputes=rows, staff=False, unseen=unseen,
                               labels=dom.STATUS_LABELS, cohort=None, status="")
    cohort = db.session.get(Cohort, request.args.get("cohort", type=int) or 0)
    if cohort is not None and not can_manage(current_user, cohort):
        abort(404)
    status = request.args.get("status", "")
    status = status if status in dom.STATUS_LABELS else ""
    rows = dom.queue(db.session, current_user, cohort.id if cohort else None, status or None)
    return render_template("teaching/disputes.html", disputes=rows, staff=True, unseen=set(),
                           labels=dom.STATUS_LABELS, cohort=cohort, status=status)


def _detail_page(dispute: Dispute, answer_form=None, accept_form=None, status: int = 200):
    if dispute.learner_id == current_user.id:
        dom.mark_seen(db.session, current_user, [dispute])
    acting = dom.can_act(db.session, current_user, dispute)
    return render_template(
        "teaching/dispute.html", dispute=dispute, labels=dom.STATUS_LABELS, acting=acting,
        answer_form=answer_form or AnswerForm(), accept_form=accept_form or AcceptForm(),
        editable=dom.editable(dispute, current_user), regrades=dom.regrades(db.session, dispute),
        regraded_all=dom.exercise_regrade_count(db.session, dispute), assignment_id=dom.assignment_of(dispute),
    ), status


@bp.route("/<int:dispute_id>")
@signed_in
def detail(dispute_id: int):
    return _detail_page(_dispute_or_404(dispute_id))


@bp.route("/attempts/<int:attempt_id>", methods=["POST"])
@signed_in
def flag_attempt(attempt_id: int):
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id or not can_view_attempt(current_user, attempt):
        abort(404)
    assignment = db.session.get(Assignment, attempt.assignment_id) if attempt.assignment_id else None
    hidden = practice_key_hidden(db.session, current_user, attempt, assignment, utcnow())
    form = _flag_form(dom.attempt_targets(attempt, hidden))
    back = url_for("practice.result", attempt_id=attempt.id) + "#disputes-title"
    return _flag(form, back, lambda: dom.flag_attempt(db.session, current_user, attempt, form.target.data,
                                                      form.comment.data, hidden))


@bp.route("/sittings/<int:sitting_id>", methods=["POST"])
@signed_in
def flag_question(sitting_id: int):
    sitting = db.session.get(ExamSitting, sitting_id)
    if sitting is None or sitting.user_id != current_user.id or not can_view_sitting(current_user, sitting):
        abort(404)
    form = _flag_form(dom.sitting_targets(sitting))
    back = url_for("exams.result", sitting_id=sitting.id) + "#disputes-title"
    return _flag(form, back, lambda: dom.flag_question(db.session, current_user, sitting,
                                                       int(form.target.data or 0), form.comment.data))


def _flag(form: FlagForm, back: str, do):
    if not form.validate_on_submit():
        problems = [m for f in (form.target, form.comment) for m in f.errors] or ["Reload the page and try again."]
        flash("Not sent: " + " ".join(str(p) for p in problems), "error")
        return redirect(back, code=303)
    try:
        dispute = do()
    except dom.DisputeError as err:
        db.session.rollback()
        flash(f"Not sent: {err}.", "error")
        return redirect(back, code=303)
    flash("Your dispute is sent to your instructors. Their answer will show here and under Disputes.", "success")
    return redirect(url_for(".detail", dispute_id=dispute.id))


@bp.route("/<int:dispute_id>/answer", methods=["POST"])
@roles(*STAFF)
def answer(dispute_id: int):
    dispute = _dispute_or_404(dispute_id)
    if not dom.can_act(db.session, current_user, dispute):
        abort(404)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _detail_page(dispute, answer_form=form, status=400)
    try:
        dom.answer(db.session, current_user, dispute, form.reply.data)
    except dom.DisputeError as err:
        db.session.rollback()
        form.form_errors.append(str(err).capitalize() + ".")
        return _detail_page(dispute, answer_form=form, status=400)
    flash(f"Answered: {dispute.learner.name} will see your reply.", "success")
    return redirect(url_for(".detail", dispute_id=dispute.id))


@bp.route("/<int:dispute_id>/accept", methods=["POST"])
@roles(*STAFF)
def accept(dispute_id: int):
    dispute = _dispute_or_404(dispute_id)
    if not dom.can_act(db.session, current_user, dispute):
        abort(404)
    form = AcceptForm()
    if not form.validate_on_submit():
        return _detail_page(dispute, accept_form=form, status=400)
    try:
        outcome = dom.accept(db.session, current_user, dispute, form.note.data)
    except dom.DisputeError as err:
        db.session.rollback()
        form.form_errors.append(str(err).capitalize() + ".")
        return _detail_page(dispute, accept_form=form, status=400)
    if outcome == "accepted":
        flash("Accepted. Correct the key and save: every submitted attempt is re-graded, and the dispute "
              "lists the re-grades.", "success")
        return redirect(url_for("authoring.edit", exercise_id=dispute.exercise_id))
    flash("Accepted and recorded as reported to the content maintainers (bundled content is not edited here)."
          + (" You can override the learner's score in the gradebook." if dom.assignment_of(dispute) else ""),
          "success")
    return redirect(url_for(".detail", dispute_id=dispute.id))
