"""X12 5010 837I (005010X223A2): write an institutional claim, and read one back.

One interchange, group, transaction set, billing provider (the facility), subscriber and claim.
Where the UB-04 fields go (loop 2300 unless said):

  CLM05       facility type + "A" + frequency (type of bill digits 2-3 and 4)
  DTP*096     discharge hour (TM, HHMM)        DTP*434  statement from-through (RD8)
  DTP*435     admission date and hour (DT, or D8 without an hour)
  CL1         admission type, point of origin (admission source), discharge status
  REF*G1/F8   prior authorization / the payer's original claim number (frequencies 7 and 8)
  HI          ABK principal dx, ABJ admitting dx, ABN external causes, DR DRG, ABF other diagnoses
              (12 per segment, 2 segments), BBR principal procedure, BBQ other procedures, BI occurrence
              spans, BH occurrences, BE values, BG conditions; the POA indicator is component 9 of a
              diagnosis composite and is left out for an exempt code (5010 has no "1")
  2310A/B     NM1*71 attending, NM1*72 operating physician
  2400        LX, SV2 (revenue code, HC:HCPCS:modifiers, charge, UN/DA, units, non-covered), DTP*472
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .institutional import (Diagnosis, InstitutionalClaim, Occurrence, OccurrenceSpan, Procedure, RevenueLine,
                            Value)
from .x12_common import (reader, Envelope, X12Error, _amount, _clean, _date, _el, interchange, parties, person_provider,
                         read_date, read_parties, read_provider, read_span, scan, split_segments)

VERSION = "005010X223A2"
PER_HI = 12


def _dx(qualifier: str, d: Diagnosis) -> str:
    code = d.code.replace(".", "")
    return f"{qualifier}:{code}:::::::{d.poa}" if d.poa else f"{qualifier}:{code}"


def _his(qualifier: str, items: list[str], segments: int = 2) -> list[list[str]]:
    """Composites split into HI segments of 12 (at most ``segments`` of them)."""
    return [["HI", *items[i:i + PER_HI]] for i in range(0, min(len(items), PER_HI * segments), PER_HI)]


def _hhmm(hour: str) -> str:
    return f"{int(hour):02d}00"


def write_837i(claim: InstitutionalClaim, env: Envelope = Envelope()) -> str:
    created = env.created or dt.datetime.combine(claim.submitted_on or dt.date.today(), dt.time(12, 0))
    st = parties(claim, env, VERSION, created)
    tob = claim.type_of_bill
    st.append(["CLM", _clean(claim.claim_id), _amount(claim.total), "", "", f"{tob[1:3]}:A:{tob[3:4]}", "", "A", "Y", "Y"])
    if claim.discharge_hour:
        st.append(["DTP", "096", "TM", _hhmm(claim.discharge_hour)])
    st.append(["DTP", "434", "RD8", f"{_date(claim.statement_from)}-{_date(claim.statement_through)}"])
    if claim.admission_date:
        st.append(["DTP", "435", "DT", _date(claim.admission_date) + _hhmm(claim.admission_hour)]
                  if claim.admission_hour else ["DTP", "435", "D8", _date(claim.admission_date)])
    st.append(["CL1", claim.admission_type, claim.point_of_origin, claim.discharge_status])
    if claim.prior_authorization:
        st.append(["REF", "G1", _clean(claim.prior_authorization)])
    if claim.original_claim_number:
        st.append(["REF", "F8", _clean(claim.original_claim_number)])
    st.append(["HI", _dx("ABK", claim.principal)])
    if claim.admitting_diagnosis:
        st.append(["HI", f"ABJ:{claim.admitting_diagnosis.replace('.', '')}"])
    st += _his("ABN", [_dx("ABN", d) for d in claim.external_causes], 1)
    if claim.drg:
        st.append(["HI", f"DR:{claim.drg}"])
    st += _his("ABF", [_dx("ABF", d) for d in claim.other_diagnoses])
    if claim.principal_procedure:
        p = claim.principal_procedure
        st.append(["HI", f"BBR:{p.code}:D8:{_date(p.date)}"])
    st += _his("BBQ", [f"BBQ:{p.code}:D8:{_date(p.date)}" for p in claim.other_procedures])
    st += _his("BI", [f"BI:{s.code}:RD8:{_date(s.start)}-{_date(s.end)}" for s in claim.occurrence_spans])
    st += _his("BH", [f"BH:{o.code}:D8:{_date(o.date)}" for o in claim.occurrences])
    st += _his("BE", [f"BE:{v.code}:::{_amount(v.amount)}" for v in claim.values])
    st += _his("BG", [f"BG:{c}" for c in claim.condition_codes])
    if claim.attending:
        st += person_provider("71", claim.attending)
        if claim.attending.taxonomy:
            st.append(["PRV", "AT", "PXC", claim.attending.taxonomy])
    if claim.operating:
        st += person_provider("72", claim.operating)
    for n, line in enumerate(claim.lines, start=1):
        st.append(["LX", str(n)])
        sv2 = ["SV2", line.revenue_code, ":".join(["HC", line.hcpcs, *line.modifiers]) if line.hcpcs else "",
               _amount(line.charge), "DA" if line.accommodation else "UN", str(line.units)]
        if line.non_covered:
            sv2 += ["", _amount(line.non_covered)]
        st.append(sv2)
        st.append(["DTP", "472", "D8", _date(line.service_date)])
    st.append(["SE", str(len(st) + 1), "0001"])
    return interchange(st, env, "HC", VERSION, created)


def read_837i(text: str) -> InstitutionalClaim:
    """Read back a single-claim 837I as written by ``write_837i`` (or an equivalent one).

    Anything it cannot read raises X12Error with the reason, never another exception."""
    return reader("837I", _read)(text)




def _hour(hhmm: str) -> str:
    if len(hhmm) != 4 or not hhmm.isdigit() or int(hhmm[:2]) > 23:
        raise X12Error(f"{hhmm!r} is not an hour HHMM")
    return hhmm[:2]


def _read(text: str) -> InstitutionalClaim:
    segments, comp = split_segments(text)
    found: dict = {"lines": [], "hi": {}}

    def other(seg):
        tag = seg[0]
        if tag == "CLM":
            found["clm"] = seg
        elif tag == "DTP" and _el(seg, 1) in ("096", "434", "435") and not found["lines"]:
            found[_el(seg, 1)] = seg
        elif tag == "CL1":
            found["cl1"] = seg
        elif tag == "HI":
            for part in seg[1:]:
                parts = part.split(comp)
                found["hi"].setdefault(parts[0], []).append(parts)
        elif tag == "SV2":
            found["lines"].append({"sv2": seg})
        elif tag == "DTP" and _el(seg, 1) == "472" and found["lines"]:
            found["lines"][-1]["dtp"] = seg

    data = scan(segments, other)
    for need in ("clm", "434", "cl1"):
        if need not in found:
            raise X12Error(f"the 837I has no {need.upper() if need != '434' else 'statement dates'} data")
    if "ABK" not in found["hi"]:
        raise X12Error("the 837I has no principal diagnosis (HI*ABK)")
    shared = read_parties(data, "837I")
    hi = found["hi"]

    def diagnoses(qualifier):
        return tuple(Diagnosis(p[1], _el(p, 8)) for p in hi.get(qualifier, []))

    def dated(qualifier):
        return [(p[1], _el(p, 3)) for p in hi.get(qualifier, [])]

    clm, cl1 = found["clm"], found["cl1"]
    facility, qualifier, freq = _el(clm, 5).split(comp)
    if qualifier != "A" or len(facility) != 2:
        raise X12Error(f"CLM05 {_el(clm, 5)!r} is not an institutional facility code (NN:A:F)")
    start, through = read_span(_el(found["434"], 3))
    admission = found.get("435")
    admitted, admit_hour = None, ""
    if admission is not None:
        stamp = _el(admission, 3)
        admitted = read_date(stamp[:8])
        admit_hour = _hour(stamp[8:]) if _el(admission, 2) == "DT" else ""
    lines = []
    for item in found["lines"]:
        sv2, dtp = item["sv2"], item.get("dtp")
        if dtp is None:
            raise X12Error("a service line has no DTP*472 date")
        hcpcs, *mods = _el(sv2, 2).split(comp)[1:] or [""]
        lines.append(RevenueLine(revenue_code=_el(sv2, 1), service_date=read_date(_el(dtp, 3)),
                                 charge=Decimal(_el(sv2, 3)), units=int(Decimal(_el(sv2, 5))), hcpcs=hcpcs,
                                 modifiers=tuple(mods), non_covered=Decimal(_el(sv2, 7) or "0")))
    procedures = [Procedure(code, read_date(when)) for code, when in dated("BBR") + dated("BBQ")]
    total = Decimal(_el(clm, 2))
    return InstitutionalClaim(
        claim_id=_el(clm, 1), type_of_bill=f"0{facility}{freq}", statement_from=start, statement_through=through,
        principal=diagnoses("ABK")[0], lines=tuple(lines), discharge_status=_el(cl1, 3), admission_date=admitted,
        admission_hour=admit_hour, admission_type=_el(cl1, 1), point_of_origin=_el(cl1, 2),
        discharge_hour=_hour(_el(found["096"], 3)) if "096" in found else "",
        admitting_diagnosis=hi["ABJ"][0][1] if "ABJ" in hi else "", other_diagnoses=diagnoses("ABF"),
        external_causes=diagnoses("ABN"),
        principal_procedure=procedures[0] if "BBR" in hi else None,
        other_procedures=tuple(procedures[1:] if "BBR" in hi else procedures),
        condition_codes=tuple(p[1] for p in hi.get("BG", [])),
        occurrences=tuple(Occurrence(code, read_date(when)) for code, when in dated("BH")),
        occurrence_spans=tuple(OccurrenceSpan(code, *read_span(when)) for code, when in dated("BI")),
        values=tuple(Value(p[1], Decimal(_el(p, 4))) for p in hi.get("BE", [])),
        attending=read_provider(data, "attending"), operating=read_provider(data, "operating"),
        drg=hi["DR"][0][1] if "DR" in hi else "",
        total_charge=None if total == sum((l.charge for l in lines), Decimal("0")) else total, **shared)
