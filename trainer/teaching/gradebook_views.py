"""The gradebook pages: learners × assignments, one learner's cell with its attempts and overrides, CSV."""
from __future__ import annotations

import re

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..access import STAFF, roles
from ..extensions import db
from ..lti import background as lti_passback
from ..models import ExerciseRecord, User
from ..models.exams import BlueprintRecord
from .assignment_forms import OverrideForm
from .assignment_views import cohort_or_404, managed_or_404, bp, utcnow
from .assignments import is_learner
from .gradebook import STATUS_LABELS, gradebook_csv, learner_cell, override_log, override_score
from .gradebook import gradebook as build_gradebook


@bp.route("/cohorts/<int:cohort_id>/gradebook")
@roles(*STAFF)
def gradebook(cohort_id: int):
    cohort = cohort_or_404(cohort_id)
    book = build_gradebook(db.session, cohort, utcnow())
    return render_template("teaching/gradebook.html", cohort=cohort, book=book, status_labels=STATUS_LABELS)


@bp.route("/cohorts/<int:cohort_id>/gradebook.csv")
@roles(*STAFF)
def gradebook_export(cohort_id: int):
    cohort = cohort_or_404(cohort_id)
    body = gradebook_csv(build_gradebook(db.session, cohort, utcnow()))
    name = re.sub(r"[^a-z0-9]+", "-", cohort.name.lower()).strip("-") or "cohort"
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}-gradebook.csv"'})


def _cell_page(assignment_id: int, user_id: int, form: OverrideForm | None = None, status: int = 200):
    assignment = managed_or_404(assignment_id)
    learner = db.session.get(User, user_id)
    if learner is None or not is_learner(db.session, learner, assignment.cohort_id):
        abort(404)
    cell = learner_cell(db.session, assignment, learner, utcnow())
    titles = {}
    for r in cell.items:
        record = db.session.get(BlueprintRecord if assignment.kind == "exam" else ExerciseRecord, r.item)
        titles[r.item] = getattr(record, "name", None) or getattr(record, "title", None) or "Not drawn yet"
    return render_template("teaching/gradebook_cell.html", assignment=assignment, learner=learner, cell=cell,
                           titles=titles, log=override_log(db.session, assignment, learner),
                           form=form or OverrideForm(), status_labels=STATUS_LABELS), status


@bp.route("/assignments/<int:assignment_id>/learners/<int:user_id>")
@roles(*STAFF)
def cell(assignment_id: int, user_id: int):
    return _cell_page(assignment_id, user_id)


@bp.route("/assignments/<int:assignment_id>/learners/<int:user_id>", methods=["POST"])
@roles(*STAFF)
def override(assignment_id: int, user_id: int):
    assignment = managed_or_404(assignment_id)
    learner = db.session.get(User, user_id)
    if learner is None or not is_learner(db.session, learner, assignment.cohort_id):
        abort(404)
    form = OverrideForm()
    if not form.validate_on_submit():
        return _cell_page(assignment_id, user_id, form, 400)
    try:
        row = override_score(db.session, current_user, assignment, learner, float(form.score.data),
                             form.comment.data, utcnow())
    except ValueError as err:
        form.form_errors.append(str(err))
        return _cell_page(assignment_id, user_id, form, 400)
    lti_passback.assignment_score_changed(assignment, learner)  # to the LMS gradebook when linked
    flash(f"{learner.name}'s score on “{assignment.title}” is now {row.new_score:g} %.", "success")
    return redirect(url_for(".cell", assignment_id=assignment.id, user_id=learner.id))
