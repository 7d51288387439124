"""What the engine checks (an encounter) and what it says (findings)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

SETTINGS = ("office", "ed", "asc", "hospital_outpatient", "inpatient", "telehealth", "home", "snf")
SEXES = ("F", "M", "U")


class Severity:
    REJECT = "reject"  # front-end rejection: never enters adjudication
    DENY = "deny"      # the payer denies the line or claim
    WARN = "warn"      # a guideline or compliance problem an auditor would catch

    ORDER = {REJECT: 0, DENY: 1, WARN: 2}
    FAILING = (REJECT, DENY)


class EncounterError(ValueError):
    """Input that cannot be checked at all; the message says what and where."""


@dataclass(frozen=True)
class Patient:
    sex: str
    birth_date: dt.date

    def age_on(self, day: dt.date) -> int:
        return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


@dataclass(frozen=True)
class ProcedureLine:
    number: int  # 1-based line number as the learner sees it
    code: str
    modifiers: tuple[str, ...] = ()
    units: int = 1
    dx_pointers: tuple[int, ...] = ()


@dataclass(frozen=True)
class Encounter:
    date_of_service: dt.date
    setting: str
    patient: Patient
    diagnoses: tuple[str, ...]
    procedures: tuple[ProcedureLine, ...] = ()
    pcs_procedures: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)
    payer: str = "medicare"

    @property
    def inpatient(self) -> bool:
        return self.setting == "inpatient"

    def fact(self, name: str, default=None):
        return self.facts.get(name, default)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    reference: str
    line: int | None = None  # procedure line number, when the finding is about one
    code: str | None = None

    def as_dict(self) -> dict:
        out = {"rule": self.rule, "severity": self.severity, "message": self.message, "reference": self.reference}
        if self.line is not None:
            out["line"] = self.line
        if self.code is not None:
            out["code"] = self.code
        return out


def _date(value, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError) as err:
        raise EncounterError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from err


def _code(value, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise EncounterError(f"{where}: a code must be a non-empty string, got {value!r}")
    code = value.strip().upper().replace(".", "")
    if len(code) > 8 or not code.isalnum():
        raise EncounterError(f"{where}: {value!r} is not a code")
    return code


def _int(value, where: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise EncounterError(f"{where}: expected a whole number, got {value!r}")
    try:
        number = int(value)
    except ValueError as err:
        raise EncounterError(f"{where}: expected a whole number, got {value!r}") from err
    if number < minimum:
        raise EncounterError(f"{where}: must be at least {minimum}")
    return number


def parse_encounter(data: Any) -> Encounter:
    """Build an Encounter from the JSON shape of ``trainer check`` / ``trainer grade``."""
    if not isinstance(data, dict):
        raise EncounterError("the input must be a JSON object")
    dos = _date(data.get("date_of_service"), "date_of_service")
    setting = str(data.get("setting", "office")).strip().lower()
    if setting not in SETTINGS:
        raise EncounterError(f"setting: {setting!r} is not one of {', '.join(SETTINGS)}")
    patient = data.get("patient") or {}
    if not isinstance(patient, dict):
        raise EncounterError("patient: expected an object with sex and birth_date")
    sex = str(patient.get("sex", "U")).strip().upper()[:1]
    if sex not in SEXES:
        raise EncounterError("patient.sex: use F, M or U")
    birth = _date(patient.get("birth_date"), "patient.birth_date")
    if birth > dos:
        raise EncounterError("patient.birth_date is after the date of service")
    diagnoses = data.get("diagnoses", [])
    if not isinstance(diagnoses, list):
        raise EncounterError("diagnoses: expected a list of codes in order")
    dx = tuple(_code(c, f"diagnoses[{i}]") for i, c in enumerate(diagnoses))
    lines = []
    procedures = data.get("procedures", [])
    if not isinstance(procedures, list):
        raise EncounterError("procedures: expected a list of lines")
    for i, line in enumerate(procedures):
        where = f"procedures[{i}]"
        if isinstance(line, str):
            line = {"code": line}
        if not isinstance(line, dict):
            raise EncounterError(f"{where}: expected an object with code, modifiers, units, dx_pointers")
        mods = line.get("modifiers") or []
        if not isinstance(mods, list):
            raise EncounterError(f"{where}.modifiers: expected a list")
        modifiers = tuple(str(m).strip().upper() for m in mods if str(m).strip())
        pointers = line.get("dx_pointers") or []
        if not isinstance(pointers, list):
            raise EncounterError(f"{where}.dx_pointers: expected a list of numbers (1 = first diagnosis)")
        lines.append(ProcedureLine(i + 1, _code(line.get("code"), f"{where}.code"), modifiers,
                                   _int(line.get("units", 1), f"{where}.units", 0),
                                   tuple(_int(p, f"{where}.dx_pointers", 1) for p in pointers)))
    pcs = data.get("pcs_procedures", [])
    if not isinstance(pcs, list):
        raise EncounterError("pcs_procedures: expected a list of ICD-10-PCS codes")
    facts = data.get("facts") or {}
    if not isinstance(facts, dict):
        raise EncounterError("facts: expected an object")
    payer = str(data.get("payer", "medicare")).strip().lower() or "medicare"
    return Encounter(dos, setting, Patient(sex, birth), dx, tuple(lines),
                     tuple(_code(c, f"pcs_procedures[{i}]") for i, c in enumerate(pcs)), dict(facts), payer)
