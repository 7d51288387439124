"""Turning a blueprint into a set of items, and scoring a finished set (pure Python, no database).

A blueprint gives each section either a fixed item count (CPC), a weight range in percent (CCA) or
nothing (CPB, whose published weights we do not have: items are spread evenly). ``section_counts``
turns any of these into whole counts that add up to the exam's length; ``draw`` picks that many
items per section, preferring items the learner has not seen, then those seen longest ago.
"""
from __future__ import annotations

import random
from dataclasses import dataclass


def _largest_remainder(shares: dict[str, float], total: int) -> dict[str, int]:
    whole = {k: int(v) for k, v in shares.items()}
    left = total - sum(whole.values())
    for k in sorted(shares, key=lambda k: (-(shares[k] - whole[k]), list(shares).index(k)))[:max(left, 0)]:
        whole[k] += 1
    return whole


def section_counts(blueprint: dict, items: int | None = None) -> dict[str, int]:
    """Whole item counts per section id, in blueprint order, adding up to ``items`` (default: the blueprint's)."""
    total = items or blueprint["items"]
    sections = blueprint["sections"]
    fixed = [s.get("items") for s in sections]
    if all(n is not None for n in fixed) and sum(fixed) == total:
        return {s["id"]: s["items"] for s in sections}
    if all(n is not None for n in fixed):
        weights = {s["id"]: float(s["items"]) for s in sections}
    elif all(s.get("weight") for s in sections):
        weights = {s["id"]: sum(s["weight"]) / 2 for s in sections}  # the middle of each published range
    else:
        weights = {s["id"]: 1.0 for s in sections}
    scale = total / sum(weights.values())
    return _largest_remainder({k: w * scale for k, w in weights.items()}, total)


@dataclass(frozen=True)
class Drawn:
    question_id: str
    section: str
    scored: bool


@dataclass
class Draw:
    items: list[Drawn]
    shortfall: dict[str, int]  # section -> items the bank could not supply


def draw(counts: dict[str, int], pool: dict[str, list[str]], last_seen: dict[str, float],
         pretest: int = 0, rng: random.Random | None = None) -> Draw:
    """Pick ``counts[section]`` question ids from ``pool[section]`` for each section.

    Unseen items come first (in random order), then items by how long ago the learner saw them
    (``last_seen``: question id -> a sortable time). Sections stay in blueprint order, items are
    shuffled within a section. ``pretest`` items, chosen at random, are drawn but not scored.
    """
    rng = rng or random.Random()
    items: list[Drawn] = []
    shortfall: dict[str, int] = {}
    used: set[str] = set()
    for section, n in counts.items():
        candidates = [q for q in pool.get(section, []) if q not in used]
        rng.shuffle(candidates)
        candidates.sort(key=lambda q: (q in last_seen, last_seen.get(q, 0)))
        chosen = candidates[:n]
        if len(chosen) < n:
            shortfall[section] = n - len(chosen)
        rng.shuffle(chosen)
        used.update(chosen)
        items += [Drawn(q, section, True) for q in chosen]
    if pretest:
        unscored = set(rng.sample(range(len(items)), min(pretest, len(items))))
        items = [Drawn(d.question_id, d.section, i not in unscored) for i, d in enumerate(items)]
    return Draw(items, shortfall)


def scaled_score(fraction: float, blueprint: dict) -> int:
    """Map the fraction of scored items correct onto the blueprint's scaled range.

    Piecewise linear through (0, low), (pass_percent, pass mark) and (1, high). This is our own
    approximation; certification bodies equate forms and do not publish their conversion.
    """
    low, high = blueprint["scaled_range"]
    cut = blueprint.get("scaled_pass_percent", 70) / 100
    mark = blueprint["pass_mark"]
    if fraction <= cut:
        return round(low + (mark - low) * fraction / cut)
    return round(mark + (high - mark) * (fraction - cut) / (1 - cut))


def score(blueprint: dict, results: list[tuple[str, bool, bool]]) -> dict:
    """Score a finished sitting. ``results``: (section, scored, correct) per item, in order."""
    names = {s["id"]: s["name"] for s in blueprint["sections"]}
    sections = {sid: {"id": sid, "name": names[sid], "correct": 0, "total": 0} for sid in names}
    correct = total = 0
    for section, scored, right in results:
        if not scored:
            continue
        row = sections.setdefault(section, {"id": section, "name": section, "correct": 0, "total": 0})
        row["total"] += 1
        row["correct"] += int(right)
        total += 1
        correct += int(right)
    for row in sections.values():
        row["percent"] = round(100 * row["correct"] / row["total"]) if row["total"] else None
    fraction = correct / total if total else 0.0
    out = {"correct": correct, "scored": total, "percent": round(100 * fraction, 1),
           "sections": [row for row in sections.values() if row["total"]],
           "pretest": sum(1 for _, scored, _ in results if not scored)}
    if blueprint.get("scoring") == "scaled":
        out["scaled"] = scaled_score(fraction, blueprint)
        out["passed"] = out["scaled"] >= blueprint["pass_mark"]
    else:
        out["passed"] = 100 * fraction >= blueprint["pass_mark"]
    return out
