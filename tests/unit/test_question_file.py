"""The question editor's fields to the bank file format and back, and problems mapped to fields."""
from __future__ import annotations

import yaml

from trainer.authoring.question_file import form_field, from_source, to_source
from trainer.exams.questions import parse_questions

FORM = {"id": "q-unit-one", "topic": "Unit topic", "exam_cpc": True, "section_cpc": "em", "exam_cpb": True,
        "section_cpb": "claim-lifecycle", "stem": "Which code?\r\nPick one.", "option_a": "E11.65",
        "option_b": "E11.9", "option_c": "I10", "option_d": "Z79.84", "answer": "C", "rationale": "Because.",
        "code_set_year": "FY2026", "date_of_service": "2026-03-02", "tags": "a, b\nc"}


def test_the_form_becomes_a_valid_bank_file_and_back():
    text, early = to_source(FORM)
    assert early == {}
    questions, problems = parse_questions(text, "q.yaml")
    assert problems == [] and len(questions) == 1
    q = questions[0]
    assert (q.exams, q.section_for("cpc"), q.section_for("cpb"), q.answer) == (("cpc", "cpb"), "em",
                                                                              "claim-lifecycle", "C")
    assert q.stem == "Which code?\nPick one.\n" and q.tags == ("a", "b", "c")
    assert str(q.date_of_service) == "2026-03-02"
    back = from_source(text)
    assert {k: back[k] for k in ("id", "topic", "section_cpc", "section_cpb", "answer", "option_d")} == {
        "id": "q-unit-one", "topic": "Unit topic", "section_cpc": "em", "section_cpb": "claim-lifecycle",
        "answer": "C", "option_d": "Z79.84"}
    assert back["exam_cpc"] and back["exam_cpb"] and not back["exam_cca"]
    assert to_source(back)[0] == text  # the editor writes the same file again


def test_no_exam_is_an_error_before_the_file_exists():
    text, early = to_source(dict(FORM, exam_cpc=False, exam_cpb=False))
    assert "exam_cpc" in early and yaml.safe_load(text)["items"][0]["exams"] == []


def test_problems_map_to_the_editor_fields():
    exams = ["cpc", "cca"]
    assert form_field("items[0].options.B", exams) == "option_b"
    assert form_field("items[0].options", exams) == "option_a"
    assert form_field("q-x.answer", exams) == "answer"
    assert form_field("items[0].stem", exams) == "stem"
    assert form_field("items[0].section", exams) == "section_cpc"
    assert form_field("q-x.section", exams, "'em' is not a section of cca: use one of ...") == "section_cca"
    assert form_field("q-x.sections.cca", exams) == "section_cca"
    assert form_field("items[0].tags[1]", exams) == "tags"
    assert form_field("(file)", exams) == "" and form_field("items", exams) == ""
