"""Blueprint counts, drawing with recency, and scoring (pure functions)."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainer.exams.blueprints import load_blueprints
from trainer.exams.draw import draw, scaled_score, score, section_counts

BLUEPRINTS = {bp["id"]: bp for bp in load_blueprints(Path(__file__).resolve().parents[2] / "exercises" / "_blueprints")[0]}


def test_cpc_counts_are_the_published_ones():
    counts = section_counts(BLUEPRINTS["cpc"])
    assert counts["surgery-10000"] == 6 and counts["anesthesia"] == 4 and sum(counts.values()) == 100


def test_cca_counts_fall_inside_the_domain_weight_ranges():
    bp = BLUEPRINTS["cca"]
    counts = section_counts(bp)
    assert sum(counts.values()) == 105
    for s in bp["sections"]:
        low, high = s["weight"]
        assert low / 100 * 105 - 1 <= counts[s["id"]] <= high / 100 * 105 + 1, s["id"]


@pytest.mark.parametrize("items", [100, 135])
def test_cpb_spreads_items_evenly_for_either_length(items):
    counts = section_counts(BLUEPRINTS["cpb"], items)
    assert sum(counts.values()) == items and max(counts.values()) - min(counts.values()) <= 1


def test_draw_prefers_unseen_then_oldest_and_marks_pretest():
    pool = {"a": [f"a{i}" for i in range(6)], "b": ["b0", "b1"]}
    last_seen = {"a0": 5.0, "a1": 1.0, "a2": 9.0}
    out = draw({"a": 4, "b": 3}, pool, last_seen, pretest=2, rng=random.Random(3))
    chosen_a = {d.question_id for d in out.items if d.section == "a"}
    assert chosen_a == {"a3", "a4", "a5", "a1"}  # the three unseen, then the one seen longest ago
    assert out.shortfall == {"b": 1}
    assert sum(1 for d in out.items if not d.scored) == 2
    assert [d.section for d in out.items] == ["a"] * 4 + ["b"] * 2  # sections in blueprint order


@given(st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 8), min_size=1),
       st.integers(0, 40), st.integers(0, 10 ** 6))
def test_draw_never_repeats_an_item_nor_exceeds_the_counts(counts, size, seed):
    pool = {s: [f"q{i}" for i in range(size)] for s in counts}  # the same ids offered to every section
    out = draw(counts, pool, {}, rng=random.Random(seed))
    ids = [d.question_id for d in out.items]
    assert len(ids) == len(set(ids)) <= sum(counts.values())


def test_scaled_score_anchors_and_pass():
    cca = BLUEPRINTS["cca"]
    assert (scaled_score(0, cca), scaled_score(0.7, cca), scaled_score(1, cca)) == (100, 300, 400)
    results = [("privacy", True, i < 63) for i in range(90)] + [("privacy", False, False)] * 15
    out = score(cca, results)
    assert out["scored"] == 90 and out["pretest"] == 15 and out["scaled"] == 300 and out["passed"] is True
    assert score(cca, [("privacy", True, i < 62) for i in range(90)])["passed"] is False


def test_percent_score_by_section():
    cpc = BLUEPRINTS["cpc"]
    out = score(cpc, [("em", True, True), ("em", True, False), ("anatomy", True, True), ("anatomy", True, True)])
    assert out["percent"] == 75.0 and out["passed"] is True
    assert {s["id"]: s["percent"] for s in out["sections"]} == {"em": 50, "anatomy": 100}
    assert score(cpc, [("em", True, False)] * 4 + [("em", True, True)] * 6)["passed"] is False
