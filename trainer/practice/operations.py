"""Write-side practice operations: open an attempt, autosave a draft, submit and grade (no Flask).

Every function takes the acting user; the views only load, authorise and call these.
"""
from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session, object_session

from ..codes.normalize import normalise
from ..exercises.regrade import grade_answer
from ..exercises.store import exercise_of
from ..models import Attempt, ExerciseRecord, User
from ..teaching.membership import may_see_work_of

MAX_DX, MAX_LINES, MAX_PCS, MAX_MODS, MAX_POINTERS = 12, 50, 25, 4, 4
CODE = re.compile(r"^[A-Z0-9]{2,8}$")
LETTERS = "ABCDEFGHIJKL"
POA_VALUES = ("", "Y", "N", "U", "W", "1")


class AnswerError(ValueError):
    """An answer that cannot be stored as given; the message says which field."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _code(value, where: str) -> str:
    code = normalise(str(value or ""))
    if code and not CODE.match(code):
        raise AnswerError(f"{where}: {value!r} is not a code")
    return code


def _list(value) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in re.split(r"[\s,;]+", value) if v]
    if isinstance(value, list):
        return value
    raise AnswerError("expected a list")


def _pointer(value, where: str) -> int:
    text = str(value).strip().upper()
    if text in LETTERS and text:
        return LETTERS.index(text) + 1
    if text.isdigit() and 1 <= int(text) <= MAX_DX:
        return int(text)
    raise AnswerError(f"{where}: pointer {value!r} must be a letter A-L (or 1-12)")


def clean_answer(raw) -> dict:
    """Turn what the coding panel sends into the answer shape.

    Blank rows are dropped; pointers are re-numbered to follow the diagnoses they named, so leaving
    row B empty never makes a pointer "C" point at another code.
    """
    if not isinstance(raw, dict):
        raise AnswerError("the answer must be an object")
    rows = [_code(v, f"diagnosis {LETTERS[i] if i < len(LETTERS) else i + 1}")
            for i, v in enumerate(_list(raw.get("diagnoses")))]
    dx = [c for c in rows if c]
    if len(dx) > MAX_DX:
        raise AnswerError(f"at most {MAX_DX} diagnoses")
    renumber, n = {}, 0
    for i, code in enumerate(rows):
        if code:
            n += 1
            renumber[i + 1] = n
    lines = []
    for i, line in enumerate(_list(raw.get("procedures"))):
        if not isinstance(line, dict):
            raise AnswerError(f"procedure line {i + 1}: expected code, modifiers, units and pointers")
        code = _code(line.get("code"), f"line {i + 1} code")
        mods = [m.upper() for m in (str(x).strip() for x in _list(line.get("modifiers"))) if m]
        pointers = [_pointer(p, f"line {i + 1}") for p in _list(line.get("dx_pointers"))]
        units_raw = str(line.get("units", "") or "").strip()
        if not code and not mods and not pointers:
            continue
        if not code:
            raise AnswerError(f"line {i + 1}: enter a code or clear the line")
        if len(mods) > MAX_MODS:
            raise AnswerError(f"line {i + 1}: at most {MAX_MODS} modifiers")
        if any(not re.match(r"^[A-Z0-9]{2}$", m) for m in mods):
            raise AnswerError(f"line {i + 1}: modifiers are two letters or digits")
        if len(pointers) > MAX_POINTERS:
            raise AnswerError(f"line {i + 1}: at most {MAX_POINTERS} diagnosis pointers")
        for p in pointers:
            if p not in renumber:
                raise AnswerError(f"line {i + 1}: pointer {LETTERS[p - 1]} points to an empty diagnosis row")
        if units_raw and not units_raw.isdigit():
            raise AnswerError(f"line {i + 1}: units must be a whole number")
        lines.append({"code": code, "modifiers": mods, "units": int(units_raw or 1),
                      "dx_pointers": [renumber[p] for p in pointers]})
    if len(lines) > MAX_LINES:
        raise AnswerError(f"at most {MAX_LINES} procedure lines")
    pcs = [c for c in (_code(v, f"ICD-10-PCS {i + 1}") for i, v in enumerate(_list(raw.get("pcs_procedures")))) if c]
    if len(pcs) > MAX_PCS:
        raise AnswerError(f"at most {MAX_PCS} ICD-10-PCS codes")
    answer = {"diagnoses": dx, "procedures": lines, "pcs_procedures": pcs}
    poa_raw = raw.get("poa")
    if poa_raw is not None:
        if not isinstance(poa_raw, list):
            raise AnswerError("poa: expected one indicator per diagnosis row")
        poa = [str(v or "").strip().upper() for v in poa_raw]
        if any(v not in POA_VALUES for v in poa):
            raise AnswerError("present-on-admission indicators are Y, N, U, W or 1")
        # keep the indicators of the rows that hold a code, in the same order as the codes
        answer["poa"] = [poa[i] if i < len(poa) else "" for i, code in enumerate(rows) if code]
    return answer


def new_attempt(session: Session, user: User, record: ExerciseRecord, rng: random.Random | None = None,
                assignment_id: int | None = None) -> Attempt:
    last = session.execute(select(Attempt.variant).where(Attempt.user_id == user.id,
                                                         Attempt.exercise_id == record.id)
                           .order_by(Attempt.id.desc()).limit(1)).scalar_one_or_none()
    choices = [v for v in range(record.variant_count) if v != last] or [0]
    attempt = Attempt(user_id=user.id, exercise_id=record.id, variant=(rng or random).choice(choices),
                      answer={"diagnoses": [], "procedures": [], "pcs_procedures": []}, started_at=utcnow(),
                      assignment_id=assignment_id)
    session.add(attempt)
    session.commit()
    return attempt


def _own_draft(user: User, attempt: Attempt) -> None:
    if attempt.user_id != user.id:
        raise PermissionError("not your attempt")
    if attempt.submitted:
        raise AnswerError("this attempt has been submitted; start a new attempt to change the answer")


def save_draft(session: Session, user: User, attempt: Attempt, raw, active_seconds: int = 0) -> Attempt:
    _own_draft(user, attempt)
    attempt.answer = clean_answer(raw)
    attempt.active_seconds += max(0, min(int(active_seconds or 0), 3600))
    attempt.saved_at = utcnow()
    session.commit()
    return attempt


@dataclass(frozen=True)
class Submitted:
    attempt: Attempt
    already: bool  # the attempt had been submitted before (a double submit records one submission)


def submit(session: Session, user: User, attempt: Attempt, raw=None, active_seconds: int = 0) -> Submitted:
    if attempt.user_id != user.id:
        raise PermissionError("not your attempt")
    if attempt.submitted:
        return Submitted(attempt, True)
    answer = clean_answer(raw) if raw is not None else clean_answer(attempt.answer)
    result = grade_answer(session, exercise_of(attempt.exercise), attempt.variant, answer)
    # One conditional UPDATE: of two submits racing (two tabs, a double click) only one lands.
    done = session.execute(update(Attempt).where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None)).values(
        answer=answer, active_seconds=attempt.active_seconds + max(0, min(int(active_seconds or 0), 3600)),
        submitted_at=utcnow(), score=result.score, max_score=result.max_score, result=result.as_dict()))
    session.commit()
    session.refresh(attempt)
    return Submitted(attempt, done.rowcount == 0)


def can_view_attempt(user: User, attempt: Attempt) -> bool:
    """The learner; their cohorts' instructors; the school's admins; site admins."""
    return may_see_work_of(object_session(attempt), user, attempt.user)
