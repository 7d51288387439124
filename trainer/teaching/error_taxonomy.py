"""Which grading rules a cohort trips most (no Flask).

Counts the findings of submitted practice attempts (``Attempt.result["findings"]``: the grader's
``grade.*`` findings and the ``edit.*`` findings of the validation engine that cost points) per rule
id, with how many learners tripped each rule, and lists the attempts behind a rule as examples.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..grading.titles import rule_title
from ..models import Attempt, ExerciseRecord, User


@dataclass
class RuleCount:
    rule: str
    title: str
    findings: int = 0
    learners: set[int] = field(default_factory=set)
    points: float = 0.0  # points lost to this rule

    @property
    def learner_count(self) -> int:
        return len(self.learners)


@dataclass(frozen=True)
class Example:
    attempt_id: int
    learner: str
    exercise: str
    submitted_at: dt.datetime
    message: str
    expected: str | None
    given: str | None


def _submitted(user_ids: list[int]):
    return (select(Attempt.id, Attempt.user_id, Attempt.result, Attempt.submitted_at, User.name, ExerciseRecord.title)
            .join(User, User.id == Attempt.user_id).join(ExerciseRecord, ExerciseRecord.id == Attempt.exercise_id)
            .where(Attempt.user_id.in_(user_ids), Attempt.submitted_at.is_not(None)))


def _findings(result) -> list[dict]:
    return [f for f in (result or {}).get("findings") or [] if isinstance(f, dict) and f.get("rule")]


def count_rules(results: list[tuple[int, dict | None]]) -> list[RuleCount]:
    """(learner id, attempt result) pairs -> rule counts, most findings first."""
    counts: dict[str, RuleCount] = {}
    for user_id, result in results:
        for f in _findings(result):
            row = counts.setdefault(f["rule"], RuleCount(f["rule"], rule_title(f["rule"])))
            row.findings += 1
            row.learners.add(user_id)
            row.points += float(f.get("points") or 0)
    return sorted(counts.values(), key=lambda r: (-r.findings, -r.learner_count, r.rule))


def error_taxonomy(session: Session, user_ids: list[int]) -> list[RuleCount]:
    if not user_ids:
        return []
    return count_rules([(row.user_id, row.result) for row in session.execute(_submitted(user_ids))])


def rule_examples(session: Session, user_ids: list[int], rule: str, limit: int = 100) -> list[Example]:
    """The findings of one rule in the learners' submitted attempts, newest first."""
    if not user_ids:
        return []
    out = []
    for row in session.execute(_submitted(user_ids).order_by(Attempt.submitted_at.desc(), Attempt.id.desc())):
        for f in _findings(row.result):
            if f["rule"] == rule:
                out.append(Example(row.id, row.name, row.title, row.submitted_at, str(f.get("message") or ""),
                                   f.get("expected"), f.get("given")))
        if len(out) >= limit:
            break
    return out[:limit]

