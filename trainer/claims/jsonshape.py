"""The claim JSON shape (used by ``trainer claims ...`` and documented in the README).

Dates are ISO ``YYYY-MM-DD``; amounts are strings or numbers with at most two decimals; codes may
be written with or without the ICD-10-CM dot. ``claim_from_dict`` raises ClaimError naming the field.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal, InvalidOperation

from ..codes.normalize import normalise
from .model import Address, Payer, Person, Provider, ProfessionalClaim, ServiceLine


class ClaimError(ValueError):
    """Input that is not a claim; the message names the field."""


def _plain(value):
    if isinstance(value, Decimal):
        return format(value.quantize(Decimal("0.01")), "f")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def claim_to_dict(claim) -> dict:
    """A ProfessionalClaim or an InstitutionalClaim as plain JSON data (with its computed total)."""
    out = _plain(claim)
    out["total"] = _plain(claim.total)
    return out


def _date(value, where: str, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise ClaimError(f"{where}: a date (YYYY-MM-DD) is required")
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ClaimError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _money(value, where: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ClaimError(f"{where}: {value!r} is not an amount") from None
    if not amount.is_finite():
        raise ClaimError(f"{where}: {value!r} is not an amount")
    return amount


def _obj(data, where: str) -> dict:
    if not isinstance(data, dict):
        raise ClaimError(f"{where}: expected an object")
    return data


def _str(data: dict, key: str, where: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if value is None:
        raise ClaimError(f"{where}.{key} is required")
    if not isinstance(value, (str, int)):
        raise ClaimError(f"{where}.{key}: expected text")
    return str(value)


def _address(data, where: str) -> Address | None:
    if data is None:
        return None
    d = _obj(data, where)
    return Address(_str(d, "line1", where), _str(d, "city", where), _str(d, "state", where), _str(d, "zip", where),
                   _str(d, "line2", where, ""))


def _person(data, where: str) -> Person:
    d = _obj(data, where)
    return Person(_str(d, "last", where), _str(d, "first", where), _date(d.get("birth_date"), f"{where}.birth_date",
                                                                        required=False),
                  _str(d, "sex", where, "U"), _address(d.get("address"), f"{where}.address"),
                  _str(d, "member_id", where, ""))


def _provider(data, where: str) -> Provider | None:
    if data is None:
        return None
    d = _obj(data, where)
    return Provider(_str(d, "npi", where), _str(d, "name", where), _str(d, "first", where, ""),
                    _str(d, "entity", where, "2"), _str(d, "taxonomy", where, ""), _str(d, "tax_id", where, ""),
                    _str(d, "tax_id_type", where, "EI"), _address(d.get("address"), f"{where}.address"))


def _line(data, where: str) -> ServiceLine:
    d = _obj(data, where)
    pointers = d.get("pointers", [1])
    modifiers = d.get("modifiers", [])
    if not isinstance(pointers, list) or not all(isinstance(p, int) for p in pointers):
        raise ClaimError(f"{where}.pointers: a list of numbers 1-12")
    if not isinstance(modifiers, list):
        raise ClaimError(f"{where}.modifiers: a list of two-character modifiers")
    units = d.get("units", 1)
    if not isinstance(units, int) or isinstance(units, bool):
        raise ClaimError(f"{where}.units: a whole number")
    return ServiceLine(from_date=_date(d.get("from_date"), f"{where}.from_date"),
                       code=normalise(_str(d, "code", where)), charge=_money(d.get("charge"), f"{where}.charge"),
                       units=units, modifiers=tuple(str(m).upper() for m in modifiers), pointers=tuple(pointers),
                       to_date=_date(d.get("to_date"), f"{where}.to_date", required=False),
                       place_of_service=_str(d, "place_of_service", where, ""), ndc=_str(d, "ndc", where, ""))


def claim_from_dict(data):
    """A ProfessionalClaim, or an InstitutionalClaim when the object has a ``type_of_bill``."""
    d = _obj(data, "claim")
    if "type_of_bill" in d:
        from .jsonshape_ub04 import institutional_from_dict

        return institutional_from_dict(d)
    payer = _obj(d.get("payer"), "payer")
    lines = d.get("lines")
    diagnoses = d.get("diagnoses")
    if not isinstance(lines, list):
        raise ClaimError("lines: expected a list of service lines")
    if not isinstance(diagnoses, list) or not all(isinstance(c, str) for c in diagnoses):
        raise ClaimError("diagnoses: expected a list of ICD-10-CM codes")
    total = d.get("total_charge")
    return ProfessionalClaim(
        claim_id=_str(d, "claim_id", "claim"),
        payer=Payer(_str(payer, "name", "payer"), _str(payer, "payer_id", "payer"),
                    _address(payer.get("address"), "payer.address"), _str(payer, "kind", "payer", "commercial")),
        subscriber=_person(d.get("subscriber"), "subscriber"), billing=_provider(d.get("billing"), "billing")
        or _fail("billing is required"),
        diagnoses=tuple(normalise(c) for c in diagnoses),
        lines=tuple(_line(x, f"lines[{i}]") for i, x in enumerate(lines)),
        place_of_service=_str(d, "place_of_service", "claim"),
        patient=_person(d["patient"], "patient") if d.get("patient") else None,
        relationship=_str(d, "relationship", "claim", "18"),
        rendering=_provider(d.get("rendering"), "rendering"), referring=_provider(d.get("referring"), "referring"),
        group_number=_str(d, "group_number", "claim", ""), frequency=_str(d, "frequency", "claim", "1"),
        original_claim_number=_str(d, "original_claim_number", "claim", ""),
        prior_authorization=_str(d, "prior_authorization", "claim", ""),
        total_charge=_money(total, "total_charge") if total not in (None, "") else None,
        accept_assignment=bool(d.get("accept_assignment", True)), benefits_assigned=bool(d.get("benefits_assigned", True)),
        signature_on_file=bool(d.get("signature_on_file", True)),
        related_to=tuple(d.get("related_to") or ()), icd_indicator=_str(d, "icd_indicator", "claim", "0"),
        submitted_on=_date(d.get("submitted_on"), "submitted_on", required=False),
        facts=_obj(d.get("facts") or {}, "facts"))


def _fail(message: str):
    raise ClaimError(message)
