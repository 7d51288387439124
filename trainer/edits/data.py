"""What the rules need from the database, cached for the life of one EditData object.

Create one per request (or per grading run); every lookup is memoised, so checking many
answers to the same exercise hits the database only for codes it has not seen.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
import threading

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..codes.tables import AddOnEdit, Code, CodeNote, CodeSystem, FeeScheduleIndicator, MceFlag, MueEdit, NcciPtpEdit


@dataclass(frozen=True)
class CodeVersion:
    billable: bool
    start: dt.date
    end: dt.date | None
    level: str
    parent: str | None
    needs_seventh: bool
    description: str

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class PtpEdit:
    column1: str
    column2: str
    modifier_indicator: str
    rationale: str
    start: dt.date | None
    deleted_on: dt.date | None

    def active_on(self, day: dt.date) -> bool:
        if self.modifier_indicator == "9":  # deleted retroactively: never applies
            return False
        return (self.start is None or self.start <= day) and (self.deleted_on is None or day < self.deleted_on)


class EditData:
    """Lookups for the rules. ``memo`` holds the answers; pass a shared one (see ``shared``) to
    keep them between requests, or leave it out for a private, empty one."""

    LOOKUPS = ("versions", "notes", "ptp", "mue", "add_on", "mce_flags", "fee_schedule", "rvus")

    def __init__(self, session: Session, memo: dict | None = None):
        self.session = session
        self.memo = {} if memo is None else memo
        for name in self.LOOKUPS:
            setattr(self, name, self._memoised(name, getattr(self, "_" + name)))

    def _memoised(self, name: str, compute):
        store = self.memo.setdefault(name, {})

        def lookup(*args):
            try:
                return store[args]
            except KeyError:
                value = store[args] = compute(*args)  # immutable values: safe to share between threads
                return value

        return lookup

    # -- codes -----------------------------------------------------------------------------
    def _versions(self, system: str, code: str) -> tuple[CodeVersion, ...]:
        rows = self.session.execute(select(
            Code.billable, Code.effective_from, Code.effective_to, Code.level, Code.parent, Code.details,
            Code.description).where(Code.system == system, Code.code == code).order_by(Code.effective_from)).all()
        return tuple(CodeVersion(bool(b), s, e, lvl, p, bool(d and d.get("needs_seventh")), desc)
                     for b, s, e, lvl, p, d, desc in rows)

    def version_on(self, system: str, code: str, day: dt.date) -> CodeVersion | None:
        return next((v for v in self.versions(system, code) if v.covers(day)), None)

    def valid(self, system: str, code: str, day: dt.date) -> bool:
        version = self.version_on(system, code, day)
        return version is not None and version.billable

    def exists(self, system: str, code: str) -> bool:
        return bool(self.versions(system, code))

    def ancestors(self, code: str) -> list[str]:
        """ICD-10-CM parents from the nearest up to the chapter."""
        out, current = [], code
        while len(out) < 12:
            versions = self.versions(CodeSystem.ICD10CM, current)
            parent = versions[-1].parent if versions else None
            if not parent:
                break
            out.append(parent)
            current = parent
        return out

    def _notes(self, code: str) -> tuple[tuple[str, str], ...]:
        rows = self.session.execute(select(CodeNote.kind, CodeNote.text).join(Code, Code.id == CodeNote.code_id)
                                    .where(Code.system == CodeSystem.ICD10CM, Code.code == code)
                                    .order_by(CodeNote.position)).all()
        return tuple((k, t) for k, t in rows)

    def notes_of(self, code: str, kind: str, inherited: bool = True) -> list[tuple[str, str]]:
        """(code the note is written at, text) for the code and, when asked, its ancestors."""
        out = [(code, t) for k, t in self.notes(code) if k == kind]
        if inherited:
            for anc in self.ancestors(code):
                out += [(anc, t) for k, t in self.notes(anc) if k == kind]
        return out

    # -- edits -----------------------------------------------------------------------------
    def _ptp(self, column1: str, column2: str) -> tuple[PtpEdit, ...]:
        rows = self.session.execute(select(
            NcciPtpEdit.column1, NcciPtpEdit.column2, NcciPtpEdit.modifier_indicator, NcciPtpEdit.rationale,
            NcciPtpEdit.effective_from, NcciPtpEdit.deleted_on).where(
            NcciPtpEdit.column1 == column1, NcciPtpEdit.column2 == column2)).all()
        return tuple(PtpEdit(*r) for r in rows)

    def _mue(self, code: str, service: str = "practitioner") -> tuple[int, str, str] | None:
        """The MUE of the table for ``service`` (the start of the file's service column, any case)."""
        row = self.session.execute(select(MueEdit.max_units, MueEdit.mai, MueEdit.rationale)
                                   .where(MueEdit.code == code, func.lower(MueEdit.service).like(service + "%"))
                                   .limit(1)).first()
        return tuple(row) if row else None

    def _add_on(self, code: str) -> tuple[str, frozenset[str]] | None:
        """(edit type, listed primary codes) when the code is an add-on code."""
        rows = self.session.execute(select(AddOnEdit.edit_type, AddOnEdit.primary_code)
                                    .where(AddOnEdit.add_on_code == code)).all()
        if not rows:
            return None
        kinds = sorted({k for k, _ in rows})
        return kinds[0], frozenset(p for _, p in rows if p != "CCCCC")

    def _mce_flags(self, code: str) -> frozenset[str]:
        return frozenset(self.session.execute(select(MceFlag.flag).where(MceFlag.code == code)).scalars())

    def _fee_schedule(self, code: str) -> dict | None:
        """PC/TC, global days, bilateral and multiple-procedure indicators of the code's global row."""
        t = FeeScheduleIndicator
        row = self.session.execute(select(t.status, t.pctc, t.global_days, t.bilateral, t.multiple_procedure).where(
            t.code == code, or_(t.modifier == "", t.modifier.is_(None))).limit(1)).first()
        return dict(zip(("status", "pctc", "global_days", "bilateral", "multiple_procedure"), row)) if row else None


    def _rvus(self, code: str, modifier: str = "") -> dict | None:
        """The fee schedule row the payers price with: RVUs and conversion factor of the code's global
        row (modifier "") or of its 26/TC component row; None when the fee schedule has no such row."""
        t = FeeScheduleIndicator
        row = self.session.execute(select(t.status, t.pctc, t.bilateral, t.multiple_procedure, t.work_rvu,
                                          t.non_facility_pe_rvu, t.facility_pe_rvu, t.mp_rvu, t.conversion_factor,
                                          t.release).where(t.code == code, t.modifier == modifier).limit(1)).first()
        return dict(zip(("status", "pctc", "bilateral", "multiple_procedure", "work", "pe_non_facility",
                         "pe_facility", "mp", "conversion_factor", "release"), row)) if row else None


class _SharedMemo:
    """One memo per process and database, emptied whenever a code-set or edit release is loaded."""

    def __init__(self):
        self._lock = threading.Lock()
        self._memo: dict = {}
        self._version = None

    def for_session(self, session: Session) -> EditData:
        from ..codes.search import index_version

        version = (str(session.get_bind().url), index_version(session))
        with self._lock:
            if version != self._version:
                self._memo, self._version = {}, version
            memo = self._memo
        return EditData(session, memo)


SHARED = _SharedMemo()


def shared(session: Session) -> EditData:
    """EditData whose answers are kept for the life of the process (until the tables change)."""
    return SHARED.for_session(session)
