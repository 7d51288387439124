"""X12 5010 837P (005010X222A1): write a professional claim, and read one back.

One interchange, one functional group, one transaction set, one billing provider, one subscriber
and one claim: what a practice exercise submits. Separators: ``*`` elements, ``:`` components,
``^`` repetitions, ``~`` segments. Test indicator ``T`` unless told otherwise.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .model import ProfessionalClaim, ServiceLine
from .x12_common import (reader, FILING, KIND, Envelope, X12Error, _amount, _clean, _date, _el, interchange,  # noqa: F401
                         parties, person_provider, read_date, read_parties, read_provider, read_span, scan,
                         split_segments)


def write_837p(claim: ProfessionalClaim, env: Envelope = Envelope()) -> str:
    created = env.created or dt.datetime.combine(claim.submitted_on or dt.date.today(), dt.time(12, 0))
    st = parties(claim, env, "005010X222A1", created)
    clm = ["CLM", _clean(claim.claim_id), _amount(claim.total), "", "",
           f"{claim.place_of_service}:B:{claim.frequency}", "Y", "A" if claim.accept_assignment else "C",
           "Y" if claim.benefits_assigned else "N", "Y" if claim.signature_on_file else "I"]
    if claim.related_to:
        clm += ["", ":".join(claim.related_to)]
    st.append(clm)
    if claim.original_claim_number:
        st.append(["REF", "F8", _clean(claim.original_claim_number)])
    if claim.prior_authorization:
        st.append(["REF", "G1", _clean(claim.prior_authorization)])
    st.append(["HI"] + [f"{'ABK' if i == 0 else 'ABF'}:{code.replace('.', '')}"
                        for i, code in enumerate(claim.diagnoses)])
    if claim.referring:
        st += person_provider("DN", claim.referring)
    if claim.rendering:
        st += person_provider("82", claim.rendering)
        if claim.rendering.taxonomy:
            st.append(["PRV", "PE", "PXC", claim.rendering.taxonomy])
    for n, line in enumerate(claim.lines, start=1):
        st.append(["LX", str(n)])
        st.append(["SV1", ":".join(["HC", line.code, *line.modifiers]), _amount(line.charge), "UN", str(line.units),
                   line.place_of_service, "", ":".join(str(p) for p in line.pointers)])
        if line.to_date and line.to_date != line.from_date:
            st.append(["DTP", "472", "RD8", f"{_date(line.from_date)}-{_date(line.to_date)}"])
        else:
            st.append(["DTP", "472", "D8", _date(line.from_date)])
        if line.ndc:
            st.append(["LIN", "", "N4", line.ndc])
            st.append(["CTP", "", "", "", str(line.units), "UN"])
    st.append(["SE", str(len(st) + 1), "0001"])
    return interchange(st, env, "HC", "005010X222A1", created)


def read_837p(text: str) -> ProfessionalClaim:
    """Read back a single-claim 837P as written by ``write_837p`` (or any equivalent one).

    Anything it cannot read raises X12Error with the reason, never another exception."""
    return reader("837P", _read)(text)




def _read(text: str) -> ProfessionalClaim:
    segments, comp = split_segments(text)
    found: dict = {"lines": []}

    def other(seg):
        tag = seg[0]
        line = found["lines"][-1] if found["lines"] else None
        if tag == "CLM":
            found["clm"] = seg
        elif tag == "HI":
            found["hi"] = [part.split(comp)[1] for part in seg[1:] if comp in part]
        elif tag == "SV1":
            found["lines"].append({"sv1": seg})
        elif tag == "DTP" and _el(seg, 1) == "472" and line is not None:
            line["dtp"] = seg
        elif tag == "LIN" and line is not None:
            line["ndc"] = _el(seg, 3)

    data = scan(segments, other)
    for need in ("clm", "hi"):
        if need not in found:
            raise X12Error(f"the 837P has no {need} data")
    shared = read_parties(data, "837P")
    clm = found["clm"]
    pos, _, freq = _el(clm, 5).split(comp)
    lines = []
    for item in found["lines"]:
        sv1, dtp = item["sv1"], item.get("dtp")
        code, *mods = _el(sv1, 1).split(comp)[1:]
        if dtp is None:
            raise X12Error("a service line has no DTP*472 date")
        if _el(dtp, 2) == "RD8":
            start, end = read_span(_el(dtp, 3))
        else:
            start = end = read_date(_el(dtp, 3))
        lines.append(ServiceLine(from_date=start, to_date=end if end != start else None, code=code,
                                 modifiers=tuple(mods), charge=Decimal(_el(sv1, 2)), units=int(Decimal(_el(sv1, 4))),
                                 place_of_service=_el(sv1, 5),
                                 pointers=tuple(int(p) for p in _el(sv1, 7).split(comp) if p),
                                 ndc=item.get("ndc", "")))
    total = Decimal(_el(clm, 2))
    return ProfessionalClaim(
        claim_id=_el(clm, 1), diagnoses=tuple(found["hi"]), lines=tuple(lines), place_of_service=pos,
        rendering=read_provider(data, "rendering"), referring=read_provider(data, "referring"), frequency=freq,
        total_charge=None if total == sum((l.charge for l in lines), Decimal("0")) else total,
        accept_assignment=_el(clm, 7) == "A", benefits_assigned=_el(clm, 8) == "Y",
        signature_on_file=_el(clm, 9) == "Y",
        related_to=tuple(x for x in _el(clm, 11).split(comp) if x), **shared)
