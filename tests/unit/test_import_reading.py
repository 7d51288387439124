"""The line reader every text importer uses: wrapping, encodings and unreadable files."""
from __future__ import annotations

import gzip
import zipfile

import pytest

from code_sets.base import ImportFormatError
from code_sets.common import LineReader, iter_csv, release_name


def read_all(path, **kw):
    return list(LineReader(path, **kw))


def test_plain_gzip_and_zip_give_the_same_lines(tmp_path):
    text = "a,b\r\n1,2\n3,4\n"
    plain = tmp_path / "x.csv"
    plain.write_text(text, newline="")
    packed = tmp_path / "x.csv.gz"
    packed.write_bytes(gzip.compress(text.encode()))
    archive = tmp_path / "x.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("readme.pdf", b"%PDF")
        zf.writestr("x.csv", text)
    assert read_all(plain) == read_all(packed) == read_all(archive) == ["a,b\r\n", "1,2\n", "3,4\n"]


def test_gzip_is_detected_by_content_not_name(tmp_path):
    path = tmp_path / "edits.csv"  # no .gz suffix
    path.write_bytes(gzip.compress(b"x\ny\n"))
    assert read_all(path) == ["x\n", "y\n"]


def test_byte_order_mark_is_dropped(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffcode,name\n".encode("utf-8"))
    assert read_all(path) == ["code,name\n"]


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(ImportFormatError, match="empty"):
        read_all(path)
    gz = tmp_path / "empty.csv.gz"
    gz.write_bytes(gzip.compress(b""))
    with pytest.raises(ImportFormatError, match="empty"):
        read_all(gz)


def test_binary_data_names_the_line(tmp_path):
    path = tmp_path / "bin.csv"
    path.write_bytes(b"ok line\nsecond\nthird \x00\x01\x02 garbage\n")
    with pytest.raises(ImportFormatError, match="line 3: binary") as err:
        read_all(path)
    assert err.value.line == 3


def test_not_utf8_names_the_line_unless_a_fallback_is_allowed(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("first\ncaf\u00e9\n".encode("latin-1"))
    with pytest.raises(ImportFormatError, match="line 2: not UTF-8"):
        read_all(path)
    assert read_all(path, fallback_encoding="cp1252") == ["first\n", "caf\u00e9\n"]


def test_truncated_gzip_reports_where_the_data_stops(tmp_path):
    body = "".join(f"{i:05d},{i + 1:05d},1,Rationale text\n" for i in range(20000)).encode()
    packed = gzip.compress(body)
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(packed[: len(packed) // 2])
    reader = LineReader(path)
    with pytest.raises(ImportFormatError, match="truncated or corrupt") as err:
        list(reader)
    assert err.value.line == reader.line_no + 1
    assert 0 < reader.line_no < 20000


def test_zip_with_several_text_files_is_refused(tmp_path):
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.txt", "a\n")
        zf.writestr("b.txt", "b\n")
    with pytest.raises(ImportFormatError, match="exactly one"):
        read_all(archive)


def test_iter_csv_reports_the_first_line_of_each_record(tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text('# comment\n# another\nh1,h2\n"two\nlines",x\n\nlast,y\n', newline="")
    assert list(iter_csv(LineReader(path))) == [(3, ["h1", "h2"]), (4, ["two\nlines", "x"]), (7, ["last", "y"])]


def test_release_name_fits_the_column():
    assert release_name("CPT", "/data/cpt_2025.tsv") == "CPT (cpt_2025.tsv)"
    long = release_name("NCCI PTP", "x" * 200 + ".csv")
    assert len(long) <= 80 and long.startswith("NCCI PTP (xxx")
