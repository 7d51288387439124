"""Code references inside tabular notes: 'type 1 diabetes mellitus (E10.-)', '(E11.0-E11.8)', '(R40-R46)'."""
from __future__ import annotations

import re

_CODE = r"[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{0,4})?"
REF = re.compile(rf"({_CODE})(?:\.?-)?(?:\s*-\s*({_CODE}))?")


def _clean(code: str) -> str:
    return code.replace(".", "").rstrip("-")


def parse_refs(text: str) -> list[tuple[str, str]]:
    """(low, high) prefix ranges named in a note; a single code or 'X.-' gives (X, X)."""
    out = []
    for low, high in REF.findall(text or ""):
        lo = _clean(low)
        out.append((lo, _clean(high) if high else lo))
    return out


def matches(code: str, ref: tuple[str, str]) -> bool:
    """True when the (normalised) code falls under the referenced code or range."""
    lo, hi = ref
    return code[:len(lo)] >= lo and code[:len(hi)] <= hi


def matches_any(code: str, refs: list[tuple[str, str]]) -> bool:
    return any(matches(code, r) for r in refs)
