"""Modifier starter list and place-of-service importer."""
from __future__ import annotations

import csv

import openpyxl
import pytest
from sqlalchemy import func, select

from code_sets.base import ImportFormatError
from code_sets.modifiers import load_modifier_starter, parse_modifier_file
from code_sets.pos import STARTER_FILE as POS_FILE
from code_sets.pos import STARTER_NAME as POS_STARTER
from code_sets.pos import load_pos_file, load_pos_starter
from trainer.codes.tables import Code, CodeSetRelease, CodeSystem

REQUIRED_MODIFIERS = (
    "22 24 25 26 50 51 52 53 57 58 59 62 76 77 78 79 80 82 91 95 AS TC LT RT E1 E2 E3 E4 FA F1 F2 F3 F4 F5 F6 "
    "F7 F8 F9 TA T1 T2 T3 T4 T5 T6 T7 T8 T9 LC LD RC LM RI XE XS XP XU GA GX GY GZ GT KX QW JW JZ 33 47 23 P1 "
    "P2 P3 P4 P5 P6 QK QX QY QZ AA AD GC GP GO GN CR 90 92 93 96 97 99 27 63 54 55 56 73 74").split()


def snapshot(session):
    codes = session.execute(select(Code.system, Code.code, Code.release, Code.description)
                            .order_by(Code.system, Code.code, Code.release)).all()
    releases = session.execute(select(CodeSetRelease.name, CodeSetRelease.row_count)
                               .order_by(CodeSetRelease.name)).all()
    return codes, releases


@pytest.fixture(scope="module")
def official_modifiers(shared_data):
    """code -> official description, from the packaged list and the HCPCS file's RECID 7 rows."""
    found = {}
    with open(shared_data / "modifiers" / "hcpcs_cpt_modifiers_northstar_2024.csv", newline="",
              encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            found.setdefault(row["mod_code"], []).append(row["mod_description"])
    workbook = openpyxl.load_workbook(shared_data / "hcpcs" / "HCPC2025_OCT_ANWEB.xlsx", read_only=True)
    for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True):
        if row[2] == "7":
            found.setdefault(row[0].strip(), []).extend([row[3], row[4]])
    workbook.close()
    return found


def test_every_starter_modifier_exists_officially_and_is_described_in_our_words(official_modifiers):
    rows = parse_modifier_file()
    codes = [r["code"] for r in rows]
    assert [c for c in REQUIRED_MODIFIERS if c not in codes] == []
    for row in rows:
        assert row["code"] in official_modifiers, row["code"]
        ours = row["description"].strip().lower()
        for theirs in official_modifiers[row["code"]]:
            assert ours != (theirs or "").strip().lower(), f"{row['code']} copies the official wording"
        expected_type = "CPT" if row["code"].isdigit() or row["code"] in ("P1", "P2", "P3", "P4", "P5", "P6") \
            else "HCPCS"
        assert row["details"] == {"type": expected_type}, row["code"]


def test_modifier_starter_loads_and_is_idempotent(session):
    written = load_modifier_starter(session)
    assert written == len(parse_modifier_file()) >= 100 - 1
    row = session.execute(select(Code).where(Code.system == CodeSystem.MODIFIER, Code.code == "25")).scalar_one()
    assert row.details == {"type": "CPT"} and row.release == "starter" and row.billable
    assert "separately identifiable" in row.description
    before = snapshot(session)
    assert load_modifier_starter(session) == 0
    assert snapshot(session) == before


def test_modifier_file_errors_name_the_line(tmp_path):
    path = tmp_path / "m.tsv"
    path.write_text("# c\ncode\ttype\tdescription\n25\tCPT\tok\nLT\tLEVEL2\tx\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="line 4: type of LT must be CPT or HCPCS"):
        parse_modifier_file(path)
    path.write_text("code\ttype\tdescription\n2\tCPT\tone char\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="line 2: bad modifier '2'"):
        parse_modifier_file(path)


# ---------------------------------------------------------------- place of service


def pos_rows(session):
    return {r.code: r for r in session.execute(select(Code).where(Code.system == CodeSystem.POS)).scalars()}


def test_loads_the_cms_list_and_skips_unassigned_codes(session, shared_data):
    assert load_pos_file(session, shared_data / "pos" / "cms_place_of_service_northstar_2024.csv") == 52
    rows = pos_rows(session)
    assert "28" not in rows and "35" not in rows  # "Unassigned" in the file
    office = rows["11"]
    assert office.short_description == "Office" and office.details == {"facility": False}
    assert office.description.startswith("Location, other than a hospital, skilled nursing facility (SNF)")
    assert rows["21"].short_description == "Inpatient Hospital" and rows["21"].details == {"facility": True}
    assert rows["02"].short_description == "Telehealth Provided Other than in Patient\u2019s Home"
    assert rows["99"].description == "Other place of service not identified above."
    assert office.release == "POS (cms_place_of_service_northstar_2024.csv)"


def test_pos_starter_is_the_cms_file_and_idempotent(session, shared_data):
    assert POS_FILE.read_bytes() == (shared_data / "pos" / "cms_place_of_service_from_arkrvu.csv").read_bytes()
    assert load_pos_starter(session) == 52
    assert pos_rows(session)["23"].short_description == "Emergency Room-Hospital"
    before = snapshot(session)
    assert load_pos_starter(session) == 0
    assert snapshot(session) == before


def test_pos_file_replaces_starter_and_its_own_earlier_load(session, shared_data, tmp_path):
    load_pos_starter(session)
    source = shared_data / "pos" / "cms_place_of_service_northstar_2024.csv"
    load_pos_file(session, source)
    load_pos_file(session, source)
    assert session.execute(select(func.count()).where(Code.system == CodeSystem.POS)).scalar_one() == 52
    assert {r.release for r in pos_rows(session).values()} == {"POS (cms_place_of_service_northstar_2024.csv)"}
    assert session.execute(select(CodeSetRelease).where(CodeSetRelease.name == POS_STARTER)).first() is None
    assert load_pos_starter(session) == 0


GOOD_POS = ('pos_code,pos_type,pos_name,pos_description\n'
            '11,Non-Facility,Office,"Location, other than a hospital."\n'
            '21,Facility,Inpatient Hospital,A hospital.\n')


@pytest.mark.parametrize("text, message", [
    ("code,type,name\n11,Facility,Office\n", "line 1: not a place-of-service CSV: the header lacks pos_code"),
    (GOOD_POS + "1A,Facility,Bad,Bad code\n", "line 4: bad place-of-service code '1A'"),
    (GOOD_POS + "22,Hospital,Outpatient,x\n", "line 4: pos_type of 22 must be Facility or Non-Facility"),
    (GOOD_POS + "23,Facility,ER\n", "line 4: expected 4 columns, found 3"),
    (GOOD_POS + "11,Facility,Office again,x\n", "line 4: 11 is listed twice (lines 2 and 4)"),
    ("", "empty"),
])
def test_bad_pos_files_change_nothing(session, tmp_path, text, message):
    load_pos_starter(session)
    before = snapshot(session)
    path = tmp_path / "pos.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFormatError) as err:
        load_pos_file(session, path)
    assert message in str(err.value)
    assert snapshot(session) == before


def test_pos_code_missing_its_leading_zero_is_padded(session, tmp_path):
    path = tmp_path / "pos.csv"
    path.write_text(GOOD_POS + "2,Facility,Telehealth,x\n", encoding="utf-8")
    assert load_pos_file(session, path) == 3
    assert "02" in pos_rows(session)
