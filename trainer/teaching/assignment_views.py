"""Assignments: instructors create, edit and archive them from the cohort page; learners list and work on them."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import STAFF, roles, signed_in
from ..exams.sittings import ExamError
from ..extensions import db
from ..exercises.store import visible_clause
from ..models import Assignment, Cohort, ExamSitting, ExerciseRecord
from ..models.exams import BlueprintRecord
from ..practice.labels import AREA_LABELS, DIFFICULTY_LABELS, SETTING_LABELS
from .assignment_forms import AssignmentForm
from .assignment_forms import options as choices
from .assignments import (
    KEY_REVEAL, LATE_POLICIES, AssignmentError, AssignmentSpec, NotAllowed, assignments_of, attempts_on, aware,
    is_learner, items_for, pool_options, save_assignment, set_archived, start_item, start_refusal, to_local, to_utc,
)
from .cohorts import can_manage
from .gradebook import learner_cell

bp = Blueprint("assignments", __name__)
DUE_SOON = dt.timedelta(hours=48)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def cohort_or_404(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not can_manage(current_user, cohort):
        abort(404)
    return cohort


def managed_or_404(assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or not can_manage(current_user, assignment.cohort):
        abort(404)
    return assignment


@bp.app_template_global()
def cohort_assignments(cohort: Cohort) -> list[Assignment]:
    """For the cohort page: its assignments, live ones first, by due date."""
    return list(db.session.execute(select(Assignment).where(Assignment.cohort_id == cohort.id)
                                   .order_by(Assignment.archived, Assignment.due_at, Assignment.id)).scalars())


# ── Instructors ─────────────────────────────────────────────────────────────────────────────────────

def _blueprints(cohort: Cohort) -> list[BlueprintRecord]:
    return list(db.session.execute(select(BlueprintRecord).where(
        BlueprintRecord.active.is_(True),
        BlueprintRecord.school_id.is_(None) | (BlueprintRecord.school_id == cohort.school_id))
        .order_by(BlueprintRecord.school_id.is_not(None), BlueprintRecord.name)).scalars())


def _initial(a: Assignment) -> dict:
    return {"title": a.title, "instructions": a.instructions, "kind": a.kind, "exercise_ids": a.exercise_ids or [],
            "pool": (a.draw_rule or {}).get("pool", ""), "count": (a.draw_rule or {}).get("count"),
            "blueprint_id": a.blueprint_id or "", "time_zone": a.time_zone,
            "open_at": to_local(a.open_at, a.time_zone).replace(tzinfo=None),
            "due_at": to_local(a.due_at, a.time_zone).replace(tzinfo=None),
            "attempts_allowed": str(a.attempts_allowed) if a.attempts_allowed else "unlimited",
            "late_policy": a.late_policy, "late_penalty_percent": a.late_penalty_percent or 10,
            "late_penalty_cap": a.late_penalty_cap, "key_reveal": a.key_reveal}


def _spec(form: AssignmentForm) -> AssignmentSpec:
    zone_name = form.time_zone.data
    return AssignmentSpec(
        title=form.title.data or "", instructions=form.instructions.data or "", kind=form.kind.data,
        exercise_ids=[e for e in form.exercise_ids.data or [] if e], pool=form.pool.data or "",
        count=form.count.data or 0, blueprint_id=form.blueprint_id.data or "", time_zone=zone_name,
        open_at=to_utc(form.open_at.data, zone_name), due_at=to_utc(form.due_at.data, zone_name),
        attempts_allowed=None if form.attempts_allowed.data == "unlimited" else int(form.attempts_allowed.data),
        late_policy=form.late_policy.data, late_penalty_percent=form.late_penalty_percent.data or 0,
        late_penalty_cap=form.late_penalty_cap.data or 0, key_reveal=form.key_reveal.data)


def _edit(cohort: Cohort, assignment: Assignment | None):
    form = AssignmentForm(data=_initial(assignment) if assignment and request.method == "GET" else None)
    form.pool.choices = choices([("", "No draw: use the exercises picked above")] + [
        (value, f"{label} ({n} exercise{'s' if n != 1 else ''})") for value, label, n in pool_options(db.session, cohort.school_id)])
    blueprints = _blueprints(cohort)
    form.blueprint_id.choices = choices([("", "Choose an exam")] + [(b.id, b.name) for b in blueprints])
    records = db.session.execute(select(ExerciseRecord).where(visible_clause(cohort.school_id)).order_by(
        ExerciseRecord.area, ExerciseRecord.difficulty, ExerciseRecord.title)).scalars().all()
    status = 200
    if form.validate_on_submit():
        try:
            saved = save_assignment(db.session, current_user, cohort, _spec(form), assignment)
        except AssignmentError as err:
            db.session.rollback()
            for name, message in err.problems.items():
                (form[name].errors.append(message) if name in form else form.form_errors.append(message))
        else:
            flash(f"Saved “{saved.title}”.", "success")
            return redirect(url_for("teaching.detail", cohort_id=cohort.id) + "#assignments-title")
    if request.method == "POST":
        status = 400
    return render_template("teaching/assignment_form.html", form=form, cohort=cohort, assignment=assignment,
                           records=records, area_labels=AREA_LABELS, difficulties=DIFFICULTY_LABELS,
                           settings=SETTING_LABELS, picked=set(form.exercise_ids.data or [])), status


@bp.route("/cohorts/<int:cohort_id>/assignments/new", methods=["GET", "POST"])
@roles(*STAFF)
def new(cohort_id: int):
    return _edit(cohort_or_404(cohort_id), None)


@bp.route("/assignments/<int:assignment_id>/edit", methods=["GET", "POST"])
@roles(*STAFF)
def edit(assignment_id: int):
    assignment = managed_or_404(assignment_id)
    return _edit(assignment.cohort, assignment)


@bp.route("/assignments/<int:assignment_id>/archive", methods=["POST"])
@roles(*STAFF)
def archive(assignment_id: int):
    assignment = managed_or_404(assignment_id)
    archived = request.form.get("archived", "1") == "1"
    set_archived(db.session, current_user, assignment, archived)
    flash(f"“{assignment.title}” is {'archived: learners no longer see it' if archived else 'live again'}.",
          "success")
    return redirect(url_for("teaching.detail", cohort_id=assignment.cohort_id) + "#assignments-title")


# ── Learners ────────────────────────────────────────────────────────────────────────────────────────

GROUPS = (("due_soon", "Due soon"), ("open", "Open"), ("upcoming", "Upcoming"), ("past_due", "Past due"),
          ("done", "Done"))


def group_of(assignment: Assignment, status: str, now: dt.datetime) -> str:
    if status in ("submitted", "late"):
        return "done"
    if now < aware(assignment.open_at):
        return "upcoming"
    if now >= aware(assignment.due_at):
        return "past_due"
    return "due_soon" if aware(assignment.due_at) - now <= DUE_SOON else "open"


@bp.route("/assignments")
@signed_in
def mine():
    now = utcnow()
    groups: dict[str, list] = {key: [] for key, _ in GROUPS}
    for a in assignments_of(db.session, current_user):
        cell = learner_cell(db.session, a, current_user, now)
        groups[group_of(a, cell.status, now)].append(cell)
    return render_template("teaching/assignments.html", groups=groups, labels=dict(GROUPS),
                           order=[k for k, _ in GROUPS])


@bp.route("/assignments/<int:assignment_id>")
@signed_in
def detail(assignment_id: int):
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        abort(404)
    if not is_learner(db.session, current_user, assignment.cohort_id) or assignment.archived:
        if can_manage(current_user, assignment.cohort):
            return redirect(url_for("assignments.gradebook", cohort_id=assignment.cohort_id))
        abort(404)
    now = utcnow()
    opened = now >= aware(assignment.open_at)
    items = items_for(db.session, assignment, current_user, draw=opened)
    cell = learner_cell(db.session, assignment, current_user, now)
    by_item = {r.item: r for r in cell.items}
    rows = []
    for item in items:
        work = attempts_on(db.session, assignment, current_user, item)
        open_one = next((w for w in work if w.submitted_at is None), None)
        refusal = start_refusal(assignment, len(work) - (open_one is not None), now)
        title = (db.session.get(BlueprintRecord, item).name if assignment.kind == "exam"
                 else getattr(db.session.get(ExerciseRecord, item), "title", item))
        rows.append({"item": item, "title": title, "work": work, "open": open_one, "refusal": refusal,
                     "result": by_item.get(item)})
    return render_template("teaching/assignment.html", assignment=assignment, rows=rows, cell=cell, opened=opened,
                           late_policies=LATE_POLICIES, key_reveal=KEY_REVEAL, now=now)


@bp.route("/assignments/<int:assignment_id>/start", methods=["POST"])
@signed_in
def start(assignment_id: int):
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        abort(404)
    try:
        work = start_item(db.session, current_user, assignment, request.form.get("item", ""), utcnow())
    except PermissionError:
        abort(404)
    except (NotAllowed, ExamError) as err:
        flash(str(err), "error")
        return redirect(url_for(".detail", assignment_id=assignment.id))
    if isinstance(work, ExamSitting):
        return redirect(url_for("exams.item", sitting_id=work.id, position=work.position))
    return redirect(url_for("practice.chart", exercise_id=work.exercise_id, assignment=assignment.id))
