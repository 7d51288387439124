"""Tables the validation engine reads besides NCCI PTP and MUE: add-on code edits (NCCI AOC),
Medicare Code Editor lists, and physician fee schedule indicators (PC/TC, global days, bilateral).

Each is read from the official CSV shape (see ``../shared/data``), checked in full, and loaded in
one transaction; the starters in ``starter/`` are rows copied from those files.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from trainer.codes.tables import AddOnEdit, FeeScheduleIndicator, MceFlag

from .base import (STARTER_DIR, ImportFormatError, Progress, file_checksum, no_progress, record_release,
                   release_loaded)
from .common import LineReader, iter_csv, norm_header, other_release_loaded, release_name, transaction

MCE_FLAGS = {"newborn", "pediatric", "maternity", "adult", "manifestation", "unacceptable", "ecodepdx",
             "unspecified", "qadm", "diabtypei", "delout", "ncov6", "wrngproc", "reqsdx", "ncov_z302", "clintrial",
             "male", "female"}


def _records(path: Path, required: tuple[str, ...]) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    reader = LineReader(path, fallback_encoding="cp1252")
    records = list(iter_csv(reader))
    if not records:
        raise ImportFormatError("the file is empty", None, path)
    header_line, header = records[0]
    columns = {norm_header(name): i for i, name in enumerate(header)}
    missing = [c for c in required if norm_header(c) not in columns]
    if missing:
        raise ImportFormatError(f"missing column(s) {', '.join(missing)} in the header", header_line, path)
    return columns, records[1:]


def _field(fields: list[str], columns: dict[str, int], name: str) -> str:
    index = columns[norm_header(name)]
    return fields[index].strip() if index < len(fields) else ""


def parse_aoc(path: Path, release: str) -> list[dict]:
    columns, records = _records(path, ("primary_code", "add_on_code", "aoc_edit_type"))
    rows = []
    for line, fields in records:
        primary, add_on, kind = (_field(fields, columns, c) for c in ("primary_code", "add_on_code", "aoc_edit_type"))
        if len(primary) != 5 or len(add_on) != 5:
            raise ImportFormatError(f"codes must be 5 characters (got {primary!r}, {add_on!r})", line, path)
        if kind not in ("1", "2", "3"):
            raise ImportFormatError(f"AOC edit type must be 1, 2 or 3 (got {kind!r})", line, path)
        rows.append({"primary_code": primary.upper(), "add_on_code": add_on.upper(), "edit_type": kind,
                     "release": release})
    return rows


def parse_mce(path: Path, release: str) -> list[dict]:
    columns, records = _records(path, ("edit_flag", "icd10cm_code"))
    rows = []
    for line, fields in records:
        flag, code = _field(fields, columns, "edit_flag").lower(), _field(fields, columns, "icd10cm_code").upper()
        if flag not in MCE_FLAGS:
            raise ImportFormatError(f"unknown MCE edit flag {flag!r}", line, path)
        if not code.isalnum() or not 3 <= len(code) <= 7:
            raise ImportFormatError(f"{code!r} is not an ICD-10-CM code", line, path)
        rows.append({"code": code.replace(".", ""), "flag": flag, "release": release})
    return rows


# PPRRVU column -> table column; all but work_rvu are optional (older starter files carried indicators only)
RVU_COLUMNS = {"work_rvu": "work_rvu", "non_fac_pe_rvu": "non_facility_pe_rvu", "facility_pe_rvu": "facility_pe_rvu",
               "mp_rvu": "mp_rvu", "conv_factor": "conversion_factor"}


def parse_mpfs(path: Path, release: str) -> list[dict]:
    need = ("hcpcs", "mod", "status_code", "pctc_ind", "glob_days", "mult_proc", "bilat_surg", "work_rvu")
    columns, records = _records(path, need)
    rows = []
    for line, fields in records:
        code = _field(fields, columns, "hcpcs").upper()
        if len(code) != 5:
            raise ImportFormatError(f"{code!r} is not a 5-character HCPCS/CPT code", line, path)
        values = {}
        for column, name in RVU_COLUMNS.items():
            if column != "work_rvu" and norm_header(column) not in columns:
                values[name] = 0.0  # an indicators-only file: no pricing
                continue
            try:
                values[name] = float(_field(fields, columns, column) or 0)
            except ValueError as err:
                raise ImportFormatError(f"{column} is not a number", line, path) from err
        rows.append({"code": code, "modifier": _field(fields, columns, "mod").upper(),
                     "status": _field(fields, columns, "status_code")[:1],
                     "pctc": _field(fields, columns, "pctc_ind")[:1],
                     "global_days": _field(fields, columns, "glob_days")[:3],
                     "multiple_procedure": _field(fields, columns, "mult_proc")[:1],
                     "bilateral": _field(fields, columns, "bilat_surg")[:1], **values, "release": release})
    return rows


TABLES: dict[str, tuple[type, Callable[[Path, str], list[dict]], str]] = {
    "aoc": (AddOnEdit, parse_aoc, "NCCI add-on code edits"),
    "mce": (MceFlag, parse_mce, "Medicare Code Editor lists"),
    "mpfs": (FeeScheduleIndicator, parse_mpfs, "Physician fee schedule indicators"),
}
STARTER_FILES = {"aoc": "ncci_aoc.csv", "mce": "mce_icd10cm_edit_lists.csv", "mpfs": "mpfs_indicators.csv"}


def _load(session: Session, kind: str, path: Path, release: str, checksum: str, progress: Progress) -> int:
    model, parse, label = TABLES[kind]
    rows = parse(path, release)  # the whole file is checked before anything is written
    with transaction(session):
        session.execute(delete(model))  # one release of each table is in force at a time
        for start in range(0, len(rows), 20000):
            session.execute(insert(model.__table__), rows[start:start + 20000])
            progress(label, min(start + 20000, len(rows)), len(rows))
        record_release(session, release, kind, str(path), len(rows), checksum)
    return len(rows)


def load_table_file(kind: str) -> Callable:
    def load(session: Session, path: str | Path, progress: Progress = no_progress) -> int:
        path = Path(path)
        return _load(session, kind, path, release_name(TABLES[kind][2], path), file_checksum(path), progress)

    load.__name__ = f"load_{kind}_file"
    return load


def load_table_starter(kind: str) -> Callable:
    def load(session: Session, progress: Progress = no_progress) -> int:
        path = STARTER_DIR / STARTER_FILES[kind]
        checksum = file_checksum(path)
        name = f"starter-{kind}"
        if release_loaded(session, name, checksum) or other_release_loaded(session, kind, name):
            return 0
        return _load(session, kind, path, name, checksum, progress)

    load.__name__ = f"load_{kind}_starter"
    return load
