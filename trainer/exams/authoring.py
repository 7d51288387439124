"""Instructors' own exam blueprints: list, create, edit, withdraw (routes on the exams blueprint)."""
from __future__ import annotations

import re
import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import STAFF, roles
from ..extensions import db
from ..models.exams import BlueprintRecord
from .blueprints import custom_blueprint
from .forms import blueprint_form, section_field
from .questions import EXAMS
from .store import pool_sections
from .views import bp


def _own_or_404(blueprint_id: str) -> BlueprintRecord:
    record = db.session.get(BlueprintRecord, blueprint_id)
    if record is None or record.school_id is None or record.school_id != current_user.school_id:
        abort(404)
    return record


def _base(pool: str) -> dict:
    record = db.session.get(BlueprintRecord, pool)
    if pool not in EXAMS or record is None or record.school_id is not None:
        abort(404)
    return record.data


@bp.route("/blueprints")
@roles(*STAFF)
def blueprints():
    own = db.session.execute(select(BlueprintRecord).where(BlueprintRecord.school_id == current_user.school_id)
                             .order_by(BlueprintRecord.active.desc(), BlueprintRecord.name)).scalars().all()
    return render_template("exams/blueprints.html", own=own, pools=EXAMS)


def _edit(record: BlueprintRecord | None, pool: str):
    base = _base(pool)
    available = pool_sections(db.session, pool, current_user.school_id)
    data = record.data if record else None
    form = blueprint_form(base, available, data=None if request.method == "POST" or not data else {
        "name": data["name"], "minutes": data["minutes"], "notice_minutes": data.get("time_notice_minutes", 0),
        "pass_mark": data["pass_mark"], **{section_field(s["id"]): s["items"] for s in data["sections"]}})
    if form.validate_on_submit():
        counts = {s["id"]: form[section_field(s["id"])].data or 0 for s in base["sections"]}
        slug = re.sub(r"[^a-z0-9]+", "-", form.name.data.lower()).strip("-")[:40] or "exam"
        blueprint_id = record.id if record else f"s{current_user.school_id}-{slug}-{secrets.token_hex(3)}"
        try:
            made = custom_blueprint(base, blueprint_id, form.name.data.strip(), form.minutes.data,
                                    form.pass_mark.data, counts, form.notice_minutes.data or 0, current_user.name)
        except ValueError as err:
            form.form_errors.append(str(err))
        else:
            if record is None:
                record = BlueprintRecord(id=blueprint_id, school_id=current_user.school_id, pool=pool,
                                         created_by=current_user.id, active=True, name=made["name"], data=made)
                db.session.add(record)
            else:
                record.name, record.data = made["name"], made
            db.session.commit()
            flash(f"Saved “{made['name']}”: {made['items']} questions, {made['minutes']} minutes. "
                  "Learners of your school find it under Exams.", "success")
            return redirect(url_for(".blueprints"))
    return render_template("exams/blueprint_form.html", form=form, record=record, pool=pool, base=base)


@bp.route("/blueprints/new/<pool>", methods=["GET", "POST"])
@roles(*STAFF)
def new_blueprint(pool: str):
    return _edit(None, pool)


@bp.route("/blueprints/<blueprint_id>/edit", methods=["GET", "POST"])
@roles(*STAFF)
def edit_blueprint(blueprint_id: str):
    record = _own_or_404(blueprint_id)
    return _edit(record, record.pool)


@bp.route("/blueprints/<blueprint_id>/active", methods=["POST"])
@roles(*STAFF)
def toggle_blueprint(blueprint_id: str):
    record = _own_or_404(blueprint_id)
    record.active = request.form.get("active") == "1"
    db.session.commit()
    flash(f"“{record.name}” is {'available to learners again' if record.active else 'withdrawn'}; "
          "finished sittings keep their results.", "success")
    return redirect(url_for(".blueprints"))
