"""A printable UB-04 (CMS-1450) practice copy of an institutional claim (reportlab; no Flask).

Not the official form (printed in red drop-out ink by licensed printers, read by OCR): the same form
locators in the same order and roughly the same places, so a learner can compare it with the paper
UB-04 field by field. Every page says it is a practice copy, not for submission.
"""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from .institutional import InstitutionalClaim
from .pdf import INK, _dx, _Page
from .revenue import REVENUE_DESCRIPTIONS

MARK = "PRACTICE COPY - NOT FOR SUBMISSION"
LINES = 22
OTHER_DX = "ABCDEFGHIJKLMNOPQ"


def _d(day) -> str:
    return day.strftime("%m%d%y") if day else ""


def _row(p: _Page, left: float, y: float, width: float, h: float, cells) -> None:
    """Cells (form locator, label, share of the width, value) side by side on one row."""
    total = sum(share for _, _, share, _ in cells)
    x = left
    for fl, label, share, value in cells:
        w = width * share / total
        p.box(x, y, w, h, fl, label, value)
        x += w


def _slots(values, n: int) -> list[str]:
    values = list(values)[:n]
    return values + [""] * (n - len(values))


def ub04_pdf(claim: InstitutionalClaim) -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=letter, invariant=1, pageCompression=0)
    c.setTitle(f"UB-04 practice copy, claim {claim.claim_id}")
    p = _Page(c)
    left, width, top = 30, letter[0] - 60, letter[1] - 34
    c.setFillColor(INK)
    c.setFont("Helvetica-Bold", 12)
    c.drawString(left, top, "UB-04 (CMS-1450) UNIFORM BILL")
    c.drawRightString(left + width, top, MARK)
    c.setFont("Helvetica", 7)
    c.drawString(left, top - 10, "Practice copy in the layout of the UB-04. Synthetic data and practice charges: "
                 "not for submission to any payer.")
    c.setFillColorRGB(0, 0, 0)
    b, who, h = claim.billing, claim.the_patient, 22
    row = top - 16 - h
    address = f"{b.address.line1}, {b.address.city} {b.address.state} {b.address.zip}" if b.address else ""
    _row(p, left, row, width, h, [("1", "Provider", 5, b.name), ("3a", "Pat. cntl #", 2, claim.claim_id),
                                  ("4", "Type of bill", 1.4, claim.type_of_bill)])
    row -= h
    _row(p, left, row, width, h, [("1", "Address", 5, address), ("5", "Fed. tax no.", 2, b.tax_id),
                                  ("6", "Statement from / through", 2.4,
                                   f"{_d(claim.statement_from)} {_d(claim.statement_through)}")])
    row -= h
    addr = who.address
    _row(p, left, row, width, h, [
        ("8", "Patient name", 3, f"{who.last}, {who.first}"),
        ("9", "Patient address", 4, f"{addr.line1}, {addr.city} {addr.state} {addr.zip}" if addr else ""),
        ("10", "Birthdate", 1.4, who.birth_date.strftime("%m%d%Y") if who.birth_date else ""),
        ("11", "Sex", 0.7, who.sex)])
    row -= h
    _row(p, left, row, width, h, [
        ("12", "Admission date", 1.6, _d(claim.admission_date)), ("13", "Hr", 0.7, claim.admission_hour),
        ("14", "Type", 0.8, claim.admission_type), ("15", "Src", 0.8, claim.point_of_origin),
        ("16", "Dhr", 0.8, claim.discharge_hour), ("17", "Stat", 0.8, claim.discharge_status),
        *((str(18 + i), "", 0.7, code) for i, code in enumerate(_slots(claim.condition_codes, 11)))])
    row -= h
    occ = _slots((f"{o.code} {_d(o.date)}" for o in claim.occurrences), 4)
    spans = _slots((f"{s.code} {_d(s.start)} {_d(s.end)}" for s in claim.occurrence_spans), 2)
    _row(p, left, row, width, h, [*((str(31 + i), "Occurrence code / date", 2, v) for i, v in enumerate(occ)),
                                  *((str(35 + i), "Occurrence span", 3, v) for i, v in enumerate(spans))])
    row -= h
    values = _slots((f"{v.code} {v.amount:.2f}" for v in claim.values), 3)
    _row(p, left, row, width, h, [("38", "Responsible party", 4, f"{claim.subscriber.last}, {claim.subscriber.first}"),
                                  *((str(39 + i), "Value code / amount", 2, v) for i, v in enumerate(values))])
    row = _revenue_table(p, claim, left, row, width)
    row -= h
    _row(p, left, row, width, h, [("50", "Payer name", 4, claim.payer.name), ("51", "Health plan ID", 2,
                                                                              claim.payer.payer_id),
                                  ("56", "NPI", 2, b.npi), ("57", "Other prv ID", 1.5, "")])
    row -= h
    _row(p, left, row, width, h, [("58", "Insured's name", 3, f"{claim.subscriber.last}, {claim.subscriber.first}"),
                                  ("59", "P. rel", 0.8, claim.relationship),
                                  ("60", "Insured's unique ID", 2.4, claim.subscriber.member_id),
                                  ("61", "Group name", 1.6, ""),
                                  ("62", "Insurance group no.", 1.8, claim.group_number)])
    row -= h
    _row(p, left, row, width, h, [("63", "Treatment authorization codes", 3, claim.prior_authorization),
                                  ("64", "Document control number", 3, claim.original_claim_number),
                                  ("65", "Employer name", 2, ""), ("66", "DX", 0.6, "0")])
    row = _codes(p, claim, left, row, width, h)
    c.showPage()
    c.save()
    return out.getvalue()


def _revenue_table(p: _Page, claim: InstitutionalClaim, left: float, row: float, width: float) -> float:
    columns = [("42", "Rev. cd.", 0.9), ("43", "Description", 3.4), ("44", "HCPCS / rates", 1.8),
               ("45", "Serv. date", 1.1), ("46", "Serv. units", 1), ("47", "Total charges", 1.5),
               ("48", "Non-covered", 1.3)]
    line_h = 14
    row -= 14
    _row(p, left, row, width, 14, [(fl, label, share, "") for fl, label, share in columns])
    for n in range(LINES + 1):
        row -= line_h
        line = claim.lines[n] if n < min(len(claim.lines), LINES) else None
        if n == LINES:
            values = ["0001", "TOTAL", "PAGE 1 OF 1", "", "", f"{claim.total:.2f}", ""]
        elif line is None:
            values = [""] * 7
        else:
            values = [line.revenue_code, REVENUE_DESCRIPTIONS.get(line.revenue_code, "").upper(),
                      " ".join((line.hcpcs, *line.modifiers)).strip(), _d(line.service_date), str(line.units),
                      f"{line.charge:.2f}", f"{line.non_covered:.2f}" if line.non_covered else ""]
        _row(p, left, row, width, line_h, [("", "", share, value) for (_, _, share), value in zip(columns, values)])
        p.c.setFont("Helvetica-Bold", 6)
        p.c.setFillColor(INK)
        p.c.drawRightString(left - 2, row + 3, str(n + 1))
        p.c.setFillColorRGB(0, 0, 0)
    return row


def _codes(p: _Page, claim: InstitutionalClaim, left: float, row: float, width: float, h: float) -> float:
    dx = [(claim.principal.code, claim.principal.poa), *((d.code, d.poa) for d in claim.other_diagnoses)]
    dx = dx + [("", "")] * (len(OTHER_DX) + 1 - len(dx))
    cells = [("67" if i == 0 else OTHER_DX[i - 1], "Principal dx / POA" if i == 0 else "",
              1.4 if i == 0 else 1, f"{_dx(code)} {poa}".strip()) for i, (code, poa) in enumerate(dx[:18])]
    row -= h
    _row(p, left, row, width, h, cells[:9])
    row -= h
    _row(p, left, row, width, h, cells[9:])
    ext = _slots((f"{_dx(d.code)} {d.poa}".strip() for d in claim.external_causes), 3)
    row -= h
    _row(p, left, row, width, h, [("69", "Admit dx", 1.4, _dx(claim.admitting_diagnosis)),
                                  ("70", "Patient reason dx", 2, ""), ("71", "PPS code", 1, claim.drg),
                                  *(("72" + "abc"[i], "ECI / POA", 1.5, v) for i, v in enumerate(ext))])
    procs = [f"{pr.code} {_d(pr.date)}" for pr in claim.procedures]
    procs = _slots(procs, 6)
    row -= h
    _row(p, left, row, width, h, [("74", "Principal procedure / date", 1, procs[0]),
                                  *(("74" + "abcde"[i], "Other procedure / date", 1, v)
                                    for i, v in enumerate(procs[1:3]))])
    row -= h
    _row(p, left, row, width, h, [*(("74" + "abcde"[i + 2], "Other procedure / date", 1, v)
                                    for i, v in enumerate(procs[3:6]))])
    for fl, label, who in (("76", "Attending", claim.attending), ("77", "Operating", claim.operating)):
        row -= h
        _row(p, left, row, width, h, [(fl, f"{label} NPI", 1, who.npi if who else ""),
                                      ("", "Last", 1.5, who.name if who else ""),
                                      ("", "First", 1.2, who.first if who else "")])
    c = p.c
    c.setFillColor(INK)
    c.setFont("Helvetica-Bold", 9)
    c.drawCentredString(left + width / 2, row - 14, MARK)
    c.setFillColorRGB(0, 0, 0)
    return row
