"""A school's own exercises: check, save (draft or published), import and export (no Flask).

Every path in goes through the file checks (trainer.exercises.format.parse_exercise: schema,
dates, placeholders) and the validation engine (trainer.exercises.validate.engine_problems),
exactly as ``trainer setup`` checks the bundled files. A key with a reject or deny finding may be
saved as a draft, never published. Saving or importing a changed key re-grades the exercise's
submitted attempts (trainer.exercises.regrade).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..codes.normalize import normalise
from ..edits import Severity
from ..edits.data import shared as shared_edit_data
from ..edits.model import EncounterError
from ..exercises.format import Exercise, ExerciseError, parse_exercise
from ..exercises.regrade import regrade
from ..exercises.schema import Problem
from ..exercises.store import exercise_of
from ..exercises.validate import engine_problems, key_findings
from ..models import ExerciseRecord, School, User
from ..practice.labels import AREA_LABELS
from . import files

MAX_UPLOAD_BYTES, MAX_FILE_BYTES, MAX_FILES = files.MAX_UPLOAD_BYTES, files.MAX_FILE_BYTES, files.MAX_FILES
UploadError, Upload = files.UploadError, files.Upload
ID_COLUMN = 64  # ExerciseRecord.id


def record_id(school_id: int, file_id: str) -> str:
    """A school's exercise is stored as "<school id>.<file id>": file ids never hold a dot, so it
    cannot collide with a bundled exercise or another school's."""
    return f"{school_id}.{file_id}"


def school_exercises(session: Session, school_id: int) -> list[ExerciseRecord]:
    return list(session.execute(select(ExerciseRecord).where(ExerciseRecord.owner_school_id == school_id)
                                .order_by(ExerciseRecord.area, ExerciseRecord.title)).scalars())


def owned(session: Session, school_id: int, exercise_id: str) -> ExerciseRecord | None:
    record = session.get(ExerciseRecord, exercise_id)
    return record if record is not None and record.owner_school_id == school_id else None


@dataclass
class Checked:
    """The outcome of the checks on one file's text."""

    exercise: Exercise | None  # None: the file itself is not valid (schema, dates, YAML)
    problems: list[Problem] = field(default_factory=list)  # any of these blocks publishing
    warnings: list[Problem] = field(default_factory=list)  # warn findings: shown, never blocking

    @property
    def publishable(self) -> bool:
        return self.exercise is not None and not self.problems


def check_source(session: Session, text: str | bytes, stem: str, area: str, shown: str | None = None) -> Checked:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    shown = shown or f"{area}/{stem}.yaml"
    if len(raw) > MAX_FILE_BYTES:
        return Checked(None, [Problem(shown, "(file)", None, f"larger than {MAX_FILE_BYTES // 1024} KB")])
    if area not in AREA_LABELS:
        return Checked(None, [Problem(shown, "area", None, f"{area!r} is not a practice area")])
    try:
        exercise = parse_exercise(raw, shown, stem, area)
    except ExerciseError as err:
        return Checked(None, err.problems)
    data = shared_edit_data(session)
    problems, placed, warnings = engine_problems(exercise, data), {}, []
    for n in range(exercise.variant_count):
        try:
            _, findings = key_findings(exercise, data, n)
        except (EncounterError, IndexError, KeyError):
            continue  # engine_problems reported it
        label = f"key (variant {n})" if exercise.variant_count > 1 else "key"
        dx = [normalise(str(d["code"])) for d in exercise.variant(n)["key"]["diagnoses"]]
        for f in findings:
            message = f"{f.rule}{f' line {f.line}' if f.line else ''}: {f.message}"
            field = label
            if f.line:
                field = f"key.procedures[{f.line - 1}].code"
            elif f.code and normalise(f.code) in dx:
                field = f"key.diagnoses[{dx.index(normalise(f.code))}].code"
            if f.severity == Severity.WARN:
                warnings.append(Problem(shown, field, None, message))
            else:
                placed[(label, message)] = field
    # the engine's own verdict decides; the findings only say which field each problem belongs to
    problems = [Problem(p.path, placed.get((p.field, p.message), p.field), p.line, p.message) for p in problems]
    return Checked(exercise, problems, warnings)


@dataclass
class Saved:
    record: ExerciseRecord | None
    checked: Checked
    regraded: int = 0
    error: str = ""  # a reason that is not a validation problem (id taken, id changed)

    @property
    def ok(self) -> bool:
        return self.record is not None


def _fields(exercise: Exercise, area: str, text: str) -> dict:
    data = exercise.data
    return dict(title=data["title"], kind=data["kind"], area=area, setting=data["setting"],
                difficulty=data["difficulty"], tags=data["tags"], variant_count=exercise.variant_count, source=text,
                path=f"{area}/{exercise.id}.yaml", checksum=exercise.checksum, active=True)


def _upsert(session: Session, school: School, user: User, exercise: Exercise, area: str, text: str,
            draft: bool, trigger: str, row: ExerciseRecord | None) -> tuple[ExerciseRecord, int]:
    if row is None:
        row = ExerciseRecord(id=record_id(school.id, exercise.id), owner_school_id=school.id, author_id=user.id,
                             draft=draft, **_fields(exercise, area, text))
        session.add(row)
        return row, 0
    old = exercise_of(row)
    for k, v in _fields(exercise, area, text).items():
        setattr(row, k, v)
    row.draft = draft
    row.updated_at = dt.datetime.now(dt.timezone.utc)
    return row, len(regrade(session, row, old, exercise, trigger, user))


def save(session: Session, school: School, user: User, text: str, stem: str, area: str, publish: bool,
         existing: ExerciseRecord | None = None) -> Saved:
    """Save the editor's file text as a draft or published; nothing is written unless it may be."""
    checked = check_source(session, text, stem, area)
    if checked.exercise is None or (publish and checked.problems):
        return Saved(None, checked)
    ex = checked.exercise
    rid = record_id(school.id, ex.id)
    if existing is not None and existing.id != rid:
        return Saved(None, checked, error="the id of a saved exercise cannot change (learners' attempts "
                                          "are linked to it); duplicate it to use another id")
    if existing is None and session.get(ExerciseRecord, rid) is not None:
        return Saved(None, checked, error=f"your school already has an exercise with the id {ex.id}")
    if len(rid) > ID_COLUMN:
        return Saved(None, checked, error=f"the id is too long (at most {ID_COLUMN - len(str(school.id)) - 1} "
                                          "characters)")
    row, regraded = _upsert(session, school, user, ex, area, text, not publish, "editor", existing)
    session.commit()
    return Saved(row, checked, regraded)


# ── Import and export ─────────────────────────────────────────────────────────────────────────

def read_upload(filename: str, raw: bytes, default_area: str) -> list[Upload]:
    """One YAML file, or a zip of them (``<area>/<id>.yaml`` as exported; a file outside a known
    area folder goes to ``default_area``)."""
    uploads = files.read_upload(filename, raw, "exercise", MAX_FILES)
    for up in uploads:
        up.area = up.folder if up.folder in AREA_LABELS else default_area
    return uploads


@dataclass
class Imported:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    regraded: int = 0
    errors: dict[str, list[str]] = field(default_factory=dict)  # file name -> problems

    @property
    def ok(self) -> bool:
        return not self.errors


def import_files(session: Session, school: School, user: User, uploads: list[Upload]) -> Imported:
    """All or nothing: every file must pass every check (as published), or nothing is saved."""
    result = Imported()
    checked, seen = [], {}
    for up in uploads:
        if up.error:
            result.errors[up.name] = [up.error]
            continue
        c = check_source(session, up.raw, up.stem, up.area, shown=up.name)
        if not c.publishable:
            result.errors[up.name] = [f"{p.field}: {p.message}" + (f" (line {p.line})" if p.line else "")
                                      for p in c.problems]
            continue
        ex = c.exercise
        if ex.id in seen:
            result.errors[up.name] = [f"id: {ex.id} is also the id of {seen[ex.id]}"]
            continue
        if len(record_id(school.id, ex.id)) > ID_COLUMN:
            result.errors[up.name] = ["id: too long for a school's exercise"]
            continue
        seen[ex.id] = up.name
        checked.append((up, ex))
    if result.errors:
        return result
    for up, ex in checked:
        row = session.get(ExerciseRecord, record_id(school.id, ex.id))
        if row is not None and row.checksum == ex.checksum and row.area == up.area and not row.draft and row.active:
            result.unchanged += 1
            continue
        text = up.raw.decode("utf-8")
        _, regraded = _upsert(session, school, user, ex, up.area, text, False, "import", row)
        result.regraded += regraded
        if row is None:
            result.created += 1
        else:
            result.updated += 1
    session.commit()
    return result


def export_name(record: ExerciseRecord) -> str:
    return PurePosixPath(record.path).name


def export_zip(records: list[ExerciseRecord]) -> bytes:
    """The files as they were written, at ``<area>/<id>.yaml`` (the layout of exercises/)."""
    return files.export_zip([(r.path, r.source) for r in records])
