"""Cohorts: instructors create them and import rosters; learners join with a code."""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import STAFF, roles, signed_in
from ..extensions import db
from ..models import Cohort, CohortMember, Role
from ..practice.labels import AREA_LABELS
from .cohorts import CohortError, can_manage, create_cohort, import_roster, join
from .progress import cohort_progress, exams_taken
from .progress import progress_csv as progress_csv_text

bp = Blueprint("teaching", __name__, url_prefix="/cohorts")
MAX_ROSTER_BYTES = 512 * 1024


def _cohort_or_404(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not can_manage(current_user, cohort):
        abort(404)
    return cohort


@bp.route("")
@signed_in
def index():
    mine = select(Cohort).join(CohortMember).where(CohortMember.user_id == current_user.id)
    if current_user.role in (Role.SCHOOL_ADMIN, Role.SITE_ADMIN):
        managed = db.session.execute(select(Cohort).where(Cohort.school_id == current_user.school_id)
                                     .order_by(Cohort.name)).scalars().all()
    elif current_user.role == Role.INSTRUCTOR:
        managed = db.session.execute(mine.where(CohortMember.role == "instructor").order_by(Cohort.name)).scalars().all()
    else:
        managed = []
    joined = db.session.execute(mine.where(CohortMember.role == "learner").order_by(Cohort.name)).scalars().all()
    return render_template("teaching/index.html", managed=managed, joined=joined,
                           staff=current_user.role in STAFF)


@bp.route("", methods=["POST"])
@roles(*STAFF)
def create():
    try:
        cohort = create_cohort(db.session, current_user, request.form.get("name", ""))
    except CohortError as err:
        flash(str(err).capitalize() + ".", "error")
        return redirect(url_for(".index"))
    flash(f"Cohort “{cohort.name}” created. Learners join with the code {cohort.join_code}, or import a roster.",
          "success")
    return redirect(url_for(".detail", cohort_id=cohort.id))


@bp.route("/join", methods=["POST"])
@signed_in
def join_cohort():
    try:
        cohort = join(db.session, current_user, request.form.get("code", ""))
    except CohortError as err:
        flash(str(err).capitalize() + ".", "error")
    else:
        flash(f"You are in “{cohort.name}”.", "success")
    return redirect(url_for(".index"))


@bp.route("/<int:cohort_id>")
@roles(*STAFF)
def detail(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    members = sorted(cohort.members, key=lambda m: (m.role != "instructor", m.user.name.lower()))
    return render_template("teaching/detail.html", cohort=cohort, members=members, result=None)


@bp.route("/<int:cohort_id>/roster", methods=["POST"])
@roles(*STAFF)
def roster(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    upload = request.files.get("file")
    if upload and upload.filename:
        raw = upload.read(MAX_ROSTER_BYTES + 1)
        if len(raw) > MAX_ROSTER_BYTES:
            flash("The roster file is larger than 512 KB; split it.", "error")
            return redirect(url_for(".detail", cohort_id=cohort.id))
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            flash("The roster file is not UTF-8 text (save it from the spreadsheet as CSV UTF-8).", "error")
            return redirect(url_for(".detail", cohort_id=cohort.id))
    else:
        text = request.form.get("roster", "")
    result = import_roster(db.session, current_user, cohort, text)
    members = sorted(cohort.members, key=lambda m: (m.role != "instructor", m.user.name.lower()))
    status = 400 if result.problems else 200
    return render_template("teaching/detail.html", cohort=cohort, members=members, result=result,
                           roster_text=text if result.problems else ""), status


@bp.route("/<int:cohort_id>/progress")
@roles(*STAFF)
def progress(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    rows, areas = cohort_progress(db.session, cohort)
    return render_template("teaching/progress.html", cohort=cohort, rows=rows, areas=areas, exams=exams_taken(rows),
                           area_labels=AREA_LABELS)


@bp.route("/<int:cohort_id>/progress.csv")
@roles(*STAFF)
def progress_csv(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    rows, areas = cohort_progress(db.session, cohort)
    body = progress_csv_text(rows, areas)
    name = re.sub(r"[^a-z0-9]+", "-", cohort.name.lower()).strip("-") or "cohort"
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}-progress.csv"'})
