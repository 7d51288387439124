"""Rules register themselves here: an id, a severity, a title and a reference each."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .model import Finding


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title: str
    reference: str
    check: Callable[..., Iterable[Finding]]
    order: int
    scope: str = "encounter"  # "encounter": codes on a date of service; "claim": the claim form's data

    def finding(self, message: str, *, line: int | None = None, code: str | None = None,
                severity: str | None = None) -> Finding:
        return Finding(self.id, severity or self.severity, message, self.reference, line, code)


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: str, title: str, reference: str, scope: str = "encounter"):
    """Register ``check(rule, target, data)``, a generator of findings, under an id. ``target`` is an
    Encounter for encounter rules and a claim (trainer.claims.model) for claim rules."""

    def decorator(func):
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} registered twice")
        RULES[rule_id] = Rule(rule_id, severity, title, reference, func, len(RULES), scope)
        return func

    return decorator


def run_rules(target, data, only: Iterable[str] | None = None, scope: str = "encounter") -> list[Finding]:
    wanted = set(only) if only else None
    findings: list[Finding] = []
    for r in sorted(RULES.values(), key=lambda r: r.order):
        if r.scope == scope and (wanted is None or r.id in wanted):
            findings.extend(r.check(r, target, data))
    return findings
