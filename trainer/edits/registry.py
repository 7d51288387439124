"""Rules register themselves here: an id, a severity, a title and a reference each."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .model import Encounter, Finding


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title: str
    reference: str
    check: Callable[..., Iterable[Finding]]
    order: int

    def finding(self, message: str, *, line: int | None = None, code: str | None = None,
                severity: str | None = None) -> Finding:
        return Finding(self.id, severity or self.severity, message, self.reference, line, code)


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: str, title: str, reference: str):
    """Register ``check(rule, encounter, data)``, a generator of findings, under an id."""

    def decorator(func):
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} registered twice")
        RULES[rule_id] = Rule(rule_id, severity, title, reference, func, len(RULES))
        return func

    return decorator


def run_rules(encounter: Encounter, data, only: Iterable[str] | None = None) -> list[Finding]:
    wanted = set(only) if only else None
    findings: list[Finding] = []
    for r in sorted(RULES.values(), key=lambda r: r.order):
        if wanted is None or r.id in wanted:
            findings.extend(r.check(r, encounter, data))
    return findings
