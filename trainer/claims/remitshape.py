"""A remittance as plain data (JSON: amounts as strings with two decimals, dates ISO) and as a short
readable summary (the ``trainer claims read`` output for an 835)."""
from __future__ import annotations

from decimal import Decimal

from .remit import CLAIM_STATUS, Adjustment, ClaimPayment, Remittance, ServicePayment

METHOD_NAMES = {"ACH": "EFT (ACH)", "CHK": "check", "NON": "no payment"}


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _adjustment(a: Adjustment) -> dict:
    return {"code": f"{a.group}-{a.reason}", "group": a.group, "reason": a.reason, "amount": _money(a.amount),
            "quantity": None if a.quantity is None else str(a.quantity)}


def _service(s: ServicePayment) -> dict:
    return {"code": s.code, "modifiers": list(s.modifiers), "revenue_code": s.revenue_code, "units": str(s.units),
            "billed_units": None if s.billed_units is None else str(s.billed_units),
            "from_date": _iso(s.from_date), "to_date": _iso(s.to_date), "charge": _money(s.charge),
            "allowed": _money(s.allowed), "paid": _money(s.paid),
            "adjustments": [_adjustment(a) for a in s.adjustments], "remarks": list(s.remarks),
            "line_control": s.line_control}


def _claim(c: ClaimPayment) -> dict:
    return {"claim_id": c.claim_id, "status": c.status, "status_name": CLAIM_STATUS.get(c.status, ""),
            "charge": _money(c.charge), "paid": _money(c.paid),
            "patient_responsibility": _money(c.patient_responsibility), "filing": c.filing,
            "payer_claim_number": c.payer_claim_number,
            "patient": {"last": c.patient_last, "first": c.patient_first, "member_id": c.member_id},
            "facility_type": c.facility_type, "frequency": c.frequency, "drg": c.drg, "covered_days": c.covered_days,
            "rendering_npi": c.rendering_npi, "received": _iso(c.received),
            "statement_from": _iso(c.statement_from), "statement_to": _iso(c.statement_to),
            "adjustments": [_adjustment(a) for a in c.adjustments], "remarks": list(c.remarks),
            "services": [_service(s) for s in c.services]}


def remittance_to_dict(remit: Remittance) -> dict:
    return {"transaction": "835", "payer": {"name": remit.payer_name, "id": remit.payer_id},
            "payee": {"name": remit.payee_name, "npi": remit.payee_npi, "tax_id": remit.payee_tax_id},
            "method": remit.method, "trace_number": remit.trace_number, "paid_on": _iso(remit.paid_on),
            "production_date": _iso(remit.production_date), "total_paid": _money(remit.total_paid),
            "claims": [_claim(c) for c in remit.claims],
            "provider_adjustments": [{"reason": p.reason, "reference": p.reference, "amount": _money(p.amount)}
                                     for p in remit.provider_adjustments]}


def _adjusted(adjustments: tuple[Adjustment, ...]) -> str:
    return ", ".join(f"{a.group}-{a.reason} {a.amount:.2f}" for a in adjustments)


def remittance_lines(remit: Remittance) -> list[str]:
    """The remittance as a person reads an EOB/ERA summary: one line per claim and per service line."""
    out = [f"Remittance {remit.trace_number}: {METHOD_NAMES.get(remit.method, remit.method)} of "
           f"{remit.total_paid:.2f} on {remit.paid_on}",
           f"Payer: {remit.payer_name}" + (f" ({remit.payer_id})" if remit.payer_id else ""),
           f"Payee: {remit.payee_name}, NPI {remit.payee_npi}" + (f", TIN {remit.payee_tax_id}"
                                                                    if remit.payee_tax_id else "")]
    for c in remit.claims:
        out.append(f"Claim {c.claim_id} ({c.patient_last}, {c.patient_first}; payer claim {c.payer_claim_number}): "
                   f"{CLAIM_STATUS.get(c.status, 'status ' + c.status)}; charge {c.charge:.2f}, paid {c.paid:.2f}, "
                   f"patient responsibility {c.patient_responsibility:.2f}" + (f"; DRG {c.drg}" if c.drg else ""))
        if c.adjustments:
            out.append(f"  claim adjustments: {_adjusted(c.adjustments)}")
        if c.remarks:
            out.append(f"  claim remarks: {' '.join(c.remarks)}")
        for n, s in enumerate(c.services, start=1):
            code = " ".join(x for x in (s.revenue_code, s.code, *s.modifiers) if x)
            text = f"  {n}. {s.from_date or ''} {code} x{s.units}: charge {s.charge:.2f}, paid {s.paid:.2f}"
            if s.allowed is not None:
                text += f", allowed {s.allowed:.2f}"
            if s.adjustments:
                text += f"; {_adjusted(s.adjustments)}"
            if s.remarks:
                text += f"; remarks {' '.join(s.remarks)}"
            out.append(text)
    for p in remit.provider_adjustments:
        out.append(f"Provider adjustment {p.reason}" + (f" {p.reference}" if p.reference else "") + f": {p.amount:.2f}")
    return out
