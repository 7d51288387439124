"""The exercise editor's form and the import form (Flask-WTF).

The form carries no validators of its own beyond CSRF and the choice lists: its data is written
out as the exercise file (authoring.yamlfile) and checked exactly as a file is.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, FieldList, Form, FormField, SelectField, StringField, TextAreaField

try:  # WTForms 3.3 deprecates (value, label) tuples
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - older WTForms
    def SelectChoice(value, label):  # noqa: N802
        return (value, label)

from ..exercises.format import DOC_TYPES, KINDS, PAYERS
from ..practice.labels import AREA_LABELS, DIFFICULTY_LABELS, SETTING_LABELS

DOC_LABELS = {"progress_note": "Progress note", "ed_record": "Emergency department record",
              "operative_report": "Operative report", "pathology": "Pathology report", "radiology": "Radiology report",
              "discharge_summary": "Discharge summary", "history_physical": "History and physical",
              "consult": "Consultation", "procedure_note": "Procedure note", "lab": "Laboratory report",
              "anesthesia_record": "Anesthesia record", "nursing_note": "Nursing note",
              "medication_record": "Medication record", "other": "Other document"}


def choices(pairs) -> list:
    return [SelectChoice(str(value), label) for value, label in pairs]


POA_CHOICES = choices([("", "Blank (POA-exempt code, or not inpatient)"), ("Y", "Y: yes"), ("N", "N: no"),
                       ("U", "U: not documented"), ("W", "W: clinically undetermined")])
AREA_CHOICES = choices(AREA_LABELS.items())
LISTS = ("documents", "diagnoses", "procedures", "pcs")
CODE_KW = {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters", "class": "input code-input"}


class DocumentForm(Form):
    type = SelectField("Document type", choices=choices((t, DOC_LABELS[t]) for t in DOC_TYPES), default="progress_note")
    title = StringField("Title", description="E.g. \"Office visit - established patient\".")
    body = TextAreaField("Text (Markdown)", render_kw={"rows": 14, "data-markdown-source": ""},
                         description="**Label:** at the start of a line begins a new line; a blank line "
                                     "begins a paragraph; - or 1. begins a list; | a | b | makes a table.")


class _CodeRow(Form):
    rationale = TextAreaField("Rationale", render_kw={"rows": 3})
    alternatives = StringField("Also accepted", description="Other codes that earn full credit, separated by spaces.",
                               render_kw={"spellcheck": "false"})
    optional = BooleanField("Optional (accepted, not required)")


class DiagnosisForm(_CodeRow):
    code = StringField("ICD-10-CM code", render_kw=dict(CODE_KW, **{"data-code-system": "icd10cm"}))
    poa = SelectField("Present on admission (inpatient)", choices=POA_CHOICES, default="")


class ProcedureForm(_CodeRow):
    code = StringField("CPT or HCPCS code", render_kw=dict(CODE_KW, **{"data-code-system": "cpt-hcpcs"}))
    modifiers = StringField("Modifiers", description="Separated by spaces, e.g. 25 or LT 59.",
                            render_kw={"spellcheck": "false"})
    units = StringField("Units", default="1", render_kw={"inputmode": "numeric"})
    dx_pointers = StringField("Diagnosis pointers", description="Letters of the diagnoses, e.g. A B.",
                              render_kw={"spellcheck": "false"})


class PcsForm(_CodeRow):
    code = StringField("ICD-10-PCS code", render_kw=dict(CODE_KW, **{"data-code-system": "icd10pcs"}))
    date = StringField("Date performed", render_kw={"type": "date"})


class ExerciseForm(FlaskForm):
    id = StringField("Exercise id", description="Lower-case letters, digits and hyphens, e.g. "
                                                "\"em-office-new-patient-asthma\". It cannot change once saved.",
                     render_kw={"spellcheck": "false", "autocomplete": "off"})
    title = StringField("Title")
    kind = SelectField("Kind", choices=choices((k, "Inpatient (ICD-10-CM and ICD-10-PCS, MS-DRG)" if k == "inpatient"
                                                 else "Professional or outpatient coding") for k in KINDS))
    area = SelectField("Practice area", choices=AREA_CHOICES)
    setting = SelectField("Setting", choices=choices(SETTING_LABELS.items()))
    difficulty = SelectField("Difficulty", choices=choices(DIFFICULTY_LABELS.items()), default="2")
    date_of_service = StringField("Date of service (admission for inpatient)", render_kw={"type": "date"})
    discharge_date = StringField("Discharge date (inpatient)", render_kw={"type": "date"})
    # the admission block of an inpatient case: what its UB-04 / 837I carries (form locators 13-17)
    admission_hour = StringField("Admission hour (00-23, FL13)", render_kw={"inputmode": "numeric", "maxlength": 2})
    admission_type = SelectField("Admission type (FL14)", choices=choices([("", "Choose")] + [
        ("1", "1 Emergency"), ("2", "2 Urgent"), ("3", "3 Elective"), ("4", "4 Newborn"), ("5", "5 Trauma"),
        ("9", "9 Information not available")]), default="")
    point_of_origin = StringField("Point of origin (FL15)", description="One character, e.g. 1 (non-health-care "
                                  "point of origin) or 5 (transfer from a SNF or similar).", render_kw={"maxlength": 1})
    via_ed = BooleanField("Admitted through the emergency department")
    discharge_hour = StringField("Discharge hour (00-23, FL16)", render_kw={"inputmode": "numeric", "maxlength": 2})
    discharge_status = StringField("Discharge status (FL17)", description="Two digits, e.g. 01 home, 03 SNF, "
                                   "06 home health.", render_kw={"inputmode": "numeric", "maxlength": 2})
    payer = SelectField("Payer", choices=choices((p, p.capitalize()) for p in PAYERS))
    patient_name = StringField("Patient name (synthetic)")
    patient_sex = SelectField("Patient sex", choices=choices([("F", "Female"), ("M", "Male")]))
    patient_birth_date = StringField("Patient date of birth", render_kw={"type": "date"})
    tags_cpc = TextAreaField("CPC topics", description="One per line, e.g. Evaluation and Management.",
                             render_kw={"rows": 2})
    tags_icd_chapter = TextAreaField("ICD-10-CM chapters", description="One chapter number per line.",
                                     render_kw={"rows": 2})
    tags_cca = TextAreaField("CCA domains", description="One per line.", render_kw={"rows": 2})
    tags_topics = TextAreaField("Topics", description="One per line; shown to learners after submitting.",
                                render_kw={"rows": 3})
    documents = FieldList(FormField(DocumentForm), min_entries=1)
    diagnoses = FieldList(FormField(DiagnosisForm), min_entries=1)
    procedures = FieldList(FormField(ProcedureForm), min_entries=0)
    pcs = FieldList(FormField(PcsForm), min_entries=0)
    facts = TextAreaField("Case facts (YAML, advanced)", render_kw={"rows": 3, "spellcheck": "false"},
                          description="Facts the validation engine needs, one \"name: value\" per line, e.g. "
                                      "separately_identifiable_em: true.")
    references = TextAreaField("References", description="One per line (guideline sections, manuals).",
                               render_kw={"rows": 3})
    variants = TextAreaField("Variants (YAML, advanced)", render_kw={"rows": 4, "spellcheck": "false"},
                             description="A list of parameter sets; {{name}} in any text or code is replaced by "
                                         "each set's value. Leave empty for a single exercise.")


class ImportForm(FlaskForm):
    file = FileField("Exercise file (.yaml) or a zip of them (.zip)")
    area = SelectField("Practice area for files not in an area folder", choices=AREA_CHOICES)


class PreviewForm(FlaskForm):
    body = TextAreaField("Markdown")
