"""The exercise file format (YAML, one file per exercise under exercises/<area>/).

See exercises/README.md for the format with an example. A file may define ``variants``: a list
of parameter sets; ``{{name}}`` in any text or code is replaced by the parameter, so the key
follows from the parameters (laterality, encounter, payer...). Variant 0 is the first set.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .schema import Field, Problem, check

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{2,60}$")
KINDS = ("coding", "inpatient")
SETTINGS = ("office", "ed", "asc", "hospital_outpatient", "inpatient", "telehealth", "home", "snf")
PAYERS = ("medicare", "commercial", "medicaid")
DOC_TYPES = ("progress_note", "ed_record", "operative_report", "pathology", "radiology", "discharge_summary",
             "history_physical", "consult", "procedure_note", "lab", "anesthesia_record", "nursing_note",
             "medication_record", "other")
OTHER_FORMATS = ("billing",)  # top-level folders of exercises/ in another format
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")

TEXT, DATE, INT, BOOL = Field("str"), Field("date"), Field("int"), Field("bool")
OPT_TEXT = Field("str", required=False)
CODES = Field("list", required=False, item=Field("str"))
POA = ("Y", "N", "U", "W", "")
# POA: Y, N, U, W, or "" (blank) for a code on the POA-exempt list; 5010 claims send no "1"
DX = Field("map", fields={"code": TEXT, "rationale": TEXT, "poa": Field("str", required=False, choices=POA),
                          "alternatives": CODES, "optional": Field("bool", required=False)})
PROC = Field("map", fields={"code": TEXT, "rationale": TEXT, "modifiers": CODES, "units": Field("int", required=False),
                            "dx_pointers": Field("list", required=False, item=INT), "alternatives": CODES,
                            "optional": Field("bool", required=False)})
PCS = Field("map", fields={"code": TEXT, "rationale": TEXT, "alternatives": CODES, "optional": Field("bool", required=False),
                           "date": Field("date", required=False)})
HOUR = Field("str", required=False, pattern=re.compile(r"^([01][0-9]|2[0-3])$"))
# What the UB-04 / 837I of an inpatient case needs beyond the dates (README: institutional claims)
ADMISSION = Field("map", required=False, fields={
    "hour": HOUR, "type": Field("str", choices=("1", "2", "3", "4", "5", "9")),
    "point_of_origin": Field("str", pattern=re.compile(r"^[0-9A-Z]$")), "via_ed": Field("bool", required=False),
    "discharge_hour": HOUR, "discharge_status": Field("str", pattern=re.compile(r"^[0-9]{2}$")),
    "admitting_diagnosis": OPT_TEXT, "note": OPT_TEXT})
SCHEMA = Field("map", fields={
    "id": Field("str", pattern=ID_RE),
    "title": TEXT,
    "kind": Field("str", choices=KINDS),
    "tags": Field("map", fields={"cpc": CODES, "icd_chapter": CODES, "cca": CODES, "topics": CODES}),
    "difficulty": Field("int", choices=(1, 2, 3)),
    "setting": Field("str", choices=SETTINGS),
    "date_of_service": DATE,
    "discharge_date": Field("date", required=False),
    "admission": ADMISSION,
    "payer": Field("str", choices=PAYERS),
    "patient": Field("map", fields={"name": TEXT, "sex": Field("str", choices=("F", "M")), "birth_date": DATE}),
    "documents": Field("list", item=Field("map", fields={"type": Field("str", choices=DOC_TYPES), "title": TEXT,
                                                          "body": TEXT})),
    "key": Field("map", fields={"diagnoses": Field("list", item=DX), "procedures": Field("list", required=False, item=PROC),
                                "pcs_procedures": Field("list", required=False, item=PCS)}),
    "facts": Field("map", required=False, allow_extra=True, fields={}),
    "variants": Field("list", required=False, item=Field("map", allow_extra=True, fields={})),
    "references": CODES,
})


class ExerciseError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Exercise:
    id: str
    area: str
    path: str
    data: dict  # the template as written (placeholders unfilled)
    checksum: str
    text: str = ""  # the YAML source; variants are filled in at text level, then parsed

    @property
    def variant_count(self) -> int:
        return max(1, len(self.data.get("variants") or []))

    def variant(self, n: int = 0) -> dict:
        """The exercise with variant n's parameters filled in (dates parsed as dates)."""
        variants = self.data.get("variants") or []
        if not variants:
            if n != 0:
                raise IndexError(f"{self.id} has no variant {n}")
            return self.data
        if not 0 <= n < len(variants):
            raise IndexError(f"{self.id} has variants 0-{len(variants) - 1}, not {n}")
        return _variant_data(self.text, n)

    def key_answer(self, n: int = 0) -> dict:
        """The key in the answer shape used by ``trainer check`` / ``trainer grade``."""
        v = self.variant(n)
        key = v["key"]
        return {
            "date_of_service": (v.get("discharge_date") or v["date_of_service"]).isoformat(),
            "setting": v["setting"], "payer": v["payer"],
            "patient": {"sex": v["patient"]["sex"], "birth_date": v["patient"]["birth_date"].isoformat()},
            "diagnoses": [d["code"] for d in key["diagnoses"]],
            "procedures": [{"code": p["code"], "modifiers": p.get("modifiers") or [], "units": p.get("units", 1),
                            "dx_pointers": p.get("dx_pointers") or [1]} for p in key.get("procedures") or []],
            "pcs_procedures": [p["code"] for p in key.get("pcs_procedures") or []],
            "facts": v.get("facts") or {},
            **({"poa": [str(d.get("poa", "")) for d in key["diagnoses"]]}
               if any("poa" in d for d in key["diagnoses"]) else {}),
        }


DATE_FIELDS = (("date_of_service",), ("discharge_date",), ("patient", "birth_date"))  # + key.pcs_procedures[].date


def _coerce_dates(data: dict) -> dict:
    """A date or a number of units written through a quoted placeholder arrives as text."""
    for path in DATE_FIELDS:
        holder = data
        for part in path[:-1]:
            holder = holder.get(part) if isinstance(holder, dict) else None
        if isinstance(holder, dict) and isinstance(holder.get(path[-1]), str):
            try:
                holder[path[-1]] = dt.date.fromisoformat(holder[path[-1]])
            except ValueError:
                pass  # the schema check reports it
    for pcs in (data.get("key") or {}).get("pcs_procedures") or []:
        if isinstance(pcs, dict) and isinstance(pcs.get("date"), str):
            try:
                pcs["date"] = dt.date.fromisoformat(pcs["date"])
            except ValueError:
                pass  # the schema check reports it
    for line in (data.get("key") or {}).get("procedures") or []:
        if isinstance(line, dict) and isinstance(line.get("units"), str) and line["units"].strip().isdigit():
            line["units"] = int(line["units"])  # units written through a quoted placeholder
    return data


def fill_text(text: str, params: dict) -> str:
    return PLACEHOLDER.sub(lambda m: str(params.get(m.group(1), m.group(0))), text)


@lru_cache(maxsize=2048)
def _variant_data(text: str, n: int) -> dict:
    params = yaml.safe_load(text)["variants"][n]
    data = yaml.safe_load(fill_text(text, params))
    data.pop("variants", None)
    return _coerce_dates(data)


def load_exercise(path: str | Path, root: str | Path | None = None) -> Exercise:
    """Read and schema-check one file; raises ExerciseError naming file, field and line."""
    path = Path(path)
    shown = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
    return parse_exercise(path.read_bytes(), shown, path.stem, path.parent.name)


def parse_exercise(raw: bytes, shown: str, stem: str, area: str) -> Exercise:
    """Schema-check one file's bytes (from disk, an upload or the editor); ``stem`` is its file name
    without ``.yaml`` (it must equal the id), ``area`` its folder. Raises ExerciseError."""
    try:
        text = raw.decode("utf-8")
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except UnicodeDecodeError:
        raise ExerciseError([Problem(shown, "(file)", None, "not UTF-8 text")]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise ExerciseError([Problem(shown, "(file)", mark.line + 1 if mark else None,
                                     f"not valid YAML: {getattr(err, 'problem', err)}")]) from None
    problems: list[Problem] = []
    variants = data.get("variants") if isinstance(data, dict) else None
    if isinstance(variants, list) and variants and all(isinstance(v, dict) for v in variants):
        seen = set()
        for i, params in enumerate(variants):  # check each variant as the learner will see it
            filled = fill_text(text, {k: str(v) for k, v in params.items()})
            try:
                vdata = _coerce_dates(yaml.safe_load(filled))
                vnode = yaml.compose(filled)
            except yaml.YAMLError as err:
                problems.append(Problem(shown, f"variants[{i}]", None, f"makes invalid YAML: {err}"))
                continue
            found: list[Problem] = []
            check(vdata, SCHEMA, vnode, shown, "", found)
            for p in found:
                if (p.field, p.message) not in seen:
                    seen.add((p.field, p.message))
                    problems.append(Problem(p.path, p.field, p.line, p.message + f" (variant {i})"))
    else:
        check(data, SCHEMA, node, shown, "", problems)
    if not problems:
        problems += _semantic_problems(data, text, shown, stem)
    if problems:
        raise ExerciseError(problems)
    return Exercise(data["id"], area, shown, data, hashlib.sha256(raw).hexdigest(), text)


def _semantic_problems(template: dict, text: str, shown: str, stem: str) -> list[Problem]:
    out = []
    variants = template.get("variants") or []
    data = template
    if variants:
        data = _variant_data(text, 0)  # the file is already read: check variant 0 as learners see it
    if stem != template["id"]:
        out.append(Problem(shown, "id", 1, f"the file must be named {template['id']}.yaml"))
    if data["kind"] == "inpatient" and data["setting"] != "inpatient":
        out.append(Problem(shown, "setting", None, "an inpatient case has setting: inpatient"))
    if data["kind"] == "inpatient" and not data.get("discharge_date"):
        out.append(Problem(shown, "discharge_date", None, "an inpatient case needs a discharge_date"))
    if data["kind"] == "inpatient" and not data.get("admission"):
        out.append(Problem(shown, "admission", None, "an inpatient case needs an admission block (type, "
                                                        "point_of_origin, discharge_status) for its UB-04"))
    if data.get("admission") and data["kind"] != "inpatient":
        out.append(Problem(shown, "admission", None, "only inpatient cases have an admission block"))
    for pcs in data["key"].get("pcs_procedures") or []:
        if pcs.get("date") and not data["date_of_service"] <= pcs["date"] <= (data.get("discharge_date")
                                                                             or data["date_of_service"]):
            out.append(Problem(shown, "key.pcs_procedures.date", None, f"{pcs['date']} is outside the stay"))
    if data["patient"]["birth_date"] > data["date_of_service"]:
        out.append(Problem(shown, "patient.birth_date", None, "is after the date of service"))
    if not data["key"]["diagnoses"]:
        out.append(Problem(shown, "key.diagnoses", None, "list at least one diagnosis"))
    used = set(PLACEHOLDER.findall(yaml.safe_dump({k: v for k, v in template.items() if k != "variants"})))
    for i, params in enumerate(variants):
        missing = used - set(params)
        if missing:
            out.append(Problem(shown, f"variants[{i}]", None, f"gives no value for {', '.join(sorted(missing))}"))
    if used and not variants:
        out.append(Problem(shown, "variants", None, f"placeholders {', '.join(sorted(used))} need variants"))
    return out


def load_tree(root: str | Path, paths: list[str | Path] | None = None) -> tuple[list[Exercise], list[Problem]]:
    """Every exercise under root (or the given files/folders); problems are collected, not raised."""
    root = Path(root)
    files: list[Path] = []
    for p in [Path(x) for x in paths] if paths else [root]:
        # folders starting with "_" hold other content (exam questions, blueprints); billing/ holds the
        # billing exercises, a format of their own (trainer.billing.exercises)
        files += sorted(f for f in p.rglob("*.yaml") if not any(
            part.startswith("_") or part in OTHER_FORMATS for part in f.relative_to(p).parts[:-1])) if p.is_dir() else [p]
    return load_each(files, root, load_exercise)


def load_each(files: list[Path], root: Path, load) -> tuple[list, list[Problem]]:
    """``load(file, root)`` for every file: what loads, and every problem (an ExerciseError's, or a
    duplicate id), collected rather than raised. Shared by every content format."""
    found, problems, seen = [], [], {}
    for f in files:
        try:
            item = load(f, root)
        except ExerciseError as err:
            problems += err.problems
            continue
        if item.id in seen:
            problems.append(Problem(item.path, "id", 1, f"duplicate id, also used by {seen[item.id]}"))
            continue
        seen[item.id] = item.path
        found.append(item)
    return found, problems


