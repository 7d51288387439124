"""The exercise editor: a school's own exercises, written in the browser or imported as files."""
from __future__ import annotations

import yaml
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from ..access import STAFF, roles
from ..exercises import markdown
from ..exercises.regrade import regrade_log
from ..exercises.store import exercise_of, is_visible, public_view
from ..extensions import db
from ..models import ExerciseRecord
from ..practice.labels import AREA_LABELS, DIFFICULTY_LABELS, SETTING_LABELS
from . import service, transfer
from .forms import LISTS, ExerciseForm, ImportForm, PreviewForm
from .yamlfile import form_field, from_data, to_source

bp = Blueprint("authoring", __name__, url_prefix="/authoring")
ROW_LABELS = {"documents": "document", "diagnoses": "diagnosis", "procedures": "procedure line",
              "pcs": "ICD-10-PCS code"}


def _mine_or_404(exercise_id: str) -> ExerciseRecord:
    record = service.owned(db.session, current_user.school_id, exercise_id)
    if record is None:
        abort(404)  # another school's, bundled, or none: never confirm it exists
    return record


@bp.route("")
@roles(*STAFF)
def index():
    bundled = db.session.execute(select(ExerciseRecord.id, ExerciseRecord.title, ExerciseRecord.area).where(
        ExerciseRecord.owner_school_id.is_(None), ExerciseRecord.active.is_(True))
        .order_by(ExerciseRecord.area, ExerciseRecord.title)).all()
    return render_template("authoring/index.html", records=service.school_exercises(db.session, current_user.school_id),
                           bundled=bundled, areas=AREA_LABELS)


def _start_from(source_id: str | None) -> dict:
    """The editor's fields for a new exercise: empty, or a copy of a bundled or own exercise."""
    if not source_id:
        return {"difficulty": "2", "documents": [{}], "diagnoses": [{}]}
    record = db.session.get(ExerciseRecord, source_id)
    mine = record is not None and record.owner_school_id == current_user.school_id
    if not (mine or is_visible(record, current_user.school_id)):
        abort(404)
    data = from_data(exercise_of(record).data, record.area)
    data["id"] = f"{data['id'][:50]}-copy"
    data["title"] = f"{data['title']} (copy)"
    return data


@bp.route("/new", methods=["GET", "POST"])
@roles(*STAFF)
def new():
    form = ExerciseForm() if request.method == "POST" else ExerciseForm(data=_start_from(request.args.get("from")))
    return _editor(form, None)


@bp.route("/<exercise_id>/edit", methods=["GET", "POST"])
@roles(*STAFF)
def edit(exercise_id: str):
    record = _mine_or_404(exercise_id)
    form = ExerciseForm() if request.method == "POST" else ExerciseForm(
        data=from_data(yaml.safe_load(record.source), record.area))
    return _editor(form, record)


def _list_action(action: str, data: dict) -> bool:
    """Add, remove and move rows (buttons that work without JavaScript). True if one was done."""
    parts = action.split(":")
    if len(parts) < 2 or parts[1] not in LISTS:
        return False
    rows = data[parts[1]]
    if parts[0] == "add":
        rows.append({"units": "1"} if parts[1] == "procedures" else {})
        return True
    try:
        i = int(parts[2])
    except (IndexError, ValueError):
        return False
    if not 0 <= i < len(rows):
        return False
    if parts[0] == "remove":
        rows.pop(i)
    elif parts[0] in ("up", "down"):
        j = i - 1 if parts[0] == "up" else i + 1
        if 0 <= j < len(rows):
            rows[i], rows[j] = rows[j], rows[i]
    return True


def _fields_by_name(form) -> dict:
    out = {}
    for field in form:
        if field.type == "FieldList":
            for entry in field.entries:
                for sub in entry.form:
                    out[sub.name] = sub
        else:
            out[field.name] = field
    return out


def _attach(form, problems, prefix: str = "") -> list:
    """Put each problem next to the field it concerns; return those that belong to no field."""
    fields = _fields_by_name(form)
    loose = []
    for p in problems:
        name = form_field(p.field, p.message)
        field = fields.get(name)
        text = prefix + p.message if field is not None else f"{prefix}{p.field}: {p.message}"
        if field is not None:
            field.errors = [*field.errors, text]
        else:
            loose.append(text)
    return loose


def _editor(form: ExerciseForm, record: ExerciseRecord | None):
    checked, general, previews, status = None, [], None, 200
    if request.method == "POST":
        if not form.validate():
            return _render_editor(form, record, None, [], None, 400)
        data = {k: v for k, v in form.data.items() if k != "csrf_token"}
        if record is not None:
            data["id"] = exercise_of(record).data["id"]  # the id of a saved exercise never changes
        action = request.form.get("action", "check")
        if _list_action(action, data):
            return _render_editor(ExerciseForm(formdata=None, data=data), record, None, [], None)
        text, early = to_source(data)
        previews = [Markup(markdown.render(d.get("body"))) for d in data["documents"]]  # noqa: S704 - sanitized
        for name, messages in early.items():
            form[name].errors = [*form[name].errors, *messages]
        if action in ("draft", "publish") and not early:
            saved = service.save(db.session, current_user.school, current_user, text, data["id"].strip(),
                                 data["area"], action == "publish", record)
            if saved.ok:
                state = "saved as a draft (learners do not see it)" if saved.record.draft else "published"
                extra = f"; {saved.regraded} submitted attempts re-graded" if saved.regraded else ""
                flash(f"Exercise {state}{extra}.", "success")
                return redirect(url_for("authoring.detail", exercise_id=saved.record.id))
            checked = saved.checked
            if saved.error:
                general.append(saved.error)
            elif checked.exercise is not None:
                general.append("Not published: the key has findings that reject or deny the claim. Fix them, "
                               "or save it as a draft.")
        else:
            checked = service.check_source(db.session, text, data["id"].strip() or "exercise", data["area"])
        general += _attach(form, checked.problems)
        status = 200 if checked.publishable else 422
    return _render_editor(form, record, checked, general, previews, status)


def _summary(form) -> list[tuple[str, str, str]]:
    """(field id, label, message) for the error summary, rows named by their number."""
    out = []
    for name, field in _fields_by_name(form).items():
        parts = name.split("-")
        label = field.label.text
        if len(parts) == 3 and parts[0] in ROW_LABELS:
            label = f"{ROW_LABELS[parts[0]].capitalize()} {int(parts[1]) + 1}, {label.lower()}"
        out += [(field.id, label, message) for message in field.errors if isinstance(message, str)]
    return out


def _render_editor(form, record, checked, general, previews, status=200):
    warnings = [f"{p.field}: {p.message}" for p in (checked.warnings if checked else [])]
    return render_template("authoring/edit.html", form=form, record=record, checked=checked, general=general,
                           summary=_summary(form), warnings=warnings, previews=previews,
                           row_labels=ROW_LABELS), status


@bp.route("/preview", methods=["POST"])
@roles(*STAFF)
def preview():
    """The live preview: one document's Markdown as the learner will see it (sanitized HTML)."""
    form = PreviewForm()
    if not form.validate():
        return Response("Your form expired; reload the page.", status=400, mimetype="text/plain")
    return Response(markdown.render(form.body.data or ""), mimetype="text/html")


@bp.route("/<exercise_id>")
@roles(*STAFF)
def detail(exercise_id: str):
    record = _mine_or_404(exercise_id)
    exercise = exercise_of(record)
    view = public_view(exercise.variant(0))
    return render_template("authoring/detail.html", record=record, exercise=view, key=exercise.variant(0)["key"],
                           log=regrade_log(db.session, record.id), settings=SETTING_LABELS,
                           difficulties=DIFFICULTY_LABELS, areas=AREA_LABELS)


@bp.route("/<exercise_id>/export")
@roles(*STAFF)
def export_one(exercise_id: str):
    record = _mine_or_404(exercise_id)
    return transfer.download(record.source, "application/yaml", service.export_name(record))


@bp.route("/export.zip")
@roles(*STAFF)
def export_all():
    records = [r for r in service.school_exercises(db.session, current_user.school_id) if not r.draft and r.active]
    slug = current_user.school.slug if current_user.school else "school"
    return transfer.download(service.export_zip(records), "application/zip", f"{slug}-exercises.zip")


@bp.route("/import", methods=["GET", "POST"])
@roles(*STAFF)
def import_files():
    form = ImportForm()
    return transfer.import_page(
        form, "authoring/import.html",
        read=lambda name, raw: service.read_upload(name, raw, form.area.data),
        save=lambda uploaded: service.import_files(db.session, current_user.school, current_user, uploaded),
        summary=lambda r: f"Imported: {r.created} new, {r.updated} updated, {r.unchanged} unchanged"
                          + (f"; {r.regraded} submitted attempts re-graded." if r.regraded else "."),
        done_url=url_for("authoring.index"))
