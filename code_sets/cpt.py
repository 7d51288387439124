"""CPT: a licensed CPT data file, and the project's own starter set.

CPT descriptors belong to the AMA. The product ships only the code numbers with
short plain-language summaries written for this project (``starter/cpt.tsv``);
a school with a CPT licence loads the real descriptors with :func:`load_cpt_file`
from a tab-separated ``code<TAB>descriptor`` file (an optional header line;
columns after the second are ignored).
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from sqlalchemy.orm import Session

from trainer.codes.tables import CodeSystem

from .base import STARTER_DIR, ImportFormatError, Progress, no_progress
from .common import (NO_DATE, STARTER_RELEASE, LineReader, code_row, is_comment, load_starter, release_name,
                     replace_release)

KIND = "cpt"
STARTER_FILE = STARTER_DIR / "cpt.tsv"
STARTER_NAME = "starter-cpt"

#: Category I (five digits), Category II (four digits + F), Category III (+ T), PLA (+ U)
CODE_RE = re.compile(r"^(\d{5}|\d{4}[FTU])$")
#: a first line like "Code", "CPT Code", "HCPCS" is a header
HEADER_RE = re.compile(r"^[A-Z /_()-]*(CODE|CPT|HCPCS)[A-Z /_()-]*$")


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1].replace('""', '"')
    return " ".join(text.split())


def parse_cpt_lines(path: str | Path, *, release: str, effective_from: dt.date,
                    extra_column: str | None = None) -> list[dict]:
    """Validate a ``code<TAB>descriptor[<TAB>...]`` file and return ``code`` rows.

    Leading ``#`` lines are comments. The first remaining line is a header when its
    first field is a column name (``Code``, ``CPT Code``, ``HCPCS``...). ``extra_column`` names the
    detail stored from the third column (the starter keeps its section there).
    """
    path = Path(path)
    reader = LineReader(path)
    rows: list[dict] = []
    seen: dict[str, int] = {}
    header_allowed = True
    for text in reader:
        line = reader.line_no
        body = text.rstrip("\r\n")
        if not body.strip() or (header_allowed and is_comment(body)):
            continue
        fields = body.split("\t")
        first = _unquote(fields[0]).upper()
        if header_allowed:
            header_allowed = False
            if HEADER_RE.match(first):
                if len(fields) < 2:
                    raise ImportFormatError(
                        "the header must have two tab-separated columns: code and descriptor", line, path)
                continue
        if len(fields) < 2:
            raise ImportFormatError(
                f"expected 2 tab-separated columns (code, descriptor), found {len(fields)}", line, path)
        if not CODE_RE.match(first):
            raise ImportFormatError(
                f"bad CPT code {first!r}: expected 5 digits, or 4 digits and F, T or U", line, path)
        description = _unquote(fields[1])
        if not description:
            raise ImportFormatError(f"{first} has an empty descriptor", line, path)
        if first in seen:
            raise ImportFormatError(f"{first} is listed twice (lines {seen[first]} and {line})", line, path)
        seen[first] = line
        details = None
        if extra_column:
            extra = _unquote(fields[2]) if len(fields) > 2 else ""
            if not extra:
                raise ImportFormatError(f"{first} has no {extra_column}", line, path)
            details = {extra_column: extra}
        rows.append(code_row(system=CodeSystem.CPT, code=first, description=description, release=release,
                             effective_from=effective_from, details=details))
    if not rows:
        raise ImportFormatError("no CPT codes found", None, path)
    return rows


def load_cpt_file(session: Session, path: str | Path, effective_from: dt.date | None = None,
                  progress: Progress = no_progress) -> int:
    """Load a licensed CPT file; replaces its earlier load and the CPT starter rows. Returns rows written."""
    path = Path(path)
    release = release_name("CPT", path)
    return replace_release(
        session, release=release, kind=KIND, path=path, systems=(CodeSystem.CPT,), starter_name=STARTER_NAME,
        parse=lambda: parse_cpt_lines(path, release=release, effective_from=effective_from or NO_DATE),
        label="CPT codes", progress=progress)


def load_cpt_starter(session: Session, progress: Progress = no_progress) -> int:
    """Load ``starter/cpt.tsv`` (project-written summaries) unless it, or a licensed file, is loaded."""
    return load_starter(
        session, starter_name=STARTER_NAME, kind=KIND, starter_file=STARTER_FILE, systems=(CodeSystem.CPT,),
        parse=lambda: parse_cpt_lines(STARTER_FILE, release=STARTER_RELEASE, effective_from=NO_DATE,
                                      extra_column="section"),
        label="CPT starter", progress=progress)
