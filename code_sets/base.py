"""What every importer shares: errors that name the line, releases, bulk inserts."""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from trainer.codes.tables import CodeSetRelease

log = logging.getLogger(__name__)

STARTER_DIR = Path(__file__).resolve().parent / "starter"

Progress = Callable[[str, int, int], None]  # (label, done, total)


def no_progress(label: str, done: int, total: int) -> None:  # noqa: ARG001
    return None


class ImportFormatError(Exception):
    """A file that cannot be imported; names the file and, where known, the line."""

    def __init__(self, message: str, line: int | None = None, path: str | Path | None = None):
        self.line = line
        self.path = str(path) if path else None
        where = ""
        if self.path:
            where += f"{self.path}"
        if line is not None:
            where += f" line {line}" if where else f"line {line}"
        super().__init__(f"{where}: {message}" if where else message)
        self.message = message


def file_checksum(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def text_checksum(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
    return digest.hexdigest()


def release_loaded(session: Session, name: str, checksum: str | None = None) -> bool:
    row = session.execute(select(CodeSetRelease).where(CodeSetRelease.name == name)).scalar_one_or_none()
    return row is not None and (checksum is None or row.checksum == checksum)


def record_release(session: Session, name: str, kind: str, source: str, row_count: int, checksum: str) -> None:
    """Create or replace the release row (caller commits with the data)."""
    session.execute(delete(CodeSetRelease).where(CodeSetRelease.name == name))
    session.add(CodeSetRelease(name=name, kind=kind, source=source, row_count=row_count, checksum=checksum,
                               loaded_at=dt.datetime.now(dt.timezone.utc)))


def bulk_insert(session: Session, table, rows: Sequence[dict] | Iterable[dict], progress: Progress = no_progress,
                label: str = "rows", total: int | None = None, batch: int = 5000) -> int:
    """Insert plain dicts in batches with executemany; returns the number inserted."""
    rows = list(rows)
    total = len(rows) if total is None else total
    done = 0
    for start in range(0, len(rows), batch):
        chunk = rows[start:start + batch]
        session.execute(insert(table), chunk)
        done += len(chunk)
        progress(label, done, total)
    return done


def parse_date(value, *, line: int | None = None, path=None, field: str = "date") -> dt.date | None:
    """Dates in official files come as YYYY-MM-DD, YYYYMMDD, MM/DD/YYYY or Excel dates."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text or text in ("*", "NULL"):
        return None
    for fmt in ("%Y-%m-%d", "%Y%m%d", "%m/%d/%Y", "%m/%d/%y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ImportFormatError(f"{field} {text!r} is not a date (expected YYYY-MM-DD or YYYYMMDD)", line, path)
