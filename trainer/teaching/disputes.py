"""Disputes of an answer key (no Flask): a learner flags a key, an instructor answers or accepts.

A learner flags one item of a submitted practice attempt (a diagnosis, a procedure line, a PCS code,
or the key as a whole) or one question of a submitted exam, with a comment. The learner's cohort
instructors and the school's administrators (and site administrators) see it and either answer it
(the key stands) or accept it. Accepting a school's own exercise sends the instructor to the editor:
saving a corrected key re-grades every submitted attempt (trainer.exercises.regrade), and the
dispute shows those re-grades (the RegradeLog rows of the attempt made after it was accepted).
Bundled exercises and exam questions cannot be edited by a school: accepting records that the key
was reported to the content maintainers; the instructor may override the score in the gradebook
when the work belongs to an assignment.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Attempt, CohortMember, Dispute, ExamSitting, RegradeLog, Role, User
from .membership import may_see_work_of

MAX_COMMENT = 2000
STAFF = (Role.INSTRUCTOR, Role.SCHOOL_ADMIN, Role.SITE_ADMIN)
STATUS_LABELS = {
    "open": "Open",
    "answered": "Answered: the key stands",
    "accepted": "Accepted: the key is being corrected",
    "reported": "Accepted: reported to the content maintainers",
}
KIND_LABELS = {"diagnosis": "Diagnosis", "procedure": "Procedure line", "pcs": "ICD-10-PCS code"}
WHOLE_KEY = "key"


class DisputeError(ValueError):
    """A request that cannot be done; the message says why."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# ── What can be disputed ────────────────────────────────────────────────────────────────────────────

def attempt_targets(attempt: Attempt, key_hidden: bool) -> list[tuple[str, str]]:
    """(value, label) of each item of a graded attempt a learner may flag, the whole key first.

    While the key is hidden (an assignment that reveals it after the due date) the labels name the
    learner's own code only, never the expected one."""
    out = [(WHOLE_KEY, "The answer key as a whole")]
    counters: dict[str, int] = {}
    for n, line in enumerate((attempt.result or {}).get("lines") or []):
        kind = line.get("kind", "item")
        counters[kind] = counters.get(kind, 0) + 1
        label = f"{KIND_LABELS.get(kind, kind.capitalize())} {counters[kind]}"
        parts = []
        if line.get("expected") and not key_hidden:
            parts.append(f"key {line['expected']}")
        if line.get("given"):
            parts.append(f"yours {line['given']}")
        out.append((f"line-{n}", f"{label} ({', '.join(parts)})" if parts else label))
    return out


def sitting_targets(sitting: ExamSitting) -> list[tuple[str, str]]:
    return [(str(it.position), f"Question {it.position}") for it in sitting.items]


def _comment(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise DisputeError("say what is wrong with the key (the comment is required)")
    if len(text) > MAX_COMMENT:
        raise DisputeError(f"keep the comment under {MAX_COMMENT} characters")
    return text


def _no_open_duplicate(session: Session, learner: User, target: str, **where) -> None:
    query = select(Dispute.id).where(Dispute.learner_id == learner.id, Dispute.target == target,
                                     Dispute.status == "open")
    for column, value in where.items():
        query = query.where(getattr(Dispute, column) == value)
    if session.execute(query.limit(1)).first():
        raise DisputeError("you already flagged this item; wait for your instructor's answer")


def flag_attempt(session: Session, learner: User, attempt: Attempt, target: str, comment: str,
                 key_hidden: bool = False) -> Dispute:
    """The learner flags an item of their own submitted practice attempt."""
    if attempt.user_id != learner.id:
        raise PermissionError("only the learner who did the work may dispute its key")
    if not attempt.submitted:
        raise DisputeError("submit the attempt first")
    labels = dict(attempt_targets(attempt, key_hidden))
    if target not in labels:
        raise DisputeError("choose which code or line you dispute")
    comment = _comment(comment)
    _no_open_duplicate(session, learner, labels[target], attempt_id=attempt.id)
    dispute = Dispute(school_id=learner.school_id, learner_id=learner.id, attempt_id=attempt.id,
                      exercise_id=attempt.exercise_id, target=labels[target], comment=comment, status="open")
    session.add(dispute)
    session.commit()
    return dispute


def flag_question(session: Session, learner: User, sitting: ExamSitting, position: int | None,
                  comment: str) -> Dispute:
    """The learner flags a question of their own submitted exam (or practice set)."""
    if sitting.user_id != learner.id:
        raise PermissionError("only the learner who sat the exam may dispute its keys")
    if not sitting.submitted:
        raise DisputeError("submit the exam first")
    item = next((it for it in sitting.items if it.position == position), None)
    if item is None:
        raise DisputeError("choose the question you dispute")
    comment = _comment(comment)
    target = f"Question {item.position}"
    _no_open_duplicate(session, learner, target, exam_item_id=item.id)
    dispute = Dispute(school_id=learner.school_id, learner_id=learner.id, exam_item_id=item.id,
                      question_id=item.question_id, target=target, comment=comment, status="open")
    session.add(dispute)
    session.commit()
    return dispute


# ── Who sees and acts ───────────────────────────────────────────────────────────────────────────────

def can_see(session: Session, user: User, dispute: Dispute) -> bool:
    return may_see_work_of(session, user, dispute.learner)


def can_act(session: Session, user: User, dispute: Dispute) -> bool:
    return (user.role in STAFF and user.id != dispute.learner_id
            and may_see_work_of(session, user, dispute.learner))


def _taught_learners(user: User):
    """Ids of the learners in the cohorts ``user`` teaches (a subquery)."""
    mine = select(CohortMember.cohort_id).where(CohortMember.user_id == user.id, CohortMember.role == "instructor")
    return select(CohortMember.user_id).where(CohortMember.cohort_id.in_(mine), CohortMember.role == "learner")


def visible_query(user: User, cohort_id: int | None = None):
    """The disputes ``user`` handles as staff: their cohorts' learners' (instructors), their school's
    (school admins), everyone's (site admins); optionally those of one cohort's learners."""
    query = select(Dispute)
    if user.role == Role.INSTRUCTOR:
        query = query.where(Dispute.learner_id.in_(_taught_learners(user)), Dispute.school_id == user.school_id)
    elif user.role == Role.SCHOOL_ADMIN:
        query = query.where(Dispute.school_id == user.school_id)
    elif user.role != Role.SITE_ADMIN:
        query = query.where(Dispute.learner_id == user.id)
    if cohort_id is not None:
        query = query.where(Dispute.learner_id.in_(select(CohortMember.user_id).where(
            CohortMember.cohort_id == cohort_id, CohortMember.role == "learner")))
    return query


def queue(session: Session, user: User, cohort_id: int | None = None, status: str | None = None) -> list[Dispute]:
    """Open ones first (oldest first), then the rest (newest first)."""
    query = visible_query(user, cohort_id)
    if status:
        query = query.where(Dispute.status == status)
    rows = list(session.execute(query.order_by(Dispute.created_at.desc(), Dispute.id.desc())).scalars())
    return [d for d in reversed(rows) if d.status == "open"] + [d for d in rows if d.status != "open"]


def open_counts(session: Session, user: User, cohort_ids: list[int]) -> dict[int, int]:
    """Open disputes of each cohort's learners that ``user`` handles."""
    if not cohort_ids:
        return {}
    sub = visible_query(user).where(Dispute.status == "open").subquery()
    rows = session.execute(select(CohortMember.cohort_id, func.count(func.distinct(sub.c.id)))
                           .join(sub, sub.c.learner_id == CohortMember.user_id)
                           .where(CohortMember.cohort_id.in_(cohort_ids), CohortMember.role == "learner")
                           .group_by(CohortMember.cohort_id))
    return {cohort_id: count for cohort_id, count in rows}


def mine(session: Session, learner: User) -> list[Dispute]:
    return list(session.execute(select(Dispute).where(Dispute.learner_id == learner.id)
                                .order_by(Dispute.created_at.desc(), Dispute.id.desc())).scalars())


def on_attempt(session: Session, attempt: Attempt) -> list[Dispute]:
    return list(session.execute(select(Dispute).where(Dispute.attempt_id == attempt.id)
                                .order_by(Dispute.id)).scalars())


def on_sitting(session: Session, sitting: ExamSitting) -> list[Dispute]:
    ids = [it.id for it in sitting.items]
    return list(session.execute(select(Dispute).where(Dispute.exam_item_id.in_(ids)).order_by(Dispute.id)
                                ).scalars()) if ids else []


def unseen_outcomes(session: Session, learner: User) -> int:
    """The learner's disputes answered or accepted since they last looked (the in-app notification)."""
    return session.execute(select(func.count(Dispute.id)).where(
        Dispute.learner_id == learner.id, Dispute.status != "open", Dispute.learner_seen_at.is_(None))).scalar_one()


def mark_seen(session: Session, learner: User, disputes: list[Dispute], now: dt.datetime | None = None) -> None:
    changed = False
    for d in disputes:
        if d.learner_id == learner.id and d.status != "open" and d.learner_seen_at is None:
            d.learner_seen_at = now or _now()
            changed = True
    if changed:
        session.commit()


# ── Resolving ───────────────────────────────────────────────────────────────────────────────────────

def _resolve(session: Session, actor: User, dispute: Dispute, status: str, reply: str | None,
             now: dt.datetime | None) -> None:
    if not can_act(session, actor, dispute):
        raise PermissionError("not a dispute of your learners")
    if dispute.status != "open":
        raise DisputeError("this dispute has already been resolved")
    dispute.status, dispute.reply = status, (reply or "").strip() or None
    dispute.resolved_by_id, dispute.resolved_at, dispute.learner_seen_at = actor.id, now or _now(), None
    session.commit()


def answer(session: Session, actor: User, dispute: Dispute, reply: str, now: dt.datetime | None = None) -> None:
    """The key stands; the reply tells the learner why."""
    if not (reply or "").strip():
        raise DisputeError("write the answer the learner will read")
    if len(reply) > MAX_COMMENT:
        raise DisputeError(f"keep the answer under {MAX_COMMENT} characters")
    _resolve(session, actor, dispute, "answered", reply, now)


def editable(dispute: Dispute, actor: User) -> bool:
    """True when accepting means correcting the key here: a school exercise of the actor's school."""
    record = dispute.attempt.exercise if dispute.attempt is not None else None
    return record is not None and record.owner_school_id is not None and record.owner_school_id == actor.school_id


def accept(session: Session, actor: User, dispute: Dispute, reply: str | None = None,
           now: dt.datetime | None = None) -> str:
    """Accept: ``"accepted"`` (the caller opens the editor on the school's exercise) or ``"reported"``
    (bundled content, reported to the maintainers)."""
    record = dispute.attempt.exercise if dispute.attempt is not None else None
    if record is not None and record.owner_school_id is not None and not editable(dispute, actor):
        raise DisputeError("only the exercise's own school can correct its key")
    if reply is not None and len(reply) > MAX_COMMENT:
        raise DisputeError(f"keep the note under {MAX_COMMENT} characters")
    status = "accepted" if editable(dispute, actor) else "reported"
    _resolve(session, actor, dispute, status, reply, now)
    return status


def regrades(session: Session, dispute: Dispute) -> list[RegradeLog]:
    """Re-grades of the disputed attempt made once the dispute was accepted (by the key's correction)."""
    if dispute.status != "accepted" or dispute.attempt_id is None or dispute.resolved_at is None:
        return []
    return list(session.execute(select(RegradeLog).where(
        RegradeLog.attempt_id == dispute.attempt_id, RegradeLog.created_at >= dispute.resolved_at)
        .order_by(RegradeLog.id)).scalars())


def exercise_regrade_count(session: Session, dispute: Dispute) -> int:
    """Every attempt (all learners) re-graded on the disputed exercise since the dispute was accepted."""
    if dispute.status != "accepted" or dispute.exercise_id is None or dispute.resolved_at is None:
        return 0
    return session.execute(select(func.count(RegradeLog.id)).where(
        RegradeLog.exercise_id == dispute.exercise_id, RegradeLog.created_at >= dispute.resolved_at)).scalar_one()


def assignment_of(dispute: Dispute) -> int | None:
    """The assignment the disputed work was done for, if any (for a gradebook override)."""
    if dispute.attempt is not None:
        return dispute.attempt.assignment_id
    if dispute.exam_item is not None:
        return dispute.exam_item.sitting.assignment_id
    return None

