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
