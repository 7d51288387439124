"""MS-DRG grouping of the key and of the learner's codes with drgpy, and the CC/MCC that drove it."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from ..codes.normalize import normalise


@lru_cache(maxsize=4)
def _engine(version: str | None):
    from drgpy.msdrg import DRGEngine

    return DRGEngine(version=version)


def version_for(discharge: dt.date) -> str:
    """The grouper version in force on the discharge date (v43 from 2025-10-01, v43.1 from 2026-04-01)."""
    from drgpy._versions import SUPPORTED_VERSIONS

    eligible = [v for v in SUPPORTED_VERSIONS if v.effective_date <= discharge]
    return (eligible[-1] if eligible else SUPPORTED_VERSIONS[0]).name


def group(diagnoses: list[str], procedures: list[str], sex: str, discharge: dt.date) -> dict:
    engine = _engine(version_for(discharge))
    dx = [normalise(c) for c in diagnoses]
    pr = [normalise(c) for c in procedures]
    if not dx:
        return {"drg": None, "description": "No principal diagnosis", "drivers": [], "version": engine.version}
    drg = engine.get_drg(dx, pr, "M" if sex == "M" else "F")
    info = engine.drgmap.get(drg, {})
    drivers = []
    principal = dx[0]
    for code in dx[1:]:
        cc = engine.ccmap.get(code)
        if cc and cc.get("level") in ("CC", "MCC") and principal not in engine.exmap.get(cc.get("pdx"), set()):
            drivers.append({"code": code, "level": cc["level"]})
    return {"drg": drg, "description": info.get("desc", "Ungroupable" if drg == "000" else ""),
            "drivers": drivers, "version": engine.version}


def group_both(variant: dict, key_answer: dict, answer: dict) -> dict:
    discharge = dt.date.fromisoformat(key_answer["date_of_service"])
    sex = variant["patient"]["sex"]
    return {"key": group(key_answer["diagnoses"], key_answer["pcs_procedures"], sex, discharge),
            "answer": group(answer.get("diagnoses", []), answer.get("pcs_procedures", []), sex, discharge)}
