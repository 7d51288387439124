"""The school-admin area's figures (no Flask): instructors with their cohorts, and a school-wide report."""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Attempt, ClaimAttempt, Cohort, ExamSitting, ExerciseRecord, Role, School, User
from ..teaching.gradebook import gradebook

WINDOW = dt.timedelta(days=30)


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


@dataclass
class TeacherRow:
    user: User
    cohorts: list[tuple[Cohort, int]] = field(default_factory=list)  # (cohort, its learners)
    learners: int = 0  # distinct learners over their cohorts


def instructors(session: Session, school_id: int) -> list[TeacherRow]:
    """The school's instructors (and anyone else teaching one of its cohorts), each with their cohorts."""
    rows: dict[int, TeacherRow] = {u.id: TeacherRow(u) for u in session.execute(
        select(User).where(User.school_id == school_id, User.role == Role.INSTRUCTOR)).scalars()}
    cohorts = session.execute(select(Cohort).where(Cohort.school_id == school_id).order_by(Cohort.name)).scalars()
    taught: dict[int, set[int]] = defaultdict(set)
    for cohort in cohorts:
        learners = {m.user_id for m in cohort.members if m.role == "learner"}
        for m in cohort.members:
            if m.role == "instructor":
                row = rows.setdefault(m.user_id, TeacherRow(m.user))
                row.cohorts.append((cohort, len(learners)))
                taught[m.user_id] |= learners
    for uid, row in rows.items():
        row.learners = len(taught[uid])
    return sorted(rows.values(), key=lambda r: r.user.name.lower())


@dataclass
class Average:
    name: str
    count: int
    average: float | None  # percent
    count_30: int
    average_30: float | None
    passed: float | None = None  # exams: share of sittings passed, percent


@dataclass
class Completion:
    cohort: str
    title: str
    due_at: dt.datetime
    learners: int
    completed: int  # submitted, on time or late

    @property
    def rate(self) -> float | None:
        return round(100 * self.completed / self.learners, 1) if self.learners else None


@dataclass
class Report:
    school: School
    now: dt.datetime
    learners: int
    active_learners_30: int
    instructors: int
    cohorts: int
    practice_30: int
    claims_30: int
    exams_30: int
    areas: list[Average]
    exams: list[Average]
    assignments: list[Completion]


def _averages(rows: list[tuple[str, dt.datetime, float, bool | None]], since: dt.datetime, exams: bool) -> list[Average]:
    groups: dict[str, list] = defaultdict(list)
    for name, at, pct, passed in rows:
        groups[name].append((_aware(at), pct, passed))
    out = []
    for name, items in sorted(groups.items()):
        recent = [p for at, p, _ in items if at >= since]
        passed = [bool(ok) for _, _, ok in items if ok is not None]
        out.append(Average(name, len(items), _mean([p for _, p, _ in items]), len(recent), _mean(recent),
                           _mean([100.0 * ok for ok in passed]) if exams else None))
    return out


def school_report(session: Session, school: School, now: dt.datetime) -> Report:
    since = now - WINDOW
    learner_ids = select(User.id).where(User.school_id == school.id, User.role == Role.LEARNER)

    def count(query) -> int:
        return session.execute(query).scalar_one()

    practice = session.execute(
        select(ExerciseRecord.area, Attempt.submitted_at, 100.0 * Attempt.score / Attempt.max_score, Attempt.user_id)
        .join(ExerciseRecord, ExerciseRecord.id == Attempt.exercise_id)
        .where(Attempt.user_id.in_(learner_ids), Attempt.submitted_at.is_not(None), Attempt.max_score > 0)).all()
    sittings = session.execute(
        select(ExamSitting.title, ExamSitting.submitted_at, 100.0 * ExamSitting.score / ExamSitting.max_score,
               ExamSitting.passed, ExamSitting.user_id)
        .where(ExamSitting.user_id.in_(learner_ids), ExamSitting.mode == "exam",
               ExamSitting.submitted_at.is_not(None), ExamSitting.max_score > 0)).all()
    claims = session.execute(select(ClaimAttempt.submitted_at, ClaimAttempt.user_id)
                             .where(ClaimAttempt.user_id.in_(learner_ids))).all()
    active = ({uid for _, at, _, uid in practice if _aware(at) >= since}
              | {uid for _, at, _, _, uid in sittings if _aware(at) >= since}
              | {uid for at, uid in claims if _aware(at) >= since})
    completions = []
    for cohort in session.execute(select(Cohort).where(Cohort.school_id == school.id, Cohort.active.is_(True))
                                  .order_by(Cohort.name)).scalars():
        book = gradebook(session, cohort, now)
        for a in book.assignments:
            done = sum(1 for u in book.learners if book.cell(u, a).status in ("submitted", "late"))
            completions.append(Completion(cohort.name, a.title, a.due_at, len(book.learners), done))
    return Report(
        school=school, now=now,
        learners=count(select(func.count()).select_from(learner_ids.subquery())),
        active_learners_30=len(active),
        instructors=len(instructors(session, school.id)),
        cohorts=count(select(func.count(Cohort.id)).where(Cohort.school_id == school.id)),
        practice_30=sum(1 for _, at, _, _ in practice if _aware(at) >= since),
        claims_30=sum(1 for at, _ in claims if _aware(at) >= since),
        exams_30=sum(1 for _, at, _, _, _ in sittings if _aware(at) >= since),
        areas=_averages([(area, at, pct, None) for area, at, pct, _ in practice], since, exams=False),
        exams=_averages([(title, at, pct, ok) for title, at, pct, ok, _ in sittings], since, exams=True),
        assignments=completions,
    )


def _num(v) -> str:
    return "" if v is None else f"{v:g}"


def report_csv(report: Report, area_labels: dict[str, str]) -> str:
    """One table: ``section,name,count,average_percent,count_30_days,average_percent_30_days,extra``
    (extra: the pass rate of an exam; an assignment's completion rate, with count = learners and
    count_30_days = learners who completed it)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["section", "name", "count", "average_percent", "count_30_days", "average_percent_30_days", "extra"])
    for name, value in (("learners", report.learners),
                        ("learners active in the last 30 days", report.active_learners_30),
                        ("instructors", report.instructors), ("cohorts", report.cohorts),
                        ("practice attempts submitted in the last 30 days", report.practice_30),
                        ("claim attempts submitted in the last 30 days", report.claims_30),
                        ("exam sittings submitted in the last 30 days", report.exams_30)):
        w.writerow(["school", name, value, "", "", "", ""])
    for a in report.areas:
        w.writerow(["practice area", area_labels.get(a.name, a.name), a.count, _num(a.average), a.count_30,
                    _num(a.average_30), ""])
    for e in report.exams:
        w.writerow(["exam", e.name, e.count, _num(e.average), e.count_30, _num(e.average_30),
                    f"passed {_num(e.passed)} %" if e.passed is not None else ""])
    for c in report.assignments:
        w.writerow(["assignment", f"{c.cohort}: {c.title}", c.learners, "", c.completed, "",
                    f"completed {_num(c.rate)} %" if c.rate is not None else ""])
    return out.getvalue()
