"""NCCI PTP and MUE importers: slices of the real files, the CMS layouts, and broken files."""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import zipfile

import pytest
from sqlalchemy import func, select

import code_sets.ncci as ncci
from code_sets.base import ImportFormatError
from code_sets.ncci import (MUE_STARTER_FILE, MUE_STARTER_NAME, PTP_STARTER_FILE, PTP_STARTER_NAME, load_mue_file,
                            load_mue_starter, load_ptp_file, load_ptp_starter)
from trainer.codes.tables import CodeSetRelease, MueEdit, NcciPtpEdit

ACTIVE = "ncci/ncci_ptp_practitioner_2024q3_active.csv.gz"
ALL = "ncci/ncci_ptp_practitioner_2024q3_all.csv.gz"
MUE = "ncci/ncci_mue_practitioner_2024-07-01.csv"
#: real rows of the active file that the slice below keeps
KNOWN_PAIRS = {("29881", "29877"): "0", ("45380", "45378"): "0", ("11042", "97597"): "1", ("93000", "93005"): "1"}


def real_lines(path, wanted_first=3000, pairs=()):
    """The header, the first lines and the lines of the given pairs, from a real gzip CSV."""
    keep = []
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        for number, line in enumerate(fh):
            if number <= wanted_first or tuple(line.split(",")[:2]) in pairs:
                keep.append(line)
    return keep


@pytest.fixture(scope="module")
def active_slice(shared_data):
    return real_lines(shared_data / ACTIVE, 3000, set(KNOWN_PAIRS))


@pytest.fixture(scope="module")
def all_slice(shared_data):
    return real_lines(shared_data / ALL, 2000, {("29881", "29877")})


def write(path, lines, compress=False):
    data = "".join(lines).encode("utf-8")
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def snapshot(session):
    ptp = session.execute(select(NcciPtpEdit.release, func.count()).group_by(NcciPtpEdit.release)
                          .order_by(NcciPtpEdit.release)).all()
    mue = session.execute(select(MueEdit.release, func.count()).group_by(MueEdit.release)
                          .order_by(MueEdit.release)).all()
    releases = session.execute(select(CodeSetRelease.name, CodeSetRelease.row_count, CodeSetRelease.checksum)
                               .order_by(CodeSetRelease.name)).all()
    return ptp, mue, releases


def edits(session, col1, col2):
    return session.execute(select(NcciPtpEdit).where(NcciPtpEdit.column1 == col1, NcciPtpEdit.column2 == col2)
                           .order_by(NcciPtpEdit.deleted_on)).scalars().all()


# ---------------------------------------------------------------- PTP: real data


def test_loads_a_slice_of_the_active_file(session, tmp_path, active_slice):
    path = write(tmp_path / "ptp_active.csv.gz", active_slice, compress=True)
    rows = len(active_slice) - 1
    assert load_ptp_file(session, path) == rows
    assert session.execute(select(func.count()).select_from(NcciPtpEdit)).scalar_one() == rows
    first = edits(session, "0001U", "0029U")[0]
    assert (first.modifier_indicator, first.rationale) == ("1", "Misuse of Column Two code with Column One code")
    assert first.effective_from is None and first.deleted_on is None  # this file gives neither
    assert first.release == "NCCI PTP (ptp_active.csv.gz)"
    for (col1, col2), indicator in KNOWN_PAIRS.items():
        assert [e.modifier_indicator for e in edits(session, col1, col2)] == [indicator]
    release = session.execute(select(CodeSetRelease).where(CodeSetRelease.name == first.release)).scalar_one()
    assert (release.kind, release.row_count) == ("ncci-ptp", rows)


def test_plain_and_gzip_give_the_same_rows(session, tmp_path, active_slice):
    n = load_ptp_file(session, write(tmp_path / "a.csv", active_slice), release="plain")
    m = load_ptp_file(session, write(tmp_path / "a.csv.gz", active_slice, compress=True), release="packed")
    assert n == m
    plain = session.execute(select(NcciPtpEdit.column1, NcciPtpEdit.column2, NcciPtpEdit.modifier_indicator)
                            .where(NcciPtpEdit.release == "plain").order_by(NcciPtpEdit.id)).all()
    packed = session.execute(select(NcciPtpEdit.column1, NcciPtpEdit.column2, NcciPtpEdit.modifier_indicator)
                             .where(NcciPtpEdit.release == "packed").order_by(NcciPtpEdit.id)).all()
    assert plain == packed


def test_all_file_keeps_deletion_dates_and_repeated_pairs(session, tmp_path, all_slice):
    load_ptp_file(session, write(tmp_path / "ptp_all.csv.gz", all_slice, compress=True))
    first = edits(session, "0001A", "0591T")[0]
    assert first.deleted_on == dt.date(2023, 12, 31) and first.modifier_indicator == "1"
    rows = edits(session, "29881", "29877")  # one active row, one deleted in 2002 with indicator 9
    assert sorted((str(r.deleted_on), r.modifier_indicator) for r in rows) == [("2002-01-01", "9"), ("None", "0")]


def cms_text(rows):
    """Real rows of the 'all' file written in the CMS tab-delimited layout (title and wrapped header).

    The packaged file lost the effective date, so this test file uses 2020-01-01 for every row.
    """
    out = ["CPT only copyright 2024 American Medical Association.  All rights reserved.\t\t\t\t\t\t\n",
           "Column1/Column2 Edits\t\t\t\t\t\t\n",
           "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale\n",
           "\t\tprior to 1996\tDate\tDate\t0=not allowed\t\n",
           "\t\t\t\t*=no data\t1=allowed\t\n",
           "\t\t\t\t\t9=not applicable\t\n"]
    for col1, col2, deleted, indicator, rationale in rows:
        deletion = deleted.replace("-", "") if deleted else "*"
        out.append(f"{col1}\t{col2}\t\t20200101\t{deletion}\t{indicator}\t{rationale}\n")
    return out


def test_cms_tab_delimited_layout(session, tmp_path, all_slice):
    rows = list(csv.reader(all_slice[1:]))
    lines = cms_text(rows)
    path = write(tmp_path / "ccipra-v303r0-f1.txt", lines)
    assert load_ptp_file(session, path) == len(rows)
    first = edits(session, "0001A", "0591T")[0]
    assert (first.effective_from, first.deleted_on, first.modifier_indicator) == (
        dt.date(2020, 1, 1), dt.date(2023, 12, 31), "1")
    assert {r.deleted_on for r in edits(session, "29881", "29877")} == {None, dt.date(2002, 1, 1)}
    # the same file inside a zip, as CMS distributes it
    archive = tmp_path / "ccipra-v303r0-f1.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("ccipra-v303r0-f1.TXT", "".join(lines))
    assert load_ptp_file(session, archive) == len(rows)


def test_reimport_replaces_its_release_and_the_starter(session, tmp_path, active_slice):
    assert load_ptp_starter(session) > 1000
    path = write(tmp_path / "ptp.csv.gz", active_slice, compress=True)
    load_ptp_file(session, path)
    before = snapshot(session)
    assert [r for r, _ in before[0]] == ["NCCI PTP (ptp.csv.gz)"]  # starter rows gone
    assert session.execute(select(CodeSetRelease).where(CodeSetRelease.name == PTP_STARTER_NAME)).first() is None
    load_ptp_file(session, path)
    assert snapshot(session)[:2] == before[:2]
    assert load_ptp_starter(session) == 0


def test_progress_is_reported_every_batch(session, tmp_path, active_slice, monkeypatch):
    monkeypatch.setattr(ncci, "BATCH", 1000)
    calls = []
    load_ptp_file(session, write(tmp_path / "p.csv", active_slice), progress=lambda *a: calls.append(a))
    rows = len(active_slice) - 1
    assert [done for _, done, _ in calls] == [1000, 2000, 3000, rows]
    assert calls[-1][2] == rows and all(total >= done for _, done, total in calls)


# ---------------------------------------------------------------- PTP: broken files


def broken(lines, index, new_line):
    lines = list(lines)
    lines[index] = new_line
    return lines


@pytest.mark.parametrize("change, line, message", [
    (lambda s: broken(s, 1500, "0001U,0029U,2,Misuse of Column Two code with Column One code\n"), 1501,
     "modifier indicator '2' must be 0, 1 or 9"),
    (lambda s: broken(s, 2999, "0001,0029U,1,Too short\n"), 3000, "column 1 '0001' is not a 5-character"),
    (lambda s: broken(s, 10, "0001U,0029U,1\n"), 11, "expected 4 columns, found 3"),
    (lambda s: s[:100] + ["\x00\x01\x02\x03 garbage\n"] + s[100:], 101, "binary data"),
])
def test_bad_row_anywhere_names_its_line_and_writes_nothing(session, tmp_path, active_slice, change, line, message):
    load_ptp_file(session, write(tmp_path / "first.csv", active_slice[:500]))
    before = snapshot(session)
    path = write(tmp_path / "second.csv.gz", change(active_slice), compress=True)
    with pytest.raises(ImportFormatError) as err:
        load_ptp_file(session, path)
    assert message in str(err.value)
    assert err.value.line == line and f"line {line}:" in str(err.value)
    assert snapshot(session) == before


def test_bad_deletion_date_in_the_all_file(session, tmp_path, all_slice):
    lines = broken(all_slice, 700, "0001A,0591T,2023-02-30,1,x\n")
    with pytest.raises(ImportFormatError, match="line 701: deletion date '2023-02-30' is not a date"):
        load_ptp_file(session, write(tmp_path / "a.csv", lines))
    rows = list(csv.reader(all_slice[1:50]))
    lines = cms_text(rows)
    lines[20] = lines[20].replace("\t20200101\t", "\t2020-01-01\t")
    with pytest.raises(ImportFormatError, match="line 21: effective date '2020-01-01' is not YYYYMMDD"):
        load_ptp_file(session, write(tmp_path / "b.txt", lines))
    assert session.execute(select(func.count()).select_from(NcciPtpEdit)).scalar_one() == 0


def test_truncated_gzip_writes_nothing(session, tmp_path, active_slice):
    load_ptp_file(session, write(tmp_path / "first.csv", active_slice[:200]))
    before = snapshot(session)
    packed = gzip.compress("".join([active_slice[0]] + active_slice[1:] * 3).encode())
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(packed[: len(packed) * 2 // 3])
    with pytest.raises(ImportFormatError, match=r"line \d+: the compressed data is truncated or corrupt"):
        load_ptp_file(session, path)
    assert snapshot(session) == before


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (gzip.compress(b""), "empty"),
    (b"code_a,code_b,indicator\n99213,36415,1\n", "not an NCCI PTP file"),
    (b"column1,column2,rationale\n99213,36415,x\n", "the CSV header lacks modifier_indicator"),
    (bytes(range(1, 256)) * 30, "not UTF-8"),
])
def test_unusable_files(session, tmp_path, content, message):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFormatError, match=message):
        load_ptp_file(session, path)
    assert session.execute(select(func.count()).select_from(NcciPtpEdit)).scalar_one() == 0


# ---------------------------------------------------------------- MUE


def test_loads_the_real_mue_file(session, shared_data):
    assert load_mue_file(session, shared_data / MUE) == 14677
    rows = {r.code: r for r in session.execute(select(MueEdit)).scalars()}
    assert (rows["J1100"].max_units, rows["J1100"].mai, rows["J1100"].rationale) == (120, "3", "Clinical: Data")
    assert (rows["0001U"].max_units, rows["0001U"].mai) == (1, "2")
    assert rows["E0114"].max_units == 0 and rows["J3301"].rationale == "Prescribing Information"
    assert rows["99213"].service == "Practitioner" and rows["99213"].effective_from is None
    assert rows["99213"].release == "MUE (ncci_mue_practitioner_2024-07-01.csv)"


def cms_mue(rows):
    """Real MUE rows written in the CMS CSV shape: a multi-line copyright cell, then the header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["CPT codes, descriptions and other data only are copyright 2024 American Medical "
                     "Association.\nAll Rights Reserved.", "", "", ""])
    writer.writerow(["HCPCS/\nCPT Code", "Practitioner Services MUE Values", "MUE Adjudication Indicator",
                     "MUE Rationale"])
    text = {"1": "1 Line Edit", "2": "2 Date of Service Edit: Policy", "3": "3 Date of Service Edit: Clinical"}
    for code, units, mai, rationale, _ in rows:
        writer.writerow([code, units, text[mai], rationale])
    return out.getvalue()


def test_cms_mue_shape(session, tmp_path, shared_data):
    with open(shared_data / MUE, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))[1:]
    path = tmp_path / "MCR_MUE_PractitionerServices_Eff_07-01-2024.csv"
    path.write_text(cms_mue(rows), encoding="utf-8", newline="")
    assert load_mue_file(session, path, effective_from=dt.date(2024, 7, 1)) == 14677
    j1100 = session.execute(select(MueEdit).where(MueEdit.code == "J1100")).scalar_one()
    assert (j1100.max_units, j1100.mai, j1100.service, j1100.effective_from) == (
        120, "3", "Practitioner", dt.date(2024, 7, 1))
    assert {m for (m,) in session.execute(select(MueEdit.mai).distinct())} == {"1", "2", "3"}


@pytest.mark.parametrize("bad, message", [
    ("99213,2,4,Clinical: Data,Practitioner\n", "indicator '4' for 99213 must be 1, 2 or 3"),
    ("99213,-1,3,Clinical: Data,Practitioner\n", "MUE value '-1' for 99213 is not a whole number"),
    ("99213,two,3,Clinical: Data,Practitioner\n", "MUE value 'two'"),
    ("9921,2,3,Clinical: Data,Practitioner\n", "'9921' is not a 5-character"),
    ("0001U,1,2,Code Descriptor / CPT Instruction,Practitioner\n", "0001U is listed twice (lines 2 and 6)"),
    ("99213,2\n", "expected at least 5 columns, found 2"),
])
def test_bad_mue_rows_change_nothing(session, tmp_path, shared_data, bad, message):
    load_mue_starter(session)
    before = snapshot(session)
    lines = (shared_data / MUE).read_text(encoding="utf-8").splitlines(True)[:5] + [bad]
    path = tmp_path / "mue.csv"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ImportFormatError) as err:
        load_mue_file(session, path)
    assert message in str(err.value) and "line 6:" in str(err.value)
    assert snapshot(session) == before


def test_mue_header_is_required(session, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("code,units\n99213,2\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="line 1: the MUE header lacks the MUE value and MUE adjudication"):
        load_mue_file(session, path)
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="not an MUE file"):
        load_mue_file(session, path)


def test_mue_reimport_replaces_and_drops_the_starter(session, shared_data):
    load_mue_starter(session)
    load_mue_file(session, shared_data / MUE)
    load_mue_file(session, shared_data / MUE)
    assert snapshot(session)[1] == [("MUE (ncci_mue_practitioner_2024-07-01.csv)", 14677)]
    assert session.execute(select(CodeSetRelease).where(CodeSetRelease.name == MUE_STARTER_NAME)).first() is None
    assert load_mue_starter(session) == 0


# ---------------------------------------------------------------- starters: copied, never invented


def starter_codes():
    from code_sets.build_starter import HCPCS_CODES, read_tsv_codes
    from code_sets.cpt import STARTER_FILE as CPT_FILE

    return set(read_tsv_codes(CPT_FILE)) | set(HCPCS_CODES)


def csv_rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return [r for r in csv.reader(line for line in fh if not line.startswith("#"))]


def test_ptp_starter_rows_are_real_rows_between_starter_codes(shared_data):
    header, *rows = csv_rows(PTP_STARTER_FILE)
    with gzip.open(shared_data / ACTIVE, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        assert next(reader) == header
        official = {tuple(r) for r in reader}
    assert len(rows) > 1000
    assert [r for r in rows if tuple(r) not in official] == []
    codes = starter_codes()
    assert all(r[0] in codes and r[1] in codes for r in rows)
    # and every official pair between starter codes is there
    assert len([r for r in official if r[0] in codes and r[1] in codes]) == len(rows)


def test_mue_starter_rows_are_real_rows_for_starter_codes(shared_data):
    header, *rows = csv_rows(MUE_STARTER_FILE)
    official_header, *official = csv_rows(shared_data / MUE)
    assert header == official_header
    official = {tuple(r) for r in official}
    assert [r for r in rows if tuple(r) not in official] == []
    assert {r[0] for r in rows} <= starter_codes() and len(rows) > 300


def test_ncci_starters_are_idempotent(session):
    ptp = load_ptp_starter(session)
    mue = load_mue_starter(session)
    assert ptp == len(csv_rows(PTP_STARTER_FILE)) - 1 and mue == len(csv_rows(MUE_STARTER_FILE)) - 1
    assert [e.modifier_indicator for e in edits(session, "29881", "29877")] == ["0"]
    before = snapshot(session)
    assert load_ptp_starter(session) == 0 and load_mue_starter(session) == 0
    assert snapshot(session) == before


def test_title_lines_above_a_csv_header_are_skipped(session, tmp_path, active_slice):
    lines = ["Medicare NCCI PTP edits, practitioner\n", "\n"] + active_slice[:20] + ["0001U,0029U,7,x\n"]
    with pytest.raises(ImportFormatError, match="line 23: modifier indicator '7'"):
        load_ptp_file(session, write(tmp_path / "t.csv", lines))
    assert load_ptp_file(session, write(tmp_path / "t.csv", lines[:-1])) == 19
