"""Place of service codes (CMS POS code set) as CSV: ``pos_code,pos_type,pos_name,pos_description``.

``pos_type`` is ``Facility`` or ``Non-Facility`` (the MPFS rate that applies) and is
kept as ``details["facility"]``. Rows named "Unassigned" (codes CMS has not
assigned) are skipped. CMS text is a US Government work, so the names and
descriptions are stored as published.
"""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.orm import Session

from trainer.codes.tables import CodeSystem

from .base import STARTER_DIR, ImportFormatError, Progress, no_progress
from .common import STARTER_RELEASE, LineReader, code_row, iter_csv, load_starter, release_name, replace_release

KIND = "pos"
STARTER_FILE = STARTER_DIR / "pos.csv"
STARTER_NAME = "starter-pos"
COLUMNS = ("pos_code", "pos_type", "pos_name", "pos_description")
FACILITY = {"facility": True, "nonfacility": False}


def parse_pos_file(path: str | Path, release: str) -> list[dict]:
    path = Path(path)
    records = iter_csv(LineReader(path, fallback_encoding="cp1252"))
    for line, header in records:
        names = [h.strip().lower().replace(" ", "_") for h in header]
        missing = [c for c in COLUMNS if c not in names]
        if missing:
            raise ImportFormatError("not a place-of-service CSV: the header lacks " + ", ".join(missing), line, path)
        index = {c: names.index(c) for c in COLUMNS}
        break
    else:
        raise ImportFormatError("the file is empty", None, path)
    rows: list[dict] = []
    seen: dict[str, int] = {}
    for line, fields in records:
        if len(fields) != len(names):
            raise ImportFormatError(f"expected {len(names)} columns, found {len(fields)}", line, path)
        value = {c: fields[i].strip() for c, i in index.items()}
        if value["pos_name"].lower() == "unassigned":
            continue
        code = value["pos_code"]
        if not re.fullmatch(r"\d{1,2}", code) or code in ("0", "00"):
            raise ImportFormatError(f"bad place-of-service code {code!r}: two digits 01-99 expected", line, path)
        code = code.zfill(2)  # a spreadsheet may have dropped the leading zero
        kind = re.sub(r"[^a-z]", "", value["pos_type"].lower())
        if kind not in FACILITY:
            raise ImportFormatError(
                f"pos_type of {code} must be Facility or Non-Facility, not {value['pos_type']!r}", line, path)
        if not value["pos_name"]:
            raise ImportFormatError(f"{code} has no name", line, path)
        if len(value["pos_name"]) > 200:
            raise ImportFormatError(f"name of {code} is longer than 200 characters", line, path)
        if code in seen:
            raise ImportFormatError(f"{code} is listed twice (lines {seen[code]} and {line})", line, path)
        seen[code] = line
        rows.append(code_row(system=CodeSystem.POS, code=code,
                             description=value["pos_description"] or value["pos_name"],
                             short_description=value["pos_name"], release=release,
                             details={"facility": FACILITY[kind]}))
    if not rows:
        raise ImportFormatError("no place-of-service codes found", None, path)
    return rows


def load_pos_file(session: Session, path: str | Path, progress: Progress = no_progress) -> int:
    """Load a POS CSV; replaces its earlier load and the starter POS rows. Returns rows written."""
    path = Path(path)
    release = release_name("POS", path)
    return replace_release(
        session, release=release, kind=KIND, path=path, systems=(CodeSystem.POS,), starter_name=STARTER_NAME,
        parse=lambda: parse_pos_file(path, release), label="Place of service", progress=progress)


def load_pos_starter(session: Session, progress: Progress = no_progress) -> int:
    """Load ``starter/pos.csv`` (the 52 assigned CMS codes) unless it, or another POS file, is loaded."""
    return load_starter(
        session, starter_name=STARTER_NAME, kind=KIND, starter_file=STARTER_FILE, systems=(CodeSystem.POS,),
        parse=lambda: parse_pos_file(STARTER_FILE, STARTER_RELEASE), label="Place of service starter",
        progress=progress)
