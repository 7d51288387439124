"""Claim-form rules (docs/claim-rules.md section F) registered in the validation engine's registry
with scope "claim", and ``check_claim``: the encounter rules on the claim's codes plus these."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from ..codes.tables import CodeSystem
from ..edits.engine import check as check_encounter
from ..edits.model import Finding, Severity
from ..edits.registry import rule, run_rules
from .model import FREQUENCIES, RELATIONSHIPS, ProfessionalClaim
from .npi import npi_ok

MAX_DX, MAX_POINTERS, MAX_LINES_837P, MAX_LINES_PAPER = 12, 4, 50, 6
TAX_ID = re.compile(r"^\d{9}$")


CLAIM_KIND: dict[str, type] = {}  # rule id -> the claim class it checks


def claim_rule(rule_id: str, severity: str, title: str, reference: str, kind: type = ProfessionalClaim):
    """Register a claim rule that runs only on claims of ``kind`` (CMS-1500 or UB-04)."""

    def decorator(func):
        def only_kind(r, claim, data):
            return func(r, claim, data) if isinstance(claim, kind) else ()

        CLAIM_KIND[rule_id] = kind
        rule(rule_id, severity, title, reference, scope="claim")(only_kind)
        return func

    return decorator


@claim_rule("F1.dx-capacity", Severity.REJECT, "At most 12 diagnoses, 1-4 different pointers per line",
            "claim-rules F1; NUCC 1500 items 21 and 24E; 837P HI and SV107")
def dx_capacity(r, claim: ProfessionalClaim, data):
    if len(claim.diagnoses) > MAX_DX:
        yield r.finding(f"A claim holds at most {MAX_DX} diagnoses (item 21 A-L); it has {len(claim.diagnoses)}.")
    for n, line in enumerate(claim.lines, start=1):
        if not 1 <= len(line.pointers) <= MAX_POINTERS:
            yield r.finding(f"Line {n} must point to 1 to {MAX_POINTERS} diagnoses; list the primary one first.",
                            line=n)
        if len(set(line.pointers)) != len(line.pointers):
            yield r.finding(f"Line {n} points to the same diagnosis twice.", line=n)
        # a pointer to a blank diagnosis is the encounter rule F1.pointers, which the claim check also runs


@claim_rule("F2.lines", Severity.REJECT, "At most 50 service lines (6 per paper form)",
            "claim-rules F2; 837P loop 2400 repeat 50; NUCC item 24")
def line_capacity(r, claim: ProfessionalClaim, data):
    if not claim.lines:
        yield r.finding("A claim needs at least one service line.")
    elif len(claim.lines) > MAX_LINES_837P:
        yield r.finding(f"An 837P claim holds at most {MAX_LINES_837P} service lines; split the "
                        f"{len(claim.lines)} lines into several claims.")
    elif len(claim.lines) > MAX_LINES_PAPER:
        yield r.finding(f"A paper CMS-1500 holds {MAX_LINES_PAPER} lines: print this claim on "
                        f"{-(-len(claim.lines) // MAX_LINES_PAPER)} forms, each with its own total.",
                        severity=Severity.WARN)


@claim_rule("F3.required", Severity.REJECT, "Required claim data", "claim-rules F3; 837P 005010X222A1")
def required(r, claim: ProfessionalClaim, data):
    def need(value, what):
        if not value:
            return r.finding(f"{what} is required for this claim.")
        return None

    who = claim.the_patient
    checks = [need(claim.payer.name and claim.payer.payer_id, "The payer name and payer ID"),
              need(claim.subscriber.member_id, "The insured's ID number (item 1a)"),
              need(claim.subscriber.last and claim.subscriber.first, "The insured's name (item 4)"),
              need(who.birth_date, "The patient's birth date (item 3)"),
              need(who.sex in ("F", "M", "U") and who.sex, "The patient's sex (item 3)"),
              need(claim.billing.address, "The billing provider's address (item 33)"),
              need(claim.claim_id, "The patient account number (item 26)"),
              need(claim.diagnoses, "At least one diagnosis (item 21)")]
    yield from (f for f in checks if f)
    if claim.relationship not in RELATIONSHIPS:
        yield r.finding(f"Relationship {claim.relationship!r} is not one of {', '.join(RELATIONSHIPS)} (item 6).")
    if claim.relationship != "18" and claim.patient is None:
        yield r.finding("The patient is not the insured: enter the patient's own name, birth date and sex (item 2, 3).")
    if not TAX_ID.match(claim.billing.tax_id or "") or claim.billing.tax_id_type not in ("EI", "SY"):
        yield r.finding("The federal tax ID (item 25) is 9 digits, marked EIN or SSN.")
    if claim.icd_indicator != "0":
        yield r.finding("The ICD indicator (item 21) is 0 for ICD-10-CM.")


@claim_rule("F4.npi", Severity.REJECT, "NPI check digit", "claim-rules F4; CMS NPI check digit; CARC 207/208")
def npi(r, claim: ProfessionalClaim, data):
    for role, provider in (("billing", claim.billing), ("rendering", claim.rendering),
                           ("referring", claim.referring)):
        if provider is None:
            continue
        if not npi_ok(provider.npi):
            yield r.finding(f"The {role} provider's NPI {provider.npi} fails the check-digit test: re-enter it "
                            "from the NPPES record.")
        if role in ("rendering", "referring") and provider.entity != "1":
            yield r.finding(f"The {role} provider must be a person (an individual, type 1 NPI).")


@claim_rule("F5.pos", Severity.REJECT, "Valid place of service", "claim-rules F5; CMS place-of-service code set")
def place_of_service(r, claim: ProfessionalClaim, data):
    for where, pos in [("the claim", claim.place_of_service)] + [
            (f"line {n}", line.place_of_service) for n, line in enumerate(claim.lines, start=1)
            if line.place_of_service]:
        if not (len(pos) == 2 and pos.isdigit() and data.exists(CodeSystem.POS, pos)):
            yield r.finding(f"POS {pos!r} on {where} is not a valid CMS place-of-service code.")


@claim_rule("F6.dates", Severity.REJECT, "Service dates", "claim-rules F6; CARC 110, 14")
def dates(r, claim: ProfessionalClaim, data):
    today = claim.submitted_on or dt.date.today()
    born = claim.the_patient.birth_date
    for n, line in enumerate(claim.lines, start=1):
        if line.to_date and line.to_date < line.from_date:
            yield r.finding(f"Line {n}: the 'To' date is earlier than the 'From' date.", line=n)
        if line.through > today:
            yield r.finding(f"Line {n}: services cannot be billed before they are performed ({line.through}).",
                            line=n)
        if born and line.from_date < born:
            yield r.finding(f"Line {n}: the date of service is before the patient's birth date.", line=n)


@claim_rule("F7.charges", Severity.REJECT, "Charges and the total", "claim-rules F7; 837P CLM02 and SV102")
def charges(r, claim: ProfessionalClaim, data):
    total = Decimal("0")
    for n, line in enumerate(claim.lines, start=1):
        if line.charge <= 0 or line.charge.as_tuple().exponent < -2:
            yield r.finding(f"Line {n}: the charge must be more than 0.00, in dollars and cents.", line=n)
        total += line.charge
    if claim.total_charge is not None and claim.total_charge != total:
        yield r.finding(f"Total charges ({claim.total_charge:.2f}) must equal the sum of the line charges "
                        f"({total:.2f}).")


@claim_rule("F8.frequency", Severity.REJECT, "Frequency code and the original claim number",
            "claim-rules F8; X12 RFI 1538; NUCC item 22")
def frequency(r, claim: ProfessionalClaim, data):
    if claim.frequency not in FREQUENCIES:
        yield r.finding(f"Claim frequency {claim.frequency!r} is not 1 (original), 7 (replacement) or 8 (void).")
    elif claim.frequency in ("7", "8") and not claim.original_claim_number:
        yield r.finding("Frequency code 7 or 8 requires the original claim number from the payer's remittance "
                        "(REF*F8 / item 22).")
    elif claim.frequency == "1" and claim.original_claim_number:
        yield r.finding("An original claim (frequency 1) leaves item 22's original reference number blank.")


def check_claim(claim, data) -> list[Finding]:
    """Everything a claim faces (a ProfessionalClaim or an InstitutionalClaim): the claim-form rules of
    its kind, then the encounter rules on its codes."""
    findings = run_rules(claim, data, scope="claim") + check_encounter(claim.encounter(), data)
    return sorted(findings, key=lambda f: (Severity.ORDER[f.severity], f.line or 0))


from . import rules_ub04  # noqa: E402,F401  (registers the UB-04 rules G1-G6 and their F rules)
