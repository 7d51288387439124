"""A printable CMS-1500 practice copy of a claim (reportlab; no Flask).

Not the official red-ink form (which is printed by approved printers and read by OCR): the same
numbered boxes in the same order, so a learner can compare it with the paper form box by box.
"""
from __future__ import annotations

import io

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from .model import ProfessionalClaim

INK = Color(0.55, 0.11, 0.11)
LETTERS = "ABCDEFGHIJKL"
RELATIONSHIP = {"18": "Self", "01": "Spouse", "19": "Child", "G8": "Other"}


def _dx(code: str) -> str:
    return code[:3] + "." + code[3:] if len(code) > 3 else code


class _Page:
    def __init__(self, c: canvas.Canvas):
        self.c = c

    def box(self, x, y, w, h, number: str, label: str, value: str = ""):
        c = self.c
        c.setStrokeColor(INK)
        c.setLineWidth(0.6)
        c.rect(x, y, w, h)
        c.setFillColor(INK)
        c.setFont("Helvetica-Bold", 6.5)
        c.drawString(x + 2, y + h - 7.5, number)
        c.setFont("Helvetica", 6.5)
        c.drawString(x + 4 + 5 * len(number), y + h - 7.5, label.upper())
        c.setFillColorRGB(0, 0, 0)
        c.setFont("Courier-Bold", 9)
        c.drawString(x + 4, y + 4, str(value)[: int(w / 5.4)])


def claim_pdf(claim: ProfessionalClaim) -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=letter, invariant=1, pageCompression=0)
    c.setTitle(f"CMS-1500 practice copy, claim {claim.claim_id}")
    p = _Page(c)
    left, width, top = 36, letter[0] - 72, letter[1] - 40
    c.setFillColor(INK)
    c.setFont("Helvetica-Bold", 13)
    c.drawString(left, top, "HEALTH INSURANCE CLAIM FORM")
    c.setFont("Helvetica", 7.5)
    c.drawString(left, top - 11, "Practice copy in the layout of the CMS-1500 (02/12). Synthetic data: not for submission.")
    c.setFillColorRGB(0, 0, 0)
    c.setFont("Helvetica", 8.5)
    c.drawRightString(left + width, top, f"{claim.payer.name}  (payer ID {claim.payer.payer_id})")
    who, row, h = claim.the_patient, top - 52, 24
    half = width / 2
    p.box(left, row, half, h, "1", "Type of insurance", claim.payer.kind.capitalize())
    p.box(left + half, row, half, h, "1a", "Insured's ID number", claim.subscriber.member_id)
    row -= h
    p.box(left, row, half * 0.62, h, "2", "Patient's name", f"{who.last}, {who.first}")
    p.box(left + half * 0.62, row, half * 0.38, h, "3", "Birth date / sex",
          f"{who.birth_date.strftime('%m %d %Y') if who.birth_date else ''}  {who.sex}")
    p.box(left + half, row, half, h, "4", "Insured's name", f"{claim.subscriber.last}, {claim.subscriber.first}")
    row -= h
    addr = who.address
    p.box(left, row, half, h, "5", "Patient's address",
          f"{addr.line1}, {addr.city} {addr.state} {addr.zip}" if addr else "")
    p.box(left + half, row, half * 0.4, h, "6", "Relationship", RELATIONSHIP.get(claim.relationship, claim.relationship))
    p.box(left + half * 1.4, row, half * 0.6, h, "11", "Insured's group number", claim.group_number)
    row -= h
    p.box(left, row, half, h, "10", "Condition related to", ", ".join(claim.related_to) or "No")
    p.box(left + half, row, half / 2, h, "12", "Patient signature", "SOF" if claim.signature_on_file else "")
    p.box(left + half * 1.5, row, half / 2, h, "13", "Insured signature", "SOF" if claim.benefits_assigned else "")
    row -= h
    p.box(left, row, half, h, "17", "Referring provider",
          f"DN {claim.referring.first} {claim.referring.name}" if claim.referring else "")
    p.box(left + half, row, half, h, "17b", "NPI", claim.referring.npi if claim.referring else "")
    row -= 3 * 14 + 10
    c.setStrokeColor(INK)
    c.rect(left, row, width, 3 * 14 + 10)
    c.setFillColor(INK)
    c.setFont("Helvetica-Bold", 6.5)
    c.drawString(left + 2, row + 3 * 14 + 2, f"21  DIAGNOSIS OR NATURE OF ILLNESS OR INJURY      ICD IND. {claim.icd_indicator}")
    c.setFillColorRGB(0, 0, 0)
    for i in range(12):
        code = claim.diagnoses[i] if i < len(claim.diagnoses) else ""
        x = left + 6 + (i % 4) * (width / 4)
        y = row + 3 * 14 - 10 - (i // 4) * 14
        c.setFont("Helvetica-Bold", 7)
        c.drawString(x, y, f"{LETTERS[i]}.")
        c.setFont("Courier-Bold", 9)
        c.drawString(x + 10, y, _dx(code))
    row -= h
    p.box(left, row, half, h, "22", "Resubmission code / original ref. no.",
          f"{claim.frequency if claim.frequency != '1' else ''} {claim.original_claim_number}".strip())
    p.box(left + half, row, half, h, "23", "Prior authorization number", claim.prior_authorization)
    columns = [("24A", "From", 58), ("", "To", 58), ("B", "POS", 28), ("D", "CPT/HCPCS  Modifiers", 120),
               ("E", "Dx ptr", 40), ("F", "Charges", 62), ("G", "Units", 34), ("J", "Rendering NPI", 0)]
    columns[-1] = (columns[-1][0], columns[-1][1], width - sum(cw for _, _, cw in columns[:-1]))
    line_h = 20
    for n in range(6):
        row -= line_h
        line = claim.lines[n] if n < len(claim.lines) else None
        values = ["", "", "", "", "", "", "", ""] if line is None else [
            line.from_date.strftime("%m %d %y"), line.through.strftime("%m %d %y"),
            line.place_of_service or claim.place_of_service, f"{line.code}  {' '.join(line.modifiers)}",
            "".join(LETTERS[q - 1] for q in line.pointers if 1 <= q <= 12), f"{line.charge:.2f}", str(line.units),
            claim.rendering.npi if claim.rendering else ""]
        x = left
        for (number, label, cw), value in zip(columns, values):
            p.box(x, row, cw, line_h, f"{number}" if n == 0 else "", label if n == 0 else "", value)
            x += cw
        c.setFont("Helvetica-Bold", 7)
        c.setFillColor(INK)
        c.drawString(left - 10, row + 6, str(n + 1))
        c.setFillColorRGB(0, 0, 0)
    row -= h
    quarter = width / 4
    p.box(left, row, quarter, h, "25", f"Federal tax ID ({'EIN' if claim.billing.tax_id_type == 'EI' else 'SSN'})",
          claim.billing.tax_id)
    p.box(left + quarter, row, quarter, h, "26", "Patient's account no.", claim.claim_id)
    p.box(left + 2 * quarter, row, quarter, h, "27", "Accept assignment?", "Yes" if claim.accept_assignment else "No")
    p.box(left + 3 * quarter, row, quarter, h, "28", "Total charge", f"{claim.total:.2f}")
    row -= h * 1.6
    b = claim.billing
    billing = f"{b.name}, {b.address.line1}, {b.address.city} {b.address.state} {b.address.zip}" if b.address else b.name
    p.box(left, row, half, h * 1.6, "31", "Signature of physician", "SIGNATURE ON FILE")
    p.box(left + half, row, half, h * 1.6, "33", "Billing provider", billing)
    row -= h
    p.box(left + half, row, half, h, "33a", "NPI", b.npi)
    c.showPage()
    c.save()
    return out.getvalue()
