"""Modifiers: the starter list (CPT Level I and HCPCS Level II) with project-written descriptions.

The official Level II modifiers also come in with the CMS HCPCS file (RECID 7,
see :mod:`code_sets.hcpcs`); when that file is loaded it replaces the starter's
Level II rows and the starter keeps only the codes the file does not list.
"""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer.codes.tables import Code, CodeSystem

from .base import STARTER_DIR, ImportFormatError, Progress, no_progress
from .common import STARTER_RELEASE, LineReader, code_row, iter_csv, load_starter, other_release_loaded
from .hcpcs import KIND as HCPCS_KIND
from .hcpcs import STARTER_NAME as HCPCS_STARTER_NAME

KIND = "modifiers"
STARTER_FILE = STARTER_DIR / "modifiers.tsv"
STARTER_NAME = "starter-modifiers"
MODIFIER_RE = re.compile(r"^[A-Z0-9]{2}$")
TYPES = ("CPT", "HCPCS")


def parse_modifier_file(path=STARTER_FILE, release: str = STARTER_RELEASE) -> list[dict]:
    """``code<TAB>type<TAB>description`` with a header line; ``#`` lines at the top are comments."""
    rows: list[dict] = []
    seen: dict[str, int] = {}
    records = iter_csv(LineReader(path), delimiter="\t")
    for line, fields in records:
        if [f.strip().lower() for f in fields[:3]] != ["code", "type", "description"]:
            raise ImportFormatError("expected the header: code<TAB>type<TAB>description", line, path)
        break
    else:
        raise ImportFormatError("no header line", None, path)
    for line, fields in records:
        if len(fields) != 3:
            raise ImportFormatError(f"expected 3 tab-separated columns, found {len(fields)}", line, path)
        code, kind, description = (f.strip() for f in fields)
        code = code.upper()
        if not MODIFIER_RE.match(code):
            raise ImportFormatError(f"bad modifier {code!r}: two letters or digits expected", line, path)
        if kind not in TYPES:
            raise ImportFormatError(f"type of {code} must be CPT or HCPCS, not {kind!r}", line, path)
        if not description:
            raise ImportFormatError(f"{code} has no description", line, path)
        if code in seen:
            raise ImportFormatError(f"{code} is listed twice (lines {seen[code]} and {line})", line, path)
        seen[code] = line
        rows.append(code_row(system=CodeSystem.MODIFIER, code=code, description=description, release=release,
                             details={"type": kind}))
    return rows


def _without_official(session: Session, rows: list[dict]) -> list[dict]:
    """The starter rows no official file supplies (any code it lists; every Level II one once HCPCS is loaded)."""
    official = set(session.execute(select(Code.code).where(
        Code.system == CodeSystem.MODIFIER, Code.release != STARTER_RELEASE)).scalars())
    official_hcpcs = other_release_loaded(session, HCPCS_KIND, HCPCS_STARTER_NAME)
    return [r for r in rows
            if r["code"] not in official and not (official_hcpcs and r["details"]["type"] == "HCPCS")]


def load_modifier_starter(session: Session, progress: Progress = no_progress) -> int:
    """Load ``starter/modifiers.tsv`` unless loaded; skip codes an official HCPCS file already supplied."""
    return load_starter(
        session, starter_name=STARTER_NAME, kind=KIND, starter_file=STARTER_FILE, systems=(CodeSystem.MODIFIER,),
        parse=lambda: _without_official(session, parse_modifier_file()), yield_to_official=False,
        label="Modifiers", progress=progress)
