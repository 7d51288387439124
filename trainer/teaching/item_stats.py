"""Item statistics for a cohort's exercises and exam questions (no Flask).

One response per learner and item: the learner's first submitted attempt at an exercise (its score
as a fraction of its points) or first scored answer to a question (1 right, 0 wrong or blank); later
retries have seen the feedback and would flatter the item.

* Difficulty: the mean proportion of points earned (classical p-value: 0.9 is an easy item).
* Discrimination: the corrected item-total correlation, i.e. the Pearson correlation between the
  item score and the learner's rest score (mean score on the other items of the same kind), over the
  learners who answered this item and at least one other. For a right/wrong question this is the
  point-biserial correlation. Near 0 or negative: the item does not separate stronger from weaker
  learners (or its key is wrong). None when fewer than 3 learners or no spread in either score.
* ``n``: learners who answered the item. Items with fewer than ``MIN_N`` are flagged: a
  statistic on a handful of learners says little.
"""
from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..models import Attempt, ExamItem, ExamSitting, ExerciseRecord, QuestionRecord

MIN_N = 10
SORT_KEYS = ("label", "n", "difficulty", "discrimination")


@dataclass(frozen=True)
class ItemStat:
    kind: str  # "exercise" or "question"
    item_id: str
    label: str
    n: int
    difficulty: float | None  # 0..1
    discrimination: float | None  # -1..1
    pairs: int  # learners in the discrimination (answered this item and another)

    @property
    def few(self) -> bool:
        return self.n < MIN_N


def mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson correlation; None with fewer than 3 pairs or no spread."""
    if len(xs) != len(ys) or len(xs) < 3:
        return None
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def item_statistics(kind: str, responses: dict[str, dict[int, float]], labels: dict[str, str]) -> list[ItemStat]:
    """``responses``: item id -> {learner id: score 0..1}. Difficulty and discrimination per item."""
    by_learner: dict[int, dict[str, float]] = defaultdict(dict)
    for item, scores in responses.items():
        for learner, score in scores.items():
            by_learner[learner][item] = score
    out = []
    for item, scores in responses.items():
        xs, ys = [], []
        for learner, score in scores.items():
            others = [s for i, s in by_learner[learner].items() if i != item]
            if others:
                xs.append(score)
                ys.append(sum(others) / len(others))
        disc = pearson(xs, ys)
        out.append(ItemStat(kind, item, labels.get(item, item), len(scores), mean(list(scores.values())),
                            None if disc is None else round(disc, 3), len(xs)))
    return out


def _first(rows) -> dict[str, dict[int, float]]:
    """(item, learner, when, score) rows -> each learner's earliest score per item."""
    earliest: dict[tuple[str, int], tuple] = {}
    for item, learner, when, score in rows:
        key = (item, learner)
        if key not in earliest or when < earliest[key][0]:
            earliest[key] = (when, score)
    out: dict[str, dict[int, float]] = defaultdict(dict)
    for (item, learner), (_, score) in earliest.items():
        out[item][learner] = score
    return out


def cohort_item_stats(session: Session, user_ids: list[int]) -> tuple[list[ItemStat], list[ItemStat]]:
    """(exercise statistics, question statistics) over the given learners."""
    if not user_ids:
        return [], []
    rows, titles = [], {}
    for exercise_id, title, user_id, at, score, max_score in session.execute(
            select(Attempt.exercise_id, ExerciseRecord.title, Attempt.user_id, Attempt.submitted_at, Attempt.score,
                   Attempt.max_score)
            .join(ExerciseRecord, ExerciseRecord.id == Attempt.exercise_id)
            .where(Attempt.user_id.in_(user_ids), Attempt.submitted_at.is_not(None))):
        if max_score:
            titles[exercise_id] = title
            rows.append((exercise_id, user_id, at, max(0.0, min(1.0, (score or 0) / max_score))))
    exercises = item_statistics("exercise", _first(rows), titles)
    rows, stems = [], {}
    for question_id, stem, user_id, answered_at, submitted_at, item_id, choice, answer in session.execute(
            select(ExamItem.question_id, QuestionRecord.stem, ExamSitting.user_id, ExamItem.answered_at,
                   ExamSitting.submitted_at, ExamItem.id, ExamItem.choice, QuestionRecord.answer)
            .join(ExamSitting, ExamSitting.id == ExamItem.sitting_id)
            .join(QuestionRecord, QuestionRecord.id == ExamItem.question_id)
            .where(ExamSitting.user_id.in_(user_ids), ExamItem.scored.is_(True),
                   or_(ExamSitting.submitted_at.is_not(None), ExamItem.checked.is_(True)))):
        when = answered_at or submitted_at
        if when is None:
            continue
        stems[question_id] = stem if len(stem) <= 90 else stem[:89].rstrip() + "…"
        rows.append((question_id, user_id, (when.replace(tzinfo=None), item_id),
                     1.0 if choice and choice == answer else 0.0))
    questions = item_statistics("question", _first(rows), stems)
    return exercises, questions


def sort_items(stats: list[ItemStat], key: str, descending: bool = False) -> list[ItemStat]:
    """Sorted by one column; items without a value go last either way."""
    if key not in SORT_KEYS:
        key = "label"
    present = [s for s in stats if getattr(s, key) is not None]
    missing = sorted((s for s in stats if getattr(s, key) is None), key=lambda s: s.label.lower())
    value = (lambda s: s.label.lower()) if key == "label" else (lambda s: getattr(s, key))
    return sorted(present, key=lambda s: (value(s), s.label.lower()), reverse=descending) + missing


def items_csv(stats: list[ItemStat]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kind", "item_id", "label", "n", "difficulty", "discrimination", "discrimination_n",
                     "few_responses"])
    for s in stats:
        writer.writerow([s.kind, s.item_id, s.label, s.n, "" if s.difficulty is None else round(s.difficulty, 3),
                         "" if s.discrimination is None else s.discrimination, s.pairs, "yes" if s.few else "no"])
    return out.getvalue()
