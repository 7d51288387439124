"""Importing the question bank and the bundled blueprints into the database (no Flask).

Like the exercises: a changed item is updated in place (sittings keep pointing at it), an item that
fails validation is rejected and its previous version stays, an item no longer in the files is
withdrawn (never deleted: past sittings still show it). A school's own items (``owner_school_id``)
are never touched here: they come and go through the question editor (trainer.authoring).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import false, select
from sqlalchemy.orm import Session

from ..exercises.schema import Problem
from ..models.exams import BlueprintRecord, QuestionRecord
from .blueprints import load_blueprints
from .questions import EXAMS, Question, code_problems, load_questions, section_problems


@dataclass
class BankReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    blueprints: int = 0
    problems: list[Problem] = field(default_factory=list)


def question_fields(q: Question) -> dict:
    return {"exams": list(q.exams), "sections": {e: q.section_for(e) for e in q.exams}, "stem": q.stem,
            "options": dict(q.options), "answer": q.answer, "rationale": q.rationale,
            "code_set_year": q.code_set_year, "tags": list(q.tags), "path": q.path}


def _checksum(fields: dict) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


def import_bank(session: Session, questions_dir: str | Path, blueprints_dir: str | Path) -> BankReport:
    blueprints, problems = load_blueprints(blueprints_dir)
    report = BankReport(problems=problems)
    existing_bp = {b.id: b for b in session.execute(
        select(BlueprintRecord).where(BlueprintRecord.school_id.is_(None))).scalars()}
    for bp in blueprints:
        bp = json.loads(json.dumps(bp, default=str))  # dates as ISO text, as JSON stores them
        row = existing_bp.get(bp["id"])
        if row is None:
            session.add(BlueprintRecord(id=bp["id"], school_id=None, pool=bp["id"], name=bp["name"], data=bp))
        elif row.data != bp or not row.active:
            row.name, row.data, row.active = bp["name"], bp, True
            row.updated_at = dt.datetime.now(dt.timezone.utc)
        report.blueprints += 1

    questions, found = load_questions(questions_dir)
    found += code_problems(session, questions) + section_problems(questions, blueprints)
    report.problems += found
    bad = {p.field.split(".")[0] for p in found}
    bad_paths = {p.path for p in found if p.field.startswith(("items", "(file)"))}
    existing = {r.id: r for r in session.execute(select(QuestionRecord).where(
        QuestionRecord.owner_school_id.is_(None))).scalars()}
    for q in questions:
        if q.id in bad:
            continue
        fields = question_fields(q)
        checksum = _checksum(fields)
        row = existing.get(q.id)
        if row is None:
            session.add(QuestionRecord(id=q.id, checksum=checksum, active=True, **fields))
            report.created += 1
        elif row.checksum != checksum or not row.active:
            for k, v in fields.items():
                setattr(row, k, v)
            row.checksum, row.active = checksum, True
            row.updated_at = dt.datetime.now(dt.timezone.utc)
            report.updated += 1
        else:
            report.unchanged += 1
    seen = {q.id for q in questions}
    for row in existing.values():
        if row.id not in seen and row.active and row.path not in bad_paths:
            row.active = False
            report.withdrawn += 1
    session.commit()
    forget_pools()  # this process draws from the new bank at once
    return report


POOL_TTL_SECONDS = 30.0
_pools: dict[tuple[str, str, int | None], tuple[float, dict[str, list[str]]]] = {}


def forget_pools() -> None:
    """Drop this process's cached pools (after the bank or a school's questions changed)."""
    _pools.clear()


def visible_to(school_id: int | None):
    """The questions a school's people may draw: bundled ones and the school's published own."""
    mine = QuestionRecord.owner_school_id == school_id if school_id is not None else false()
    return QuestionRecord.active.is_(True) & QuestionRecord.draft.is_(False) & (
        QuestionRecord.owner_school_id.is_(None) | mine)


def pool_sections(session: Session, pool: str, school_id: int | None) -> dict[str, list[str]]:
    """Question ids of one exam's pool that ``school_id``'s people may draw, by section (kept for a
    few seconds per process and school: every exam start and the exams page need it, and the bank
    only changes at import or in the question editor)."""
    if pool not in EXAMS:
        raise ValueError(f"unknown question pool {pool!r}")
    key = (str(session.get_bind().url), pool, school_id)
    hit = _pools.get(key)
    if hit and hit[0] > time.monotonic():
        return hit[1]
    out = _load_pool(session, pool, school_id)
    _pools[key] = (time.monotonic() + POOL_TTL_SECONDS, out)
    return out


def _load_pool(session: Session, pool: str, school_id: int | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for qid, sections in session.execute(select(QuestionRecord.id, QuestionRecord.sections)
                                         .where(visible_to(school_id))):
        if pool in sections:
            out.setdefault(sections[pool], []).append(qid)
    for ids in out.values():
        ids.sort()
    return out
