"""Billing exercises: the catalog by task, an exercise (scenario and answer form), the graded result.

Thin views: the exercises are files (cached per process), the keys and grades come from
trainer.billing.tasks. The key and the rationale reach the browser only on a result page, after
the learner submitted; an attempt is shown to its owner only.
"""
from __future__ import annotations

import functools
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from ..access import signed_in
from ..cli_paths import BILLING_DIR
from ..edits.data import shared as shared_edit_data
from ..extensions import db
from ..models import BillingAttempt
from . import tasks_ar, tasks_denial, tasks_front
from .exercises import TASK_LABELS, TASKS, BillingExercise, load_billing_tree
from .tasks import compute_key, grade, scenario

bp = Blueprint("billing", __name__, url_prefix="/billing")
MAX_FIELDS, MAX_VALUE = 300, 200
CHOICES = {"yes_no": tasks_front.YES_NO, "pa_reasons": tasks_front.PA_REASONS, "groups": tasks_denial.GROUP_LABELS,
           "causes": tasks_denial.ROOT_CAUSES, "actions": tasks_denial.ACTION_LABELS, "changes": tasks_denial.CHANGES,
           "appeal_reasons": tasks_denial.APPEAL_LABELS, "buckets": tasks_ar.BUCKET_LABELS,
           "ar_actions": tasks_ar.ACTIONS}


@functools.cache
def _bundled(root: str) -> dict[str, BillingExercise]:
    found, _ = load_billing_tree(Path(root))  # `trainer billing validate` (CI) keeps the tree clean
    return {ex.id: ex for ex in found}


def exercises() -> dict[str, BillingExercise]:
    return _bundled(str(current_app.config.get("BILLING_EXERCISES_DIR") or BILLING_DIR))


def _exercise_or_404(exercise_id: str) -> BillingExercise:
    ex = exercises().get(exercise_id)
    if ex is None:
        abort(404)
    return ex


def _own_attempt_or_404(attempt_id: int) -> BillingAttempt:
    attempt = db.session.get(BillingAttempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)  # another learner's attempt does not exist, as far as this user can tell
    return attempt


@bp.route("")
@signed_in
def index():
    by_task = {task: [] for task in TASKS}
    for ex in sorted(exercises().values(), key=lambda e: (e.data["difficulty"], e.title)):
        by_task[ex.task].append(ex)
    best = dict(db.session.execute(
        select(BillingAttempt.exercise_id, func.max(BillingAttempt.score / BillingAttempt.max_score))
        .where(BillingAttempt.user_id == current_user.id, BillingAttempt.max_score > 0)
        .group_by(BillingAttempt.exercise_id)).all())
    recent = db.session.execute(select(BillingAttempt).where(BillingAttempt.user_id == current_user.id)
                                .order_by(BillingAttempt.submitted_at.desc(), BillingAttempt.id.desc())
                                .limit(10)).scalars().all()
    return render_template("billing/index.html", by_task=by_task, labels=TASK_LABELS, best=best, recent=recent,
                           titles={k: e.title for k, e in exercises().items()})


@bp.route("/<exercise_id>")
@signed_in
def exercise(exercise_id: str):
    ex = _exercise_or_404(exercise_id)
    history = db.session.execute(select(BillingAttempt).where(
        BillingAttempt.user_id == current_user.id, BillingAttempt.exercise_id == ex.id)
        .order_by(BillingAttempt.submitted_at.desc(), BillingAttempt.id.desc())).scalars().all()
    return render_template("billing/exercise.html", ex=ex, d=ex.data, labels=TASK_LABELS, history=history,
                           sc=scenario(ex, shared_edit_data(db.session)), choices=CHOICES)


@bp.route("/<exercise_id>", methods=["POST"])
@signed_in
def submit(exercise_id: str):
    ex = _exercise_or_404(exercise_id)
    answer = {k: v[:MAX_VALUE] for k, v in list(request.form.items())[:MAX_FIELDS] if k != "csrf_token"}
    result = grade(ex, compute_key(ex, shared_edit_data(db.session)), answer)
    graded = result.as_dict()
    attempt = BillingAttempt(user_id=current_user.id, exercise_id=ex.id, task=ex.task, checksum=ex.checksum,
                             answer=answer, score=graded["score"], max_score=graded["max_score"],
                             findings=graded["findings"])
    db.session.add(attempt)
    db.session.commit()
    return redirect(url_for(".result", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>")
@signed_in
def result(attempt_id: int):
    attempt = _own_attempt_or_404(attempt_id)
    ex = _exercise_or_404(attempt.exercise_id)
    data = shared_edit_data(db.session)
    return render_template("billing/result.html", ex=ex, d=ex.data, attempt=attempt, labels=TASK_LABELS,
                           key=compute_key(ex, data), sc=scenario(ex, data), choices=CHOICES)
