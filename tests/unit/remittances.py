"""Realistic remittances for the 835 tests: the synthetic practice paid by its simulated payers.

Procedure codes come from the starter CPT set, the bundled pair 20610/96372 from the starter NCCI PTP
table, the DRG from the knee arthroplasty exercise, revenue codes from the claim rules, and every
CARC/RARC from the official X12 list (tests/unit/test_carc.py checks they are active).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from trainer.claims.practice import BILLING, RENDERING
from trainer.claims.remit import Adjustment, ClaimPayment, ProviderAdjustment, Remittance, ServicePayment

DOS = dt.date(2025, 3, 3)
PAID_ON = dt.date(2025, 4, 2)


def remit(claims, method="ACH", trace="EFT0000123", payer="SUMMIT HEALTH PLAN SIM", payer_id="SHP01",
          provider_adjustments=()) -> Remittance:
    return Remittance(payer_name=payer, payer_id=payer_id, payee_name=BILLING.name, payee_npi=BILLING.npi,
                      payee_tax_id=BILLING.tax_id, paid_on=PAID_ON, trace_number=trace, method=method,
                      claims=tuple(claims), provider_adjustments=tuple(provider_adjustments),
                      production_date=dt.date(2025, 3, 31), payee_address=BILLING.address)


def claim(claim_id, status, charge, paid, services=(), adjustments=(), responsibility="0", filing="12",
          **more) -> ClaimPayment:
    return ClaimPayment(claim_id=claim_id, status=status, charge=D(charge), paid=D(paid),
                        patient_responsibility=D(responsibility), filing=filing,
                        payer_claim_number=f"ICN{claim_id[-6:]}", patient_last="RIVERA", patient_first="ANA",
                        member_id="SHP123456789", facility_type=more.pop("facility_type", "11"),
                        services=tuple(services), adjustments=tuple(adjustments), received=dt.date(2025, 3, 10),
                        rendering_npi=RENDERING.npi, **more)


def line(code, charge, paid, adjustments=(), n=1, **more) -> ServicePayment:
    return ServicePayment(code=code, charge=D(charge), paid=D(paid), from_date=DOS, adjustments=tuple(adjustments),
                          line_control=f"L{n}", **more)


def adj(group, reason, amount, quantity=None) -> Adjustment:
    return Adjustment(group, reason, D(amount), None if quantity is None else D(quantity))


def paid_in_full() -> Remittance:
    return remit([claim("PT1001", "1", "120", "120",
                        [line("99213", "120", "120", allowed=D("120"))])])


def patient_responsibility() -> Remittance:
    lines = [line("99214", "200", "56", [adj("CO", "45", "80"), adj("PR", "1", "50"), adj("PR", "2", "14")],
                  allowed=D("120"), modifiers=("25",)),
             line("20610", "150", "70.5", [adj("CO", "45", "59.5"), adj("PR", "3", "20")], n=2, allowed=D("90.5")),
             line("J1030", "40", "12.34", [adj("CO", "45", "27.66")], n=3, allowed=D("12.34"), units=D("2"))]
    return remit([claim("PT1002", "1", "390", "138.84", lines, responsibility="84",
                        statement_from=DOS, statement_to=DOS)])


def denied_lines() -> Remittance:
    lines = [line("20610", "150", "90", [adj("CO", "45", "60")], allowed=D("90")),
             line("96372", "45", "0", [adj("CO", "97", "45")], n=2, remarks=("M15",)),
             line("71046", "95", "0", [adj("CO", "50", "95")], n=3, remarks=("N115",)),
             line("85025", "30", "0", [adj("CO", "16", "30")], n=4, remarks=("M51", "N290"))]
    return remit([claim("PT1003", "1", "320", "90", lines, filing="MB", remarks=("MA01",))],
                 payer="MEDICARE PART B SIM", payer_id="MCR01", trace="EFT0000124")


def denied_claim() -> Remittance:
    lines = [line("99213", "120", "0", [adj("CO", "29", "120")], remarks=("N211",))]
    return remit([claim("PT1004", "4", "120", "0", lines, remarks=("MA01",)),
                  claim("PT1005", "4", "150", "0", adjustments=[adj("CO", "16", "150")], remarks=("MA130",))],
                 method="NON", trace="NOPAY0001")


def institutional() -> Remittance:
    inpatient = claim("IP2001", "1", "42000", "15800", adjustments=[adj("CO", "45", "24600"), adj("PR", "1", "1600")],
                      responsibility="1600", filing="MA", facility_type="11", drg="470", covered_days=3,
                      statement_from=dt.date(2025, 2, 24), statement_to=dt.date(2025, 2, 27), remarks=("MA01",))
    outpatient_lines = [
        line("99284", "650", "310", [adj("CO", "45", "340")], revenue_code="0450", allowed=D("310")),
        ServicePayment(code="", revenue_code="0300", charge=D("80"), paid=D("0"), from_date=DOS,
                       to_date=dt.date(2025, 3, 4), adjustments=(adj("CO", "16", "80"),), remarks=("M51",),
                       line_control="L2"),
    ]
    outpatient = claim("OP2002", "1", "730", "310", outpatient_lines, filing="MA", facility_type="13")
    return remit([inpatient, outpatient], method="CHK", trace="CHK00098765", payer="MEDICARE PART A SIM",
                 payer_id="MCRA1")


def interest_and_recovery() -> Remittance:
    claims = [claim("PT1006", "1", "120", "96", [line("99213", "120", "96", [adj("CO", "45", "24")])]),
              claim("PT1007", "1", "95", "76", [line("71046", "95", "76", [adj("CO", "45", "19")])])]
    return remit(claims, provider_adjustments=[ProviderAdjustment("L6", "", D("-2.15")),
                                               ProviderAdjustment("WO", "ICN998877", D("40"))])


SAMPLES = {f.__name__: f for f in (paid_in_full, patient_responsibility, denied_lines, denied_claim,
                                   institutional, interest_and_recovery)}
