"""Human names of the grader's own rule ids (``grade.*``); ``edit.*`` findings take the edit rule's title."""
from __future__ import annotations

GRADE_RULE_TITLES = {
    "grade.dx-missing": "Diagnosis documented but not reported (under-coding)",
    "grade.dx-extra": "Diagnosis not supported by the record (over-coding)",
    "grade.dx-specificity": "Right category, wrong specificity (e.g. 7th character, laterality)",
    "grade.sequencing": "First-listed or principal diagnosis sequencing",
    "grade.poa": "Present-on-admission indicator",
    "grade.modifier": "Procedure modifiers",
    "grade.units": "Units of service",
    "grade.pointers": "Diagnosis pointers",
    "grade.proc-code": "Wrong code in the right procedure family",
    "grade.proc-missing": "Procedure documented but not reported",
    "grade.proc-extra": "Procedure not separately reportable (over-coding or unbundling)",
    "grade.pcs-axes": "ICD-10-PCS approach, device or qualifier",
    "grade.pcs-missing": "ICD-10-PCS procedure not reported",
    "grade.pcs-extra": "ICD-10-PCS procedure not supported",
}


def rule_title(rule_id: str) -> str:
    """The name a person reads for a finding's rule id; the id itself when nothing better is known."""
    if rule_id in GRADE_RULE_TITLES:
        return GRADE_RULE_TITLES[rule_id]
    if rule_id.startswith("edit."):
        from ..edits.registry import RULES

        rule = RULES.get(rule_id[len("edit."):])
        if rule is not None:
            return rule.title
    return rule_id
