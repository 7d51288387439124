"""Uploads and downloads of authored files, shared by the exercise and question editors (no Flask).

One YAML file, or a zip of them; the limits below apply to both editors. A file that cannot even be
read (too large) is returned with its reason, so the importer can list it with the others and
import nothing.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # one upload, zipped or not
MAX_FILE_BYTES = 256 * 1024  # one file
MAX_FILES = 200  # files in one zip
YAML_SUFFIXES = (".yaml", ".yml")


class UploadError(ValueError):
    """The upload as a whole cannot be read (not a zip or YAML, too large, too many files)."""


@dataclass
class Upload:
    name: str  # as shown in the error list
    stem: str  # the file name without its suffix
    folder: str  # the folder it was in inside a zip ("" for none)
    raw: bytes
    error: str = ""  # a reason this file cannot even be read
    area: str = ""  # exercises: the practice area it goes to


def read_upload(filename: str, raw: bytes, what: str, max_files: int = MAX_FILES) -> list[Upload]:
    """The YAML files of one upload: a ``.yaml`` file or a ``.zip`` of them (``what`` names the
    kind of file in the messages, e.g. "exercise")."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise UploadError(f"the upload is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    name = PurePosixPath(filename or "upload")
    if name.suffix.lower() in YAML_SUFFIXES:
        return [Upload(name.name, name.stem, "", raw)]
    if name.suffix.lower() != ".zip":
        raise UploadError(f"upload one {what} file (.yaml) or a zip of them (.zip)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = [m for m in archive.infolist() if not m.is_dir()
                   and not any(part.startswith((".", "__MACOSX")) for part in PurePosixPath(m.filename).parts)]
    except (zipfile.BadZipFile, ValueError) as err:
        raise UploadError(f"not a readable zip file ({err})") from None
    files = [m for m in members if PurePosixPath(m.filename).suffix.lower() in YAML_SUFFIXES]
    if not files:
        raise UploadError("the zip holds no .yaml files")
    if len(files) > max_files:
        raise UploadError(f"the zip holds {len(files)} files; at most {max_files} at a time")
    if sum(m.file_size for m in files) > MAX_UPLOAD_BYTES * 4:
        raise UploadError("the zip expands to too much data")
    out = []
    for m in files:
        path = PurePosixPath(m.filename)
        folder = path.parts[-2] if len(path.parts) > 1 else ""
        if m.file_size > MAX_FILE_BYTES:
            out.append(Upload(m.filename, path.stem, folder, b"", f"larger than {MAX_FILE_BYTES // 1024} KB"))
        else:
            out.append(Upload(m.filename, path.stem, folder, archive.read(m)))
    return out


def export_zip(files: list[tuple[str, str]]) -> bytes:
    """A zip of (path, text) pairs, each file's text as it was written."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in files:
            archive.writestr(path, text)
    return buffer.getvalue()
