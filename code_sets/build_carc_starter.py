"""Rebuild the CARC/RARC starter list from the official file in ../shared/data (developer tool).

    python -m code_sets.build_carc_starter [--data ../shared/data]

``carc_rarc.csv``: every claim adjustment group code, and every CARC and RARC still in use (no end
date, or an end date after ACTIVE_AFTER), copied unchanged from the X12 code lists as packaged in
``carc_rarc/carc_rarc_group_codes_2024.csv``. Nothing is written by hand.
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

from .base import STARTER_DIR

OFFICIAL = Path("carc_rarc") / "carc_rarc_group_codes_2024.csv"
STARTER = "carc_rarc.csv"
ACTIVE_AFTER = "2025-01-01"
HEADER_NOTE = ("# Claim adjustment group codes, CARC (X12 external code source 139) and RARC (source 411, maintained\n"
               "# by CMS), free to view at x12.org/codes; X12 copyright. Rows copied unchanged: every group code and\n"
               f"# every CARC/RARC with no end date or one after {ACTIVE_AFTER}. See carc_rarc.SOURCE.txt.\n"
               "# Rebuild with: python -m code_sets.build_carc_starter\n")


def active_rows(official: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The official file's columns, and its rows that the starter keeps."""
    with open(official, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = [row for row in reader if row["adj_type"] == "Group" or not row["adj_end_date"]
                or row["adj_end_date"] > ACTIVE_AFTER]
        return list(reader.fieldnames or []), rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(Path(__file__).resolve().parent.parent.parent / "shared" / "data"))
    fields, rows = active_rows(Path(parser.parse_args().data) / OFFICIAL)
    with open(STARTER_DIR / STARTER, "w", newline="", encoding="utf-8") as out:
        out.write(HEADER_NOTE)
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{STARTER}: {len(rows)} rows")


if __name__ == "__main__":
    main()
