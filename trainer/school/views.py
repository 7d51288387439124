"""The school-admin area: instructors and learners, the school-wide report with CSV, a learner's
data export and deletion. School admins see their school; site admins choose any school."""
from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import ADMINS, roles, same_school_or_404
from ..extensions import db
from ..models import Role, School, User
from ..practice.labels import AREA_LABELS
from .forms import DeleteLearnerForm
from .learner_data import DeletionError, delete_learner, export_zip, may_delete
from .report import instructors, report_csv, school_report

bp = Blueprint("school", __name__, url_prefix="/school")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _school() -> School:
    """The school shown: the admin's own; a site admin may pick another with ?school=ID."""
    wanted = request.args.get("school", type=int)
    if wanted and current_user.role == Role.SITE_ADMIN:
        return db.session.get(School, wanted) or abort(404)
    return current_user.school


def _schools() -> list[School]:
    if current_user.role != Role.SITE_ADMIN:
        return []
    return list(db.session.execute(select(School).order_by(School.name)).scalars())


def _learner_or_404(user_id: int) -> User:
    learner = same_school_or_404(current_user, db.session.get(User, user_id) or abort(404))
    if not may_delete(current_user, learner):
        abort(404)
    return learner


@bp.route("")
@roles(*ADMINS)
def index():
    school = _school()
    learners = list(db.session.execute(select(User).where(User.school_id == school.id, User.role == Role.LEARNER)
                                       .order_by(User.name)).scalars())
    return render_template("school/index.html", school=school, schools=_schools(),
                           teachers=instructors(db.session, school.id), learners=learners)


@bp.route("/report")
@roles(*ADMINS)
def report():
    school = _school()
    return render_template("school/report.html", school=school, schools=_schools(),
                           report=school_report(db.session, school, _now()), area_labels=AREA_LABELS)


@bp.route("/report.csv")
@roles(*ADMINS)
def report_export():
    school = _school()
    body = report_csv(school_report(db.session, school, _now()), AREA_LABELS)
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{school.slug}-report.csv"'})


@bp.route("/learners/<int:user_id>/export.zip")
@roles(*ADMINS)
def export(user_id: int):
    learner = _learner_or_404(user_id)
    name = re.sub(r"[^a-z0-9]+", "-", learner.email.lower()).strip("-")
    current_app.logger.info("learner data export: user %s by user %s", learner.id, current_user.id)
    return Response(export_zip(db.session, learner, _now()), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="learner-{name}.zip"'})


@bp.route("/learners/<int:user_id>/delete", methods=["GET", "POST"])
@roles(*ADMINS)
def delete(user_id: int):
    learner = _learner_or_404(user_id)
    form = DeleteLearnerForm()
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            try:
                log = delete_learner(db.session, current_user, learner, form.email.data)
            except DeletionError as err:
                db.session.rollback()
                form.email.errors = [str(err).capitalize() + "."]
            else:
                current_app.logger.info("learner deleted: deletion_log %s by user %s", log.id, current_user.id)
                flash("The learner and their data were deleted. The deletion is logged without their name.",
                      "success")
                return redirect(url_for(".index", school=log.school_id))
    return render_template("school/delete.html", learner=learner, form=form), status
