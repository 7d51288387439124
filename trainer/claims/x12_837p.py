"""X12 5010 837P (005010X222A1): write a professional claim, and read one back.

One interchange, one functional group, one transaction set, one billing provider, one subscriber
and one claim: what a practice exercise submits. Separators: ``*`` elements, ``:`` components,
``^`` repetitions, ``~`` segments. Test indicator ``T`` unless told otherwise.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .model import Address, Payer, Person, Provider, ProfessionalClaim, ServiceLine
from .x12_common import (Envelope, X12Error, _address, _amount, _clean, _date, _el, interchange,  # noqa: F401
                         split_segments)

FILING = {"medicare": "MB", "medicaid": "MC", "commercial": "CI"}  # SBR09 claim filing indicator
KIND = {v: k for k, v in FILING.items()}


def write_837p(claim: ProfessionalClaim, env: Envelope = Envelope()) -> str:
    created = env.created or dt.datetime.combine(claim.submitted_on or dt.date.today(), dt.time(12, 0))
    st: list[list[str]] = [
        ["ST", "837", "0001", "005010X222A1"],
        ["BHT", "0019", "00", _clean(claim.claim_id)[:30] or "1", _date(created), created.strftime("%H%M"), "CH"],
        ["NM1", "41", "2", _clean(env.submitter_name), "", "", "", "", "46", _clean(env.sender_id)],
        ["PER", "IC", _clean(env.contact_name), "TE", env.contact_phone],
        ["NM1", "40", "2", _clean(claim.payer.name), "", "", "", "", "46", _clean(env.receiver_id)],
        ["HL", "1", "", "20", "1"],
    ]
    b = claim.billing
    if b.taxonomy:
        st.append(["PRV", "BI", "PXC", b.taxonomy])
    st.append(["NM1", "85", b.entity, _clean(b.name), _clean(b.first) if b.entity == "1" else "", "", "", "",
               "XX", b.npi])
    st += _address(b.address)
    st.append(["REF", b.tax_id_type, b.tax_id])
    own = claim.patient is None or claim.relationship == "18"
    st.append(["HL", "2", "1", "22", "0" if own else "1"])
    st.append(["SBR", "P", "18" if own else "", _clean(claim.group_number), "", "", "", "", "",
               FILING.get(claim.payer.kind, "CI")])
    s = claim.subscriber
    st.append(["NM1", "IL", "1", _clean(s.last), _clean(s.first), "", "", "", "MI", _clean(s.member_id)])
    st += _address(s.address)
    if own and s.birth_date:
        st.append(["DMG", "D8", _date(s.birth_date), s.sex])
    st.append(["NM1", "PR", "2", _clean(claim.payer.name), "", "", "", "", "PI", _clean(claim.payer.payer_id)])
    if not own:
        p = claim.patient
        st += [["HL", "3", "2", "23", "0"], ["PAT", claim.relationship],
               ["NM1", "QC", "1", _clean(p.last), _clean(p.first)]]
        st += _address(p.address or s.address)
        st.append(["DMG", "D8", _date(p.birth_date), p.sex])
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
        r = claim.referring
        st.append(["NM1", "DN", "1", _clean(r.name), _clean(r.first), "", "", "", "XX", r.npi])
    if claim.rendering:
        r = claim.rendering
        st.append(["NM1", "82", "1", _clean(r.name), _clean(r.first), "", "", "", "XX", r.npi])
        if r.taxonomy:
            st.append(["PRV", "PE", "PXC", r.taxonomy])
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
    try:
        return _read(text)
    except X12Error:
        raise
    except (ValueError, IndexError, KeyError, TypeError, AttributeError, ArithmeticError) as err:
        raise X12Error(f"not a readable 837P: {err}") from None


def _read(text: str) -> ProfessionalClaim:
    segments, comp = split_segments(text)
    loop, data = None, {"lines": [], "addresses": {}}
    current_line: dict | None = None
    for seg in segments:
        tag = seg[0]
        if tag == "BHT":
            data["created"] = dt.datetime.strptime(_el(seg, 4), "%Y%m%d").date()
        elif tag == "HL":
            loop = {"20": "billing", "22": "subscriber", "23": "patient"}.get(_el(seg, 3))
        elif tag == "PRV" and _el(seg, 1) == "BI":
            data["billing_taxonomy"] = _el(seg, 3)
        elif tag == "PRV" and _el(seg, 1) == "PE":
            data["rendering_taxonomy"] = _el(seg, 3)
        elif tag == "NM1":
            loop = {"85": "billing", "IL": "subscriber", "PR": "payer", "QC": "patient", "DN": "referring",
                    "82": "rendering", "41": "submitter", "40": "receiver"}.get(_el(seg, 1), loop)
            data[loop] = seg
        elif tag in ("N3", "N4") and loop:
            data["addresses"].setdefault(loop, {})[tag] = seg
        elif tag == "REF" and _el(seg, 1) in ("EI", "SY"):
            data["tax"] = (_el(seg, 1), _el(seg, 2))
        elif tag == "REF" and _el(seg, 1) == "F8":
            data["original"] = _el(seg, 2)
        elif tag == "REF" and _el(seg, 1) == "G1":
            data["prior_auth"] = _el(seg, 2)
        elif tag == "SBR":
            data["sbr"] = seg
        elif tag == "PAT":
            data["relationship"] = _el(seg, 1)
        elif tag == "DMG":
            data.setdefault("dmg", {})[loop] = seg
        elif tag == "CLM":
            data["clm"] = seg
        elif tag == "HI":
            data["hi"] = [part.split(comp)[1] for part in seg[1:] if comp in part]
        elif tag == "SV1":
            current_line = {"sv1": seg}
            data["lines"].append(current_line)
        elif tag == "DTP" and _el(seg, 1) == "472" and current_line is not None:
            current_line["dtp"] = seg
        elif tag == "LIN" and current_line is not None:
            current_line["ndc"] = _el(seg, 3)
    for need in ("billing", "subscriber", "payer", "clm", "hi"):
        if need not in data:
            raise X12Error(f"the 837P has no {need} data")

    def address(loop_name):
        a = data["addresses"].get(loop_name)
        if not a or "N3" not in a:
            return None
        return Address(_el(a["N3"], 1), _el(a["N4"], 1), _el(a["N4"], 2), _el(a["N4"], 3), _el(a["N3"], 2))

    def birth(loop_name):
        seg = data.get("dmg", {}).get(loop_name)
        return (dt.datetime.strptime(_el(seg, 2), "%Y%m%d").date(), _el(seg, 3)) if seg else (None, "U")

    def provider(loop_name, taxonomy=""):
        seg = data.get(loop_name)
        if seg is None:
            return None
        return Provider(npi=_el(seg, 9), name=_el(seg, 3), first=_el(seg, 4), entity=_el(seg, 2),
                        taxonomy=taxonomy, address=address(loop_name) if loop_name == "billing" else None)

    sub = data["subscriber"]
    sub_birth, sub_sex = birth("subscriber")
    subscriber = Person(_el(sub, 3), _el(sub, 4), sub_birth, sub_sex, address("subscriber"), _el(sub, 9))
    patient = None
    if "patient" in data:
        p_birth, p_sex = birth("patient")
        pseg = data["patient"]
        patient = Person(_el(pseg, 3), _el(pseg, 4), p_birth, p_sex, address("patient"))
    billing = provider("billing", data.get("billing_taxonomy", ""))
    tax_type, tax_id = data.get("tax", ("EI", ""))
    billing = Provider(billing.npi, billing.name, billing.first, billing.entity, billing.taxonomy, tax_id, tax_type,
                       billing.address)
    clm = data["clm"]
    pos, _, freq = _el(clm, 5).split(comp)
    lines = []
    for item in data["lines"]:
        sv1, dtp = item["sv1"], item.get("dtp")
        code, *mods = _el(sv1, 1).split(comp)[1:]
        if dtp is None:
            raise X12Error("a service line has no DTP*472 date")
        if _el(dtp, 2) == "RD8":
            start, end = (dt.datetime.strptime(x, "%Y%m%d").date() for x in _el(dtp, 3).split("-"))
        else:
            start = end = dt.datetime.strptime(_el(dtp, 3), "%Y%m%d").date()
        lines.append(ServiceLine(from_date=start, to_date=end if end != start else None, code=code,
                                 modifiers=tuple(mods), charge=Decimal(_el(sv1, 2)), units=int(Decimal(_el(sv1, 4))),
                                 place_of_service=_el(sv1, 5),
                                 pointers=tuple(int(p) for p in _el(sv1, 7).split(comp) if p),
                                 ndc=item.get("ndc", "")))
    payer_seg = data["payer"]
    sbr = data.get("sbr", [])
    return ProfessionalClaim(
        claim_id=_el(clm, 1), payer=Payer(_el(payer_seg, 3), _el(payer_seg, 9), kind=KIND.get(_el(sbr, 9), "commercial")),
        subscriber=subscriber, billing=billing, diagnoses=tuple(data["hi"]), lines=tuple(lines),
        place_of_service=pos, patient=patient, relationship=data.get("relationship", "18"),
        rendering=provider("rendering", data.get("rendering_taxonomy", "")), referring=provider("referring"),
        group_number=_el(sbr, 3), frequency=freq, original_claim_number=data.get("original", ""),
        prior_authorization=data.get("prior_auth", ""),
        total_charge=None if Decimal(_el(clm, 2)) == sum((l.charge for l in lines), Decimal("0"))
        else Decimal(_el(clm, 2)),
        accept_assignment=_el(clm, 7) == "A", benefits_assigned=_el(clm, 8) == "Y",
        signature_on_file=_el(clm, 9) == "Y",
        related_to=tuple(x for x in _el(clm, 11).split(comp) if x), submitted_on=data.get("created"))
