"""What every X12 5010 document here shares: the envelope (ISA/GS ... GE/IEA), the basic character
set, dates and amounts as X12 writes them, and splitting a document back into segments.

Separators written: ``*`` elements, ``:`` components, ``^`` repetitions, ``~`` segments (a newline
after each for readability). The reader takes the separators from the ISA segment.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from .model import Address


class X12Error(ValueError):
    """A document this reader cannot read; the message says why and names the segment."""


@dataclass(frozen=True)
class Envelope:
    sender_id: str = "CODINGTRAINER"
    receiver_id: str = "PAYERSIM"
    submitter_name: str = "CODING TRAINER PRACTICE"
    contact_name: str = "BILLING OFFICE"
    contact_phone: str = "5555550100"
    control_number: int = 1
    usage: str = "T"  # T test, P production
    created: dt.datetime | None = None


def _clean(text) -> str:
    """X12 basic character set: upper case, no separators."""
    out = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().upper()
    for ch in "*:^~":
        out = out.replace(ch, " ")
    return out.strip()


def _date(d: dt.date) -> str:
    return d.strftime("%Y%m%d")


def _amount(value: Decimal) -> str:
    text = format(Decimal(value).quantize(Decimal("0.01")), "f")
    return text[:-3] if text.endswith(".00") else text.rstrip("0")


def _address(a: Address | None) -> list[list[str]]:
    if a is None:
        return []
    n3 = ["N3", _clean(a.line1)] + ([_clean(a.line2)] if a.line2 else [])
    return [n3, ["N4", _clean(a.city), _clean(a.state), a.zip.replace("-", "")]]


def _trim(seg: list[str]) -> list[str]:
    """Drop trailing empty elements (X12 does not allow them)."""
    out = list(seg)
    while len(out) > 1 and out[-1] == "":
        out.pop()
    return out


def reader(what: str, parse):
    """``parse`` wrapped so that anything it cannot read raises X12Error naming ``what``, never
    another exception (the readers are fed whatever a learner uploads)."""
    def read(text):
        try:
            return parse(text)
        except X12Error:
            raise
        except (ValueError, IndexError, KeyError, TypeError, AttributeError, ArithmeticError) as err:
            raise X12Error(f"not a readable {what}: {err}") from None

    return read


def _el(seg: list[str], i: int) -> str:
    return seg[i] if i < len(seg) else ""


def interchange(transaction: list[list[str]], env: Envelope, functional_id: str, version: str,
                created: dt.datetime) -> str:
    """Wrap one transaction set (ST ... SE) in a functional group and an interchange."""
    control = f"{env.control_number:09d}"
    isa = ["ISA", "00", " " * 10, "00", " " * 10, "ZZ", _clean(env.sender_id).ljust(15)[:15], "ZZ",
           _clean(env.receiver_id).ljust(15)[:15], created.strftime("%y%m%d"), created.strftime("%H%M"), "^",
           "00501", control, "0", env.usage, ":"]
    gs = ["GS", functional_id, _clean(env.sender_id), _clean(env.receiver_id), _date(created),
          created.strftime("%H%M"), str(env.control_number), "X", version]
    segments = [isa, gs, *transaction, ["GE", "1", str(env.control_number)], ["IEA", "1", control]]
    return "".join("*".join(_trim(seg)) + "~\n" for seg in segments)


def split_segments(text) -> tuple[list[list[str]], str]:
    """The segments of an interchange (each a list of elements) and its component separator."""
    if not isinstance(text, str):
        raise X12Error("an X12 document is text")
    segments = [s.strip().split("*") for s in text.replace("\n", "").replace("\r", "").split("~") if s.strip()]
    if not segments or segments[0][0] != "ISA":
        raise X12Error("not an X12 interchange: the first segment must be ISA")
    comp = segments[0][16] if len(segments[0]) > 16 and segments[0][16] else ":"
    return segments, comp


def transaction_type(text) -> str:
    """'837P', '837I' or '835' from the ST/GS of a document, or '' when it is none of them."""
    try:
        segments, _ = split_segments(text)
    except X12Error:
        return ""
    for seg in segments:
        if seg[0] == "ST":
            version = _el(seg, 3)
            if _el(seg, 1) == "835":
                return "835"
            if _el(seg, 1) == "837":
                return {"005010X222A1": "837P", "005010X223A2": "837I"}.get(version, "")
    return ""


# -- the parties every 837 carries: submitter, receiver, billing provider, subscriber, payer, patient ------------
FILING = {"medicare": "MB", "medicaid": "MC", "commercial": "CI"}  # SBR09 claim filing indicator
KIND = {v: k for k, v in FILING.items()}
PARTY_LOOPS = {"85": "billing", "IL": "subscriber", "PR": "payer", "QC": "patient", "DN": "referring",
               "82": "rendering", "71": "attending", "72": "operating", "41": "submitter", "40": "receiver"}
TAXONOMY_OF = {"BI": "billing", "PE": "rendering", "AT": "attending"}  # PRV01


def parties(claim, env: Envelope, version: str, created: dt.datetime) -> list[list[str]]:
    """ST through the patient loop (2000C) of an 837P or 837I: the header, the billing provider
    (2000A/2010AA), the subscriber and payer (2000B/2010BA/2010BB) and, when the patient is not the
    subscriber, the patient (2000C/2010CA). ``claim`` is a ProfessionalClaim or an InstitutionalClaim."""
    st: list[list[str]] = [
        ["ST", "837", "0001", version],
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
    return st


def person_provider(code: str, p) -> list[list[str]]:
    """NM1 for a provider who is a person (rendering, referring, attending, operating), with NPI."""
    return [["NM1", code, "1", _clean(p.name), _clean(p.first), "", "", "", "XX", p.npi]]


def scan(segments: list[list[str]], other) -> dict:
    """Walk an 837 keeping the party data (names, addresses, birth dates, taxonomies, tax ID, SBR, PAT,
    REF*F8/G1, the BHT date); every other segment goes to ``other(seg)``."""
    loop, data = None, {"addresses": {}, "dmg": {}, "taxonomy": {}}
    for seg in segments:
        tag = seg[0]
        if tag == "BHT":
            data["created"] = dt.datetime.strptime(_el(seg, 4), "%Y%m%d").date()
        elif tag == "HL":
            loop = {"20": "billing", "22": "subscriber", "23": "patient"}.get(_el(seg, 3))
        elif tag == "PRV" and _el(seg, 1) in TAXONOMY_OF:
            data["taxonomy"][TAXONOMY_OF[_el(seg, 1)]] = _el(seg, 3)
        elif tag == "NM1":
            loop = PARTY_LOOPS.get(_el(seg, 1), loop)
            data[loop] = seg
        elif tag in ("N3", "N4") and loop:
            data["addresses"].setdefault(loop, {})[tag] = seg
        elif tag == "REF" and _el(seg, 1) in ("EI", "SY"):
            data["tax"] = (_el(seg, 1), _el(seg, 2))
        elif tag == "REF" and _el(seg, 1) in ("F8", "G1"):
            data[_el(seg, 1)] = _el(seg, 2)
        elif tag == "SBR":
            data["sbr"] = seg
        elif tag == "PAT":
            data["relationship"] = _el(seg, 1)
        elif tag == "DMG":
            data["dmg"][loop] = seg
        else:
            other(seg)
    return data


def _read_address(data: dict, loop: str) -> Address | None:
    a = data["addresses"].get(loop)
    if not a or "N3" not in a:
        return None
    return Address(_el(a["N3"], 1), _el(a["N4"], 1), _el(a["N4"], 2), _el(a["N4"], 3), _el(a["N3"], 2))


def read_provider(data: dict, loop: str):
    from .model import Provider

    seg = data.get(loop)
    if seg is None:
        return None
    provider = Provider(npi=_el(seg, 9), name=_el(seg, 3), first=_el(seg, 4), entity=_el(seg, 2),
                        taxonomy=data["taxonomy"].get(loop, ""))
    if loop == "billing":
        tax_type, tax_id = data.get("tax", ("EI", ""))
        provider = Provider(provider.npi, provider.name, provider.first, provider.entity, provider.taxonomy, tax_id,
                            tax_type, _read_address(data, "billing"))
    return provider


def read_parties(data: dict, what: str) -> dict:
    """The claim fields every 837 shares, from ``scan``'s data: keyword arguments for the claim class."""
    from .model import Payer, Person

    for need in ("billing", "subscriber", "payer"):
        if need not in data:
            raise X12Error(f"the {what} has no {need} data")

    def birth(loop):
        seg = data["dmg"].get(loop)
        return (dt.datetime.strptime(_el(seg, 2), "%Y%m%d").date(), _el(seg, 3)) if seg else (None, "U")

    sub = data["subscriber"]
    subscriber = Person(_el(sub, 3), _el(sub, 4), *birth("subscriber"), _read_address(data, "subscriber"), _el(sub, 9))
    patient = None
    if "patient" in data:
        pseg = data["patient"]
        patient = Person(_el(pseg, 3), _el(pseg, 4), *birth("patient"), _read_address(data, "patient"))
    payer, sbr = data["payer"], data.get("sbr", [])
    return dict(payer=Payer(_el(payer, 3), _el(payer, 9), kind=KIND.get(_el(sbr, 9), "commercial")),
                subscriber=subscriber, patient=patient, billing=read_provider(data, "billing"),
                relationship=data.get("relationship", "18"), group_number=_el(sbr, 3),
                original_claim_number=data.get("F8", ""), prior_authorization=data.get("G1", ""),
                submitted_on=data.get("created"))


def read_date(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%Y%m%d").date()


def read_span(text: str) -> tuple[dt.date, dt.date]:
    start, end = text.split("-")
    return read_date(start), read_date(end)
