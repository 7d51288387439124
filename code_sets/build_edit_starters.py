"""Rebuild the starter edit tables from the official files in ../shared/data (developer tool).

    python -m code_sets.build_edit_starters [--data ../shared/data]

* ``mce_icd10cm_edit_lists.csv``: the complete active MCE v43.1 ICD-10-CM lists (CMS, public domain).
* ``ncci_aoc.csv``: NCCI add-on code edit rows whose add-on code is in the CPT/HCPCS starter sets.
* ``mpfs_indicators.csv``: fee schedule indicators, RVUs and conversion factor (no descriptions) for the
  starter codes: global rows and their 26/TC rows.
Rows are copied unchanged; nothing is written by hand.
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

from .base import STARTER_DIR

HEADER_NOTE = "# Copied unchanged from {source} ({note}). Rebuild with: python -m code_sets.build_edit_starters\n"


def starter_codes() -> set[str]:
    codes = set()
    for name in ("cpt.tsv", "hcpcs.tsv"):
        for line in (STARTER_DIR / name).read_text().splitlines():
            if line and not line.startswith("#"):
                codes.add(line.split("\t", 1)[0].strip().upper())
    return codes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(Path(__file__).resolve().parent.parent.parent / "shared" / "data"))
    data = Path(parser.parse_args().data)
    codes = starter_codes()

    src = data / "mce" / "mce_v43_1_active_icd10cm_edit_lists.csv"
    flags = data / "mce" / "mce_v43_1_code_flags.csv"
    with open(STARTER_DIR / "mce_icd10cm_edit_lists.csv", "w", newline="") as out:
        out.write(HEADER_NOTE.format(source="the CMS Medicare Code Editor v43.1 (FY2026) data file",
                                     note="active ICD-10-CM edit lists, then the male/female diagnosis lists as last "
                                          "in force (Medicare ended them on 2024-09-30; other payers may apply them); "
                                          "CMS, US Government work, public domain"))
        out.write(src.read_text())
        with open(flags, newline="") as fh:
            for row in csv.DictReader(fh):
                if row["table"] == "I10DX":
                    for flag in row["flags"].split("|"):
                        if flag in ("male", "female"):
                            out.write(f"{flag},{row['code']}\n")

    src = data / "ncci" / "ncci_aoc_2024-06-03.csv"
    with open(src, newline="") as fh, open(STARTER_DIR / "ncci_aoc.csv", "w", newline="") as out:
        out.write(HEADER_NOTE.format(source="the CMS NCCI add-on code edit file of 2024-06-03",
                                     note="rows whose add-on code is in the starter CPT/HCPCS sets"))
        reader = csv.DictReader(fh)
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames, lineterminator="\n")
        writer.writeheader()
        for row in reader:
            if row["add_on_code"] in codes:
                writer.writerow(row)

    src = data / "mpfs" / "pprrvu_2024_jul_rvu24c.csv"
    keep = ["hcpcs", "mod", "status_code", "work_rvu", "non_fac_pe_rvu", "facility_pe_rvu", "mp_rvu", "conv_factor",
            "pctc_ind", "glob_days", "mult_proc", "bilat_surg"]
    with open(src, newline="") as fh, open(STARTER_DIR / "mpfs_indicators.csv", "w", newline="") as out:
        out.write(HEADER_NOTE.format(source="the CMS physician fee schedule RVU file RVU24C (July 2024)",
                                     note="indicator, RVU and conversion factor columns for the starter codes, "
                                          "global rows and their 26/TC component rows; no descriptors"))
        writer = csv.DictWriter(out, fieldnames=keep, lineterminator="\n")
        writer.writeheader()
        for row in csv.DictReader(fh):
            if row["hcpcs"] in codes and row["mod"] in ("", "26", "TC"):
                writer.writerow({k: row[k] for k in keep})


if __name__ == "__main__":
    main()
