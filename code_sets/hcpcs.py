"""HCPCS Level II: the CMS alpha-numeric file (xlsx) and the starter set.

The CMS file (``HCPCyyyy_MON_ANWEB.xlsx``) has one sheet with 48 columns. Its
record identification code (RECID) says what a row is:

* ``3`` - a procedure / supply / drug code (``A0021`` ... ``V5364``)
* ``7`` - a Level II modifier (``AA``, ``LT``, ``XS`` ...)
* ``4`` / ``8`` - a continuation of the long description of the code / modifier
  above it (used by the fixed-width layout; the xlsx since 2020 carries complete
  descriptions, but a continuation row is still understood and joined in SEQNUM order)

The starter file ``starter/hcpcs.tsv`` holds rows copied from the CMS file with
the same column names, so both go through :func:`build_rows`.
"""
from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer.codes.tables import Code, CodeSystem

from .base import STARTER_DIR, ImportFormatError, Progress, no_progress, parse_date
from .common import (NO_DATE, STARTER_RELEASE, ZIP_MAGIC, LineReader, code_row, delete_ids, iter_csv, load_starter,
                     norm_header, replace_release, sniff)

KIND = "hcpcs"
STARTER_FILE = STARTER_DIR / "hcpcs.tsv"
STARTER_NAME = "starter-hcpcs"

REQUIRED_COLUMNS = ("HCPC", "SEQNUM", "RECID", "LONG DESCRIPTION", "SHORT DESCRIPTION",
                    "ADD DT", "ACT EFF DT", "TERM DT", "ACTION CD")
OPTIONAL_COLUMNS = ("COV", "BETOS")
#: the columns the starter file keeps (what the loader reads)
STARTER_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

CODE_RE = re.compile(r"^[A-V][0-9]{4}$")
MODIFIER_RE = re.compile(r"^[A-Z0-9]{2}$")
MONTHS = {"JAN": "01", "APR": "04", "JUL": "07", "OCT": "10"}
HEADER_SEARCH_ROWS = 10


def release_for(path: str | Path) -> str:
    """``HCPC2025_OCT_ANWEB.xlsx`` -> ``"HCPCS 2025-10 (HCPC2025_OCT_ANWEB.xlsx)"``."""
    name = Path(path).name
    match = re.search(r"HCPC(\d{4})[_ -]?(JAN|APR|JUL|OCT)", name, re.IGNORECASE)
    label = f"HCPCS {match.group(1)}-{MONTHS[match.group(2).upper()]}" if match else "HCPCS"
    text = f"{label} ({name})"
    return text if len(text) <= 80 else text[:79] + "…"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date_value(value):
    """Cells may hold '20250930', 20250930, 20250930.0 or a real date."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return value


def _header_map(header: Iterable, line: int, path) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        key = norm_header(name)
        if key and key not in positions:
            positions[key] = index
    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        raise ImportFormatError(
            "not a CMS HCPCS alpha-numeric file: the header row lacks the column(s) " + ", ".join(missing),
            line, path)
    return positions


def _records(rows: Iterator[tuple[int, list]], path) -> Iterator[tuple[int, dict]]:
    """Find the header among the first rows, then yield ``(row number, {column: value})``."""
    first_line = None
    for line, values in rows:
        if first_line is None:
            first_line = line
        keys = {norm_header(v) for v in values}
        if len(keys & set(REQUIRED_COLUMNS)) >= 3:  # the header row, complete or not
            positions = _header_map(values, line, path)
            break
        if line - first_line >= HEADER_SEARCH_ROWS:
            _header_map([], first_line, path)  # raises, listing every expected column
    else:
        if first_line is None:
            raise ImportFormatError("the file has no rows", None, path)
        _header_map([], first_line, path)
    wanted = {name: positions[name] for name in STARTER_COLUMNS if name in positions}
    for line, values in rows:
        if all(_text(v) == "" for v in values):
            continue
        yield line, {name: (values[i] if i < len(values) else None) for name, i in wanted.items()}


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list]]:
    """Every row of the first sheet, read at once (the CMS file has under 10,000 rows).

    Read eagerly so that the warnings filter below is only in force while openpyxl runs.
    """
    import openpyxl  # only needed for the xlsx format

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles/extensions it ignores
            with open(path, "rb") as fh:
                workbook = openpyxl.load_workbook(fh, read_only=True, data_only=True)
                try:
                    sheet = workbook.worksheets[0]
                    sheet.reset_dimensions()  # do not trust the stored dimensions: read every row
                    rows = [list(values) for values in sheet.iter_rows(values_only=True)]
                finally:
                    workbook.close()
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors...
        raise ImportFormatError(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})", None, path) from exc
    return iter(enumerate(rows, start=1))


def _text_rows(path: Path) -> Iterator[tuple[int, list]]:
    """The tab-separated form (the starter file, or the xlsx saved as text with the same header)."""
    yield from iter_csv(LineReader(path), delimiter="\t")


def read_records(path: str | Path) -> Iterator[tuple[int, dict]]:
    """Records from the xlsx (detected by its zip signature) or the tab-separated text form."""
    path = Path(path)
    rows = _xlsx_rows(path) if sniff(path)[:4] == ZIP_MAGIC else _text_rows(path)
    return _records(rows, path)


def build_rows(records: Iterable[tuple[int, dict]], release: str, path) -> list[dict]:
    """Validate every record and turn it into ``code`` rows (HCPCS codes and Level II modifiers)."""
    built: dict[tuple[str, str], dict] = {}
    first_row: dict[tuple[str, str], int] = {}
    continuations: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for line, rec in records:
        recid = _text(rec.get("RECID"))
        code = _text(rec.get("HCPC")).upper()
        if recid in ("3", "4"):
            system = CodeSystem.HCPCS
            if not CODE_RE.match(code):
                raise ImportFormatError(
                    f"bad HCPCS code {code!r}: a RECID {recid} row needs a letter A-V and four digits", line, path)
        elif recid in ("7", "8"):
            system = CodeSystem.MODIFIER
            if not MODIFIER_RE.match(code):
                raise ImportFormatError(
                    f"bad modifier {code!r}: a RECID {recid} row needs two letters or digits", line, path)
        else:
            raise ImportFormatError(f"unknown RECID {recid!r} for {code!r} (expected 3, 4, 7 or 8)", line, path)
        key = (system, code)
        long_text = _text(rec.get("LONG DESCRIPTION"))
        if recid in ("4", "8"):
            if not long_text:
                raise ImportFormatError(f"continuation row for {code} has no text", line, path)
            continuations.setdefault(key, []).append((_text(rec.get("SEQNUM")), long_text))
            continue
        if key in built:
            raise ImportFormatError(
                f"{code} appears twice as RECID {recid} (rows {first_row[key]} and {line}); "
                "the file should have one row per code", line, path)
        short_text = _text(rec.get("SHORT DESCRIPTION"))
        if not long_text and not short_text:
            raise ImportFormatError(f"{code} has no description", line, path)
        if len(short_text) > 200:
            raise ImportFormatError(f"short description of {code} is longer than 200 characters", line, path)
        added = parse_date(_date_value(rec.get("ADD DT")), line=line, path=path, field="ADD DT")
        action_date = parse_date(_date_value(rec.get("ACT EFF DT")), line=line, path=path, field="ACT EFF DT")
        ended = parse_date(_date_value(rec.get("TERM DT")), line=line, path=path, field="TERM DT")
        effective_from = added or action_date or NO_DATE
        if ended is not None and ended < effective_from:
            raise ImportFormatError(
                f"{code}: TERM DT {ended.isoformat()} is before its start {effective_from.isoformat()}", line, path)
        details = {"action": _text(rec.get("ACTION CD")), "action_date": action_date.isoformat() if action_date else "",
                   "betos": _text(rec.get("BETOS")), "cov": _text(rec.get("COV"))}
        details = {k: v for k, v in details.items() if v}
        if system == CodeSystem.MODIFIER:
            details["type"] = "HCPCS"
        first_row[key] = line
        built[key] = code_row(system=system, code=code, description=long_text or short_text,
                              short_description=short_text or None, release=release,
                              effective_from=effective_from, effective_to=ended, details=details)
    for key, parts in continuations.items():
        if key not in built:
            raise ImportFormatError(f"continuation rows for {key[1]} but no first row (RECID 3 or 7)", None, path)
        built[key]["description"] = " ".join([built[key]["description"]] + [text for _, text in sorted(parts)])
    return list(built.values())


def _delete_starter_modifiers(session: Session, rows: list[dict]) -> None:
    """Delete the starter modifier rows an official file replaces: Level II ones, and any code the file lists."""
    official_modifiers = {r["code"] for r in rows if r["system"] == CodeSystem.MODIFIER}
    starter = session.execute(select(Code.id, Code.code, Code.details).where(
        Code.system == CodeSystem.MODIFIER, Code.release == STARTER_RELEASE)).all()
    delete_ids(session, Code, [row.id for row in starter
                               if (row.details or {}).get("type") == "HCPCS" or row.code in official_modifiers])


def load_hcpcs_file(session: Session, path: str | Path, progress: Progress = no_progress) -> int:
    """Load a CMS HCPCS alpha-numeric file (xlsx, or its tab-separated text form); returns rows written.

    Checks every row first; then, in one transaction, replaces the earlier load of
    the same release, the HCPCS starter rows (and the starter's Level II modifiers)
    and any row of another release with the same (system, code, effective_from).
    """
    path = Path(path)
    release = release_for(path)

    def parse() -> list[dict]:
        rows = build_rows(read_records(path), release, path)
        if not rows:
            raise ImportFormatError("no HCPCS codes or modifiers found", None, path)
        return rows

    return replace_release(
        session, release=release, kind=KIND, path=path, parse=parse,
        systems=(CodeSystem.HCPCS, CodeSystem.MODIFIER), starter_systems=(CodeSystem.HCPCS,),
        also_delete=_delete_starter_modifiers, starter_name=STARTER_NAME, label="HCPCS codes", progress=progress)


def load_hcpcs_starter(session: Session, progress: Progress = no_progress) -> int:
    """Load ``starter/hcpcs.tsv`` (rows copied from the CMS file) unless it, or an official file, is loaded."""
    return load_starter(
        session, starter_name=STARTER_NAME, kind=KIND, starter_file=STARTER_FILE, systems=(CodeSystem.HCPCS,),
        parse=lambda: build_rows(read_records(STARTER_FILE), STARTER_RELEASE, STARTER_FILE),
        label="HCPCS starter", progress=progress)
