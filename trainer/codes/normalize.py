"""How codes are written: normalising what people type, printing codes back."""
from __future__ import annotations

import datetime as dt
import re

from .tables import CodeSystem

_STRIP = re.compile(r"[\s.\-]")
ICD10CM_RE = re.compile(r"^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}$")
ICD10PCS_RE = re.compile(r"^[0-9A-HJ-NP-Z]{7}$")
CPT_RE = re.compile(r"^(\d{5}|\d{4}[FTU])$")
HCPCS_RE = re.compile(r"^[A-V]\d{4}$")
MODIFIER_RE = re.compile(r"^[0-9A-Z]{2}$")
POS_RE = re.compile(r"^\d{2}$")

PATTERNS = {
    CodeSystem.ICD10CM: ICD10CM_RE,
    CodeSystem.ICD10PCS: ICD10PCS_RE,
    CodeSystem.CPT: CPT_RE,
    CodeSystem.HCPCS: HCPCS_RE,
    CodeSystem.MODIFIER: MODIFIER_RE,
    CodeSystem.POS: POS_RE,
}


class BadInput(ValueError):
    """Input a person typed that we cannot use; the message says why."""


def normalise(text: str) -> str:
    """Upper case, without dots, dashes or spaces: 's52.521a' -> 'S52521A'."""
    return _STRIP.sub("", (text or "").upper())


def display(system: str, code: str) -> str:
    """Print a code as people read it: ICD-10-CM takes a dot after the category."""
    if system == CodeSystem.ICD10CM and len(code) > 3 and "-" not in code:
        return f"{code[:3]}.{code[3:]}"
    return code


def looks_like(system: str, code: str) -> bool:
    return bool(PATTERNS[system].match(code))


def candidate_systems(code: str) -> list[str]:
    """Systems whose code format the text fits, most common first."""
    order = (CodeSystem.ICD10CM, CodeSystem.CPT, CodeSystem.HCPCS, CodeSystem.ICD10PCS,
             CodeSystem.MODIFIER, CodeSystem.POS)
    return [s for s in order if looks_like(s, code)]


def parse_date(value: str | dt.date | None, *, default: dt.date | None = None) -> dt.date:
    """A date of service from a form or query string; today when empty."""
    if isinstance(value, dt.date):
        return value
    if value is None or not str(value).strip():
        return default or dt.date.today()
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as err:
        raise BadInput(f"date {value!r} is not a date; use YYYY-MM-DD") from err
