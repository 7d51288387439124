"""Progress analytics maths and charts on small hand-computed datasets (no HTTP, no database)."""
from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from trainer.grading.titles import GRADE_RULE_TITLES, rule_title
from trainer.teaching.analytics import Evidence, mastery_at, weekly_series
from trainer.teaching.domains import cpc_section, exercise_domains, short_name, unmapped_tags
from trainer.teaching.error_taxonomy import count_rules
from trainer.teaching.item_stats import ItemStat, item_statistics, items_csv, pearson, sort_items
from trainer.teaching.svg import contrast, heatmap, line_chart, scale_colour, text_colour

NOW = dt.datetime(2026, 3, 11, 12, 0, tzinfo=dt.timezone.utc)  # a Wednesday
ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"


def ev(score: float, at: dt.datetime = NOW, cpc=("em",)) -> Evidence:
    return Evidence(1, at, score, "question", "q", frozenset(cpc), frozenset())


def test_mastery_needs_three_pieces_of_evidence():
    assert mastery_at([ev(1.0), ev(0.0)], NOW).percent is None
    assert mastery_at([ev(1.0), ev(0.0)], NOW).evidence == 2
    m = mastery_at([ev(1.0), ev(0.5), ev(0.0)], NOW)
    assert (m.percent, m.evidence) == (50.0, 3)


def test_mastery_weighs_a_month_old_answer_half():
    old = ev(1.0, NOW - dt.timedelta(days=30))
    # (0.5 * 1 + 1 * 0 + 1 * 0) / (0.5 + 1 + 1) = 0.2
    assert mastery_at([old, ev(0.0), ev(0.0)], NOW).percent == 20.0
    # evidence after the moment asked about does not count
    assert mastery_at([old, ev(0.0), ev(0.0)], NOW - dt.timedelta(days=1)).percent is None


def test_weekly_series_one_point_per_week_until_now():
    old_at = NOW - dt.timedelta(days=14)  # Wednesday two weeks ago
    evidence = [ev(1.0, old_at) for _ in range(3)] + [ev(0.0, NOW) for _ in range(3)]
    series = weekly_series(evidence, "cpc", ["em", "radiology"], NOW)
    assert series.weeks == [dt.date(2026, 2, 23), dt.date(2026, 3, 2), dt.date(2026, 3, 9)]
    assert set(series.values) == {"em"}  # no evidence: no line
    # weeks 1 and 2: only the three right answers; now: 3 * 0.5 ** (14 / 30) / (3 * 0.5 ** (14 / 30) + 3)
    assert series.values["em"] == [100.0, 100.0, 42.0]
    assert weekly_series([], "cpc", ["em"], NOW).weeks == []


def test_exercise_tags_map_to_blueprint_sections():
    tags = {"cpc": ["Surgery: Digestive System", "ICD-10-CM", "Modifiers", "Surgery"],
            "cca": ["Classification systems", "Reimbursement methodologies"]}
    assert exercise_domains(tags) == {"cpc": frozenset({"surgery-40000", "icd10cm-hcpcs-guidelines-compliance"}),
                                      "cca": frozenset({"classification-systems", "reimbursement"})}
    assert cpc_section("Surgery: Musculoskeletal") == "surgery-20000"
    assert cpc_section("Surgery: Eye and Ocular Adnexa") == "surgery-60000"
    assert unmapped_tags(tags) == ["Surgery"]


def test_every_bundled_exercise_tag_counts_somewhere():
    """Content check: a new tag spelling must be added to trainer/teaching/domains.py."""
    sections = {bp: {s["id"] for s in yaml.safe_load((ROOT / "exercises/_blueprints" / f"{bp}.yaml").read_text())
                     ["sections"]} for bp in ("cpc", "cca")}
    unmapped = set()
    for path in (ROOT / "exercises").glob("*/*.yaml"):
        if path.parent.name.startswith("_"):
            continue
        tags = yaml.safe_load(path.read_text()).get("tags") or {}
        unmapped |= set(unmapped_tags(tags))
        for scheme, found in exercise_domains(tags).items():
            assert found <= sections[scheme], path
    assert unmapped <= {"Surgery"}  # a bare "Surgery" names no range


def test_pearson_by_hand():
    # dx = (.5, .5, -.5, -.5), dy = (.35, .15, -.15, -.35): r = .5 / sqrt(1 * .29)
    assert pearson([1, 1, 0, 0], [0.9, 0.7, 0.4, 0.2]) == pytest.approx(0.5 / 0.29 ** 0.5)
    assert pearson([1, 1, 1], [0.2, 0.5, 0.9]) is None  # no spread
    assert pearson([1, 0], [1, 0]) is None  # too few


def test_item_statistics_by_hand():
    responses = {"A": {1: 1.0, 2: 1.0, 3: 0.0, 4: 0.0},
                 "B": {1: 0.8, 2: 0.6, 3: 0.4, 4: 0.2},
                 "C": {1: 1.0, 2: 0.0, 3: 0.0},
                 "D": {5: 1.0}}
    stats = {s.item_id: s for s in item_statistics("question", responses, {"A": "Item A"})}
    a = stats["A"]
    assert (a.label, a.n, a.difficulty, a.pairs) == ("Item A", 4, 0.5, 4)
    # rest scores: learner 1 mean(.8, 1) = .9, 2 mean(.6, 0) = .3, 3 mean(.4, 0) = .2, 4 .2
    # my = .4; dy = (.5, -.1, -.2, -.2); sxy = .4, sxx = 1, syy = .34
    assert a.discrimination == round(0.4 / 0.34 ** 0.5, 3) == 0.686
    assert stats["C"].difficulty == pytest.approx(1 / 3)
    d = stats["D"]  # the only learner answered nothing else
    assert (d.n, d.pairs, d.discrimination, d.few) == (1, 0, None, True)


def test_sorting_puts_missing_values_last_and_csv_has_every_item():
    items = [ItemStat("exercise", "x", "Xray", 12, 0.9, None, 12), ItemStat("exercise", "y", "Yoke", 3, 0.2, 0.5, 3),
             ItemStat("exercise", "z", "Zinc", 15, 0.6, -0.1, 15)]
    assert [s.item_id for s in sort_items(items, "discrimination")] == ["z", "y", "x"]
    assert [s.item_id for s in sort_items(items, "discrimination", descending=True)] == ["y", "z", "x"]
    assert [s.item_id for s in sort_items(items, "difficulty")] == ["y", "z", "x"]
    assert [s.item_id for s in sort_items(items, "nonsense")] == ["x", "y", "z"]
    lines = items_csv(items).splitlines()
    assert lines[0].startswith("kind,item_id,label,n,difficulty,discrimination")
    assert lines[2] == "exercise,y,Yoke,3,0.2,0.5,3,yes"


def test_error_taxonomy_counts_findings_and_learners():
    results = [(1, {"findings": [{"rule": "edit.B1.excludes1", "points": 0.5}, {"rule": "grade.dx-missing"}]}),
               (1, {"findings": [{"rule": "edit.B1.excludes1", "points": 0.5}]}),
               (2, {"findings": [{"rule": "grade.dx-missing", "points": 2}]}),
               (3, None)]
    counts = count_rules(results)
    # as many findings each: the rule more learners trip comes first
    assert [(r.rule, r.findings, r.learner_count) for r in counts] == [
        ("grade.dx-missing", 2, 2), ("edit.B1.excludes1", 2, 1)]
    assert counts[1].title == "Excludes1 pairs" and counts[1].points == 1.0


def test_every_grader_rule_has_a_name():
    source = (ROOT / "trainer/grading/grader.py").read_text()
    used = set(re.findall(r'lose\("(grade\.[a-z-]+)"', source))
    assert used and used <= set(GRADE_RULE_TITLES)
    assert rule_title("edit.D2.mue") == "Medically unlikely edits"
    assert rule_title("edit.nope") == "edit.nope"


def test_line_chart_is_well_formed_escaped_and_draws_each_value():
    svg = str(line_chart("c1", "Mastery <over> time", 'Two "series" & a gap', ["Mar 2", "Mar 9", "Mar 16"],
                         [("E/M <script>", [10.0, None, 80.0]), ("Radiology", [50.0, 60.0, 70.0])]))
    root = ET.fromstring(svg)  # well-formed XML
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "Mastery <over> time"
    assert root.find(f"{SVG}desc").text == 'Two "series" & a gap'
    assert "<script>" not in svg and "E/M &lt;script&gt;" in svg
    groups = root.findall(f"{SVG}g")
    assert [g.find(f"{SVG}title").text for g in groups] == ["E/M <script>", "Radiology"]
    # the gap splits the first series: two lone points, no line; the second is one line of three
    assert groups[0].findall(f"{SVG}polyline") == [] and len(list(groups[0])) == 3
    assert len(groups[1].find(f"{SVG}polyline").get("points").split()) == 3
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"0%", "50%", "100%", "Mar 2", "Mar 16", "Radiology"} <= set(texts)


def test_heatmap_prints_each_value_with_contrasting_text():
    svg = str(heatmap("h1", "Cohort & domains", "desc", ["Ana <b>", "Bo"], ["E/M", "Radiology"],
                      [[72.4, None], [0.0, 100.0]]))
    root = ET.fromstring(svg)
    cells = [t.text for t in root.iter(f"{SVG}text")]
    assert {"72%", "–", "0%", "100%", "Ana <b>", "Bo", "E/M"} <= set(cells)
    assert "Ana <b>" not in svg
    for group in root.iter(f"{SVG}g"):
        rect, text = group.find(f"{SVG}rect"), group.find(f"{SVG}text")
        assert contrast(rect.get("fill"), text.get("fill")) >= 4.5, (rect.get("fill"), text.get("fill"))


@pytest.mark.parametrize("value", range(0, 101, 5))
def test_scale_text_always_reaches_aa(value):
    fill = scale_colour(value)
    assert contrast(fill, text_colour(fill)) >= 4.5


def test_short_names_for_chart_labels():
    assert short_name("Surgery 10000-19999 (integumentary)") == "Surgery 10000-19999"
    assert short_name("Coding knowledge and skills: classification systems") == "Classification systems"
    assert short_name("Compliance") == "Compliance"
