"""Findings and scores shared by the billing graders (no Flask).

Every deduction is a finding that names the rule (a stable id such as ``estimate.copay``), what was
expected, what the learner gave, a sentence saying why, and where the rule comes from."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

ZERO = Decimal("0")


@dataclass(frozen=True)
class Finding:
    rule: str
    expected: str
    given: str
    message: str
    reference: str = ""
    line: int | None = None
    points: float = 1.0


@dataclass
class Result:
    score: float = 0.0
    max_score: float = 0.0
    findings: list[Finding] = field(default_factory=list)

    def point(self, right: bool, finding: Finding | None = None) -> None:
        """One gradable answer: a point when right, else the finding (worth its points)."""
        self.max_score += finding.points if finding else 1.0
        if right:
            self.score += finding.points if finding else 1.0
        elif finding is not None:
            self.findings.append(finding)

    def as_dict(self) -> dict:
        return {"score": self.score, "max_score": self.max_score, "findings": [asdict(f) for f in self.findings]}


def amount(value) -> Decimal | None:
    """A learner's amount: blank is zero, "$1,234.5" is 1234.50; None when it is not a number."""
    if value in (None, ""):
        return ZERO.quantize(Decimal("0.01"))
    try:
        return Decimal(str(value).replace("$", "").replace(",", "").strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None


def shown(value) -> str:
    return "(blank)" if value in (None, "") else str(value)


def date_given(value) -> dt.date | None:
    text = str(value or "").strip()
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def grade_amount(result: Result, rule: str, want: str, given, message: str, reference: str,
                 line: int | None = None) -> None:
    got = amount(given)
    result.point(got == Decimal(want), Finding(rule, want, "not a number" if got is None else f"{got}",
                                               message, reference, line))


def grade_choice(result: Result, rule: str, want: str, given, message: str, reference: str, labels: dict,
                 line: int | None = None, points: float = 1.0) -> None:
    got = str(given or "")
    result.point(got == want, Finding(rule, labels.get(want, want), labels.get(got, shown(got)), message,
                                      reference, line, points))
