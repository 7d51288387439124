"""Build (and check) the starter files in ``code_sets/starter/`` from the official files.

Rerun after editing the code lists below, ``starter/cpt.tsv`` or ``starter/modifiers.tsv``::

    .venv/bin/python -m code_sets.build_starter                  # data in ../shared/data
    .venv/bin/python -m code_sets.build_starter --data DIR       # or point at the folder
    .venv/bin/python -m code_sets.build_starter --check          # only verify, write nothing

What it does:

* ``hcpcs.tsv``   - the rows of :data:`HCPCS_CODES` copied from the CMS HCPCS xlsx
  (RECID 3 only; the columns the loader reads, under the CMS column names).
* ``pos.csv``     - a byte-for-byte copy of the 52 assigned CMS place-of-service codes.
* ``ncci_ptp.csv``- rows of the active NCCI PTP file whose two codes are both in the
  starter CPT + HCPCS sets (copied, never edited).
* ``mue.csv``     - rows of the MUE file for starter codes (copied).
* checks that every code in ``cpt.tsv`` is in the CMS fee schedule file (PPRRVU) and
  every modifier in ``modifiers.tsv`` is in the CMS HCPCS file (RECID 7) or the
  packaged modifier list; the script exits with status 1 and lists any that are not.

The starter CPT and modifier descriptions are written by hand for this project
(CPT text is AMA copyright), so this script never writes ``cpt.tsv`` or ``modifiers.tsv``.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from .base import STARTER_DIR

PROJECT_ROOT = STARTER_DIR.parent.parent
DEFAULT_DATA = PROJECT_ROOT.parent / "shared" / "data"

HCPCS_XLSX = "hcpcs/HCPC2025_OCT_ANWEB.xlsx"
PPRRVU = "mpfs/pprrvu_2024_jul_rvu24c.csv"
PTP_ACTIVE = "ncci/ncci_ptp_practitioner_2024q3_active.csv.gz"
MUE = "ncci/ncci_mue_practitioner_2024-07-01.csv"
POS = "pos/cms_place_of_service_from_arkrvu.csv"
MODIFIERS = "modifiers/hcpcs_cpt_modifiers_northstar_2024.csv"

#: HCPCS Level II codes a coding course uses most (a few terminated ones on purpose:
#: they teach that validity depends on the date of service)
HCPCS_CODES = """
J0131 J0171 J0561 J0585 J0690 J0696 J0702 J0780 J0897 J1030 J1040 J1071 J1094 J1100 J1165 J1170 J1200
J1580 J1644 J1650 J1745 J1815 J1885 J2001 J2250 J2270 J2405 J2550 J2704 J2795 J2919 J2930 J3010 J3301
J3360 J3370 J3420 J3490 J7030 J7040 J7050 J7120 J7613 J7620 J9035 J9045 J9267 J9355
E0100 E0105 E0110 E0111 E0112 E0113 E0114 E0116 E0117 E0118 E0130 E0135 E0143 E0149 E0163 E0165 E0250
E0260 E0277 E0424 E0431 E0470 E0570 E0601 E0607 E0630 E0720 E0730 E0935 E1130 E1161 E1390 E2402
L0650 L1810 L1820 L1832 L1902 L1906 L3020 L3260 L3908 L4360 L4361 L4386 L4387
A0425 A0426 A0427 A0428 A0429 A0433 A0434 A4206 A4209 A4253 A4259 A4351 A4550 A4565 A4570 A4580
A4590 A4927 A6196 A6212 A6216 A6402 A7030 A7034 A9270
G0008 G0009 G0010 G0101 G0102 G0103 G0104 G0105 G0106 G0121 G0123 G0202 G0297 G0328 G0402 G0438
G0439 G0442 G0443 G0444 G0447 G0463 G0473 G0500 G2211 G2212
Q0091 Q2035 Q3014 Q4011 Q4038 Q4081 Q9967 Q5103
K0001 K0003 K0004 K0553 K0554 K0738 K0823
V2020 V2025 V2100 V2200 V2300 V2520 V2781 V5010 V5261
S9083 H0001 H0031 T1013 T1015 P9603 C1776 B4035 B4150 R0070
""".split()
#: more codes that bundled exercises need: one code per line, comments with '#'
HCPCS_EXTRA = STARTER_DIR / "hcpcs_extra.txt"
if HCPCS_EXTRA.exists():
    HCPCS_CODES += [line.split("#")[0].strip().upper() for line in HCPCS_EXTRA.read_text().splitlines()
                    if line.split("#")[0].strip()]


def read_pprrvu_codes(data: Path) -> set[str]:
    with open(data / PPRRVU, newline="", encoding="utf-8") as fh:
        return {row["hcpcs"].strip() for row in csv.DictReader(fh)}


def read_tsv_codes(path: Path) -> list[str]:
    codes = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            first = line.split("\t")[0].strip()
            if first.lower() != "code":
                codes.append(first)
    return codes


def official_modifiers(data: Path) -> dict[str, str]:
    """Modifier code -> where it was found ('HCPCS RECID 7' or the packaged list's type)."""
    import openpyxl

    found: dict[str, str] = {}
    with open(data / MODIFIERS, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            found[row["mod_code"].strip()] = row["mod_type"].strip()
    workbook = openpyxl.load_workbook(data / HCPCS_XLSX, read_only=True)
    for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True):
        if str(row[2]).strip() == "7":
            found[str(row[0]).strip()] = "HCPCS RECID 7"
    workbook.close()
    return found


def check(data: Path) -> list[str]:
    """Problems with the hand-written starter files (empty list: all good)."""
    problems = []
    pprrvu = read_pprrvu_codes(data)
    for code in read_tsv_codes(STARTER_DIR / "cpt.tsv"):
        if code not in pprrvu:
            problems.append(f"cpt.tsv: {code} is not in {PPRRVU}")
    mods = official_modifiers(data)
    for code in read_tsv_codes(STARTER_DIR / "modifiers.tsv"):
        if code not in mods:
            problems.append(f"modifiers.tsv: {code} is neither a RECID 7 row of {HCPCS_XLSX} nor in {MODIFIERS}")
    return problems


def build_hcpcs(data: Path) -> int:
    import openpyxl

    from .common import norm_header
    from .hcpcs import STARTER_COLUMNS

    workbook = openpyxl.load_workbook(data / HCPCS_XLSX, read_only=True)
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    header = [norm_header(h) for h in next(rows)]
    index = [header.index(c) for c in STARTER_COLUMNS]
    wanted = set(HCPCS_CODES)
    picked = {}
    for row in rows:
        code = str(row[0]).strip()
        if code in wanted and str(row[2]).strip() == "3":
            picked[code] = ["" if row[i] is None else str(row[i]).strip() for i in index]
    workbook.close()
    missing = wanted - set(picked)
    if missing:
        raise SystemExit(f"not in {HCPCS_XLSX}: {', '.join(sorted(missing))}")
    with open(STARTER_DIR / "hcpcs.tsv", "w", newline="", encoding="utf-8") as out:
        out.write("# Coding Trainer - HCPCS Level II starter set.\n"
                  f"# Rows copied unchanged from the CMS alpha-numeric HCPCS file {Path(HCPCS_XLSX).name}\n"
                  "# (October 2025 update; CMS, US Government work, public domain).\n"
                  "# Same column names as the CMS file. Generated by code_sets/build_starter.py:\n"
                  "# edit HCPCS_CODES there (or starter/hcpcs_extra.txt) and rerun, do not edit by hand.\n")
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(STARTER_COLUMNS)
        for code in sorted(picked):
            writer.writerow(picked[code])
    return len(picked)


def starter_codes() -> set[str]:
    return set(read_tsv_codes(STARTER_DIR / "cpt.tsv")) | set(HCPCS_CODES)


def _copy_rows(source, target: str, comment: str, keep: Callable[[list[str]], bool]) -> int:
    """Write ``starter/<target>``: the ``comment`` lines, the csv header of the open ``source``
    and its rows that ``keep`` accepts, unchanged. Returns the rows copied."""
    count = 0
    with open(STARTER_DIR / target, "w", newline="", encoding="utf-8") as out:
        reader = csv.reader(source)
        header = next(reader)
        out.write(comment)
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for row in reader:
            if keep(row):
                writer.writerow(row)
                count += 1
    return count


def build_ptp(data: Path, codes: set[str]) -> int:
    with gzip.open(data / PTP_ACTIVE, "rt", newline="", encoding="utf-8") as fh:
        return _copy_rows(
            fh, "ncci_ptp.csv",
            "# Coding Trainer - NCCI PTP starter: rows copied unchanged from the Medicare NCCI practitioner\n"
            "# PTP edits effective 2024-07-01 (active edits), CMS, as packaged by the R package northstar\n"
            "# (Apache-2.0). Only pairs whose two codes are both in the starter CPT and HCPCS sets.\n"
            "# Generated by code_sets/build_starter.py.\n",
            lambda row: row[0] in codes and row[1] in codes)


def build_mue(data: Path, codes: set[str]) -> int:
    with open(data / MUE, newline="", encoding="utf-8") as fh:
        return _copy_rows(
            fh, "mue.csv",
            "# Coding Trainer - MUE starter: rows copied unchanged from the Medicare NCCI MUE table,\n"
            "# practitioner services, effective 2024-07-01 (CMS, as packaged by the R package northstar,\n"
            "# Apache-2.0), for the codes in the starter CPT and HCPCS sets.\n"
            "# Generated by code_sets/build_starter.py.\n",
            lambda row: row[0] in codes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the official files")
    parser.add_argument("--check", action="store_true", help="only check cpt.tsv and modifiers.tsv")
    args = parser.parse_args(argv)
    problems = check(args.data)
    for problem in problems:
        print("PROBLEM:", problem)
    if problems:
        return 1
    print("cpt.tsv and modifiers.tsv: every code found in the official files")
    if args.check:
        return 0
    print("hcpcs.tsv:", build_hcpcs(args.data), "codes")
    shutil.copyfile(args.data / POS, STARTER_DIR / "pos.csv")
    print("pos.csv: copied", POS)
    codes = starter_codes()
    print("ncci_ptp.csv:", build_ptp(args.data, codes), "pairs")
    print("mue.csv:", build_mue(args.data, codes), "codes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
