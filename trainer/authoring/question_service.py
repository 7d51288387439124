"""A school's own exam questions: check, save (draft or published), import, export (no Flask).

Every path in goes through the checks a bank file goes through (trainer.exams.questions: the
schema, distinct options, every code in the options against the code sets, the keyed codes' validity,
each section against the bundled blueprints). A question with a problem may be saved as a draft,
never published. A changed answer key re-scores the submitted sittings that drew the question
(trainer.exams.rescore). Drafts and other schools' questions are never drawn (trainer.exams.store).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..exams.questions import Question, code_problems, parse_questions, section_problems
from ..exams.rescore import rescore
from ..exams.store import forget_pools, question_fields
from ..exercises.schema import Problem
from ..models import School, User
from ..models.exams import BlueprintRecord, QuestionRecord
from . import files
from .service import record_id
from .yamlfile import dump

ID_COLUMN = 64  # QuestionRecord.id


def school_questions(session: Session, school_id: int) -> list[QuestionRecord]:
    return list(session.execute(select(QuestionRecord).where(QuestionRecord.owner_school_id == school_id)
                                .order_by(QuestionRecord.id)).scalars())


def owned(session: Session, school_id: int, question_id: str) -> QuestionRecord | None:
    record = session.get(QuestionRecord, question_id)
    return record if record is not None and record.owner_school_id == school_id else None


def file_id(record: QuestionRecord) -> str:
    return record.id.split(".", 1)[1] if record.owner_school_id else record.id


def bundled_blueprints(session: Session) -> list[dict]:
    return [r.data for r in session.execute(select(BlueprintRecord).where(
        BlueprintRecord.school_id.is_(None), BlueprintRecord.active.is_(True))).scalars()]


@dataclass
class Checked:
    """The outcome of the checks on one question file's text."""

    questions: list[Question]  # empty: the file itself is not valid (YAML, schema)
    problems: list[Problem] = field(default_factory=list)  # any of these blocks publishing
    texts: list[str] = field(default_factory=list)  # each question's own file text

    @property
    def publishable(self) -> bool:
        return bool(self.questions) and not self.problems


def _item_texts(text: str, count: int) -> list[str]:
    """Each item's own file: the text as written for a one-item file, else one file per item
    (the file's topic and that item)."""
    if count == 1:
        return [text]
    data = yaml.safe_load(text)
    return [dump({"topic": data["topic"], "items": [item]}) for item in data["items"]]


def check_source(session: Session, text: str | bytes, shown: str = "question.yaml") -> Checked:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    if len(raw) > files.MAX_FILE_BYTES:
        return Checked([], [Problem(shown, "(file)", None, f"larger than {files.MAX_FILE_BYTES // 1024} KB")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Checked([], [Problem(shown, "(file)", None, "not UTF-8 text")])
    questions, problems = parse_questions(text, shown)
    if not questions:
        return Checked([], problems)
    problems += code_problems(session, questions) + section_problems(questions, bundled_blueprints(session))
    return Checked(questions, problems, _item_texts(text, len(questions)))


@dataclass
class Saved:
    record: QuestionRecord | None
    checked: Checked
    rescored: int = 0
    error: str = ""  # a reason that is not a validation problem (id taken, id changed)

    @property
    def ok(self) -> bool:
        return self.record is not None


def _upsert(session: Session, school: School, user: User, q: Question, text: str, draft: bool, trigger: str,
            row: QuestionRecord | None) -> tuple[QuestionRecord, int]:
    values = dict(question_fields(q), path=f"{q.id}.yaml", source=text, draft=draft, active=True,
                  checksum=hashlib.sha256(text.encode("utf-8")).hexdigest())
    if row is None:
        row = QuestionRecord(id=record_id(school.id, q.id), owner_school_id=school.id, author_id=user.id, **values)
        session.add(row)
        return row, 0
    old_answer = row.answer
    for k, v in values.items():
        setattr(row, k, v)
    row.updated_at = dt.datetime.now(dt.timezone.utc)
    return row, len(rescore(session, row, old_answer, trigger, user))


def save(session: Session, school: School, user: User, text: str, publish: bool,
         existing: QuestionRecord | None = None) -> Saved:
    """Save the editor's file text as a draft or published; nothing is written unless it may be."""
    checked = check_source(session, text)
    if not checked.questions or (publish and checked.problems):
        return Saved(None, checked)
    if len(checked.questions) != 1:
        return Saved(None, checked, error="the editor saves one question at a time; import a file of several")
    q = checked.questions[0]
    rid = record_id(school.id, q.id)
    if existing is not None and existing.id != rid:
        return Saved(None, checked, error="the id of a saved question cannot change (sittings are linked to it); "
                                          "copy it to use another id")
    if existing is None and session.get(QuestionRecord, rid) is not None:
        return Saved(None, checked, error=f"your school already has a question with the id {q.id}")
    if len(rid) > ID_COLUMN:
        return Saved(None, checked, error=f"the id is too long (at most {ID_COLUMN - len(str(school.id)) - 1} "
                                          "characters)")
    row, rescored = _upsert(session, school, user, q, text, not publish, "editor", existing)
    session.commit()
    forget_pools()
    return Saved(row, checked, rescored)


@dataclass
class Imported:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rescored: int = 0
    errors: dict[str, list[str]] = field(default_factory=dict)  # file name -> problems

    @property
    def ok(self) -> bool:
        return not self.errors


def read_upload(filename: str, raw: bytes) -> list[files.Upload]:
    return files.read_upload(filename, raw, "question")


def import_files(session: Session, school: School, user: User, uploads: list[files.Upload]) -> Imported:
    """All or nothing: every question of every file must pass every check, or nothing is saved."""
    result = Imported()
    accepted, seen = [], {}
    for up in uploads:
        if up.error:
            result.errors[up.name] = [up.error]
            continue
        c = check_source(session, up.raw, shown=up.name)
        problems = [f"{p.field}: {p.message}" + (f" (line {p.line})" if p.line else "") for p in c.problems]
        for q, text in zip(c.questions, c.texts):
            if q.id in seen:
                problems.append(f"{q.id}: the id is also in {seen[q.id]}")
            elif len(record_id(school.id, q.id)) > ID_COLUMN:
                problems.append(f"{q.id}: the id is too long for a school's question")
            seen.setdefault(q.id, up.name)
            accepted.append((q, text))
        if problems:
            result.errors[up.name] = problems
    if result.errors:
        return result
    for q, text in accepted:
        row = session.get(QuestionRecord, record_id(school.id, q.id))
        if row is not None and row.source == text and not row.draft and row.active:
            result.unchanged += 1
            continue
        _, rescored = _upsert(session, school, user, q, text, False, "import", row)
        result.rescored += rescored
        result.created += row is None
        result.updated += row is not None
    session.commit()
    forget_pools()
    return result


def export_zip(records: list[QuestionRecord]) -> bytes:
    """Each question's file as it was written, at ``<id>.yaml``."""
    return files.export_zip([(r.path, r.source) for r in records])
