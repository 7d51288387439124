"""Grading a learner's claim form against the reference claim, box by box (no Flask).

One point per box that must match (the insured's ID, the patient's name, birth date and sex, the
relationship, each diagnosis in its place, each line's date, place of service, code, modifiers,
pointers, units and charge, the rendering NPI, the tax ID, the total, the billing NPI); then every
finding of severity reject or deny from the claim check costs a point, as a payer would refuse it.
Every point lost is a finding naming the box, what was expected and what was given.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..edits.model import Finding, Severity
from .model import ProfessionalClaim
from .rules import check_claim

LETTERS = "ABCDEFGHIJKL"


@dataclass
class BoxResult:
    box: str
    label: str
    expected: str
    given: str
    right: bool


@dataclass
class ClaimGrade:
    score: float
    max_score: float
    boxes: list[BoxResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # the claim check on the learner's claim
    lost: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"score": self.score, "max_score": self.max_score, "boxes": [asdict(b) for b in self.boxes],
                "findings": [f.as_dict() for f in self.findings], "lost": self.lost}


def _s(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (tuple, list)):
        return " ".join(_s(v) for v in value)
    return str(value).strip().upper()


def grade_claim(claim: ProfessionalClaim, reference: ProfessionalClaim, data) -> ClaimGrade:
    boxes: list[BoxResult] = []

    def box(number: str, label: str, expected, given):
        boxes.append(BoxResult(number, label, _s(expected), _s(given), _s(expected) == _s(given)))

    me, ref = claim.the_patient, reference.the_patient
    box("1a", "Insured's ID number", reference.subscriber.member_id, claim.subscriber.member_id)
    box("2", "Patient's name", f"{ref.last}, {ref.first}", f"{me.last}, {me.first}")
    box("3", "Patient's birth date", ref.birth_date, me.birth_date)
    box("3", "Patient's sex", ref.sex, me.sex)
    box("6", "Patient relationship to insured", reference.relationship, claim.relationship)
    for i in range(max(len(reference.diagnoses), len(claim.diagnoses))):
        expected = reference.diagnoses[i] if i < len(reference.diagnoses) else ""
        given = claim.diagnoses[i] if i < len(claim.diagnoses) else ""
        box(f"21{LETTERS[i] if i < 12 else i + 1}", f"Diagnosis {LETTERS[i] if i < 12 else i + 1}", expected, given)
    for n in range(max(len(reference.lines), len(claim.lines))):
        exp = reference.lines[n] if n < len(reference.lines) else None
        got = claim.lines[n] if n < len(claim.lines) else None
        if exp is None or got is None:
            box(f"24 line {n + 1}", f"Line {n + 1}", exp.code if exp else "(no line)", got.code if got else "(no line)")
            continue
        label = f"Line {n + 1}"
        box(f"24A line {n + 1}", f"{label} date of service", (exp.from_date, exp.through), (got.from_date, got.through))
        box(f"24B line {n + 1}", f"{label} place of service", exp.place_of_service or reference.place_of_service,
            got.place_of_service or claim.place_of_service)
        box(f"24D line {n + 1}", f"{label} procedure code", exp.code, got.code)
        box(f"24D line {n + 1}", f"{label} modifiers", exp.modifiers, got.modifiers)
        box(f"24E line {n + 1}", f"{label} diagnosis pointers",
            "".join(LETTERS[p - 1] for p in exp.pointers if 1 <= p <= 12),
            "".join(LETTERS[p - 1] if 1 <= p <= 12 else "?" for p in got.pointers))
        box(f"24F line {n + 1}", f"{label} charges", f"{exp.charge:.2f}", f"{got.charge:.2f}")
        box(f"24G line {n + 1}", f"{label} units", exp.units, got.units)
    box("24J", "Rendering provider NPI", reference.rendering.npi if reference.rendering else "",
        claim.rendering.npi if claim.rendering else "")
    box("25", "Federal tax ID", reference.billing.tax_id, claim.billing.tax_id)
    box("28", "Total charge", f"{reference.total:.2f}", f"{claim.total:.2f}")
    box("33a", "Billing provider NPI", reference.billing.npi, claim.billing.npi)
    return score_boxes(boxes, claim, reference, data)


def score_boxes(boxes: list[BoxResult], claim, reference, data) -> ClaimGrade:
    """One point per right box, less one per failing claim-check finding the reference claim does not
    have (CMS-1500 or UB-04): the grade, with a "lost" entry for every point lost."""
    findings = check_claim(claim, data)
    baseline = {(f.rule, f.message) for f in check_claim(reference, data)}
    lost = [{"box": b.box, "rule": "claim.box", "expected": b.expected, "given": b.given,
             "message": f"{b.label}: expected {b.expected or '(blank)'}, entered {b.given or '(blank)'}."}
            for b in boxes if not b.right]
    failing = [f for f in findings if f.severity in Severity.FAILING and (f.rule, f.message) not in baseline]
    lost += [{"box": "", "rule": f.rule, "expected": "", "given": f.code or "", "message": f.message}
             for f in failing]
    max_score = float(len(boxes))
    score = max(0.0, sum(1 for b in boxes if b.right) - len(failing))
    return ClaimGrade(score, max_score, boxes, findings, lost)


def outcome(findings: list[dict]) -> tuple[str, list[dict]]:
    """What comes back for a graded claim (findings as stored): ("accepted" | "rejected" | "denied",
    the failing findings). A reject stops the claim at the front end, before any denial."""
    failing = [f for f in findings if f["severity"] in Severity.FAILING]
    if any(f["severity"] == Severity.REJECT for f in failing):
        return "rejected", failing
    return ("denied" if failing else "accepted"), failing
