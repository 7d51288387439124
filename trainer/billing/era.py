"""A remittance as the billing pages show it (no Flask): readable, with the official CARC/RARC
descriptions, and the raw X12 835 the simulator wrote."""
from __future__ import annotations

from ..claims.carc import describe
from ..claims.remit import CLAIM_STATUS, GROUPS, Remittance
from ..claims.x12_835 import write_835
from .scenario import money


def adjustment_text(group: str, reason: str) -> str:
    return describe("CARC", reason) or "(not in the code list)"


def era_view(remit: Remittance) -> dict:
    claims = []
    for c in remit.claims:
        lines = []
        for n, s in enumerate(c.services, start=1):
            lines.append({
                "line": int(s.line_control) if s.line_control.isdigit() else n, "code": s.code,
                "modifiers": " ".join(s.modifiers), "units": f"{s.units.normalize():f}",
                "date": s.from_date, "charge": money(s.charge), "allowed": money(s.allowed) if s.allowed is not None else "",
                "paid": money(s.paid),
                "adjustments": [{"group": a.group, "group_text": GROUPS.get(a.group, ""), "reason": a.reason,
                                 "amount": money(a.amount), "text": adjustment_text(a.group, a.reason)}
                                for a in s.adjustments],
                "remarks": [{"code": r, "text": describe("RARC", r) or "(not in the code list)"} for r in s.remarks]})
        claims.append({"claim_id": c.claim_id, "status": c.status, "status_text": CLAIM_STATUS.get(c.status, ""),
                       "charge": money(c.charge), "paid": money(c.paid), "patient": money(c.patient_responsibility),
                       "payer_claim_number": c.payer_claim_number, "patient_name": f"{c.patient_last}, {c.patient_first}",
                       "member_id": c.member_id, "received": c.received, "lines": lines})
    return {"payer": remit.payer_name, "paid_on": remit.paid_on, "trace": remit.trace_number, "method": remit.method,
            "total": money(remit.total_paid), "claims": claims, "x12": write_835(remit).replace("~", "~\n")}
