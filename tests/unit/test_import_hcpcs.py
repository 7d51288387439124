"""HCPCS Level II importer: the real CMS xlsx, small workbooks made from its rows, and broken files."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from sqlalchemy import func, select

from code_sets.base import ImportFormatError
from code_sets.hcpcs import STARTER_NAME, load_hcpcs_file, load_hcpcs_starter, release_for
from code_sets.modifiers import load_modifier_starter
from trainer.codes.tables import Code, CodeSetRelease, CodeSystem

RELEASE = "HCPCS 2025-10 (HCPC2025_OCT_ANWEB.xlsx)"


@pytest.fixture(scope="module")
def real_rows(shared_data):
    """Header and rows of the CMS file, as lists (read once per module)."""
    workbook = openpyxl.load_workbook(shared_data / "hcpcs" / "HCPC2025_OCT_ANWEB.xlsx", read_only=True)
    rows = [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    return rows


def pick(real_rows, *codes):
    wanted = set(codes)
    return [list(r) for r in real_rows[1:] if str(r[0]).strip() in wanted]


def write_xlsx(path, rows):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("HCPC")
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def small_file(tmp_path, real_rows, name="HCPC2025_OCT_ANWEB.xlsx", extra=()):
    """A real header plus real rows: 3 modifiers (rows 2-4, the sheet lists them first) and 5 codes (5-9)."""
    rows = [real_rows[0]] + pick(real_rows, "J1100", "J1030", "C9088", "E0114", "A0425", "RT", "LT", "P1")
    rows += [list(r) for r in extra]
    return write_xlsx(tmp_path / name, rows)


def snapshot(session):
    codes = session.execute(select(Code.system, Code.code, Code.release, Code.description)
                            .order_by(Code.system, Code.code, Code.release)).all()
    releases = session.execute(select(CodeSetRelease.name, CodeSetRelease.row_count, CodeSetRelease.checksum)
                               .order_by(CodeSetRelease.name)).all()
    return codes, releases


def get(session, system, code):
    return session.execute(select(Code).where(Code.system == system, Code.code == code)).scalar_one()


def test_release_name_from_file_name():
    assert release_for("/x/HCPC2025_OCT_ANWEB.xlsx") == RELEASE
    assert release_for("HCPC2024_JAN_ANWEB_v2.xlsx").startswith("HCPCS 2024-01 (")
    assert release_for("codes.xlsx") == "HCPCS (codes.xlsx)"


def test_loads_the_real_cms_file(session, shared_data):
    written = load_hcpcs_file(session, shared_data / "hcpcs" / "HCPC2025_OCT_ANWEB.xlsx")
    assert written == 8846
    counts = dict(session.execute(select(Code.system, func.count()).group_by(Code.system)).all())
    assert counts == {CodeSystem.HCPCS: 8463, CodeSystem.MODIFIER: 383}

    j1100 = get(session, CodeSystem.HCPCS, "J1100")
    assert j1100.description == "Injection, dexamethasone sodium phosphate, 1 mg"
    assert j1100.short_description == "Dexamethasone sodium phos"
    assert (j1100.effective_from, j1100.effective_to) == (dt.date(1982, 1, 1), None)
    assert j1100.release == RELEASE and j1100.billable and j1100.level == "code" and j1100.display == "J1100"
    assert j1100.details["betos"] == "O1E" and j1100.details["action"] == "N"

    # a code with a TERM DT: valid through its last day only
    j1030 = get(session, CodeSystem.HCPCS, "J1030")
    assert j1030.effective_to == dt.date(2024, 3, 31)
    assert j1030.valid_on(dt.date(2024, 3, 31)) and not j1030.valid_on(dt.date(2024, 4, 1))

    # cells stored as numbers rather than text in the CMS sheet
    c9088 = get(session, CodeSystem.HCPCS, "C9088")  # TERM DT is the number 20250930, action D
    assert c9088.effective_to == dt.date(2025, 9, 30) and c9088.details["action"] == "D"
    assert c9088.details["action_date"] == "2025-10-01"
    assert get(session, CodeSystem.HCPCS, "C9301").effective_from == dt.date(2025, 4, 1)  # ADD DT a number
    assert get(session, CodeSystem.HCPCS, "E0716").effective_to is None  # empty TERM DT cell

    # a RECID 7 row is a Level II modifier (the sheet pads the code with spaces)
    rt = get(session, CodeSystem.MODIFIER, "RT")
    assert rt.description == "Right side (used to identify procedures performed on the right side of the body)"
    assert rt.details["type"] == "HCPCS" and rt.effective_from == dt.date(1984, 1, 1)

    release = session.execute(select(CodeSetRelease).where(CodeSetRelease.name == RELEASE)).scalar_one()
    assert (release.kind, release.row_count) == ("hcpcs", 8846)


def test_reimport_replaces_rather_than_duplicates(session, tmp_path, real_rows):
    path = small_file(tmp_path, real_rows)
    assert load_hcpcs_file(session, path) == 8
    before = snapshot(session)
    assert load_hcpcs_file(session, path) == 8
    assert snapshot(session) == before
    # the same release with fewer rows: the dropped code disappears
    write_xlsx(path, [real_rows[0]] + pick(real_rows, "J1100", "RT"))
    assert load_hcpcs_file(session, path) == 2
    assert sorted(session.execute(select(Code.code)).scalars()) == ["J1100", "RT"]


def test_a_newer_release_supersedes_the_same_code_and_period(session, tmp_path, real_rows):
    load_hcpcs_file(session, small_file(tmp_path, real_rows, name="HCPC2025_JUL_ANWEB.xlsx"))
    load_hcpcs_file(session, small_file(tmp_path, real_rows, name="HCPC2025_OCT_ANWEB.xlsx"))
    rows = session.execute(select(Code.code, Code.release).where(Code.code == "J1100")).all()
    assert rows == [("J1100", RELEASE)]


def test_official_file_replaces_the_starter(session, tmp_path, real_rows):
    assert load_hcpcs_starter(session) > 100
    assert load_modifier_starter(session) > 50
    assert session.execute(select(func.count()).where(Code.system == CodeSystem.HCPCS)).scalar_one() > 100
    load_hcpcs_file(session, small_file(tmp_path, real_rows))
    hcpcs = session.execute(select(Code.code, Code.release).where(Code.system == CodeSystem.HCPCS)).all()
    assert sorted(c for c, _ in hcpcs) == ["A0425", "C9088", "E0114", "J1030", "J1100"]
    assert {r for _, r in hcpcs} == {RELEASE}
    mods = dict(session.execute(select(Code.code, Code.release).where(Code.system == CodeSystem.MODIFIER)).all())
    assert mods["RT"] == mods["P1"] == RELEASE  # official text replaces the starter's (P1 is typed CPT there)
    assert "XS" not in mods  # a Level II starter modifier the file does not list is gone too
    assert mods["25"] == "starter"  # CPT modifiers are not in the HCPCS file and stay
    assert session.execute(select(CodeSetRelease).where(CodeSetRelease.name == STARTER_NAME)).first() is None
    assert load_hcpcs_starter(session) == 0  # setup run again does not bring the starter back


def test_tab_separated_text_form_is_accepted(session, tmp_path, real_rows):
    header = real_rows[0]
    lines = ["\t".join("" if v is None else str(v) for v in row) for row in [header] + pick(real_rows, "J1100", "LT")]
    path = tmp_path / "HCPC2025_OCT_ANWEB.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert load_hcpcs_file(session, path) == 2
    assert get(session, CodeSystem.MODIFIER, "LT").details["type"] == "HCPCS"


def test_continuation_rows_are_joined(session, tmp_path, real_rows):
    header = real_rows[0]
    first = pick(real_rows, "J1100")[0]
    more = list(first)
    more[1], more[2], more[3] = "0020", "4", "second part of the text"
    write_xlsx(tmp_path / "c.xlsx", [header, first, more])
    load_hcpcs_file(session, tmp_path / "c.xlsx")
    assert get(session, CodeSystem.HCPCS, "J1100").description == (
        "Injection, dexamethasone sodium phosphate, 1 mg second part of the text")


def _bad(real_rows, column, value):
    row = pick(real_rows, "J1885")[0]  # a real row that is not in small_file
    row[real_rows[0].index(column)] = value
    return row


@pytest.mark.parametrize("column, value, message", [
    ("HCPC", "J188", "bad HCPCS code 'J188'"),
    ("HCPC", "W1234", "bad HCPCS code 'W1234'"),
    ("RECID", "5", "unknown RECID '5'"),
    ("ADD DT", "20241345", "ADD DT '20241345' is not a date"),
    ("TERM DT", "2024-02-30", "TERM DT '2024-02-30' is not a date"),
    ("TERM DT", "19700101", "TERM DT 1970-01-01 is before its start"),
    ("LONG DESCRIPTION", None, None),  # the short description alone is enough: no error
])
def test_bad_row_names_its_spreadsheet_row_and_changes_nothing(session, tmp_path, real_rows, column, value, message):
    load_hcpcs_file(session, small_file(tmp_path, real_rows, name="HCPC2025_JUL_ANWEB.xlsx"))
    before = snapshot(session)
    path = small_file(tmp_path, real_rows, extra=[_bad(real_rows, column, value)])
    if message is None:
        load_hcpcs_file(session, path)
        assert get(session, CodeSystem.HCPCS, "J1885").description == "Ketorolac tromethamine inj"
        return
    with pytest.raises(ImportFormatError) as err:
        load_hcpcs_file(session, path)
    assert message in str(err.value)
    assert "line 10:" in str(err.value) and err.value.line == 10  # header row 1 + 8 good rows + the bad one
    assert snapshot(session) == before


def test_bad_modifier_and_duplicate_code(session, tmp_path, real_rows):
    rt = pick(real_rows, "RT")[0]
    rt[0] = "RTX"
    with pytest.raises(ImportFormatError, match="line 10: bad modifier 'RTX'"):
        load_hcpcs_file(session, small_file(tmp_path, real_rows, extra=[rt]))
    with pytest.raises(ImportFormatError, match=r"line 10: J1100 appears twice as RECID 3 \(rows 9 and 10\)"):
        load_hcpcs_file(session, small_file(tmp_path, real_rows, extra=pick(real_rows, "J1100")))
    assert session.execute(select(func.count()).select_from(Code)).scalar_one() == 0


def test_missing_columns_are_named(session, tmp_path, real_rows):
    header = list(real_rows[0])
    header[header.index("TERM DT")] = "END DATE"
    header[header.index("RECID")] = "REC"
    path = write_xlsx(tmp_path / "h.xlsx", [header] + pick(real_rows, "J1100"))
    with pytest.raises(ImportFormatError, match="lacks the column.*RECID, TERM DT"):
        load_hcpcs_file(session, path)


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (bytes(range(256)) * 40, "binary"),
    (b"PK\x03\x04" + bytes(200), "not a readable .xlsx"),
    (b"just some text\nwithout the columns\n", "lacks the column"),
])
def test_unreadable_files_leave_the_tables_alone(session, tmp_path, real_rows, content, message):
    load_hcpcs_file(session, small_file(tmp_path, real_rows, name="HCPC2025_JUL_ANWEB.xlsx"))
    before = snapshot(session)
    path = tmp_path / "HCPC2025_OCT_ANWEB.xlsx"
    path.write_bytes(content)
    with pytest.raises(ImportFormatError, match=message):
        load_hcpcs_file(session, path)
    assert snapshot(session) == before


def test_starter_is_copied_from_the_cms_file_and_idempotent(session, real_rows):
    official = {str(r[0]).strip(): r for r in real_rows[1:]}
    header = real_rows[0]
    written = load_hcpcs_starter(session)
    assert 140 <= written <= 200
    for row in session.execute(select(Code).where(Code.system == CodeSystem.HCPCS)).scalars():
        source = official[row.code]
        assert row.description == source[header.index("LONG DESCRIPTION")]
        assert row.short_description == source[header.index("SHORT DESCRIPTION")]
        assert row.effective_from.strftime("%Y%m%d") == source[header.index("ADD DT")]
        assert row.release == "starter"
    for code in ("J1100", "E0114", "G0438", "A0427", "L1810", "K0001", "V2020", "Q4081"):
        assert get(session, CodeSystem.HCPCS, code)
    assert get(session, CodeSystem.HCPCS, "J1030").effective_to == dt.date(2024, 3, 31)
    before = snapshot(session)
    assert load_hcpcs_starter(session) == 0
    assert snapshot(session) == before


def test_modifier_starter_after_the_official_file_adds_only_cpt_modifiers(session, tmp_path, real_rows):
    load_hcpcs_file(session, small_file(tmp_path, real_rows))
    load_modifier_starter(session)
    rows = session.execute(select(Code.code, Code.release, Code.details).where(
        Code.system == CodeSystem.MODIFIER)).all()
    starter = {code: details["type"] for code, release, details in rows if release == "starter"}
    assert starter and set(starter.values()) == {"CPT"}
    assert "P1" not in starter and "25" in starter  # P1 came with the CMS file
    assert sorted(code for code, release, _ in rows if release != "starter") == ["LT", "P1", "RT"]
