"""Exam domains: which CPC blueprint section and which CCA domain an exercise or a question counts for.

Exercises carry tags written for people (``tags.cpc: ["Surgery: Digestive System", "ICD-10-CM"]``,
``tags.cca: ["Classification systems"]``); the CPC and CCA blueprints (exercises/_blueprints) name
their sections by id (``surgery-40000``, ``classification-systems``). The tables below join the two.
A tag with several sections counts the attempt in each. Questions already carry their section per
exam (``QuestionRecord.sections``), so they need no table.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import BlueprintRecord

SCHEMES = ("cpc", "cca")
SCHEME_LABELS = {"cpc": "CPC exam sections", "cca": "CCA exam domains"}

# CPT surgery subsections by the range the CPC blueprint groups them in.
SURGERY_RANGES = {
    "surgery-10000": ("Integumentary",),
    "surgery-20000": ("Musculoskeletal",),
    "surgery-30000": ("Respiratory", "Cardiovascular", "Hemic and Lymphatic", "Mediastinum and Diaphragm"),
    "surgery-40000": ("Digestive",),
    "surgery-50000": ("Urinary", "Male Genital", "Female Genital", "Maternity Care", "Reproductive",
                      "Intersex"),
    "surgery-60000": ("Endocrine", "Nervous", "Eye and Ocular Adnexa", "Auditory"),
}
CPC_TAGS = {
    "Evaluation and Management": "em",
    "Anesthesia": "anesthesia",
    "Radiology": "radiology",
    "Pathology and Laboratory": "pathology-lab",
    "Medicine": "medicine",
    "Medical Terminology": "terminology",
    "Anatomy": "anatomy",
    # ICD-10-CM, HCPCS Level II, the coding guidelines (modifiers are CPT guidelines) and compliance
    # form one CPC section.
    "ICD-10-CM": "icd10cm-hcpcs-guidelines-compliance",
    "HCPCS Level II": "icd10cm-hcpcs-guidelines-compliance",
    "Modifiers": "icd10cm-hcpcs-guidelines-compliance",
    "Compliance": "icd10cm-hcpcs-guidelines-compliance",
}
CCA_TAGS = {
    "Classification systems": "classification-systems",
    "Reimbursement methodologies": "reimbursement",
    "Revenue cycle": "reimbursement",
    "Health record and data content": "health-record-content",
    "Data content, structure and standards": "health-record-content",
    "Compliance": "compliance",
    "Information technologies": "information-technologies",
    "Confidentiality and privacy": "privacy",
    "Privacy": "privacy",
}


def cpc_section(tag: str) -> str | None:
    """The CPC section of one ``tags.cpc`` value; None for a bare "Surgery" (no range given)."""
    tag = tag.strip()
    if tag in CPC_TAGS:
        return CPC_TAGS[tag]
    if tag.lower().startswith("surgery:"):
        system = tag.split(":", 1)[1].strip().lower()
        for section, systems in SURGERY_RANGES.items():
            if any(system.startswith(s.lower()) for s in systems):
                return section
    return None


def exercise_domains(tags: dict | None) -> dict[str, frozenset[str]]:
    """{"cpc": sections, "cca": domains} an exercise's attempts count for."""
    tags = tags or {}
    cpc = {cpc_section(t) for t in tags.get("cpc") or []}
    cca = {CCA_TAGS.get(t.strip()) for t in tags.get("cca") or []}
    return {"cpc": frozenset(cpc - {None}), "cca": frozenset(cca - {None})}


def unmapped_tags(tags: dict | None) -> list[str]:
    """Tag values that count for no section (for the content check in the tests)."""
    tags = tags or {}
    return ([t for t in tags.get("cpc") or [] if cpc_section(t) is None]
            + [t for t in tags.get("cca") or [] if t.strip() not in CCA_TAGS])


def short_name(name: str) -> str:
    """A section name without its parenthesised detail or its lead-in, for chart labels:
    "Surgery 10000-19999 (integumentary)" -> "Surgery 10000-19999",
    "Coding knowledge and skills: classification systems" -> "Classification systems"."""
    name = name.split(" (", 1)[0]
    if ": " in name:
        name = name.split(": ", 1)[1]
        name = name[:1].upper() + name[1:]
    return name


def scheme_domains(session: Session, scheme: str) -> list[tuple[str, str]]:
    """(section id, name) of the bundled CPC or CCA blueprint, in blueprint order."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}")
    data = session.execute(select(BlueprintRecord.data).where(BlueprintRecord.id == scheme,
                                                              BlueprintRecord.school_id.is_(None))).scalar()
    return [(s["id"], s["name"]) for s in (data or {}).get("sections", [])]
