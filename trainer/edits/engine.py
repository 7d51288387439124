"""Run every registered rule over an encounter, in the order real claims meet them."""
from __future__ import annotations

from sqlalchemy.orm import Session

from . import rules_codes, rules_lines  # noqa: F401  (registers the rules)
from .data import EditData
from .model import Encounter, Finding, Severity, parse_encounter
from .registry import RULES, run_rules


def check(encounter: Encounter, data: EditData) -> list[Finding]:
    """Findings sorted by severity, then line; the engine never raises on a well-formed encounter."""
    findings = run_rules(encounter, data)
    return sorted(findings, key=lambda f: (Severity.ORDER[f.severity], f.line or 0))


def check_dict(session: Session, payload: dict, data: EditData | None = None) -> list[Finding]:
    return check(parse_encounter(payload), data or EditData(session))


def rule_catalogue() -> list[dict]:
    return [{"rule": r.id, "severity": r.severity, "title": r.title, "reference": r.reference}
            for r in sorted(RULES.values(), key=lambda r: r.order)]
