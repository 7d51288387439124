"""NCCI edits: procedure-to-procedure (PTP) pairs and medically unlikely edits (MUE).

PTP files come in two shapes, plain or gzip-compressed (or in a zip holding one file):

* CSV with a header naming ``column1,column2,modifier_indicator,ptp_edit_rationale``
  and optionally ``deletion_date`` / ``effective_date`` (the packaged 2024 Q3 files);
* the CMS tab-delimited text (``ccipra-v*-f*.txt``): a copyright line, a title,
  a header that starts ``Column 1<TAB>Column 2`` and wraps over a few lines, then
  ``col1, col2, *=in existence prior to 1996, effective YYYYMMDD,
  deletion YYYYMMDD or *, modifier 0/1/9, rationale``.

MUE files are CSV, either the packaged ``hcpcs_code,mue_units,mue_mai,mue_rationale,mue_service``
or the CMS table (a copyright cell, then ``HCPCS/CPT Code``, ``<Setting> Services MUE Values``,
``MUE Adjudication Indicator`` such as ``2 Date of Service Edit: Policy``, ``MUE Rationale``).

Loading is one transaction: the earlier rows of the release (and the starter's) are
deleted, the file is streamed into the table in batches, and a bad row anywhere
rolls everything back, so the table is never half loaded.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from trainer.codes.tables import MueEdit, NcciPtpEdit

from .base import (STARTER_DIR, ImportFormatError, Progress, file_checksum, no_progress, parse_date, record_release,
                   release_loaded)
from .common import LineReader, forget_release, iter_csv, other_release_loaded, release_name

PTP_KIND = "ncci-ptp"
MUE_KIND = "mue"
PTP_STARTER_FILE = STARTER_DIR / "ncci_ptp.csv"
MUE_STARTER_FILE = STARTER_DIR / "mue.csv"
PTP_STARTER_NAME = "starter-ncci"
MUE_STARTER_NAME = "starter-mue"

BATCH = 20_000
CODE_RE = re.compile(r"^[0-9A-Z]{5}$")
YMD_RE = re.compile(r"^\d{8}$")
MODIFIER_INDICATORS = ("0", "1", "9")
RATIONALE_MAX = 200
HEADER_SEARCH_LINES = 30
#: Core insert on the table: same executemany as ``insert(NcciPtpEdit)`` without the ORM's
#: per-row bookkeeping (about 40% faster on 1.67 million rows)
PTP_INSERT = insert(NcciPtpEdit.__table__)


# --------------------------------------------------------------------------- PTP


def _ptp_code(value: str, line: int, path, column: str) -> str:
    code = value.strip().upper()
    if not CODE_RE.match(code):
        raise ImportFormatError(f"{column} {value.strip()!r} is not a 5-character HCPCS/CPT code", line, path)
    return code


def _ptp_row(line: int, path, release: str, col1: str, col2: str, indicator: str, rationale: str,
             effective, deletion) -> dict:
    indicator = indicator.strip()
    if indicator not in MODIFIER_INDICATORS:
        raise ImportFormatError(f"modifier indicator {indicator!r} must be 0, 1 or 9", line, path)
    rationale = rationale.strip()
    if len(rationale) > RATIONALE_MAX:
        raise ImportFormatError(f"rationale longer than {RATIONALE_MAX} characters", line, path)
    return {
        "column1": _ptp_code(col1, line, path, "column 1"),
        "column2": _ptp_code(col2, line, path, "column 2"),
        "effective_from": _date(effective, line, path, "effective date"),
        "deleted_on": _date(deletion, line, path, "deletion date"),
        "modifier_indicator": indicator,
        "rationale": rationale,
        "release": release,
    }


_date_cache: dict[str, dt.date | None] = {}


def _date(value: str, line: int, path, field: str) -> dt.date | None:
    """parse_date with a cache: a PTP file repeats a few thousand dates over millions of rows."""
    text = value.strip()
    try:
        return _date_cache[text]
    except KeyError:
        pass
    parsed = parse_date(text, line=line, path=path, field=field)
    if len(_date_cache) < 100_000:
        _date_cache[text] = parsed
    return parsed


def _ptp_csv_rows(reader: LineReader, path, release: str) -> Iterator[dict]:
    records = iter_csv(reader)
    for line, header in records:
        names = [h.strip().lower().replace(" ", "_") for h in header]
        break
    else:
        raise ImportFormatError("the file is empty", None, path)
    missing = [c for c in ("column1", "column2", "modifier_indicator") if c not in names]
    if missing:
        raise ImportFormatError("the CSV header lacks " + ", ".join(missing), line, path)
    width = len(names)
    i1, i2, im = names.index("column1"), names.index("column2"), names.index("modifier_indicator")
    ir = names.index("ptp_edit_rationale") if "ptp_edit_rationale" in names else None
    ie = names.index("effective_date") if "effective_date" in names else None
    idel = names.index("deletion_date") if "deletion_date" in names else None
    for line, f in records:
        if len(f) != width:
            raise ImportFormatError(f"expected {width} columns, found {len(f)}", line, path)
        yield _ptp_row(line, path, release, f[i1], f[i2], f[im], f[ir] if ir is not None else "",
                       f[ie] if ie is not None else "", f[idel] if idel is not None else "")


def _ptp_cms_rows(lines: Iterator[str], reader: LineReader, path, release: str) -> Iterator[dict]:
    """The CMS text layout; ``lines`` continues after the ``Column 1`` header line."""
    in_header = True
    for text in lines:
        line = reader.line_no
        body = text.rstrip("\r\n")
        if not body.strip():
            continue
        fields = body.split("\t")
        if in_header:
            if not CODE_RE.match(fields[0].strip().upper()):
                if line > HEADER_SEARCH_LINES:
                    raise ImportFormatError("no edit rows after the header", line, path)
                continue  # the header wraps over several lines ("prior to 1996", "0=not allowed"...)
            in_header = False
        if len(fields) < 6:
            raise ImportFormatError(f"expected 7 tab-separated columns, found {len(fields)}", line, path)
        fields += [""] * (7 - len(fields))
        existence, effective, deletion = fields[2].strip(), fields[3].strip(), fields[4].strip()
        if existence not in ("", "*"):
            raise ImportFormatError(f"'in existence prior to 1996' column holds {existence!r} (expected * or blank)",
                                    line, path)
        for value, field in ((effective, "effective date"), (deletion, "deletion date")):
            if value not in ("", "*") and not YMD_RE.match(value):
                raise ImportFormatError(f"{field} {value!r} is not YYYYMMDD", line, path)
        yield _ptp_row(line, path, release, fields[0], fields[1], fields[5], fields[6], effective, deletion)


def iter_ptp_rows(path: str | Path, release: str, reader: LineReader | None = None) -> Iterator[dict]:
    """Validated ``ncci_ptp_edit`` rows from either PTP shape (raises ImportFormatError with the line)."""
    path = Path(path)
    reader = reader or LineReader(path, fallback_encoding="cp1252")
    lines = iter(reader)
    preamble: list[str] = []
    for text in lines:
        body = text.strip()
        if not body or body.startswith("#"):
            preamble.append(text)
            continue
        first = body.split("\t")[0].split(",")[0].strip().strip('"').lower()
        if first == "column1":
            # title lines above the header become blank lines: csv skips them, line numbers stay right
            yield from _ptp_csv_rows(_Replay(reader, ["\n"] * len(preamble) + [text], lines), path, release)
            return
        if first == "column 1" and "\t" in text:
            yield from _ptp_cms_rows(lines, reader, path, release)
            return
        preamble.append(text)
        if reader.line_no >= HEADER_SEARCH_LINES:
            break
    raise ImportFormatError(
        "not an NCCI PTP file: expected a CSV header 'column1,column2,modifier_indicator,...' or the CMS "
        "tab-delimited layout with a 'Column 1<TAB>Column 2...' header", 1, path)


class _Replay:
    """A LineReader look-alike that first replays lines already read (so csv sees the header)."""

    def __init__(self, reader: LineReader, done: list[str], rest: Iterator[str]):
        self.path = reader.path
        self._reader = reader
        self._done = done
        self._rest = rest
        self.line_no = 0

    def __iter__(self) -> Iterator[str]:
        for text in self._done:
            self.line_no += 1
            yield text
        for text in self._rest:
            self.line_no = self._reader.line_no
            yield text


def _load_ptp(session: Session, path: Path, release: str, progress: Progress, replace: tuple[str, ...]) -> int:
    reader = LineReader(path, fallback_encoding="cp1252")
    total = reader.count_lines()
    label = "NCCI PTP edits"
    written = 0
    try:
        session.execute(delete(NcciPtpEdit).where(NcciPtpEdit.release.in_(replace)),
                        execution_options={"synchronize_session": False})
        batch: list[dict] = []
        for row in iter_ptp_rows(path, release, reader):
            batch.append(row)
            if len(batch) >= BATCH:
                session.execute(PTP_INSERT, batch)
                written += len(batch)
                batch = []
                progress(label, written, max(total, written))
        if batch:
            session.execute(PTP_INSERT, batch)
            written += len(batch)
        if not written:
            raise ImportFormatError("no edit rows found", None, path)
        progress(label, written, written)
        if release != PTP_STARTER_NAME:
            forget_release(session, PTP_STARTER_NAME)
        record_release(session, release, PTP_KIND, str(path), written, file_checksum(path))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return written


def load_ptp_file(session: Session, path: str | Path, release: str | None = None,
                  progress: Progress = no_progress) -> int:
    """Load an NCCI PTP file (CSV or CMS text, optionally gzip); returns rows written.

    Replaces the earlier rows of the same release and the PTP starter rows.
    """
    path = Path(path)
    release = release or release_name("NCCI PTP", path)
    if len(release) > 80:
        raise ImportFormatError("release name longer than 80 characters", None, path)
    return _load_ptp(session, path, release, progress, replace=(release, PTP_STARTER_NAME))


def load_ptp_starter(session: Session, progress: Progress = no_progress) -> int:
    """Load ``starter/ncci_ptp.csv`` (rows copied from the CMS file) unless it or an official file is loaded."""
    checksum = file_checksum(PTP_STARTER_FILE)
    if release_loaded(session, PTP_STARTER_NAME, checksum) or other_release_loaded(session, PTP_KIND,
                                                                                   PTP_STARTER_NAME):
        return 0
    return _load_ptp(session, PTP_STARTER_FILE, PTP_STARTER_NAME, progress, replace=(PTP_STARTER_NAME,))


# --------------------------------------------------------------------------- MUE


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _mue_columns(header: list[str]) -> dict[str, int] | None:
    """Positions of code / units / mai / rationale / service, or None when this is not the header."""
    keys = [_key(h) for h in header]
    found: dict[str, int] = {}
    for i, k in enumerate(keys):
        if k in ("hcpcscode", "hcpcscptcode", "cpthcpcscode", "hcpcs", "code"):
            found.setdefault("code", i)
        elif k in ("mueunits", "muevalue", "muevalues") or k.endswith("muevalues"):
            found.setdefault("units", i)
        elif k in ("muemai", "mai") or k.endswith("adjudicationindicator"):
            found.setdefault("mai", i)
        elif k in ("muerationale", "rationale"):
            found.setdefault("rationale", i)
        elif k in ("mueservice", "service"):
            found.setdefault("service", i)
    return found if "code" in found else None


def _service_from_header(name: str) -> str:
    """'Practitioner Services MUE Values' -> 'Practitioner'; 'DME Supplier Services MUE Values' -> 'DME Supplier'."""
    text = " ".join(name.split())
    text = re.sub(r"(?i)\s*\bMUE\s+Values?\b.*$", "", text)
    text = re.sub(r"(?i)\s*\bServices?\b\s*$", "", text).strip()
    return text[:30]


def parse_mue_file(path: str | Path, release: str, effective_from: dt.date | None = None) -> list[dict]:
    path = Path(path)
    records = iter_csv(LineReader(path, fallback_encoding="cp1252"))
    columns = None
    header_line = 0
    for line, fields in records:
        columns = _mue_columns(fields)
        if columns is not None:
            header_line = line
            missing = [c for c in ("units", "mai") if c not in columns]
            if missing:
                raise ImportFormatError("the MUE header lacks the " + " and ".join(
                    {"units": "MUE value", "mai": "MUE adjudication indicator"}[m] for m in missing) + " column",
                    line, path)
            default_service = ("" if "service" in columns else _service_from_header(fields[columns["units"]]))
            break
        if line > HEADER_SEARCH_LINES:
            break
    if columns is None:
        raise ImportFormatError(
            "not an MUE file: no header with 'hcpcs_code' / 'HCPCS/CPT Code', MUE values and adjudication "
            "indicator columns", 1, path)
    rows: list[dict] = []
    seen: dict[str, int] = {}
    need = max(columns.values()) + 1
    for line, fields in records:
        if len(fields) < need:
            raise ImportFormatError(f"expected at least {need} columns, found {len(fields)}", line, path)
        code = fields[columns["code"]].strip().upper()
        if not CODE_RE.match(code):
            raise ImportFormatError(f"{code!r} is not a 5-character HCPCS/CPT code", line, path)
        units = fields[columns["units"]].strip()
        if not (units.isascii() and units.isdigit()):
            raise ImportFormatError(f"MUE value {units!r} for {code} is not a whole number of units", line, path)
        mai_text = fields[columns["mai"]].strip()
        match = re.match(r"^([0-9])(\s.*)?$", mai_text)
        if not match or match.group(1) not in ("1", "2", "3"):
            raise ImportFormatError(f"MUE adjudication indicator {mai_text!r} for {code} must be 1, 2 or 3",
                                    line, path)
        rationale = fields[columns["rationale"]].strip() if "rationale" in columns else ""
        if len(rationale) > RATIONALE_MAX:
            raise ImportFormatError(f"rationale longer than {RATIONALE_MAX} characters", line, path)
        service = fields[columns["service"]].strip() if "service" in columns else default_service
        if len(service) > 30:
            raise ImportFormatError(f"service {service!r} longer than 30 characters", line, path)
        if code in seen:
            raise ImportFormatError(f"{code} is listed twice (lines {seen[code]} and {line})", line, path)
        seen[code] = line
        rows.append({"code": code, "max_units": int(units), "mai": match.group(1), "rationale": rationale,
                     "service": service or "unspecified", "effective_from": effective_from, "release": release})
    if not rows:
        raise ImportFormatError("no MUE rows after the header", header_line, path)
    return rows


def _load_mue(session: Session, path: Path, release: str, progress: Progress, replace: tuple[str, ...],
              effective_from: dt.date | None) -> int:
    try:
        rows = parse_mue_file(path, release, effective_from)
        session.execute(delete(MueEdit).where(MueEdit.release.in_(replace)),
                        execution_options={"synchronize_session": False})
        if release != MUE_STARTER_NAME:
            forget_release(session, MUE_STARTER_NAME)
        for start in range(0, len(rows), BATCH):
            session.execute(insert(MueEdit.__table__), rows[start:start + BATCH])
            progress("MUE edits", min(start + BATCH, len(rows)), len(rows))
        record_release(session, release, MUE_KIND, str(path), len(rows), file_checksum(path))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return len(rows)


def load_mue_file(session: Session, path: str | Path, release: str | None = None,
                  progress: Progress = no_progress, effective_from: dt.date | None = None) -> int:
    """Load an MUE CSV (packaged or CMS shape); replaces its earlier load and the MUE starter rows."""
    path = Path(path)
    release = release or release_name("MUE", path)
    if len(release) > 80:
        raise ImportFormatError("release name longer than 80 characters", None, path)
    return _load_mue(session, path, release, progress, (release, MUE_STARTER_NAME), effective_from)


def load_mue_starter(session: Session, progress: Progress = no_progress) -> int:
    """Load ``starter/mue.csv`` (rows copied from the CMS file) unless it or an official file is loaded."""
    checksum = file_checksum(MUE_STARTER_FILE)
    if release_loaded(session, MUE_STARTER_NAME, checksum) or other_release_loaded(session, MUE_KIND,
                                                                                   MUE_STARTER_NAME):
        return 0
    return _load_mue(session, MUE_STARTER_FILE, MUE_STARTER_NAME, progress, (MUE_STARTER_NAME,), None)
