"""The question editor's fields to the question file format and back (no Flask).

The editor writes one question file (``topic`` and a list of one item, the format of
exercises/_questions/README.md) and that text goes through exactly the checks a bank file goes
through (trainer.exams.questions). Problems name fields as the file does (``items[0].options.B``,
or ``<id>.answer`` for the code checks); ``form_field`` maps them to the editor's field names.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..exams.questions import EXAMS, LETTERS
from .yamlfile import date_or_text, dump, lines, text_of


def _text(form: dict, name: str) -> str:
    return (form.get(name) or "").replace("\r\n", "\n").strip()


def to_source(form: dict) -> tuple[str, dict[str, list[str]]]:
    """The file text for the editor's fields, and any errors found before the file exists."""
    errors: dict[str, list[str]] = {}
    exams = [e for e in EXAMS if form.get(f"exam_{e}")]
    if not exams:
        errors["exam_cpc"] = ["tick at least one exam whose draws may use this question"]
    item: dict = {"id": _text(form, "id"), "exams": exams,
                  "section": (form.get(f"section_{exams[0]}") or "") if exams else ""}
    others = {e: form.get(f"section_{e}") or "" for e in exams[1:]}
    if others:
        item["sections"] = others
    item.update(stem=_text(form, "stem"),
                options={letter: _text(form, f"option_{letter.lower()}") for letter in LETTERS},
                answer=form.get("answer") or "", rationale=_text(form, "rationale"),
                code_set_year=form.get("code_set_year") or "")
    if _text(form, "date_of_service"):
        item["date_of_service"] = date_or_text(form.get("date_of_service"))
    tags = [t for line in lines(form.get("tags")) for t in re.split(r"\s*,\s*", line) if t]
    if tags:
        item["tags"] = tags
    return dump({"topic": _text(form, "topic"), "items": [item]}), errors


def from_item(item: dict, topic: str = "") -> dict:
    """The editor's fields for one item of a question file."""
    sections = {e: item.get("section", "") for e in item.get("exams") or []}
    sections.update(item.get("sections") or {})
    options = item.get("options") or {}
    return {"id": item.get("id", ""), "topic": topic,
            **{f"exam_{e}": e in sections for e in EXAMS},
            **{f"section_{e}": str(sections.get(e, "")) for e in EXAMS},
            "stem": text_of(item.get("stem")), "rationale": text_of(item.get("rationale")),
            **{f"option_{letter.lower()}": text_of(options.get(letter)) for letter in LETTERS},
            "answer": item.get("answer", "A"), "code_set_year": item.get("code_set_year", ""),
            "date_of_service": text_of(item.get("date_of_service")),
            "tags": "\n".join(map(str, item.get("tags") or []))}


def from_source(text: str) -> dict:
    """The editor's fields for a saved question file (one item)."""
    data = yaml.safe_load(text)
    return from_item(data["items"][0], data.get("topic", ""))


_PLAIN = {"id", "topic", "stem", "rationale", "answer", "code_set_year", "date_of_service"}


def form_field(field: str, exams: list[str], message: str = "") -> str:
    """The editor field a problem belongs to ("" for the question as a whole). ``exams``: the exams
    the question is tagged for, in file order (its ``section`` is the first one's); the section
    check names ``section`` for any exam whose section is the same, and says which in ``message``."""
    m = re.match(r"^items\[\d+\]\.?(.*)$", field)
    rest = m.group(1) if m else field.partition(".")[2] if "." in field else field
    head, _, tail = rest.partition(".")
    head = head.split("[")[0]
    if head in _PLAIN:
        return head
    if head == "options":
        return f"option_{tail.lower()}" if tail in LETTERS else "option_a"
    if head == "exams":
        return "exam_cpc"
    named = re.search(r"is not a section of (\w+)", message)
    if head in ("section", "sections") and named and named.group(1) in EXAMS:
        return f"section_{named.group(1)}"
    if head == "section":
        return f"section_{exams[0]}" if exams else "exam_cpc"
    if head == "sections":
        return f"section_{tail}" if tail in EXAMS else (f"section_{exams[1]}" if len(exams) > 1 else "")
    if head == "tags":
        return "tags"
    return ""


def _bundled_item(record, questions_dir: Path) -> tuple[dict, str] | None:
    """A bundled question's item and topic as its file holds them (its date of service and topic
    are not columns)."""
    path = questions_dir / record.path
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    for item in (data or {}).get("items") or []:
        if isinstance(item, dict) and item.get("id") == record.id:
            return item, str(data.get("topic", ""))
    return None


def from_record(record, questions_dir: Path) -> dict:
    """The editor's fields for a stored question: a school's from its file; a bundled one from
    the bank file it came from (or, failing that, from its columns)."""
    if record.source:
        return from_source(record.source)
    found = _bundled_item(record, questions_dir)
    if found:
        return from_item(*found)
    exams = list(record.exams)
    item = {"id": record.id, "exams": exams, "section": record.sections.get(exams[0], "") if exams else "",
            "sections": {e: record.sections.get(e, "") for e in exams[1:]}, "stem": record.stem,
            "options": record.options, "answer": record.answer, "rationale": record.rationale,
            "code_set_year": record.code_set_year, "tags": record.tags}
    return from_item(item)
