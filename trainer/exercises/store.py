"""Importing exercise files into the database, and reading them back (no Flask).

Re-importing a changed file updates its row in place, so learners' attempts stay linked, and
re-grades their submitted attempts if the key changed (exercises.regrade); a file that no
longer exists is deactivated, never deleted. A file whose key fails the validation engine is
rejected, and the previously imported version (if any) stays. This is the bundled tree only:
schools' own exercises (owner_school_id set) are never touched here.
"""
from __future__ import annotations

from collections import OrderedDict

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..models.practice import ExerciseRecord
from .format import Exercise
from .schema import Problem
from .regrade import regrade
from .validate import validate_tree


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    regraded: int = 0  # submitted attempts re-graded because a key changed
    problems: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deactivated)


def import_exercises(session: Session, root: str | Path) -> ImportReport:
    good, problems = validate_tree(session, root)
    report = ImportReport(problems=problems)
    existing = {r.id: r for r in session.execute(select(ExerciseRecord).where(
        ExerciseRecord.owner_school_id.is_(None))).scalars()}
    rejected_paths = {p.path for p in problems}
    for ex in good:
        row = existing.get(ex.id)
        fields = dict(title=ex.data["title"], kind=ex.data["kind"], area=ex.area, setting=ex.data["setting"],
                      difficulty=ex.data["difficulty"], tags=ex.data["tags"], variant_count=ex.variant_count,
                      source=(Path(root) / ex.path).read_text(encoding="utf-8"), path=ex.path, checksum=ex.checksum,
                      active=True)
        if row is None:
            session.add(ExerciseRecord(id=ex.id, **fields))
            report.created += 1
        elif row.checksum != ex.checksum or not row.active:
            old = exercise_of(row)
            for k, v in fields.items():
                setattr(row, k, v)
            row.updated_at = dt.datetime.now(dt.timezone.utc)
            report.updated += 1
            report.regraded += len(regrade(session, row, old, ex, "setup"))
        else:
            report.unchanged += 1
    seen = {ex.id for ex in good}
    for row in existing.values():
        if row.id not in seen and row.active and row.path not in rejected_paths:
            row.active = False
            report.deactivated += 1
    session.commit()
    return report


_parsed: OrderedDict = OrderedDict()
PARSED_CACHED = 512


def exercise_of(record: ExerciseRecord) -> Exercise:
    """The parsed exercise behind a row, cached by (id, checksum): the YAML source (a deferred
    column) is only read and parsed the first time a version is needed."""
    key = (record.id, record.checksum)
    exercise = _parsed.get(key)
    if exercise is None:
        source = record.source
        exercise = Exercise(record.id, record.area, record.path, yaml.safe_load(source), record.checksum, source)
        _parsed[key] = exercise
        while len(_parsed) > PARSED_CACHED:
            _parsed.popitem(last=False)
    return exercise


def visible_clause(school_id: int | None):
    """Exercises a member of the school may practise: active, published, bundled or the school's own."""
    return (ExerciseRecord.active.is_(True) & ExerciseRecord.draft.is_(False)
            & or_(ExerciseRecord.owner_school_id.is_(None), ExerciseRecord.owner_school_id == school_id))


def is_visible(record: ExerciseRecord | None, school_id: int | None) -> bool:
    return (record is not None and record.active and not record.draft
            and record.owner_school_id in (None, school_id))


def public_view(variant: dict) -> dict:
    """What the chart page may show before submission: never the key, the facts or the references."""
    return {k: v for k, v in variant.items() if k not in ("key", "facts", "references", "variants")}
