"""Run every registered rule over an encounter, in the order real claims meet them."""
from __future__ import annotations

from sqlalchemy.orm import Session

from . import rules_codes, rules_lines  # noqa: F401  (registers the rules)
from .data import EditData
from .model import Encounter, Finding, Severity, parse_encounter
from .registry import run_rules


def check(encounter: Encounter, data: EditData) -> list[Finding]:
    """Findings sorted by severity, then line; the engine never raises on a well-formed encounter."""
    findings = run_rules(encounter, data)
    return sorted(findings, key=lambda f: (Severity.ORDER[f.severity], f.line or 0))


def check_dict(session: Session, payload: dict, data: EditData | None = None) -> list[Finding]:
    return check(parse_encounter(payload), data or EditData(session))
