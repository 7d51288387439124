"""Exam sittings: start, save an answer, submit, auto-submit at the deadline, practice feedback (no Flask).

The rules that keep answers safe:
- the deadline is a column of the sitting; every save checks it inside the same UPDATE that
  locks the sitting row, so an answer is either saved before the deadline (and graded) or refused;
- a submission claims the sitting with one conditional UPDATE (``submitted_at IS NULL``) before it
  reads the answers, so of two submits (two tabs, a double click) one lands, and a save that races
  it is either in the graded set or refused, never acknowledged and then lost;
- each item carries the revision (the client's clock in ms) of its last save, and an older
  revision never overwrites a newer one, so two tabs or a retried request cannot undo an answer;
- an exam still open at its deadline is submitted with what was saved, stamped at the deadline,
  the first time anything looks at it (and by ``sweep_overdue``).
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy import update as _update
from sqlalchemy.orm import Session, object_session

from ..models import User
from ..models.exams import BlueprintRecord, ExamItem, ExamSitting, QuestionRecord
from ..teaching.membership import may_see_work_of
from .draw import draw, score, section_counts
from .store import pool_sections

LETTERS = ("A", "B", "C", "D")
MAX_ITEM_SECONDS = 15 * 60  # one report of time on an item counts at most this much
PRACTICE_MAX = 50
RECENT_SITTINGS = 5  # items from this many recent sittings are drawn last


class ExamError(ValueError):
    """A request the exam cannot take; the message says why."""


class ExamClosed(ExamError):
    """The sitting has been submitted (or its time is up)."""


def update(table):
    """An UPDATE that leaves loaded objects alone (they are refreshed where it matters)."""
    return _update(table).execution_options(synchronize_session=False)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; everything here is UTC."""
    if value is None or value.tzinfo:
        return value
    return value.replace(tzinfo=dt.timezone.utc)


def remaining_seconds(sitting: ExamSitting, now: dt.datetime | None = None) -> int | None:
    if sitting.deadline is None:
        return None
    return max(0, int((aware(sitting.deadline) - (now or utcnow())).total_seconds()))


def _recently_seen(session: Session, user: User) -> dict[str, float]:
    recent = select(ExamSitting.id).where(ExamSitting.user_id == user.id).order_by(
        ExamSitting.id.desc()).limit(RECENT_SITTINGS).subquery()
    rows = session.execute(select(ExamItem.question_id, func.max(ExamItem.sitting_id))
                           .where(ExamItem.sitting_id.in_(select(recent.c.id)))
                           .group_by(ExamItem.question_id))
    return {qid: float(sid) for qid, sid in rows}


def open_sitting(session: Session, user: User, blueprint_id: str,
                 assignment_id: int | None = None) -> ExamSitting | None:
    """The learner's unfinished timed sitting of this blueprint (for this assignment, or outside any), if any
    (after applying its deadline)."""
    sitting = session.execute(select(ExamSitting).where(
        ExamSitting.user_id == user.id, ExamSitting.blueprint_id == blueprint_id, ExamSitting.mode == "exam",
        ExamSitting.assignment_id.is_(None) if assignment_id is None else ExamSitting.assignment_id == assignment_id,
        ExamSitting.submitted_at.is_(None)).order_by(ExamSitting.id.desc()).limit(1)).scalar_one_or_none()
    if sitting is not None and finalize_if_due(session, sitting):
        return None
    return sitting


def start_exam(session: Session, user: User, record: BlueprintRecord, items: int | None = None,
               rng: random.Random | None = None, now: dt.datetime | None = None,
               assignment_id: int | None = None) -> ExamSitting:
    """Draw a timed exam from the blueprint; an unfinished sitting of it is resumed instead."""
    current = open_sitting(session, user, record.id, assignment_id)
    if current is not None:
        return current
    bp = dict(record.data)
    choices = bp.get("item_choices") or []
    if items is not None and items != bp["items"]:
        if items not in choices:
            raise ExamError(f"this exam has {bp['items']} items" + (
                f" (or {', '.join(map(str, choices))})" if choices else ""))
        bp["items"] = bp["scored_items"] = items
    return _create(session, user, record, bp, "exam", section_counts(bp), bp.get("pretest_items", 0), rng, now,
                   assignment_id)


def start_practice(session: Session, user: User, record: BlueprintRecord, section: str, count: int,
                   rng: random.Random | None = None, now: dt.datetime | None = None) -> ExamSitting:
    """An untimed set of ``count`` items from one section (or ``"all"``), with feedback after each."""
    sections = {s["id"]: s for s in record.data["sections"]}
    if section != "all" and section not in sections:
        raise ExamError("choose a section of this exam")
    if not 1 <= count <= PRACTICE_MAX:
        raise ExamError(f"a practice set has 1 to {PRACTICE_MAX} items")
    chosen = list(sections.values()) if section == "all" else [sections[section]]
    bp = {**record.data, "items": count, "scored_items": count, "minutes": None, "scoring": "percent",
          "pass_mark": record.data["pass_mark"] if record.data.get("scoring") == "percent" else 70,
          "sections": [{"id": s["id"], "name": s["name"]} for s in chosen]}
    return _create(session, user, record, bp, "practice", section_counts(bp), 0, rng, now)


def _create(session, user, record, bp, mode, counts, pretest, rng, now, assignment_id=None) -> ExamSitting:
    pool = pool_sections(session, record.pool, user.school_id)
    drawn = draw(counts, pool, _recently_seen(session, user), pretest, rng)
    if not drawn.items:
        raise ExamError("the question bank has no items for this selection yet")
    now = now or utcnow()
    bp["shortfall"] = drawn.shortfall
    bp["items"] = len(drawn.items)
    bp["scored_items"] = sum(1 for d in drawn.items if d.scored)
    minutes = bp.get("minutes") if mode == "exam" else None
    title = record.name if mode == "exam" else f"Practice: {record.name}"
    sitting = ExamSitting(user_id=user.id, blueprint_id=record.id, mode=mode, title=title, blueprint=bp,
                          started_at=now, deadline=now + dt.timedelta(minutes=minutes) if minutes else None,
                          position=1, assignment_id=assignment_id)
    session.add(sitting)
    session.flush()
    session.add_all([ExamItem(sitting_id=sitting.id, position=i, question_id=d.question_id, section=d.section,
                              scored=d.scored, revision=0, seconds=0, flagged=False, checked=False)
                     for i, d in enumerate(drawn.items, start=1)])
    session.commit()
    return sitting


def _own(user: User, sitting: ExamSitting) -> None:
    if sitting.user_id != user.id:
        raise PermissionError("not your exam")


def _item(session: Session, sitting: ExamSitting, position: int) -> ExamItem:
    item = session.execute(select(ExamItem).where(ExamItem.sitting_id == sitting.id,
                                                  ExamItem.position == position)).scalar_one_or_none()
    if item is None:
        raise ExamError(f"there is no question {position} in this exam")
    return item


@dataclass(frozen=True)
class Saved:
    item: ExamItem
    stale: bool  # a newer save of this item was already stored; the stored one stands


def save_answer(session: Session, user: User, sitting: ExamSitting, position: int, *, choice=None,
                flagged: bool | None = None, seconds: int = 0, revision: int | None = None,
                now: dt.datetime | None = None) -> Saved:
    """Store one item's choice and/or flag (and time spent) while the sitting is open."""
    _own(user, sitting)
    now = now or utcnow()
    if choice is not None:
        choice = str(choice).strip().upper()
        if choice not in LETTERS and choice != "":
            raise ExamError("an answer is one of A, B, C or D")
    revision = int(revision if revision is not None else now.timestamp() * 1000)
    open_now = (ExamSitting.submitted_at.is_(None)) & (ExamSitting.deadline.is_(None) | (ExamSitting.deadline > now))
    # Lock the sitting row while it is open (the submit below takes the same lock), note the position.
    claimed = session.execute(update(ExamSitting).where(ExamSitting.id == sitting.id, open_now)
                              .values(position=position))
    if claimed.rowcount == 0:
        session.rollback()
        finalize_if_due(session, sitting, now)
        raise ExamClosed("time is up: this exam has been submitted" if sitting.auto_submitted
                         else "this exam has been submitted; answers can no longer change")
    item = _item(session, sitting, position)
    stale = False
    if choice is not None or flagged is not None:
        if item.checked and choice is not None and choice != (item.choice or ""):
            session.rollback()
            raise ExamError("this practice answer has been checked; it can no longer change")
        values: dict = {"revision": revision}
        if choice is not None:
            values.update(choice=choice or None, answered_at=now if choice else None)
        if flagged is not None:
            values["flagged"] = bool(flagged)
        done = session.execute(update(ExamItem).where(ExamItem.id == item.id, ExamItem.revision < revision)
                               .values(**values))
        stale = done.rowcount == 0
    if seconds:
        session.execute(update(ExamItem).where(ExamItem.id == item.id).values(
            seconds=ExamItem.seconds + max(0, min(int(seconds), MAX_ITEM_SECONDS))))
    session.commit()
    session.refresh(item)
    return Saved(item, stale)


def check_practice(session: Session, user: User, sitting: ExamSitting, position: int, choice: str,
                   revision: int | None = None, seconds: int = 0) -> ExamItem:
    """Practice mode: store the choice, lock it and reveal the key and rationale for this item."""
    if sitting.mode != "practice":
        raise ExamError("feedback during a timed exam comes after you submit")
    if not choice:
        raise ExamError("choose an answer first")
    saved = save_answer(session, user, sitting, position, choice=choice, seconds=seconds, revision=revision)
    session.execute(update(ExamItem).where(ExamItem.id == saved.item.id).values(checked=True))
    session.commit()
    session.refresh(saved.item)
    return saved.item


def grade_sitting(session: Session, sitting: ExamSitting) -> None:
    items = session.execute(select(ExamItem, QuestionRecord.answer).join(QuestionRecord)
                            .where(ExamItem.sitting_id == sitting.id).order_by(ExamItem.position)).all()
    result = score(sitting.blueprint, [(i.section, i.scored, i.choice == key) for i, key in items])
    result["keys"] = {str(i.position): key for i, key in items}
    result["unanswered"] = sum(1 for i, _ in items if not i.choice)
    result["seconds"] = sum(i.seconds for i, _ in items)
    sitting.score, sitting.max_score = result["correct"], result["scored"]
    sitting.passed, sitting.result = result["passed"], result


def submit(session: Session, user: User | None, sitting: ExamSitting, now: dt.datetime | None = None,
           auto: bool = False) -> bool:
    """Submit and grade; returns False when the sitting had been submitted already (nothing changes)."""
    if user is not None:
        _own(user, sitting)
    now = now or utcnow()
    at = min(now, aware(sitting.deadline)) if sitting.deadline is not None else now
    claimed = session.execute(update(ExamSitting).where(ExamSitting.id == sitting.id,
                                                        ExamSitting.submitted_at.is_(None))
                              .values(submitted_at=at, auto_submitted=auto))
    if claimed.rowcount == 0:
        session.rollback()
        session.refresh(sitting)
        return False
    session.refresh(sitting)
    grade_sitting(session, sitting)
    session.commit()
    return True


def finalize_if_due(session: Session, sitting: ExamSitting, now: dt.datetime | None = None) -> bool:
    """Submit a sitting whose deadline has passed; True when it is (now) submitted."""
    if sitting.submitted:
        return True
    now = now or utcnow()
    if sitting.deadline is not None and aware(sitting.deadline) <= now:
        submit(session, None, sitting, now, auto=True)
        session.refresh(sitting)
        return True
    return False


def sweep_overdue(session: Session, now: dt.datetime | None = None) -> int:
    """Submit every sitting past its deadline; returns how many this call submitted."""
    now = now or utcnow()
    due = session.execute(select(ExamSitting).where(ExamSitting.submitted_at.is_(None),
                                                    ExamSitting.deadline.is_not(None),
                                                    ExamSitting.deadline <= now)).scalars().all()
    return sum(1 for s in due if submit(session, None, s, now, auto=True))


def can_view_sitting(user: User, sitting: ExamSitting) -> bool:
    """The learner; their cohorts' instructors; the school's admins; site admins."""
    return may_see_work_of(object_session(sitting), user, sitting.user)


def visible_blueprints(session: Session, user: User) -> list[BlueprintRecord]:
    """The bundled blueprints and the user's school's own."""
    return list(session.execute(select(BlueprintRecord).where(
        BlueprintRecord.active.is_(True),
        BlueprintRecord.school_id.is_(None) | (BlueprintRecord.school_id == user.school_id))
        .order_by(BlueprintRecord.school_id.is_not(None), BlueprintRecord.name)).scalars())
