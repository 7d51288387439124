"""Claim adjustment group codes, CARC and RARC: their X12 descriptions and whether they are in use.

Read from the starter list shipped with the code sets (``code_sets/starter/carc_rarc.csv``, rows
copied from the X12 lists; see the SOURCE note next to it), once per process. For display: a
remittance names codes, people read descriptions. Nothing here imports Flask or the database.
The list leaves out codes retired before 2025, so ``is_active`` is False for them on any day.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from dataclasses import dataclass
from importlib import resources

KINDS = {"group": "Group", "carc": "CARC", "rarc": "RARC"}
STARTER = "starter/carc_rarc.csv"


@dataclass(frozen=True)
class AdjustmentCode:
    kind: str  # group, carc, rarc
    code: str
    description: str
    start: dt.date | None
    end: dt.date | None

    def active_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


def _day(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@functools.cache
def table() -> dict[tuple[str, str], AdjustmentCode]:
    """Every code of the starter list, by (kind, code)."""
    text = resources.files("code_sets").joinpath(STARTER).read_text(encoding="utf-8")
    lines = io.StringIO("".join(line for line in text.splitlines(keepends=True) if not line.startswith("#")))
    kinds = {v: k for k, v in KINDS.items()}
    found = {}
    for row in csv.DictReader(lines):
        kind = kinds[row["adj_type"]]
        found[(kind, row["adj_code"])] = AdjustmentCode(kind, row["adj_code"], row["adj_description"],
                                                        _day(row["adj_start_date"]), _day(row["adj_end_date"]))
    return found


def _kind(kind: str) -> str:
    if kind.lower() not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    return kind.lower()


def describe(kind: str, code: str) -> str | None:
    """The X12 description of a group code, CARC or RARC, or None when the list does not have it."""
    found = table().get((_kind(kind), str(code).strip().upper()))
    return found.description if found else None


def is_active(kind: str, code: str, on: dt.date | None = None) -> bool:
    """Whether the code is in the list and in use on the day (today by default)."""
    found = table().get((_kind(kind), str(code).strip().upper()))
    return found is not None and found.active_on(on or dt.date.today())
