"""Posting a remittance to the patient's account, the way a payment poster does it, and grading a
learner's posting against it (no Flask).

For every service line of a claim payment the poster records:
- the insurance **payment** (what the payer paid);
- the **contractual adjustment** written off under the contract: CO-45 (charge over the allowed
  amount) and CO-253 (sequestration). Nothing else is written off while posting;
- the **patient responsibility** moved to the patient's balance: every PR amount (PR-1 deductible,
  PR-2 coinsurance, PR-3 copay), which the practice bills on the patient statement;
- the **denied** amount, left open on the insurance balance to be worked: every other CO, OA or PI
  amount (CO-97 bundling, CO-16 missing information, CO-197 no authorization, OA-18 duplicate ...).
  A denial is corrected and resubmitted, appealed, or written off after review, never at posting.

So for each line: charge = payment + contractual + patient + denied. A reversal (CLP02 22) posts the
same amounts with the opposite sign.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..claims.remit import ClaimPayment

ZERO = Decimal("0")
WRITE_OFF = frozenset({("CO", "45"), ("CO", "253")})
FIELDS = ("payment", "contractual", "patient", "denied")
LABELS = {"payment": "insurance payment", "contractual": "contractual adjustment",
          "patient": "patient responsibility", "denied": "denied amount left open"}


@dataclass(frozen=True)
class LinePosting:
    claim_id: str
    line: int
    code: str
    charge: Decimal
    payment: Decimal
    contractual: Decimal
    patient: Decimal
    denied: Decimal
    reasons: tuple[str, ...]  # the adjustments as group-CARC amount, e.g. "CO-45 32.10"
    remarks: tuple[str, ...] = ()

    @property
    def balanced(self) -> bool:
        return self.charge == self.payment + self.contractual + self.patient + self.denied


def expected_postings(payment: ClaimPayment) -> list[LinePosting]:
    """What a poster records for each line of one claim payment (claim-level adjustments, rare in a
    professional remittance, go to the first line)."""
    out = []
    for n, s in enumerate(payment.services, start=1):
        adjustments = list(s.adjustments) + (list(payment.adjustments) if n == 1 else [])
        contractual = sum((a.amount for a in adjustments if (a.group, a.reason) in WRITE_OFF), ZERO)
        patient = sum((a.amount for a in adjustments if a.group == "PR"), ZERO)
        denied = sum((a.amount for a in adjustments if a.group != "PR" and (a.group, a.reason) not in WRITE_OFF), ZERO)
        line = int(s.line_control) if s.line_control.isdigit() else n
        out.append(LinePosting(payment.claim_id, line, s.code, s.charge, s.paid, contractual, patient, denied,
                               tuple(f"{a.group}-{a.reason} {a.amount}" for a in adjustments), s.remarks))
    return out


@dataclass(frozen=True)
class PostingFinding:
    rule: str  # post.payment, post.contractual, post.patient, post.denied, post.line
    line: int
    expected: str
    given: str
    message: str
    points: float  # deducted


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return ZERO
    try:
        return Decimal(str(value).replace("$", "").replace(",", "").strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None


def grade_posting(expected: list[LinePosting], given: dict[int, dict]) -> tuple[float, float, list[PostingFinding]]:
    """Score a learner's posting: ``given`` maps a line number to its four amounts (strings or
    numbers; blank is zero). One point per amount; each wrong amount is a finding that says what the
    right one is and why. Returns (score, max_score, findings)."""
    findings: list[PostingFinding] = []
    max_score = float(len(expected) * len(FIELDS))
    for exp in expected:
        entered = given.get(exp.line) or {}
        for name in FIELDS:
            want = getattr(exp, name)
            got = _amount(entered.get(name))
            if got == want:
                continue
            why = {"payment": "the paid amount of the line (SVC03)",
                   "contractual": "CO-45 and CO-253 only: " + (", ".join(r for r in exp.reasons if r.startswith(("CO-45", "CO-253"))) or "none on this line"),
                   "patient": "every PR amount: " + (", ".join(r for r in exp.reasons if r.startswith("PR")) or "none on this line"),
                   "denied": "every other adjustment, left open to work: " + (", ".join(
                       r for r in exp.reasons if not r.startswith(("PR", "CO-45", "CO-253"))) or "none on this line")}[name]
            findings.append(PostingFinding(
                f"post.{name}", exp.line, f"{want}", "not a number" if got is None else f"{got}",
                f"Line {exp.line} ({exp.code}): the {LABELS[name]} is {want}, {why}.", 1.0))
    return max_score - len(findings), max_score, findings
