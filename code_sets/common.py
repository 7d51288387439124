"""Helpers shared by the importers of official CMS formats (HCPCS, CPT, POS, NCCI, MUE).

* :class:`LineReader` reads a text file line by line whatever its wrapping (plain,
  gzip or a zip holding one text file), and turns every way a file can be
  unreadable (empty, binary, not UTF-8, truncated gzip) into an
  :class:`~code_sets.base.ImportFormatError` that names the line.
* :func:`iter_csv` gives csv records with the line each one starts on.
* The ``delete_*`` / ``supersede_*`` helpers implement the replacement rules the
  importers share: a release replaces its own earlier rows and the starter rows
  of the same code system, and a newer file replaces rows of other releases that
  have the same (system, code, effective_from) key.
* :func:`replace_release` and :func:`load_starter` are the two transactions the
  ``code``-table importers run: load an official file, and load a starter set.
"""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from trainer.codes.tables import Code, CodeSetRelease

from .base import ImportFormatError, Progress, bulk_insert, file_checksum, record_release, release_loaded

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"

#: rows of every starter code set are stored under this release name in the ``code`` table
STARTER_RELEASE = "starter"
#: effective_from for code rows whose file gives no date
NO_DATE = dt.date(1900, 1, 1)
#: longest release name the tables hold
RELEASE_MAX = 80


def release_name(prefix: str, path: str | Path) -> str:
    """``"<prefix> (<file name>)"``, shortened to fit the 80-character release columns."""
    name = Path(path).name
    text = f"{prefix} ({name})"
    if len(text) > RELEASE_MAX:
        room = RELEASE_MAX - len(prefix) - 4  # " (" + "…)"
        text = f"{prefix} ({name[:max(room, 1)]}…)"
    return text[:RELEASE_MAX]


def sniff(path: str | Path) -> bytes:
    """The first bytes of a file (to tell gzip, zip and plain text apart)."""
    with open(path, "rb") as fh:
        return fh.read(8)


class LineReader:
    """Iterate over the decoded lines of a (possibly gzip- or zip-wrapped) text file.

    ``line_no`` is the number of the line last yielded (1-based), so a parser can
    report errors as ``ImportFormatError(msg, reader.line_no, path)``. Lines keep
    their line ending (as ``csv`` wants). ``fallback_encoding`` (e.g. ``"cp1252"``,
    which CMS files sometimes use) is tried for a line that is not valid UTF-8;
    without it such a line is an error.
    """

    def __init__(self, path: str | Path, *, fallback_encoding: str | None = None):
        self.path = Path(path)
        self.fallback_encoding = fallback_encoding
        self.line_no = 0
        self.member: str | None = None  # the text file used inside a zip archive

    def _open(self):
        raw = open(self.path, "rb")
        head = raw.read(4)
        raw.seek(0)
        if not head:
            raw.close()
            raise ImportFormatError("the file is empty", None, self.path)
        if head[:2] == GZIP_MAGIC:
            return gzip.GzipFile(fileobj=raw, mode="rb"), raw
        if head == ZIP_MAGIC:
            try:
                archive = zipfile.ZipFile(raw)
                members = [m for m in archive.namelist()
                           if m.lower().endswith((".txt", ".csv", ".tsv")) and not m.endswith("/")]
            except (zipfile.BadZipFile, OSError) as exc:
                raw.close()
                raise ImportFormatError(f"damaged zip archive ({exc})", None, self.path) from exc
            if len(members) != 1:
                raw.close()
                found = ", ".join(archive.namelist()) or "nothing"
                raise ImportFormatError(
                    f"a zip archive must hold exactly one .txt/.csv/.tsv file (found: {found}); "
                    "unzip it and import the file you want", None, self.path)
            self.member = members[0]
            return archive.open(members[0]), raw
        return raw, raw

    def __iter__(self) -> Iterator[str]:
        self.line_no = 0
        stream, raw = self._open()
        try:
            lines = iter(stream)
            while True:
                try:
                    data = next(lines)
                except StopIteration:
                    break
                except (EOFError, OSError, zlib.error, zipfile.BadZipFile) as exc:
                    raise ImportFormatError(
                        f"the compressed data is truncated or corrupt after line {self.line_no} ({exc})",
                        self.line_no + 1, self.path) from exc
                self.line_no += 1
                if b"\x00" in data:
                    raise ImportFormatError("binary data (NUL byte): this is not a text file",
                                            self.line_no, self.path)
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError as exc:
                    if not self.fallback_encoding:
                        raise ImportFormatError(
                            f"not UTF-8 text (byte {data[exc.start]:#04x} at column {exc.start + 1}); "
                            "save the file as UTF-8", self.line_no, self.path) from exc
                    try:
                        text = data.decode(self.fallback_encoding)
                    except UnicodeDecodeError:
                        raise ImportFormatError(
                            f"not UTF-8 (nor {self.fallback_encoding}) text: byte {data[exc.start]:#04x} at column "
                            f"{exc.start + 1}", self.line_no, self.path) from exc
                if self.line_no == 1 and text.startswith("\ufeff"):
                    text = text[1:]
                yield text
        finally:
            stream.close()
            if raw is not stream:
                raw.close()
        if self.line_no == 0:
            raise ImportFormatError("the file is empty", None, self.path)

    def count_lines(self) -> int:
        """Number of lines (cheap: for progress totals; errors surface later in ``__iter__``)."""
        try:
            stream, raw = self._open()
        except ImportFormatError:
            return 0
        count = 0
        last = b"\n"
        try:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                count += chunk.count(b"\n")
                last = chunk[-1:]
        except (EOFError, OSError, zlib.error, zipfile.BadZipFile):
            pass
        finally:
            stream.close()
            if raw is not stream:
                raw.close()
        return count + (0 if last == b"\n" else 1)


def is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def iter_csv(reader: LineReader, *, delimiter: str = ",", skip_leading_comments: bool = True
             ) -> Iterator[tuple[int, list[str]]]:
    """``(first line of the record, fields)`` for every non-blank csv record.

    Lines starting with ``#`` before the first record are comments (the starter
    files use them to cite their source).
    """
    in_preamble = [skip_leading_comments]

    def lines() -> Iterator[str]:
        for line in reader:
            if in_preamble[0]:
                if is_comment(line):
                    yield "\n"  # keep csv's line count in step with the file
                    continue
                if line.strip():
                    in_preamble[0] = False
            yield line

    rows = csv.reader(lines(), delimiter=delimiter)
    previous_end = 0
    while True:
        try:
            fields = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFormatError(f"unreadable CSV ({exc})", reader.line_no, reader.path) from exc
        start = previous_end + 1
        previous_end = rows.line_num
        if not fields or all(not f.strip() for f in fields):
            continue
        yield start, fields


def norm_header(name: object) -> str:
    """Header names compared loosely: case, spaces, underscores and line breaks do not matter."""
    return re.sub(r"[\s_]+", " ", str(name or "")).strip().upper()


def in_chunks(items: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def delete_code_rows(session: Session, *, release: str, systems: Iterable[str]) -> int:
    """Delete the code rows one release loaded for the given systems."""
    result = session.execute(
        delete(Code).where(Code.release == release, Code.system.in_(list(systems))),
        execution_options={"synchronize_session": False})
    return result.rowcount or 0


def delete_ids(session: Session, table, ids: list[int]) -> None:
    for chunk in in_chunks(ids):
        session.execute(delete(table).where(table.id.in_(chunk)), execution_options={"synchronize_session": False})


def supersede_keys(session: Session, rows: list[dict], *, keep_release: str) -> int:
    """Delete rows of *other* releases that have the same (system, code, effective_from) as ``rows``.

    A newer file of the same code system replaces what an older one said about the
    same code and period (the table allows one row per key). Returns rows deleted.
    """
    keys = {(r["system"], r["code"], r["effective_from"]) for r in rows}
    systems = sorted({k[0] for k in keys})
    if not keys:
        return 0
    found = session.execute(
        select(Code.id, Code.system, Code.code, Code.effective_from)
        .where(Code.system.in_(systems), Code.release != keep_release)).all()
    ids = [row.id for row in found if (row.system, row.code, row.effective_from) in keys]
    delete_ids(session, Code, ids)
    return len(ids)


def forget_release(session: Session, name: str) -> None:
    session.execute(delete(CodeSetRelease).where(CodeSetRelease.name == name),
                    execution_options={"synchronize_session": False})


def other_release_loaded(session: Session, kind: str, starter_name: str) -> bool:
    """True when a release of ``kind`` other than the starter is loaded (the starter then stays out)."""
    return session.execute(
        select(CodeSetRelease.id).where(CodeSetRelease.kind == kind, CodeSetRelease.name != starter_name).limit(1)
    ).first() is not None


@contextmanager
def transaction(session: Session) -> Iterator[None]:
    """Commit what the block did, or roll all of it back when the block raises anything."""
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


def replace_release(session: Session, *, release: str, kind: str, path: Path, parse: Callable[[], list[dict]],
                    systems: tuple[str, ...], starter_name: str, label: str, progress: Progress,
                    starter_systems: tuple[str, ...] | None = None,
                    also_delete: Callable[[Session, list[dict]], None] | None = None) -> int:
    """Load an official file's ``code`` rows in one transaction; returns rows written.

    ``parse()`` gives the rows (it may raise :class:`ImportFormatError`). They replace
    the rows ``release`` loaded before (for ``systems``), the starter rows of
    ``starter_systems`` (default: ``systems``) and any row of another release with
    the same key; the starter release ``starter_name`` is forgotten. ``also_delete``
    is called with the rows after the starter rows are deleted, to delete more rows
    the file replaces.
    """
    with transaction(session):
        rows = parse()
        delete_code_rows(session, release=release, systems=systems)
        delete_code_rows(session, release=STARTER_RELEASE, systems=starter_systems or systems)
        if also_delete is not None:
            also_delete(session, rows)
        forget_release(session, starter_name)
        supersede_keys(session, rows, keep_release=release)
        written = bulk_insert(session, Code, rows, progress, label=label)
        record_release(session, release, kind, str(path), written, file_checksum(path))
    return written


def load_starter(session: Session, *, starter_name: str, kind: str, starter_file: Path,
                 parse: Callable[[], list[dict]], systems: tuple[str, ...], label: str, progress: Progress,
                 yield_to_official: bool = True) -> int:
    """Load a starter file's ``code`` rows (release ``STARTER_RELEASE``) in one transaction.

    Returns 0 without writing when this file is loaded already or, with
    ``yield_to_official``, when another release of ``kind`` is loaded; else the
    starter rows of ``systems`` are replaced by ``parse()`` and the rows written returned.
    """
    checksum = file_checksum(starter_file)
    if release_loaded(session, starter_name, checksum) or (
            yield_to_official and other_release_loaded(session, kind, starter_name)):
        return 0
    with transaction(session):
        rows = parse()
        delete_code_rows(session, release=STARTER_RELEASE, systems=systems)
        written = bulk_insert(session, Code, rows, progress, label=label)
        record_release(session, starter_name, kind, f"code_sets/starter/{starter_file.name}", written, checksum)
    return written


def code_row(*, system: str, code: str, description: str, release: str, effective_from: dt.date = NO_DATE,
             effective_to: dt.date | None = None, short_description: str | None = None, display: str | None = None,
             details: dict | None = None, billable: bool = True) -> dict:
    """A plain dict for ``insert(Code)`` with every column set."""
    return {
        "system": system, "code": code, "display": display or code, "description": description,
        "short_description": short_description, "billable": billable, "level": "code", "parent": None,
        "effective_from": effective_from, "effective_to": effective_to, "release": release,
        "details": details or None,
    }
