"""The exam blueprints and the question bank: schema, sections and every code checked."""
from __future__ import annotations

from pathlib import Path

from trainer.exams.blueprints import load_blueprints, summary
from trainer.exams.questions import code_problems, codes_in, load_questions, section_problems

CONTENT = Path(__file__).resolve().parent.parent.parent / "exercises"
GOOD = """topic: t
items:
  - id: q-test-one
    exams: [cpc]
    section: em
    stem: "Which code?"
    options: {A: "E11.65", B: "E11.9", C: "I10", D: "Z79.84"}
    answer: A
    rationale: "Guidelines I.C.4.a."
    code_set_year: FY2026
"""


def test_bundled_blueprints_load_and_add_up():
    blueprints, problems = load_blueprints(CONTENT / "_blueprints")
    assert problems == []
    by_id = {bp["id"]: summary(bp) for bp in blueprints}
    assert set(by_id) == {"cpc", "cca", "cpb"}
    assert (by_id["cpc"]["items"], by_id["cpc"]["minutes"], by_id["cpc"]["pass_mark"]) == (100, 240, 70)
    assert sum(s["items"] for s in by_id["cpc"]["sections"]) == 100
    assert (by_id["cca"]["items"], by_id["cca"]["scored_items"], by_id["cca"]["minutes"]) == (105, 90, 120)
    assert by_id["cca"]["pass_mark"] == 300 and by_id["cca"]["scoring"] == "scaled"


def test_blueprint_counts_must_add_up(tmp_path):
    text = (CONTENT / "_blueprints" / "cpc.yaml").read_text().replace("items: 100", "items: 99", 1)
    (tmp_path / "cpc.yaml").write_text(text)
    _, problems = load_blueprints(tmp_path)
    assert problems and "add up to 100, not 99" in problems[0].message


def test_codes_are_found_in_question_text():
    found = codes_in("Report 99213-25, E11.65 and J1100; PCS 0DTJ4ZZ; not $120.00 or CO-45")
    assert ("CPT", "99213") in found and ("ICD10CM", "E11.65") in found
    assert ("HCPCS", "J1100") in found and ("ICD10PCS", "0DTJ4ZZ") in found
    assert not any(code in ("12000", "45") for _, code in found)


def test_good_question_passes(codes_session, tmp_path):
    (tmp_path / "t.yaml").write_text(GOOD)
    questions, problems = load_questions(tmp_path)
    assert problems == [] and len(questions) == 1
    assert code_problems(codes_session, questions) == []


def test_invented_code_in_a_distractor_and_header_in_the_key_fail(codes_session, tmp_path):
    (tmp_path / "t.yaml").write_text(GOOD.replace('B: "E11.9"', 'B: "E11.99"').replace('A: "E11.65"', 'A: "E11"'))
    questions, _ = load_questions(tmp_path)
    messages = [p.message for p in code_problems(codes_session, questions)]
    assert any("E11.99 is not a ICD-10-CM code" in m for m in messages)
    assert any("keyed option uses E11" in m for m in messages)


def test_schema_section_and_duplicate_errors(tmp_path):
    (tmp_path / "t.yaml").write_text(GOOD.replace("answer: A", "answer: E"))
    _, problems = load_questions(tmp_path)
    assert problems and problems[0].field == "items[0].answer"
    (tmp_path / "t.yaml").write_text(GOOD + GOOD.split("items:\n")[1])
    _, problems = load_questions(tmp_path)
    assert any("duplicate id" in p.message for p in problems)
    (tmp_path / "t.yaml").write_text(GOOD.replace("section: em", "section: privacy"))
    questions, _ = load_questions(tmp_path)
    blueprints, _ = load_blueprints(CONTENT / "_blueprints")
    assert section_problems(questions, blueprints)[0].field == "q-test-one.section"


def test_bundled_questions_all_validate(codes_session):
    questions, problems = load_questions(CONTENT / "_questions")
    blueprints, _ = load_blueprints(CONTENT / "_blueprints")
    problems += code_problems(codes_session, questions) + section_problems(questions, blueprints)
    assert problems == [], "\n".join(map(str, problems))
    assert len(questions) >= 2


def test_an_item_can_belong_to_several_exams_with_a_section_in_each(tmp_path):
    blueprints, _ = load_blueprints(CONTENT / "_blueprints")
    shared = GOOD.replace("exams: [cpc]", "exams: [cpc, cca]")
    (tmp_path / "t.yaml").write_text(shared)
    questions, _ = load_questions(tmp_path)
    assert [p.field for p in section_problems(questions, blueprints)] == ["q-test-one.section"]
    (tmp_path / "t.yaml").write_text(shared.replace("section: em", "section: em\n    sections: {cca: classification-systems}"))
    questions, problems = load_questions(tmp_path)
    assert problems == [] and section_problems(questions, blueprints) == []
    assert questions[0].section_for("cca") == "classification-systems" and questions[0].section_for("cpc") == "em"
    (tmp_path / "t.yaml").write_text(GOOD.replace("section: em", "section: em\n    sections: {cca: privacy}"))
    questions, _ = load_questions(tmp_path)
    assert "not tagged for cca" in section_problems(questions, blueprints)[0].message


def test_a_pcs_code_starting_with_five_digits_is_not_read_as_cpt():
    assert codes_in("02100Z9 or 33533") == [("CPT", "33533"), ("ICD10PCS", "02100Z9")]
