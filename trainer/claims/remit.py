"""A payer's remittance advice (what an 835 carries) as domain objects, and its balancing rules.

The simulated payer produces these; the 835 writer and reader (``x12_835``) turn them into X12 and
back; posting reads them. Amounts are Decimal; dates are dates. Nothing here imports Flask.

Balancing (X12 005010X221A1, section 1.10.2):
- a service line: charge - sum(line adjustments) = paid;
- a claim: charge - sum(claim adjustments) - sum(line adjustments) = paid;
- the payment: BPR02 = sum(CLP04) - sum(PLB amounts).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .model import Address

GROUPS = {"CO": "Contractual obligation", "PR": "Patient responsibility", "OA": "Other adjustment",
          "PI": "Payer-initiated reduction", "CR": "Correction and reversal"}
# CLP02 claim status codes a payer simulation uses
CLAIM_STATUS = {"1": "Processed as primary", "2": "Processed as secondary", "3": "Processed as tertiary",
                "4": "Denied", "19": "Processed as primary, forwarded to additional payer(s)",
                "22": "Reversal of previous payment"}
ZERO = Decimal("0")
# The simulated payer's mailing address (the 835 requires one); made up, like the practice's.
SIM_PAYER_ADDRESS = Address("PO BOX 7700", "LAKESIDE", "OH", "440017700")


@dataclass(frozen=True)
class Adjustment:
    """One CAS amount: group code, claim adjustment reason code (CARC) and amount (may be negative)."""
    group: str  # CO, PR, OA, PI, CR
    reason: str  # CARC, e.g. "45", "1", "2", "3", "97"
    amount: Decimal
    quantity: Decimal | None = None


@dataclass(frozen=True)
class ServicePayment:
    """One SVC loop (2110): the line as billed and as paid."""
    code: str  # HCPCS/CPT (SVC01 HC:code:mods), or HIPPS etc. never: practice claims use HC and NU
    charge: Decimal
    paid: Decimal
    modifiers: tuple[str, ...] = ()
    units: Decimal = Decimal("1")  # SVC05 units paid
    billed_units: Decimal | None = None  # SVC07 when it differs
    revenue_code: str = ""  # institutional lines: SVC04 (or SVC01 NU when no HCPCS)
    from_date: dt.date | None = None  # DTM*472 (or 150/151 for a span)
    to_date: dt.date | None = None
    allowed: Decimal | None = None  # AMT*B6
    adjustments: tuple[Adjustment, ...] = ()
    remarks: tuple[str, ...] = ()  # RARC, LQ*HE
    line_control: str = ""  # REF*6R, the line item control number from the 837

    @property
    def adjusted(self) -> Decimal:
        return sum((a.amount for a in self.adjustments), ZERO)


@dataclass(frozen=True)
class ClaimPayment:
    """One CLP loop (2100)."""
    claim_id: str  # CLP01, the patient control number the provider sent (CLM01)
    status: str  # CLP02, see CLAIM_STATUS
    charge: Decimal  # CLP03
    paid: Decimal  # CLP04
    patient_responsibility: Decimal  # CLP05
    filing: str  # CLP06: MB Medicare Part B, MA Medicare Part A, MC Medicaid, 12 PPO, HM HMO (not CI: 837 only)
    payer_claim_number: str  # CLP07, the payer's claim control number (ICN/DCN)
    patient_last: str
    patient_first: str
    member_id: str = ""
    facility_type: str = ""  # CLP08: the place of service (professional) or facility type (institutional)
    frequency: str = "1"  # CLP09
    drg: str = ""  # CLP11, institutional
    adjustments: tuple[Adjustment, ...] = ()  # claim-level CAS
    remarks: tuple[str, ...] = ()  # claim-level RARC (MOA for professional, MIA for institutional)
    services: tuple[ServicePayment, ...] = ()
    received: dt.date | None = None  # DTM*050
    statement_from: dt.date | None = None  # DTM*232
    statement_to: dt.date | None = None  # DTM*233
    rendering_npi: str = ""  # NM1*82
    covered_days: int | None = None  # MIA01: set for inpatient claims (MIA then carries the remarks, not MOA)

    @property
    def adjusted(self) -> Decimal:
        return (sum((a.amount for a in self.adjustments), ZERO)
                + sum((s.adjusted for s in self.services), ZERO))


@dataclass(frozen=True)
class ProviderAdjustment:
    """One PLB amount (provider-level: interest, overpayment recovery...)."""
    reason: str  # PLB03-1, e.g. L6 interest, WO overpayment recovery
    reference: str
    amount: Decimal  # positive reduces the payment


@dataclass(frozen=True)
class Remittance:
    payer_name: str
    payer_id: str  # N1*PR ... REF*2U or the TRN03 originating company id
    payee_name: str
    payee_npi: str
    payee_tax_id: str
    paid_on: dt.date  # BPR16
    trace_number: str  # TRN02: the check or EFT number
    method: str = "ACH"  # BPR04: ACH, CHK, or NON when nothing is paid
    claims: tuple[ClaimPayment, ...] = ()
    provider_adjustments: tuple[ProviderAdjustment, ...] = ()
    production_date: dt.date | None = None  # DTM*405
    payer_address: Address = SIM_PAYER_ADDRESS  # 1000A N3/N4 (required)
    payer_phone: str = "8005550199"  # 1000A PER*BL, the payer's technical contact (required)
    payer_tax_id: str = "990000001"  # TRN03 / BPR10: "1" + the payer's 9-digit federal tax id (made up)
    payee_address: Address | None = None  # 1000B N3/N4

    @property
    def total_paid(self) -> Decimal:
        return (sum((c.paid for c in self.claims), ZERO)
                - sum((p.amount for p in self.provider_adjustments), ZERO))


def balance_errors(remit: Remittance) -> list[str]:
    """Every balancing rule the remittance breaks, as sentences (empty: it balances)."""
    errors = []
    for c in remit.claims:
        for n, s in enumerate(c.services, start=1):
            if s.charge - s.adjusted != s.paid:
                errors.append(f"Claim {c.claim_id} line {n}: charge {s.charge} minus adjustments {s.adjusted} "
                              f"is not the paid amount {s.paid}.")
        if c.charge - c.adjusted != c.paid:
            errors.append(f"Claim {c.claim_id}: charge {c.charge} minus adjustments {c.adjusted} "
                          f"is not the paid amount {c.paid}.")
        if c.services and sum((s.charge for s in c.services), ZERO) != c.charge:
            errors.append(f"Claim {c.claim_id}: the line charges do not add up to the claim charge {c.charge}.")
        pr = sum((a.amount for a in c.adjustments if a.group == "PR"), ZERO) + sum(
            (a.amount for s in c.services for a in s.adjustments if a.group == "PR"), ZERO)
        if pr != c.patient_responsibility:
            errors.append(f"Claim {c.claim_id}: patient responsibility {c.patient_responsibility} is not the sum "
                          f"of its PR adjustments {pr}.")
    if remit.total_paid < 0:
        errors.append("The total payment is negative.")
    return errors
