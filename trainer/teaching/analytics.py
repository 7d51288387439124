"""Mastery by exam domain, now and week by week (no Flask).

Evidence: every submitted exercise attempt (its score as a fraction of its points, counted in each
CPC section and CCA domain its tags map to, see ``domains``) and every scored exam question of a
submitted sitting or a checked practice question (1 if right, 0 if wrong or unanswered, counted in
the question's section for each exam).

Mastery of a domain at a moment is the recency-weighted mean of that evidence:
``sum(w * score) / sum(w)`` with ``w = 0.5 ** (age in days / HALF_LIFE_DAYS)``, so what a learner did
a month ago counts half as much as today. With fewer than ``MIN_EVIDENCE`` pieces of evidence the
domain is "not enough data" (None), never a percentage built on one lucky or unlucky answer.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..models import Attempt, ExamItem, ExamSitting, ExerciseRecord, QuestionRecord, User
from .domains import exercise_domains

HALF_LIFE_DAYS = 30.0
MIN_EVIDENCE = 3
MAX_WEEKS = 26


@dataclass(frozen=True)
class Evidence:
    user_id: int
    at: dt.datetime  # aware, UTC
    score: float  # 0..1
    kind: str  # "exercise" or "question"
    item_id: str
    cpc: frozenset[str] = frozenset()
    cca: frozenset[str] = frozenset()

    def counts_for(self, scheme: str, domain: str) -> bool:
        return domain in getattr(self, scheme)


@dataclass(frozen=True)
class Mastery:
    percent: float | None  # None: not enough data
    evidence: int  # pieces of evidence up to that moment


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def mastery_at(evidence: Iterable[Evidence], at: dt.datetime) -> Mastery:
    """Recency-weighted mean score of the evidence dated at or before ``at`` (see the module doc)."""
    at = _aware(at)
    seen = [e for e in evidence if e.at <= at]
    if len(seen) < MIN_EVIDENCE:
        return Mastery(None, len(seen))
    weights = [0.5 ** ((at - e.at).total_seconds() / 86400 / HALF_LIFE_DAYS) for e in seen]
    value = sum(w * e.score for w, e in zip(weights, seen)) / sum(weights)
    return Mastery(round(100 * value, 1), len(seen))


def by_domain(evidence: list[Evidence], scheme: str, domains: list[str], at: dt.datetime) -> dict[str, Mastery]:
    return {d: mastery_at([e for e in evidence if e.counts_for(scheme, d)], at) for d in domains}


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class Series:
    weeks: list[dt.date]  # Mondays
    values: dict[str, list[float | None]]  # domain -> mastery at the end of each week


def weekly_series(evidence: list[Evidence], scheme: str, domains: list[str], now: dt.datetime,
                  max_weeks: int = MAX_WEEKS) -> Series:
    """Mastery per domain at the end of each week, from the first week with evidence (at most
    ``max_weeks`` weeks back) to the current week, whose point is taken at ``now``."""
    now = _aware(now)
    if not evidence:
        return Series([], {})
    last = week_start(now.date())
    first = max(week_start(min(e.at for e in evidence).date()), last - dt.timedelta(weeks=max_weeks - 1))
    weeks = [first + dt.timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    ends = [min(now, dt.datetime.combine(w + dt.timedelta(days=7), dt.time(), dt.timezone.utc)
                - dt.timedelta(microseconds=1)) for w in weeks]
    values = {}
    for d in domains:
        mine = [e for e in evidence if e.counts_for(scheme, d)]
        if mine:
            values[d] = [mastery_at(mine, end).percent for end in ends]
    return Series(weeks, values)


def load_evidence(session: Session, user_ids: list[int]) -> dict[int, list[Evidence]]:
    """Every learner's evidence, oldest first."""
    out: dict[int, list[Evidence]] = defaultdict(list)
    if not user_ids:
        return out
    for user_id, exercise_id, at, score, max_score, tags in session.execute(
            select(Attempt.user_id, Attempt.exercise_id, Attempt.submitted_at, Attempt.score, Attempt.max_score,
                   ExerciseRecord.tags)
            .join(ExerciseRecord, ExerciseRecord.id == Attempt.exercise_id)
            .where(Attempt.user_id.in_(user_ids), Attempt.submitted_at.is_not(None))):
        if max_score:
            d = exercise_domains(tags)
            out[user_id].append(Evidence(user_id, _aware(at), max(0.0, min(1.0, (score or 0) / max_score)),
                                         "exercise", exercise_id, d["cpc"], d["cca"]))
    for user_id, question_id, choice, answered_at, submitted_at, answer, sections in session.execute(
            select(ExamSitting.user_id, ExamItem.question_id, ExamItem.choice, ExamItem.answered_at,
                   ExamSitting.submitted_at, QuestionRecord.answer, QuestionRecord.sections)
            .join(ExamItem, ExamItem.sitting_id == ExamSitting.id)
            .join(QuestionRecord, QuestionRecord.id == ExamItem.question_id)
            .where(ExamSitting.user_id.in_(user_ids), ExamItem.scored.is_(True),
                   or_(ExamSitting.submitted_at.is_not(None), ExamItem.checked.is_(True)))):
        at = answered_at or submitted_at
        if at is None:
            continue
        sections = sections or {}
        out[user_id].append(Evidence(user_id, _aware(at), 1.0 if choice and choice == answer else 0.0, "question",
                                     question_id, frozenset([sections["cpc"]]) if sections.get("cpc") else frozenset(),
                                     frozenset([sections["cca"]]) if sections.get("cca") else frozenset()))
    for items in out.values():
        items.sort(key=lambda e: e.at)
    return out


@dataclass(frozen=True)
class LearnerProgress:
    user: User
    scheme: str
    domains: list[tuple[str, str]]  # (id, name)
    current: dict[str, Mastery]
    series: Series
    evidence: int  # pieces of evidence in any domain of the scheme


def learner_progress(session: Session, user: User, scheme: str, domains: list[tuple[str, str]],
                     now: dt.datetime) -> LearnerProgress:
    evidence = load_evidence(session, [user.id]).get(user.id, [])
    ids = [d for d, _ in domains]
    counted = [e for e in evidence if getattr(e, scheme)]
    return LearnerProgress(user, scheme, domains, by_domain(evidence, scheme, ids, now),
                           weekly_series(counted, scheme, ids, now), len(counted))


def cohort_heatmap(session: Session, learners: list[User], scheme: str, domains: list[tuple[str, str]],
                   now: dt.datetime) -> list[tuple[User, dict[str, Mastery]]]:
    """One row per learner (in the order given): current mastery in each domain."""
    evidence = load_evidence(session, [u.id for u in learners])
    ids = [d for d, _ in domains]
    return [(u, by_domain(evidence.get(u.id, []), scheme, ids, now)) for u in learners]
