"""The question editor's form and the question import form (Flask-WTF).

No validators beyond CSRF: the data is written out as a question file (authoring.question_file)
and checked exactly as a bank file is. The section lists are filled from the bundled blueprints
by the view; a section that is not in them is reported by the file checks, not by the form.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField

from ..exams.questions import EXAMS, ITEM, LETTERS
from .forms import choices

EXAM_LABELS = {"cpc": "CPC", "cca": "CCA", "cpb": "CPB"}
MARKDOWN_HINT = ("Markdown: a blank line begins a paragraph; **bold**, - or 1. begins a list. "
                 "Raw HTML is shown as text.")


class QuestionForm(FlaskForm):
    id = StringField("Question id", description="Lower-case letters, digits and hyphens, e.g. "
                                                "\"q-cpc-em-new-patient\". It cannot change once saved.",
                     render_kw={"spellcheck": "false", "autocomplete": "off"})
    topic = StringField("Topic", description="What the question is about, e.g. \"CPC E/M levels\" (the file's "
                                             "topic).")
    stem = TextAreaField("Question (Markdown)", description=MARKDOWN_HINT,
                         render_kw={"rows": 6, "data-markdown-source": ""})
    option_a = TextAreaField("Option A", render_kw={"rows": 2})
    option_b = TextAreaField("Option B", render_kw={"rows": 2})
    option_c = TextAreaField("Option C", render_kw={"rows": 2})
    option_d = TextAreaField("Option D", render_kw={"rows": 2})
    answer = SelectField("Correct answer", choices=choices((letter, f"Option {letter}") for letter in LETTERS))
    rationale = TextAreaField("Rationale (Markdown)", render_kw={"rows": 6, "data-markdown-source": ""},
                              description="Why the key is right and each other option wrong, citing the "
                                          "guideline. Learners see it after answering.")
    code_set_year = SelectField("Code set year", choices=choices((y, y) for y in ITEM.fields["code_set_year"].choices))
    date_of_service = StringField("Date of service (optional)", render_kw={"type": "date"},
                                  description="The date the keyed codes must be valid on; empty means the start "
                                              "of the code set year.")
    tags = TextAreaField("Tags", description="One per line or separated by commas.", render_kw={"rows": 2})


for _exam in EXAMS:
    setattr(QuestionForm, f"exam_{_exam}", BooleanField(f"Use in {EXAM_LABELS[_exam]} exams and practice"))
    setattr(QuestionForm, f"section_{_exam}", SelectField(f"{EXAM_LABELS[_exam]} section", choices=[],
                                                          validate_choice=False))


def question_form(sections: dict[str, list[tuple[str, str]]], **kw) -> QuestionForm:
    """The form, with each exam's section list (``sections``: exam -> (id, name) from its blueprint)."""
    form = QuestionForm(**kw)
    for exam in EXAMS:
        form[f"section_{exam}"].choices = choices([("", "Choose a section")] + list(sections.get(exam, [])))
    return form


class QuestionImportForm(FlaskForm):
    file = FileField("Question file (.yaml) or a zip of them (.zip)")
