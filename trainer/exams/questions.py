"""Multiple-choice questions as YAML files (one file per topic, a list of items), with a schema and
a validator that checks every code in the options and the key against the loaded code sets."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from ..codes.normalize import normalise
from ..codes.tables import CodeSystem
from ..edits.data import EditData
from ..exercises.schema import Field, Problem, _node_for, check

EXAMS = ("cpc", "cca", "cpb")
LETTERS = ("A", "B", "C", "D")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{2,60}$")
# Codes as written in questions: ICD-10-CM with its dot, CPT (5 digits or 4+F/T/U), HCPCS Level II, PCS.
ICD_IN_TEXT = re.compile(r"\b([A-TV-Z][0-9][0-9A-Z]\.[0-9A-Z]{1,4}|[A-TV-Z][0-9][0-9A-Z])\b")
CPT_IN_TEXT = re.compile(r"(?<![0-9A-Z.])(\d{5}|\d{4}[FTU])(?![0-9A-Z.])")  # not the start of a PCS code
HCPCS_IN_TEXT = re.compile(r"\b([A-V]\d{4})\b")
PCS_IN_TEXT = re.compile(r"\b(?=[0-9A-HJ-NP-Z]*\d)([0-9][0-9A-HJ-NP-Z]{6})\b")

ITEM = Field("map", fields={
    "id": Field("str", pattern=ID_RE),
    "exams": Field("list", item=Field("str", choices=EXAMS)),
    "section": Field("str"),
    # Another exam's section for an item tagged for several exams, e.g. {cca: classification-systems}.
    "sections": Field("map", required=False, allow_extra=True, fields={}),
    "stem": Field("str"),
    "options": Field("map", fields={letter: Field("str") for letter in LETTERS}),
    "answer": Field("str", choices=LETTERS),
    "rationale": Field("str"),
    "code_set_year": Field("str", choices=("FY2026",)),
    "date_of_service": Field("date", required=False),
    "tags": Field("list", required=False, item=Field("str")),
})
FILE = Field("map", fields={"topic": Field("str"), "items": Field("list", item=ITEM)})


@dataclass(frozen=True)
class Question:
    id: str
    exams: tuple[str, ...]
    section: str
    stem: str
    options: dict
    answer: str
    rationale: str
    code_set_year: str
    path: str
    date_of_service: object = None
    sections: tuple[tuple[str, str], ...] = ()
    tags: tuple[str, ...] = ()

    def section_for(self, exam: str) -> str:
        """The item's section in ``exam``'s blueprint (``sections`` overrides ``section`` per exam)."""
        return dict(self.sections).get(exam, self.section)


def load_questions(root: str | Path, paths=None) -> tuple[list[Question], list[Problem]]:
    root = Path(root)
    files: list[Path] = []
    for p in [Path(x) for x in paths] if paths else [root]:
        files += sorted(p.rglob("*.yaml")) if p.is_dir() else [p]
    out, problems, seen = [], [], {}
    for f in files:
        shown = str(f.relative_to(root)) if f.is_relative_to(root) else str(f)
        try:
            text = f.read_text(encoding="utf-8")
        except UnicodeDecodeError as err:
            problems.append(Problem(shown, "(file)", None, f"not readable YAML: {err}"))
            continue
        parsed, found = parse_questions(text, shown, seen)
        problems += found
        bad = {p.field.split(".")[0] for p in found}
        out += [q for i, q in enumerate(parsed) if f"items[{i}]" not in bad]
    return out, problems


def parse_questions(text: str, shown: str, seen: dict | None = None) -> tuple[list[Question], list[Problem]]:
    """One question file's items, and its problems (the checks ``trainer questions validate`` runs on
    a file, without the code-set and blueprint checks). An item with a problem of its own (duplicate
    id, options that do not differ) is still returned, at its index, and named by ``items[i]`` in
    the problems; the bank leaves it out, the editor may keep it as a draft. ``seen`` (id -> file)
    carries ids across the files of one bank."""
    seen = {} if seen is None else seen
    try:
        node, data = yaml.compose(text), yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        return [], [Problem(shown, "(file)", mark.line + 1 if mark else None, f"not readable YAML: {err}")]
    found: list[Problem] = []
    check(data, FILE, node, shown, "", found)
    if found:
        return [], found
    out = []
    items_node = _node_for(node, "items")
    for i, item in enumerate(data["items"]):
        line = items_node.value[i].start_mark.line + 1 if items_node is not None else None
        if item["id"] in seen:
            found.append(Problem(shown, f"items[{i}].id", line, f"duplicate id, also in {seen[item['id']]}"))
        elif len(set(item["options"].values())) < 4:
            found.append(Problem(shown, f"items[{i}].options", line, "the four options must differ"))
        else:
            seen[item["id"]] = shown
        out.append(Question(item["id"], tuple(item["exams"]), item["section"], item["stem"], item["options"],
                            item["answer"], item["rationale"], item["code_set_year"], shown,
                            item.get("date_of_service"), tuple(sorted((item.get("sections") or {}).items())),
                            tuple(item.get("tags") or ())))
    return out, found


def codes_in(text: str) -> list[tuple[str, str]]:
    """(system, code) for every code-looking token in a piece of question text."""
    found = [(CodeSystem.ICD10CM, m) for m in ICD_IN_TEXT.findall(text)]
    found += [(CodeSystem.CPT, m) for m in CPT_IN_TEXT.findall(text)]
    found += [(CodeSystem.HCPCS, m) for m in HCPCS_IN_TEXT.findall(text) if not ICD_IN_TEXT.fullmatch(m)]
    found += [(CodeSystem.ICD10PCS, m) for m in PCS_IN_TEXT.findall(text)]
    return found


FY2026 = dt.date(2025, 10, 1)


def code_problems(session: Session, questions: list[Question]) -> list[Problem]:
    """Every code in an option must exist; every code in the keyed option must be valid that year."""
    data = EditData(session)
    out = []
    for q in questions:
        day = q.date_of_service or FY2026
        for letter, text in q.options.items():
            for system, code in codes_in(str(text)):
                norm = normalise(code)
                if system == CodeSystem.HCPCS and not data.exists(system, norm) and data.exists(CodeSystem.ICD10CM, norm):
                    continue  # e.g. "J1100" written without its dot is ambiguous; the ICD reading exists
                if not data.exists(system, norm):
                    out.append(Problem(q.path, f"{q.id}.options.{letter}", None,
                                       f"{code} is not a {CodeSystem.LABELS[system]} code in the loaded code sets"))
                elif letter == q.answer and not data.valid(system, norm, day):
                    out.append(Problem(q.path, f"{q.id}.answer", None,
                                       f"the keyed option uses {code}, which is not valid on {day} (a header or "
                                       "an inactive code)"))
    return out


def section_problems(questions: list[Question], blueprints: list[dict]) -> list[Problem]:
    """For every exam an item is tagged for, its section there must be one of that blueprint's sections."""
    sections = {bp["id"]: {s["id"] for s in bp["sections"]} for bp in blueprints}
    out = []
    for q in questions:
        for exam, section in q.sections:
            if exam not in q.exams:
                out.append(Problem(q.path, f"{q.id}.sections.{exam}", None,
                                   f"the item is not tagged for {exam}: add it to exams or drop this section"))
        for exam in q.exams:
            section = q.section_for(exam)
            if section not in sections.get(exam, set()):
                field = "section" if section == q.section else f"sections.{exam}"
                out.append(Problem(q.path, f"{q.id}.{field}", None,
                                   f"{section!r} is not a section of {exam}: use one of "
                                   f"{', '.join(sorted(sections.get(exam, set())))} (set sections: {{{exam}: ...}} "
                                   "when the item belongs to several exams)"))
    return out
