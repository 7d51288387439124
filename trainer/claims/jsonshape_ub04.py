"""The institutional claim (UB-04 / 837I) in the claim JSON shape: the README documents it beside the
professional one. A claim object with a ``type_of_bill`` is institutional."""
from __future__ import annotations

from ..codes.normalize import normalise
from .institutional import (Diagnosis, InstitutionalClaim, Occurrence, OccurrenceSpan, Procedure, RevenueLine,
                            Value)
from .jsonshape import ClaimError, _address, _date, _money, _obj, _person, _provider, _str
from .model import Payer


def _list(data: dict, key: str) -> list:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise ClaimError(f"{key}: expected a list")
    return value


def _dx(data, where: str) -> Diagnosis:
    if isinstance(data, str):
        return Diagnosis(normalise(data))
    d = _obj(data, where)
    return Diagnosis(normalise(_str(d, "code", where)), _str(d, "poa", where, "").upper())


def _whole(value, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ClaimError(f"{where}: a whole number")
    return value


def _line(data, where: str) -> RevenueLine:
    d = _obj(data, where)
    modifiers = d.get("modifiers", [])
    if not isinstance(modifiers, list):
        raise ClaimError(f"{where}.modifiers: a list of two-character modifiers")
    return RevenueLine(revenue_code=_str(d, "revenue_code", where), service_date=_date(d.get("service_date"),
                                                                                        f"{where}.service_date"),
                       charge=_money(d.get("charge"), f"{where}.charge"), units=_whole(d.get("units", 1), f"{where}.units"),
                       hcpcs=normalise(_str(d, "hcpcs", where, "")) if d.get("hcpcs") else "",
                       modifiers=tuple(str(m).upper() for m in modifiers),
                       non_covered=_money(d.get("non_covered", "0"), f"{where}.non_covered"))


def _procedure(data, where: str) -> Procedure:
    d = _obj(data, where)
    return Procedure(normalise(_str(d, "code", where)), _date(d.get("date"), f"{where}.date"))


def institutional_from_dict(d: dict) -> InstitutionalClaim:
    payer = _obj(d.get("payer"), "payer")
    if d.get("principal") is None:
        raise ClaimError("principal: the principal diagnosis is required")
    billing = _provider(d.get("billing"), "billing")
    if billing is None:
        raise ClaimError("billing is required")
    total = d.get("total_charge")
    principal_procedure = d.get("principal_procedure")
    return InstitutionalClaim(
        claim_id=_str(d, "claim_id", "claim"),
        payer=Payer(_str(payer, "name", "payer"), _str(payer, "payer_id", "payer"),
                    _address(payer.get("address"), "payer.address"), _str(payer, "kind", "payer", "commercial")),
        subscriber=_person(d.get("subscriber"), "subscriber"), billing=billing,
        type_of_bill=_str(d, "type_of_bill", "claim"),
        statement_from=_date(d.get("statement_from"), "statement_from"),
        statement_through=_date(d.get("statement_through"), "statement_through"),
        principal=_dx(d["principal"], "principal"),
        lines=tuple(_line(x, f"lines[{i}]") for i, x in enumerate(_list(d, "lines"))),
        discharge_status=_str(d, "discharge_status", "claim"),
        admission_date=_date(d.get("admission_date"), "admission_date", required=False),
        admission_hour=_str(d, "admission_hour", "claim", ""), admission_type=_str(d, "admission_type", "claim", ""),
        point_of_origin=_str(d, "point_of_origin", "claim", ""), discharge_hour=_str(d, "discharge_hour", "claim", ""),
        admitting_diagnosis=normalise(_str(d, "admitting_diagnosis", "claim", "")) if d.get("admitting_diagnosis") else "",
        other_diagnoses=tuple(_dx(x, f"other_diagnoses[{i}]") for i, x in enumerate(_list(d, "other_diagnoses"))),
        external_causes=tuple(_dx(x, f"external_causes[{i}]") for i, x in enumerate(_list(d, "external_causes"))),
        principal_procedure=_procedure(principal_procedure, "principal_procedure") if principal_procedure else None,
        other_procedures=tuple(_procedure(x, f"other_procedures[{i}]")
                               for i, x in enumerate(_list(d, "other_procedures"))),
        condition_codes=tuple(str(c) for c in _list(d, "condition_codes")),
        occurrences=tuple(Occurrence(_str(_obj(x, "occurrences"), "code", "occurrences"),
                                     _date(x.get("date"), f"occurrences[{i}].date"))
                          for i, x in enumerate(_list(d, "occurrences"))),
        occurrence_spans=tuple(OccurrenceSpan(_str(_obj(x, "occurrence_spans"), "code", "occurrence_spans"),
                                              _date(x.get("start"), f"occurrence_spans[{i}].start"),
                                              _date(x.get("end"), f"occurrence_spans[{i}].end"))
                               for i, x in enumerate(_list(d, "occurrence_spans"))),
        values=tuple(Value(_str(_obj(x, "values"), "code", "values"), _money(x.get("amount"), f"values[{i}].amount"))
                     for i, x in enumerate(_list(d, "values"))),
        patient=_person(d["patient"], "patient") if d.get("patient") else None,
        relationship=_str(d, "relationship", "claim", "18"),
        attending=_provider(d.get("attending"), "attending"), operating=_provider(d.get("operating"), "operating"),
        group_number=_str(d, "group_number", "claim", ""),
        original_claim_number=_str(d, "original_claim_number", "claim", ""),
        prior_authorization=_str(d, "prior_authorization", "claim", ""), drg=_str(d, "drg", "claim", ""),
        total_charge=_money(total, "total_charge") if total not in (None, "") else None,
        submitted_on=_date(d.get("submitted_on"), "submitted_on", required=False),
        facts=_obj(d.get("facts") or {}, "facts"))
