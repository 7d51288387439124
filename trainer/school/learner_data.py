"""One learner's data (no Flask): the export (a zip of JSON files) and the deletion.

The export holds everything keyed to the learner and nothing about anyone else: other people
appear only as a role ("instructor"), never by name, email or id.

The deletion walks every foreign key to ``user_account`` in the metadata and applies the policy
below; a table with a user column the policy does not name stops the deletion (so a new table
cannot be forgotten). Rows hanging off deleted rows (an attempt's re-grade log, a sitting's items,
disputes of them) follow ``DEPENDENTS``. The deletion is logged in ``deletion_log`` with the
counts only: no name, email or id of the learner.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
import io
import json
import zipfile

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.orm import Session

from ..access import can
from ..db_base import Base
from ..models import (
    Assignment, AssignmentDraw, Attempt, ClaimAttempt, Cohort, CohortMember, DeletionLog, Dispute, ExamSitting,
    GradeOverride, RegradeLog, Role, User, BillingAttempt, DenialWork, LedgerEntry, PatientAccount, PostingAttempt,
    SubmittedClaim,
)

DELETE, NULL, REFUSE = "delete", "set null", "refuse"
# (table, column) referencing user_account -> what happens to the rows of the deleted learner
USER_POLICY = {
    ("attempt", "user_id"): DELETE,               # their practice work
    ("claim_attempt", "user_id"): DELETE,         # their claim forms
    ("exam_sitting", "user_id"): DELETE,          # their exams (with the items)
    ("assignment_draw", "user_id"): DELETE,       # the exercises drawn for them
    ("cohort_member", "user_id"): DELETE,         # their memberships
    ("dispute", "learner_id"): DELETE,            # their disputes (their own words)
    ("grade_override", "learner_id"): NULL,       # audit kept: score change, who, when, why; learner anonymised
    ("dispute", "resolved_by_id"): NULL,
    ("regrade_log", "triggered_by_id"): NULL,
    ("exercise", "author_id"): NULL,
    ("question", "author_id"): NULL,
    ("question_rescore_log", "triggered_by_id"): NULL,
    ("exam_blueprint", "created_by"): NULL,
    ("deletion_log", "by_id"): NULL,
    ("billing_attempt", "user_id"): DELETE,       # their billing exercises
    ("office_account", "user_id"): DELETE,        # their billing-office sandbox: accounts,
    ("office_claim", "user_id"): DELETE,          # claims sent, with their remittances,
    ("office_posting", "user_id"): DELETE,        # postings,
    ("office_denial_work", "user_id"): DELETE,    # denials worked
    ("office_ledger", "created_by_id"): DELETE,   # and ledger entries (all in their own sandbox)
    ("lti_user_link", "user_id"): DELETE,         # the link to their LMS account
    ("lti_score", "user_id"): DELETE,             # scores waiting to go to the LMS
    ("assignment", "created_by"): REFUSE,         # staff only: a learner never has these
    ("grade_override", "by_id"): REFUSE,
}
# rows that reference a row being deleted
DEPENDENTS = {
    ("regrade_log", "attempt_id"): DELETE,        # the re-grades of their attempts
    ("dispute", "attempt_id"): DELETE,
    ("exam_item", "sitting_id"): DELETE,
    ("question_rescore_log", "sitting_id"): DELETE,  # the re-scores of their sittings
    ("dispute", "exam_item_id"): DELETE,
    ("lti_attempt", "attempt_id"): DELETE,        # which LMS link an attempt came from
    ("office_claim", "claim_attempt_id"): DELETE,
    ("office_claim", "account_id"): DELETE,
    ("office_claim", "replaces_id"): NULL,        # a replacement chain within the rows being deleted
    ("office_claim", "replaced_by_id"): NULL,
    ("office_ledger", "account_id"): DELETE,
    ("office_ledger", "claim_id"): DELETE,
    ("office_ledger", "source_claim_id"): DELETE,
    ("office_posting", "claim_id"): DELETE,
    ("office_denial_work", "claim_id"): DELETE,
}


class DeletionError(ValueError):
    """Why the deletion was refused (nothing was changed)."""


def _json(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)  # money: as text, exactly
    raise TypeError(f"not serialisable: {type(value).__name__}")


def _row(obj, *skip: str) -> dict:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns if c.key not in skip}


def export_data(session: Session, learner: User) -> dict[str, object]:
    """Every file of the export, as data (file name -> JSON-able value)."""
    uid = learner.id
    memberships = session.execute(select(CohortMember, Cohort).join(Cohort).where(CohortMember.user_id == uid)
                                  .order_by(CohortMember.id)).all()
    attempts = session.execute(select(Attempt).where(Attempt.user_id == uid).order_by(Attempt.id)).scalars().all()
    regrades = {}
    for r in session.execute(select(RegradeLog).where(RegradeLog.attempt_id.in_([a.id for a in attempts]))
                             .order_by(RegradeLog.id)).scalars():
        regrades.setdefault(r.attempt_id, []).append(_row(r, "triggered_by_id", "attempt_id"))
    sittings = session.execute(select(ExamSitting).where(ExamSitting.user_id == uid).order_by(ExamSitting.id)
                               ).scalars().all()
    cohort_ids = [c.id for _, c in memberships]
    assignments = session.execute(select(Assignment).where(Assignment.cohort_id.in_(cohort_ids))
                                  .order_by(Assignment.id)).scalars().all() if cohort_ids else []
    draws = {d.assignment_id: d.exercise_ids for d in session.execute(
        select(AssignmentDraw).where(AssignmentDraw.user_id == uid)).scalars()}
    overrides: dict[int, list] = {}
    for o in session.execute(select(GradeOverride).where(GradeOverride.learner_id == uid)
                             .order_by(GradeOverride.id)).scalars():
        overrides.setdefault(o.assignment_id, []).append(
            {"old_score": o.old_score, "new_score": o.new_score, "comment": o.comment, "at": o.at,
             "by": "instructor"})
    return {
        "profile.json": {"id": uid, "name": learner.name, "email": learner.email, "role": learner.role,
                         "school": learner.school.name, "active": learner.active, "created_at": learner.created_at,
                         "last_login_at": learner.last_login_at},
        "cohorts.json": [{"cohort_id": c.id, "cohort": c.name, "as": m.role, "joined_at": m.joined_at}
                         for m, c in memberships],
        "practice_attempts.json": [dict(_row(a, "user_id"), regrades=regrades.get(a.id, [])) for a in attempts],
        "claim_attempts.json": [_row(c, "user_id") for c in session.execute(
            select(ClaimAttempt).where(ClaimAttempt.user_id == uid).order_by(ClaimAttempt.id)).scalars()],
        "exam_sittings.json": [dict(_row(s, "user_id"), items=[_row(i, "sitting_id") for i in s.items])
                               for s in sittings],
        "assignments.json": [{"assignment_id": a.id, "cohort_id": a.cohort_id, "title": a.title, "kind": a.kind,
                              "open_at": a.open_at, "due_at": a.due_at, "drawn_for_you": draws.get(a.id),
                              "overrides": overrides.pop(a.id, [])} for a in assignments]
                            + [{"assignment_id": aid, "overrides": rows} for aid, rows in overrides.items()],
        "billing_attempts.json": [_row(b, "user_id") for b in session.execute(
            select(BillingAttempt).where(BillingAttempt.user_id == uid).order_by(BillingAttempt.id)).scalars()],
        "billing_office.json": _office(session, uid),
        "disputes.json": [dict(_row(d, "learner_id", "resolved_by_id", "learner_seen_at", "school_id"),
                               resolved_by="instructor" if d.resolved_by_id else None)
                          for d in session.execute(select(Dispute).where(Dispute.learner_id == uid)
                                                   .order_by(Dispute.id)).scalars()],
    }


def _office(session: Session, uid: int) -> dict:
    """Their billing-office sandbox: accounts with ledger entries, claims sent with their remittances,
    postings and denials worked."""
    accounts = session.execute(select(PatientAccount).where(PatientAccount.user_id == uid)
                               .order_by(PatientAccount.id)).scalars().all()
    ledger = session.execute(select(LedgerEntry).where(LedgerEntry.account_id.in_([a.id for a in accounts]))
                             .order_by(LedgerEntry.id)).scalars().all() if accounts else []

    def rows(model, *skip):
        return [_row(r, "user_id", *skip) for r in session.execute(
            select(model).where(model.user_id == uid).order_by(model.id)).scalars()]

    return {"accounts": [_row(a, "user_id") for a in accounts],
            "ledger": [_row(e, "created_by_id") for e in ledger],
            "claims": rows(SubmittedClaim), "postings": rows(PostingAttempt), "denials_worked": rows(DenialWork)}


README = """Everything Coding Trainer holds about one learner, exported {at}.

profile.json            the account: name, email, role, school, dates
cohorts.json            the cohorts they are in, and since when
practice_attempts.json  every coding attempt: the answer, score, the graded result, and re-grades
claim_attempts.json     every claim form submitted: the boxes, the claim, the result
exam_sittings.json      every exam or practice set, with each question's answer and time
assignments.json        the assignments of their cohorts: exercises drawn for them, score overrides
billing_attempts.json   every billing exercise: the answer, score and findings
billing_office.json     the billing-office sandbox: accounts and ledger, claims sent and their
                        remittances, postings, denials worked
disputes.json           the keys they disputed, and the answers
Other people appear only as a role ("instructor"), never by name.
"""


def export_zip(session: Session, learner: User, now: dt.datetime) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(at=now.isoformat(timespec="seconds")))
        for name, data in export_data(session, learner).items():
            archive.writestr(name, json.dumps(data, default=_json, indent=2, ensure_ascii=False))
    return buffer.getvalue()


def may_delete(actor: User, learner: User) -> bool:
    """The learner's own school admin, or a site admin; learners only."""
    return learner.role == Role.LEARNER and learner.id != actor.id and can(actor, "manage_user", learner)


def user_columns() -> list[tuple[Table, str]]:
    """Every (table, column) in the metadata with a foreign key to user_account."""
    return [(t, fk.parent.name) for t in Base.metadata.sorted_tables for fk in t.foreign_keys
            if fk.column.table.name == "user_account" and t.name != "user_account"]


def _referencing(table_name: str) -> list[tuple[Table, str]]:
    return [(t, fk.parent.name) for t in Base.metadata.sorted_tables for fk in t.foreign_keys
            if fk.column.table.name == table_name]


def _remove(session: Session, table: Table, ids: list, counts: dict) -> None:
    """Delete rows of ``table`` by id, after their dependents (by the policy)."""
    if not ids:
        return
    for child, column in _referencing(table.name):
        action = DEPENDENTS.get((child.name, column))
        if action is None:
            raise DeletionError(f"no deletion policy for {child.name}.{column}")
        if action == NULL:
            session.execute(update(child).where(child.c[column].in_(ids)).values({column: None}))
            continue
        child_ids = list(session.execute(select(child.c.id).where(child.c[column].in_(ids))).scalars())
        _remove(session, child, child_ids, counts)
    session.execute(delete(table).where(table.c.id.in_(ids)))
    counts[table.name] = counts.get(table.name, 0) + len(ids)


def delete_learner(session: Session, actor: User, learner: User, typed_email: str,
                   now: dt.datetime | None = None) -> DeletionLog:
    """Delete the learner and every row tied to them (see the policy); log it without personal data."""
    if not may_delete(actor, learner):
        raise PermissionError("not a learner of your school")
    if (typed_email or "").strip().lower() != learner.email.lower():
        raise DeletionError("type the learner's email address exactly to confirm")
    counts: dict[str, int] = {}
    uid, school_id = learner.id, learner.school_id
    columns = user_columns()
    for table, column in columns:
        if (table.name, column) not in USER_POLICY:
            raise DeletionError(f"no deletion policy for {table.name}.{column}")
        if USER_POLICY[(table.name, column)] == REFUSE and session.execute(
                select(func.count()).select_from(table).where(table.c[column] == uid)).scalar_one():
            raise DeletionError(f"this account has {table.name} rows as staff; it is not only a learner's")
    for table, column in columns:
        action = USER_POLICY[(table.name, column)]
        if action == DELETE:
            _remove(session, table, list(session.execute(select(table.c.id).where(table.c[column] == uid)).scalars()),
                    counts)
        elif action == NULL:
            done = session.execute(update(table).where(table.c[column] == uid).values({column: None})).rowcount
            if done:
                counts[f"{table.name}.{column} anonymised"] = done
    session.expire_all()  # the rows removed above must not linger in the session
    session.delete(session.get(User, uid))  # through the ORM, so the signed-in user cache drops it
    log = DeletionLog(school_id=school_id, by_id=actor.id, role=Role.LEARNER, counts=counts, at=now or dt.datetime.now(
        dt.timezone.utc))
    session.add(log)
    session.commit()
    session.expire_all()
    return log
