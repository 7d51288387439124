"""Single-code questions: which rows, valid on a date, the code page's data."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session, selectinload

from .pcs import axis_names
from .normalize import BadInput, candidate_systems, normalise
from .tables import Code, CodeNote, CodeSystem

NOTE_LABELS = {
    "includes": "Includes",
    "inclusion_term": "Inclusion terms",
    "excludes1": "Excludes1",
    "excludes2": "Excludes2",
    "code_first": "Code first",
    "use_additional": "Use additional code",
    "code_also": "Code also",
    "note": "Notes",
    "seventh_note": "7th character",
}
# Notes of an ancestor that apply to everything beneath it.
INHERITED_KINDS = ("includes", "excludes1", "excludes2", "code_first", "use_additional", "code_also", "note")


class CodeNotFound(LookupError):
    def __init__(self, system: str | None, code: str):
        super().__init__(f"no code {code!r}" + (f" in {CodeSystem.LABELS.get(system, system)}" if system else ""))
        self.system = system
        self.code = code


def active_clause(when: dt.date):
    return and_(Code.effective_from <= when, or_(Code.effective_to.is_(None), Code.effective_to >= when))


def is_valid(session: Session, system: str, code: str, when: dt.date) -> bool:
    """A complete (billable) code that may be reported on this date: one indexed query."""
    return session.execute(select(exists().where(
        Code.system == system, Code.code == normalise(code), Code.billable.is_(True), active_clause(when)))).scalar()


def versions(session: Session, system: str, code: str) -> list[Code]:
    return list(session.execute(select(Code).where(Code.system == system, Code.code == code)
                                .order_by(Code.effective_from)).scalars())


def resolve(session: Session, text: str, system: str | None = None) -> tuple[str, str]:
    """(system, normalised code) for what a person typed; the system is guessed when not given."""
    raw = (text or "").strip()
    if not raw:
        raise BadInput("enter a code")
    if len(raw) > 20:
        raise BadInput("a code is at most 7 characters")
    # Chapters ("19") and blocks ("S50-S59") of ICD-10-CM keep their own spelling.
    code = raw.upper() if "-" in raw else normalise(raw)
    if not code.replace("-", "").isalnum():
        raise BadInput(f"{raw!r} is not a code: use letters and digits only")
    if system:
        systems = [system]
    else:
        # "J1100" is HCPCS J1100 and ICD-10-CM J11.00 alike: a dot means ICD-10-CM,
        # no dot and the HCPCS shape means HCPCS first.
        systems = candidate_systems(code) + [CodeSystem.ICD10CM]
        if "." in raw:
            systems.insert(0, CodeSystem.ICD10CM)
        elif CodeSystem.HCPCS in systems:
            systems.insert(0, CodeSystem.HCPCS)
    for sys_ in dict.fromkeys(systems):
        if session.execute(select(Code.id).where(Code.system == sys_, Code.code == code).limit(1)).first():
            return sys_, code
    raise CodeNotFound(system, code)


def row_on(rows: list[Code], when: dt.date) -> Code:
    """The version in force on the date, else the nearest one (the latest before it, or the first)."""
    for row in rows:
        if row.effective_from <= when and (row.effective_to is None or when <= row.effective_to):
            return row
    earlier = [r for r in rows if r.effective_from <= when]
    return earlier[-1] if earlier else rows[0]


def _ancestors(session: Session, system: str, row: Code) -> list[Code]:
    chain: list[Code] = []
    parent = row.parent
    while parent and len(chain) < 12:
        up = session.execute(select(Code).options(selectinload(Code.notes)).where(
            Code.system == system, Code.code == parent).order_by(Code.effective_from.desc()).limit(1)).scalar()
        if up is None:
            break
        chain.append(up)
        parent = up.parent
    return list(reversed(chain))


def _group_notes(notes: list[CodeNote], kinds=None) -> list[dict]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for note in notes:
        if note.kind in NOTE_LABELS and (kinds is None or note.kind in kinds):
            grouped[note.kind].append(note.text)
    return [{"kind": k, "label": NOTE_LABELS[k], "texts": grouped[k]} for k in NOTE_LABELS if k in grouped]


def _seventh(chain: list[Code], row: Code) -> tuple[dict | None, str | None]:
    for node in [row, *reversed(chain)]:
        table = [n.text for n in node.notes if n.kind == "seventh_def"]
        if table:
            note = next((n.text for n in node.notes if n.kind == "seventh_note"), None)
            return dict(t.split("\t", 1) for t in table), note
    return None, None


def summary(row: Code, when: dt.date) -> dict:
    """The short form of a code used in lists and search results."""
    return {
        "system": row.system,
        "system_label": CodeSystem.LABELS[row.system],
        "code": row.code,
        "display": row.display,
        "description": row.description,
        "billable": row.billable,
        "valid_on_date": row.valid_on(when),
        "level": row.level,
        "needs_seventh": bool(row.details and row.details.get("needs_seventh")),
    }


def detail(session: Session, system: str, code: str, when: dt.date) -> dict:
    """Everything the code page and ``GET /api/codes/<system>/<code>`` show."""
    rows = list(session.execute(select(Code).options(selectinload(Code.notes)).where(
        Code.system == system, Code.code == code).order_by(Code.effective_from)).scalars())
    if not rows:
        raise CodeNotFound(system, code)
    row = row_on(rows, when)
    noted = next((r for r in reversed(rows) if r.notes), row)
    out = summary(row, when)
    out.update({
        "date": when.isoformat(),
        "short_description": row.short_description,
        "effective_from": row.effective_from.isoformat(),
        "effective_to": row.effective_to.isoformat() if row.effective_to else None,
        "release": row.release,
        "versions": [{"effective_from": r.effective_from.isoformat(),
                      "effective_to": r.effective_to.isoformat() if r.effective_to else None,
                      "billable": r.billable, "description": r.description, "release": r.release} for r in rows],
        "hierarchy": [], "children": [], "notes": [], "inherited_notes": [],
        "seventh_characters": None, "seventh_note": None, "pcs_axes": None,
    })
    if system == CodeSystem.ICD10CM:
        chain = _ancestors(session, system, row)
        out["hierarchy"] = [{"system": system, "code": a.code, "display": a.display, "description": a.description,
                             "level": a.level} for a in chain]
        kids = session.execute(select(Code).where(Code.system == system, Code.parent == code, active_clause(when))
                               .order_by(Code.code)).scalars().all()
        out["children"] = [{"code": k.code, "display": k.display, "description": k.description,
                            "billable": k.billable} for k in kids]
        out["notes"] = _group_notes(noted.notes)
        out["inherited_notes"] = [
            {"from_code": a.code, "from_display": a.display, **group}
            for a in reversed(chain) for group in _group_notes(a.notes, INHERITED_KINDS)]
        out["seventh_characters"], out["seventh_note"] = _seventh(chain, noted)
    elif system == CodeSystem.ICD10PCS and row.details and row.details.get("axes"):
        names = axis_names(code[0])
        out["pcs_axes"] = [{"position": i + 1, "name": names[i], "value": code[i], "meaning": meaning}
                           for i, meaning in enumerate(row.details["axes"])]
    elif row.details:
        out["attributes"] = row.details
    return out


def suggestions(session: Session, system: str | None, code: str, when: dt.date, limit: int = 8) -> list[dict]:
    """Codes near one that does not exist: same prefix, shortening until something matches."""
    code = normalise(code)
    for cut in range(len(code), 0, -1):
        query = select(Code).where(Code.code.like(code[:cut] + "%"), Code.level != "chapter")
        if system:
            query = query.where(Code.system == system)
        rows = session.execute(query.order_by(Code.code).limit(limit)).scalars().all()
        if rows:
            return [summary(r, when) for r in rows]
    return []
