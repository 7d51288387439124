"""CPT: the licensed-file importer (code<TAB>descriptor) and the project-written starter set."""
from __future__ import annotations

import csv
import datetime as dt

import pytest
from sqlalchemy import func, select

from code_sets.base import ImportFormatError
from code_sets.cpt import STARTER_FILE, STARTER_NAME, load_cpt_file, load_cpt_starter
from trainer.codes.tables import Code, CodeSetRelease, CodeSystem

# Test descriptors are made up: real CPT descriptors are AMA text.
GOOD = "Code\tDescriptor\n99213\tTest descriptor for an office visit\n0001U\tTest lab descriptor\n0521F\tCat II test\n"


def write(tmp_path, text, name="cpt_2025.tsv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def snapshot(session):
    codes = session.execute(select(Code.code, Code.release, Code.description).order_by(Code.code, Code.release)).all()
    releases = session.execute(select(CodeSetRelease.name, CodeSetRelease.row_count)
                               .order_by(CodeSetRelease.name)).all()
    return codes, releases


def cpt_rows(session):
    return {r.code: r for r in session.execute(select(Code).where(Code.system == CodeSystem.CPT)).scalars()}


def test_loads_a_licensed_file(session, tmp_path):
    assert load_cpt_file(session, write(tmp_path, GOOD)) == 3
    rows = cpt_rows(session)
    assert set(rows) == {"99213", "0001U", "0521F"}
    visit = rows["99213"]
    assert visit.description == "Test descriptor for an office visit"
    assert (visit.effective_from, visit.effective_to, visit.billable) == (dt.date(1900, 1, 1), None, True)
    assert visit.release == "CPT (cpt_2025.tsv)"
    release = session.execute(select(CodeSetRelease).where(CodeSetRelease.name == "CPT (cpt_2025.tsv)")).scalar_one()
    assert (release.kind, release.row_count) == ("cpt", 3)


def test_no_header_extra_columns_crlf_and_an_effective_date(session, tmp_path):
    text = "99213\tVisit\tmedium text\tshort\r\n0001U\tLab\r\n"
    assert load_cpt_file(session, write(tmp_path, text), effective_from=dt.date(2025, 1, 1)) == 2
    rows = cpt_rows(session)
    assert rows["99213"].description == "Visit" and rows["0001U"].effective_from == dt.date(2025, 1, 1)


def test_reimport_replaces_rather_than_duplicates(session, tmp_path):
    path = write(tmp_path, GOOD)
    load_cpt_file(session, path)
    before = snapshot(session)
    load_cpt_file(session, path)
    assert snapshot(session) == before
    write(tmp_path, "99213\tChanged text\n")
    assert load_cpt_file(session, path) == 1
    assert [(c, d) for c, _, d in snapshot(session)[0]] == [("99213", "Changed text")]


def test_licensed_file_replaces_the_starter(session, tmp_path):
    assert load_cpt_starter(session) > 0
    load_cpt_file(session, write(tmp_path, GOOD))
    assert set(cpt_rows(session)) == {"99213", "0001U", "0521F"}
    assert session.execute(select(CodeSetRelease).where(CodeSetRelease.name == STARTER_NAME)).first() is None
    assert load_cpt_starter(session) == 0  # setup again does not bring the starter back


@pytest.mark.parametrize("text, line, message", [
    (GOOD + "99214\t   \n", 5, "99214 has an empty descriptor"),
    (GOOD + "9921\tToo short\n", 5, "bad CPT code '9921'"),
    (GOOD + "99213X\tLetters\n", 5, "bad CPT code '99213X'"),
    (GOOD + "0001X\tWrong category letter\n", 5, "bad CPT code '0001X'"),
    (GOOD + "99213\tAgain\n", 5, "99213 is listed twice (lines 2 and 5)"),
    (GOOD + "99215 only one column\n", 5, "expected 2 tab-separated columns"),
    ("Code\n99213\tx\n", 1, "the header must have two tab-separated columns"),
    (GOOD.encode() + "99215\tCaf\u00e9 latin-1\n".encode("latin-1"), 5, "not UTF-8"),
    (GOOD.encode() + b"\x00\x00\x01\x02\xff\n", 5, "binary data"),
])
def test_bad_lines_are_named_and_change_nothing(session, tmp_path, text, line, message):
    load_cpt_file(session, write(tmp_path, GOOD, name="first.tsv"))
    before = snapshot(session)
    with pytest.raises(ImportFormatError) as err:
        load_cpt_file(session, write(tmp_path, text))
    assert message in str(err.value)
    assert err.value.line == line and f"line {line}:" in str(err.value)
    assert snapshot(session) == before


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"\n\n# just a comment\n", "no CPT codes"),
    (bytes(range(256)) * 10, "binary data"),
])
def test_empty_and_garbage_files(session, tmp_path, content, message):
    with pytest.raises(ImportFormatError, match=message):
        load_cpt_file(session, write(tmp_path, content))
    assert session.execute(select(func.count()).select_from(Code)).scalar_one() == 0


# ---------------------------------------------------------------- the starter set


def starter_lines():
    with open(STARTER_FILE, encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    comments = [line for line in lines if line.startswith("#")]
    rows = list(csv.reader([line for line in lines if not line.startswith("#")], delimiter="\t"))
    return comments, rows[0], rows[1:]


def test_starter_header_says_the_descriptions_are_ours():
    comments, header, rows = starter_lines()
    assert any("plain-language summaries written for this project, not AMA CPT descriptors" in c for c in comments)
    assert header == ["code", "description", "section"]
    assert 180 <= len(rows) <= 600


def test_every_starter_code_is_in_the_cms_fee_schedule_file(shared_data):
    with open(shared_data / "mpfs" / "pprrvu_2024_jul_rvu24c.csv", newline="", encoding="utf-8") as fh:
        official = {row["hcpcs"] for row in csv.DictReader(fh)}
    _, _, rows = starter_lines()
    missing = [code for code, _, _ in rows if code not in official]
    assert missing == []


def test_starter_covers_the_course_essentials():
    _, _, rows = starter_lines()
    codes = {r[0] for r in rows}
    essentials = ("99202 99203 99204 99205 99211 99212 99213 99214 99215 99221 99223 99231 99233 99238 99239 "
                  "99281 99285 99242 99245 99291 99292 99417 00142 01967 10060 10061 11042 11047 11102 11107 "
                  "12001 12007 12031 12037 13100 17311 19081 25600 27786 29880 29881 29827 20610 20611 20550 "
                  "31231 31622 32555 33208 36415 36556 36561 43235 43239 45378 45380 45385 47562 47563 49505 "
                  "44970 51702 52000 55250 57454 58558 58661 59400 59409 59510 59025 60240 62321 62323 64483 "
                  "64721 66984 67028 69210 69436 70450 71046 72148 73030 73721 74177 76700 76805 76815 77067 "
                  "78452 80048 80053 80061 81001 81003 82947 83036 84443 85025 85610 87086 87804 87880 88305 "
                  "88307 88342 90471 90472 90473 90474 90686 90715 90732 90791 90834 90837 92014 92557 93000 "
                  "93005 93010 93306 93880 94010 94640 94760 95810 96365 96366 96372 96374 96375 97110 97140 "
                  "97161 97530 99406").split()
    assert [c for c in essentials if c not in codes] == []
    for code, description, section in rows:
        assert description and section, code
        assert len(description) <= 120, code


def test_starter_loads_and_is_idempotent(session):
    _, _, rows = starter_lines()
    assert load_cpt_starter(session) == len(rows)
    loaded = cpt_rows(session)
    assert len(loaded) == len(rows)
    office = loaded["99213"]
    assert office.release == "starter" and office.effective_from == dt.date(1900, 1, 1) and office.billable
    assert office.details == {"section": "Evaluation and Management"}
    before = snapshot(session)
    assert load_cpt_starter(session) == 0
    assert snapshot(session) == before
