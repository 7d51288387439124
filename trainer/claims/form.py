"""The CMS-1500 page's boxes to a claim, and a claim's packet (what the biller works from). No Flask.

``claim_from_form`` reads the posted boxes; anything it cannot read raises FormError naming the box
(the page shows it beside that box, and nothing the learner typed is lost).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from ..codes.normalize import normalise
from .model import Person, ProfessionalClaim, ServiceLine
from .practice import BILLING, PAYERS, RENDERING

LINES = 6  # a paper CMS-1500 has six service lines
LETTERS = "ABCDEFGHIJKL"


class FormError(ValueError):
    """A box the form cannot read: ``box`` is a CMS-1500 box ("24F line 2") or a UB-04 form locator ("FL6")."""

    def __init__(self, box: str, message: str):
        super().__init__(f"{box if box.startswith('FL') else f'Box {box}'}: {message}")
        self.box, self.message = box, message


def _date(value: str, box: str, required: bool = True) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise FormError(box, "enter the date")
        return None
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%m%d%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise FormError(box, f"{value!r} is not a date (MM/DD/YYYY)")


def _money(value: str, box: str) -> Decimal:
    text = (value or "").replace("$", "").replace(",", "").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise FormError(box, f"{value!r} is not an amount (e.g. 100.00)") from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        raise FormError(box, f"{value!r} is not an amount in dollars and cents")
    return amount


def _pointers(value: str, box: str) -> tuple[int, ...]:
    out = []
    for ch in (value or "").upper().replace(",", "").replace(" ", ""):
        if ch not in LETTERS:
            raise FormError(box, f"pointers are the letters A-L of box 21, not {ch!r}")
        out.append(LETTERS.index(ch) + 1)
    return tuple(out)


def claim_from_form(form: dict, packet: dict) -> ProfessionalClaim:
    """``form``: box name -> text, as posted. ``packet``: what ``packet_for`` gives for the exercise."""
    get = lambda name: str(form.get(name, "") or "").strip()  # noqa: E731
    kind = get("payer_kind") or "commercial"
    if kind not in PAYERS:
        raise FormError("1", "choose the type of insurance")
    subscriber_patient = Person(last=get("patient_last").upper(), first=get("patient_first").upper(),
                                birth_date=_date(get("birth_date"), "3"), sex=get("sex") or "U",
                                address=packet["patient_address"], member_id=get("member_id").upper())
    diagnoses = tuple(normalise(get(f"dx_{letter}")) for letter in LETTERS if get(f"dx_{letter}"))
    lines, pos, npis = [], "", []
    for n in range(1, LINES + 1):
        code = normalise(get(f"code_{n}"))
        if not code and not get(f"charge_{n}") and not get(f"from_{n}"):
            continue
        box = f"24 line {n}"
        if not code:
            raise FormError(box, "enter the procedure code or clear the line")
        units = get(f"units_{n}") or "1"
        if not units.isdigit():
            raise FormError(f"24G line {n}", "units are a whole number")
        line_pos = get(f"pos_{n}")
        pos = pos or line_pos
        if get(f"npi_{n}"):
            npis.append(get(f"npi_{n}"))
        lines.append(ServiceLine(
            from_date=_date(get(f"from_{n}"), f"24A line {n}"), to_date=_date(get(f"to_{n}"), f"24A line {n}", False),
            code=code, charge=_money(get(f"charge_{n}"), f"24F line {n}"), units=int(units),
            modifiers=tuple(m.upper() for m in get(f"mods_{n}").replace(",", " ").split()),
            pointers=_pointers(get(f"ptr_{n}"), f"24E line {n}"),
            place_of_service=line_pos if line_pos and line_pos != pos else ""))
    rendering = replace(RENDERING, npi=npis[0]) if npis else None
    billing = replace(BILLING, npi=get("billing_npi"), tax_id=get("tax_id").replace("-", ""),
                      tax_id_type=get("tax_id_type") or "EI")
    total = get("total")
    return ProfessionalClaim(
        claim_id=get("account_no").upper(), payer=PAYERS[kind], subscriber=subscriber_patient, billing=billing,
        rendering=rendering, diagnoses=diagnoses, lines=tuple(lines), place_of_service=pos,
        relationship=get("relationship") or "18", group_number=get("group_number").upper(),
        frequency=get("frequency") or "1", original_claim_number=get("original_ref").upper(),
        prior_authorization=get("prior_auth").upper(),
        total_charge=_money(total, "28") if total else None,
        accept_assignment=get("accept_assignment") != "no", signature_on_file=bool(get("signature_on_file")),
        benefits_assigned=bool(get("benefits_assigned")), submitted_on=packet["submitted_on"],
        facts=dict(packet["facts"]))


def packet_for(variant: dict, reference: ProfessionalClaim) -> dict:
    """What the biller has: the superbill (the coded encounter), the insurance card, the provider sheet."""
    return {
        "patient_address": reference.subscriber.address,
        "submitted_on": reference.submitted_on,
        "facts": reference.facts,
        "payer": reference.payer,
        "member_id": reference.subscriber.member_id,
        "patient_name": variant["patient"]["name"],
        "birth_date": variant["patient"]["birth_date"],
        "sex": variant["patient"]["sex"],
        "date_of_service": variant["date_of_service"],
        "setting": variant["setting"],
        "diagnoses": reference.diagnoses,
        "services": [{"code": l.code, "modifiers": " ".join(l.modifiers), "units": l.units,
                      "for": "".join(LETTERS[p - 1] for p in l.pointers), "charge": l.charge,
                      "unit_charge": l.charge / l.units if l.units else l.charge} for l in reference.lines],
        "billing": reference.billing,
        "rendering": reference.rendering,
        "account_no": reference.claim_id,
    }
