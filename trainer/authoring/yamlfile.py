"""The editor's fields to the exercise file format and back (no Flask).

The editor never validates on its own: it writes the same YAML a file would hold, and that text
goes through exactly the checks a file goes through (trainer.exercises.format and validate).
Validation problems name fields as the file does (``key.procedures[1].units``);
``form_field`` maps them to the editor's field names (``procedures-1-units``).
"""
from __future__ import annotations

import datetime as dt
import re

import yaml

LETTERS = "ABCDEFGHIJKL"
TAG_KEYS = ("cpc", "icd_chapter", "cca", "topics")


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper, value: str):
    """Multi-line text as a literal block. So is any text with a {{placeholder}}: variants are
    filled in at text level, and a block scalar stays valid YAML whatever the value holds
    (quotes, colons), as long as it is one line."""
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value.rstrip() + "\n", style="|")
    if "{{" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def dump(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2)


def lines(text: str | None) -> list[str]:
    return [s.strip() for s in (text or "").splitlines() if s.strip()]


def words(text: str | None) -> list[str]:
    return [s for s in re.split(r"[\s,;]+", text or "") if s]


def date_or_text(text: str | None):
    text = (text or "").strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text or None  # the schema check reports it


def _int(text):
    text = str(text if text is not None else "").strip()
    return int(text) if re.fullmatch(r"\d{1,6}", text) else (text or None)


def _pointer(text: str):
    text = text.strip().upper()
    return LETTERS.index(text) + 1 if len(text) == 1 and text in LETTERS else _int(text)


def _yaml_block(text: str | None, field: str, errors: dict):
    if not (text or "").strip():
        return None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        errors.setdefault(field, []).append(f"not valid YAML: {getattr(err, 'problem', err)}")
        return None


def _code_row(row: dict, extra: dict) -> dict:
    out = {"code": (row.get("code") or "").strip()}
    # an inpatient diagnosis always carries its POA; blank is the POA-exempt value
    out.update({k: v for k, v in extra.items() if v not in (None, [], "") or (k == "poa" and v == "")})
    out["rationale"] = (row.get("rationale") or "").strip()
    if words(row.get("alternatives")):
        out["alternatives"] = words(row.get("alternatives"))
    if row.get("optional"):
        out["optional"] = True
    return out


# admission block key -> editor field (the file keeps this order)
ADMISSION_FIELDS = {"hour": "admission_hour", "type": "admission_type", "point_of_origin": "point_of_origin",
                    "discharge_hour": "discharge_hour", "discharge_status": "discharge_status"}
ADMISSION_ORDER = ("hour", "type", "point_of_origin", "via_ed", "discharge_hour", "discharge_status",
                   "admitting_diagnosis", "note")


def _filled(row: dict) -> bool:
    return any(str(v).strip() for k, v in row.items() if k not in ("optional", "units") and v not in (None, False))


def to_source(form: dict) -> tuple[str, dict[str, list[str]]]:
    """The file text for the editor's fields, and any errors found before the file exists
    (facts or variants that are not YAML). Empty key rows and documents are dropped."""
    errors: dict[str, list[str]] = {}
    data: dict = {"id": (form.get("id") or "").strip(), "title": (form.get("title") or "").strip(),
                  "kind": form.get("kind") or "coding",
                  "tags": {k: lines(form.get(f"tags_{k}")) for k in TAG_KEYS},
                  "difficulty": _int(form.get("difficulty")), "setting": form.get("setting"),
                  "date_of_service": date_or_text(form.get("date_of_service"))}
    if (form.get("discharge_date") or "").strip():
        data["discharge_date"] = date_or_text(form.get("discharge_date"))
    admission = {k: (form.get(f) or "").strip() for k, f in ADMISSION_FIELDS.items()}
    admission = {k: v for k, v in admission.items() if v}
    if form.get("via_ed"):
        admission["via_ed"] = True
    if admission:
        data["admission"] = {k: admission[k] for k in ADMISSION_ORDER if k in admission}
    data["payer"] = form.get("payer")
    data["patient"] = {"name": (form.get("patient_name") or "").strip(), "sex": form.get("patient_sex"),
                       "birth_date": date_or_text(form.get("patient_birth_date"))}
    data["documents"] = [{"type": d.get("type"), "title": (d.get("title") or "").strip(),
                          "body": (d.get("body") or "").replace("\r\n", "\n").strip()}
                         for d in form.get("documents") or [] if (d.get("title") or d.get("body") or "").strip()]
    inpatient = data["kind"] == "inpatient"
    key: dict = {"diagnoses": [_code_row(r, {"poa": (r.get("poa") or "") if inpatient else None})
                               for r in form.get("diagnoses") or [] if _filled(r)]}
    procedures = [_code_row(r, {"modifiers": [m if "{{" in m else m.upper() for m in words(r.get("modifiers"))],
                                "units": _int(r.get("units")) or 1,
                                "dx_pointers": [_pointer(p) for p in words(r.get("dx_pointers"))]})
                  for r in form.get("procedures") or [] if _filled(r)]
    if procedures:
        key["procedures"] = procedures
    pcs = [_code_row(r, {"date": date_or_text(r.get("date")) if (r.get("date") or "").strip() else None})
           for r in form.get("pcs") or [] if _filled(r)]
    if pcs:
        key["pcs_procedures"] = pcs
    data["key"] = key
    facts = _yaml_block(form.get("facts"), "facts", errors)
    if facts is not None:
        data["facts"] = facts
    data["references"] = lines(form.get("references"))
    variants = _yaml_block(form.get("variants"), "variants", errors)
    if variants is not None:
        data["variants"] = variants
    return dump(data), errors


def text_of(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def from_data(data: dict, area: str) -> dict:
    """The editor's fields for an exercise (the template as written, placeholders kept)."""
    key = data.get("key") or {}
    tags = data.get("tags") or {}
    patient = data.get("patient") or {}

    def row(item: dict, **extra) -> dict:
        return {"code": text_of(item.get("code")), "rationale": text_of(item.get("rationale")),
                "alternatives": " ".join(item.get("alternatives") or []), "optional": bool(item.get("optional")),
                **extra}

    return {
        "id": data.get("id", ""), "title": data.get("title", ""), "kind": data.get("kind", "coding"), "area": area,
        "setting": data.get("setting", ""), "difficulty": text_of(data.get("difficulty")),
        "date_of_service": text_of(data.get("date_of_service")), "discharge_date": text_of(data.get("discharge_date")),
        "payer": data.get("payer", ""), "patient_name": patient.get("name", ""), "patient_sex": patient.get("sex", ""),
        "patient_birth_date": text_of(patient.get("birth_date")),
        **{f"tags_{k}": "\n".join(map(str, tags.get(k) or [])) for k in TAG_KEYS},
        "documents": [{"type": d.get("type", ""), "title": d.get("title", ""), "body": d.get("body", "")}
                      for d in data.get("documents") or []],
        "diagnoses": [row(d, poa=text_of(d.get("poa"))) for d in key.get("diagnoses") or []],
        "procedures": [row(p, modifiers=" ".join(map(str, p.get("modifiers") or [])), units=text_of(p.get("units", 1)),
                           dx_pointers=" ".join(LETTERS[x - 1] if isinstance(x, int) and 1 <= x <= 12 else str(x)
                                                for x in p.get("dx_pointers") or []))
                       for p in key.get("procedures") or []],
        "pcs": [row(p, date=text_of(p.get("date"))) for p in key.get("pcs_procedures") or []],
        **{f: text_of((data.get("admission") or {}).get(k)) for k, f in ADMISSION_FIELDS.items()},
        "via_ed": bool((data.get("admission") or {}).get("via_ed")),
        "facts": dump(data["facts"]) if data.get("facts") else "",
        "references": "\n".join(map(str, data.get("references") or [])),
        "variants": dump(data["variants"]) if data.get("variants") else "",
    }


_SIMPLE = {"patient.name": "patient_name", "patient.sex": "patient_sex", "patient.birth_date": "patient_birth_date",
           **{f"tags.{k}": f"tags_{k}" for k in TAG_KEYS}}
_LISTS = {"documents": "documents", "key.diagnoses": "diagnoses", "key.procedures": "procedures",
          "key.pcs_procedures": "pcs"}
_ENGINE_LINE = re.compile(r"^\S+ line (\d+):")


def form_field(field: str, message: str = "") -> str:
    """The editor field a validation problem belongs to ("" for the form as a whole)."""
    field = re.sub(r"\s*\(variant \d+\)$", "", field)
    if field == "key":
        m = _ENGINE_LINE.match(message)
        return f"procedures-{int(m.group(1)) - 1}-code" if m else "key"
    if field in _SIMPLE:
        return _SIMPLE[field]
    m = re.match(r"^(documents|key\.diagnoses|key\.procedures|key\.pcs_procedures)(?:\[(\d+)\](?:\.(\w+))?)?", field)
    if m:
        name = _LISTS[m.group(1)]
        if m.group(2) is None:
            return name if name != "diagnoses" else "key"
        return f"{name}-{m.group(2)}-{m.group(3) or 'code'}"
    top = field.split(".")[0].split("[")[0]
    return top if top and top != "(file)" else ""
