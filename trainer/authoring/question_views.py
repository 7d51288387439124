"""The question editor: a school's own exam questions, written in the browser or imported as files."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from ..access import STAFF, roles
from ..cli_paths import QUESTIONS_DIR
from ..exams.questions import EXAMS
from ..exams.rescore import rescore_log
from ..exercises import markdown
from ..extensions import db
from ..models.exams import QuestionRecord
from . import question_service as service
from . import transfer
from .question_file import form_field, from_record, to_source
from .question_forms import EXAM_LABELS, QuestionImportForm, question_form

bp = Blueprint("question_authoring", __name__, url_prefix="/authoring/questions")


def _mine_or_404(question_id: str) -> QuestionRecord:
    record = service.owned(db.session, current_user.school_id, question_id)
    if record is None:
        abort(404)  # another school's, bundled, or none: never confirm it exists
    return record


def _sections() -> dict[str, list[tuple[str, str]]]:
    """Each exam's sections (id, name), from the bundled blueprints."""
    return {bp["id"]: [(s["id"], s["name"]) for s in bp["sections"]]
            for bp in service.bundled_blueprints(db.session) if bp["id"] in EXAMS}


@bp.route("")
@roles(*STAFF)
def index():
    bundled = db.session.execute(select(QuestionRecord.id, QuestionRecord.path, QuestionRecord.stem).where(
        QuestionRecord.owner_school_id.is_(None), QuestionRecord.active.is_(True))
        .order_by(QuestionRecord.path, QuestionRecord.id)).all()
    return render_template("authoring/questions/index.html",
                           records=service.school_questions(db.session, current_user.school_id),
                           bundled=bundled, file_id=service.file_id, exam_labels=EXAM_LABELS)


def _start_from(source_id: str | None) -> dict:
    """The editor's fields for a new question: empty, or a copy of a bundled or own question."""
    if not source_id:
        return {"code_set_year": "FY2026"}
    record = db.session.get(QuestionRecord, source_id)
    visible = record is not None and record.active and not record.draft and record.owner_school_id is None
    if not (visible or (record is not None and record.owner_school_id == current_user.school_id)):
        abort(404)
    data = from_record(record, QUESTIONS_DIR)
    data["id"] = f"{data['id'][:50]}-copy"
    return data


@bp.route("/new", methods=["GET", "POST"])
@roles(*STAFF)
def new():
    kw = {} if request.method == "POST" else {"data": _start_from(request.args.get("from"))}
    return _editor(question_form(_sections(), **kw), None)


@bp.route("/<question_id>/edit", methods=["GET", "POST"])
@roles(*STAFF)
def edit(question_id: str):
    record = _mine_or_404(question_id)
    kw = {} if request.method == "POST" else {"data": from_record(record, QUESTIONS_DIR)}
    return _editor(question_form(_sections(), **kw), record)


def _attach(form, problems, exams: list[str]) -> list[str]:
    """Put each problem next to the field it concerns; return those that belong to no field."""
    loose = []
    for p in problems:
        name = form_field(p.field, exams, p.message)
        if name and name in form:
            form[name].errors = [*form[name].errors, p.message]
        else:
            loose.append(f"{p.field}: {p.message}")
    return loose


def _editor(form, record: QuestionRecord | None):
    checked, general, previews, status = None, [], None, 200
    if request.method == "POST":
        if not form.validate():
            return _render(form, record, None, [], None, 400)
        data = {k: v for k, v in form.data.items() if k != "csrf_token"}
        if record is not None:
            data["id"] = service.file_id(record)  # the id of a saved question never changes
        action = request.form.get("action", "check")
        text, early = to_source(data)
        previews = {k: Markup(markdown.render(data.get(k))) for k in ("stem", "rationale")}  # noqa: S704 - sanitized
        for name, messages in early.items():
            form[name].errors = [*form[name].errors, *messages]
        if action in ("draft", "publish") and not early:
            saved = service.save(db.session, current_user.school, current_user, text, action == "publish", record)
            if saved.ok:
                state = "saved as a draft (learners do not draw it)" if saved.record.draft else "published"
                extra = f"; {saved.rescored} submitted sittings re-scored" if saved.rescored else ""
                flash(f"Question {state}{extra}.", "success")
                return redirect(url_for(".detail", question_id=saved.record.id))
            checked = saved.checked
            if saved.error:
                general.append(saved.error)
            elif checked.questions:
                general.append("Not published: the question has problems. Fix them, or save it as a draft.")
            else:
                general.append("Not saved: a question that is not a valid file cannot be saved, even as a draft.")
        else:
            checked = service.check_source(db.session, text)
        general += _attach(form, checked.problems, [e for e in EXAMS if data.get(f"exam_{e}")])
        status = 200 if checked.publishable and not early and not general else 422
    return _render(form, record, checked, general, previews, status)


def _render(form, record, checked, general, previews, status=200):
    summary = [(f.id, f.label.text, m) for f in form for m in f.errors if isinstance(m, str)]
    return render_template("authoring/questions/edit.html", form=form, record=record, checked=checked,
                           general=general, summary=summary, previews=previews or {}, exams=EXAMS,
                           exam_labels=EXAM_LABELS), status


@bp.route("/<question_id>")
@roles(*STAFF)
def detail(question_id: str):
    record = _mine_or_404(question_id)
    names = {exam: dict(rows) for exam, rows in _sections().items()}
    return render_template("authoring/questions/detail.html", record=record, file_id=service.file_id(record),
                           log=rescore_log(db.session, record.id), section_names=names, exam_labels=EXAM_LABELS)


@bp.route("/<question_id>/export")
@roles(*STAFF)
def export_one(question_id: str):
    record = _mine_or_404(question_id)
    return transfer.download(record.source, "application/yaml", record.path)


@bp.route("/export.zip")
@roles(*STAFF)
def export_all():
    records = [r for r in service.school_questions(db.session, current_user.school_id) if not r.draft and r.active]
    slug = current_user.school.slug if current_user.school else "school"
    return transfer.download(service.export_zip(records), "application/zip", f"{slug}-questions.zip")


@bp.route("/import", methods=["GET", "POST"])
@roles(*STAFF)
def import_files():
    return transfer.import_page(
        QuestionImportForm(), "authoring/questions/import.html", read=service.read_upload,
        save=lambda uploaded: service.import_files(db.session, current_user.school, current_user, uploaded),
        summary=lambda r: f"Imported: {r.created} new, {r.updated} updated, {r.unchanged} unchanged"
                          + (f"; {r.rescored} submitted sittings re-scored." if r.rescored else "."),
        done_url=url_for(".index"))
