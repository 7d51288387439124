"""The scoring rule (documented in README.md, "How answers are scored").

Points per key item:
* diagnosis: 2 for the code (1 when the category is right but the specificity is not);
  plus 1 for the first-listed (principal) diagnosis;
* procedure line: 2 for the code, 1 for the modifiers, 0.5 for the units, 0.5 for the pointers
  (0.25 when only the first pointer is right); pointers are compared by the diagnosis they point
  to, not by letter;
* ICD-10-PCS code: 2 (1 when section, body system, root operation and body part are right).
Deductions: each extra code not in the key (over-coding) costs 1; each reject/deny finding of the
validation engine that the key does not also have costs 0.5 (at most 2). Optional key items are
neither required nor penalised; alternatives score as the key code. The score never goes below 0.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..codes.normalize import display, normalise
from ..codes.tables import CodeSystem
from ..edits import Severity, check
from ..edits.data import EditData
from ..edits.model import Finding, parse_encounter

DX_CODE, DX_FIRST = 2.0, 1.0
LINE_CODE, LINE_MODS, LINE_UNITS, LINE_POINTERS = 2.0, 1.0, 0.5, 0.5
PCS_CODE = 2.0
POA = 0.5
EXTRA, EDIT, EDIT_CAP = 1.0, 0.5, 2.0
REF_DX = "ICD-10-CM Official Guidelines"
REF_SEQ = "ICD-10-CM Official Guidelines Section II (principal) / IV.G (first-listed)"


@dataclass(frozen=True)
class GradeFinding:
    rule: str
    severity: str  # error: points lost; partial: some points lost; info: no points at stake
    expected: str | None
    given: str | None
    message: str
    reference: str
    points: float = 0.0  # points lost

    def as_dict(self) -> dict:
        return {"rule": self.rule, "severity": self.severity, "expected": self.expected, "given": self.given,
                "message": self.message, "reference": self.reference, "points": self.points}


@dataclass
class LineResult:
    kind: str  # diagnosis, procedure, pcs
    status: str  # right, partial, wrong, missing, extra
    expected: str | None
    given: str | None
    earned: float
    possible: float
    reasons: list[str] = field(default_factory=list)
    rationale: str | None = None

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class GradeResult:
    score: float
    max_score: float
    lines: list[LineResult]
    findings: list[GradeFinding]
    engine: list[Finding]
    drg: dict | None = None

    def as_dict(self) -> dict:
        return {"score": self.score, "max_score": self.max_score,
                "lines": [l.as_dict() for l in self.lines], "findings": [f.as_dict() for f in self.findings],
                "engine": [f.as_dict() for f in self.engine], "drg": self.drg}


def _dx(code: str) -> str:
    return display(CodeSystem.ICD10CM, normalise(code))


def _accepts(item: dict) -> set[str]:
    return {normalise(item["code"])} | {normalise(a) for a in item.get("alternatives") or []}


class _Grader:
    def __init__(self, key: dict, answer: dict, describe=None):
        self.key, self.answer = key, answer
        self.describe = describe  # code -> its ICD-10-CM title, for sharper feedback
        self.lines: list[LineResult] = []
        self.findings: list[GradeFinding] = []
        self.earned = self.possible = 0.0

    def lose(self, rule, severity, expected, given, message, reference, points):
        self.findings.append(GradeFinding(rule, severity, expected, given, message, reference, points))

    # -- diagnoses ---------------------------------------------------------------------------
    def diagnoses(self) -> None:
        keyed = self.key["diagnoses"]
        given = list(dict.fromkeys(normalise(c) for c in self.answer.get("diagnoses", [])))
        unused = list(given)
        for i, item in enumerate(keyed):
            accepts, ref = _accepts(item), item.get("rationale")
            hit = next((g for g in unused if g in accepts), None)
            if item.get("optional"):
                if hit:
                    unused.remove(hit)
                    self.lines.append(LineResult("diagnosis", "right", _dx(item["code"]), _dx(hit), 0, 0,
                                                 ["optional code, accepted"], ref))
                continue
            self.possible += DX_CODE
            if hit:
                unused.remove(hit)
                self.earned += DX_CODE
                self.lines.append(LineResult("diagnosis", "right", _dx(item["code"]), _dx(hit), DX_CODE, DX_CODE,
                                             [], ref))
                self._poa(item, hit)
                continue
            near = next((g for g in unused if any(g[:3] == a[:3] for a in accepts)), None)
            if near:
                unused.remove(near)
                self.earned += DX_CODE / 2
                why = (f"right category, wrong specificity: {_dx(near)} instead of {_dx(item['code'])}")
                if self.describe and "unspecified" in self.describe(near).lower():
                    why += (" - the record documents the detail, so the unspecified code is not the right "
                            "choice (Guidelines I.B.18)")
                self.lines.append(LineResult("diagnosis", "partial", _dx(item["code"]), _dx(near), DX_CODE / 2,
                                             DX_CODE, [why], ref))
                self.lose("grade.dx-specificity", "partial", _dx(item["code"]), _dx(near), why[0].upper() + why[1:] + ".",
                          REF_DX + " I.B.18 / I.A (code to the highest specificity)", DX_CODE / 2)
            else:
                self.lines.append(LineResult("diagnosis", "missing", _dx(item["code"]), None, 0, DX_CODE,
                                             ["not reported (under-coding)"], ref))
                self.lose("grade.dx-missing", "error", _dx(item["code"]), None,
                          f"{_dx(item['code'])} is documented and should be reported.", REF_DX, DX_CODE)
        for g in unused:
            self.earned -= EXTRA
            self.lines.append(LineResult("diagnosis", "extra", None, _dx(g), -EXTRA, 0,
                                         ["not supported by the key (over-coding)"]))
            self.lose("grade.dx-extra", "error", None, _dx(g),
                      f"{_dx(g)} is not supported by the documentation as the key reads it (over-coding).",
                      REF_DX + " III/IV (code only documented, relevant conditions)", EXTRA)
        # sequencing of the first-listed / principal diagnosis
        first = next((d for d in keyed if not d.get("optional")), None)
        if first is not None:
            self.possible += DX_FIRST
            if given and given[0] in _accepts(first):
                self.earned += DX_FIRST
            else:
                self.lose("grade.sequencing", "error", _dx(first["code"]), _dx(given[0]) if given else None,
                          f"The first-listed (principal) diagnosis should be {_dx(first['code'])}.", REF_SEQ,
                          DX_FIRST)

    def _poa(self, item: dict, given_code: str) -> None:
        """Inpatient: half a point for the present-on-admission indicator of each matched diagnosis."""
        if "poa" not in item or self.answer.get("poa") is None:
            return
        codes = [normalise(c) for c in self.answer.get("diagnoses", [])]
        poa = self.answer["poa"]
        given = poa[codes.index(given_code)] if given_code in codes and codes.index(given_code) < len(poa) else ""
        expected = str(item["poa"]).upper()
        self.possible += POA
        if given == expected:
            self.earned += POA
        else:
            told = (f"the present-on-admission indicator is {expected}." if expected else
                    "the code is POA-exempt: leave the indicator blank (5010 claims send none; the old 1 is not used).")
            self.lose("grade.poa", "partial", expected or "blank", given or None, f"{_dx(item['code'])}: {told}",
                      "ICD-10-CM Official Guidelines Appendix I (POA reporting)", POA)

    # -- procedure lines -----------------------------------------------------------------------
    def _pointed(self, pointers, dx_list) -> list[str]:
        return [dx_list[p - 1] for p in pointers if isinstance(p, int) and 0 < p <= len(dx_list)]

    def procedures(self) -> None:
        key_dx = [normalise(d["code"]) for d in self.key["diagnoses"]]
        given_dx = [normalise(c) for c in self.answer.get("diagnoses", [])]
        given_lines = [dict(l) for l in self.answer.get("procedures", [])]
        for l in given_lines:
            l["code"] = normalise(str(l.get("code", "")))
        unused = list(range(len(given_lines)))
        pending_missing = []
        for item in self.key.get("procedures") or []:
            accepts, ref = _accepts(item), item.get("rationale")
            idx = next((i for i in unused if given_lines[i]["code"] in accepts), None)
            if item.get("optional"):
                if idx is not None:
                    unused.remove(idx)
                continue
            possible = LINE_CODE + LINE_MODS + LINE_UNITS + LINE_POINTERS
            self.possible += possible
            if idx is None:
                pending_missing.append((item, possible))
                continue
            unused.remove(idx)
            line = given_lines[idx]
            earned, reasons = LINE_CODE, []
            key_mods = sorted(m.upper() for m in item.get("modifiers") or [])
            given_mods = sorted(str(m).upper() for m in line.get("modifiers") or [])
            if key_mods == given_mods:
                earned += LINE_MODS
            else:
                reasons.append(f"modifiers {' '.join(given_mods) or 'none'} instead of {' '.join(key_mods) or 'none'}")
                self.lose("grade.modifier", "partial", " ".join(key_mods) or "none", " ".join(given_mods) or "none",
                          f"{item['code']}: modifiers should be {' '.join(key_mods) or 'none'}.",
                          ref or "CPT Appendix A / HCPCS modifiers", LINE_MODS)
            key_units, given_units = int(item.get("units", 1)), line.get("units", 1)
            if str(given_units) == str(key_units):
                earned += LINE_UNITS
            else:
                reasons.append(f"{given_units} units instead of {key_units}")
                self.lose("grade.units", "partial", str(key_units), str(given_units),
                          f"{item['code']}: report {key_units} unit(s).", ref or "CPT/HCPCS unit of service",
                          LINE_UNITS)
            want = self._pointed(item.get("dx_pointers") or [1], key_dx)
            got = self._pointed(line.get("dx_pointers") or [], given_dx)
            if want and got and got[0] == want[0] and set(got) == set(want):
                earned += LINE_POINTERS
            else:
                partial = LINE_POINTERS / 2 if want and got and got[0] == want[0] else 0.0
                earned += partial
                reasons.append("diagnosis pointers do not match the key")
                self.lose("grade.pointers", "partial", ", ".join(_dx(c) for c in want),
                          ", ".join(_dx(c) for c in got) or None,
                          f"{item['code']}: point to {', '.join(_dx(c) for c in want)} (the first pointer is the "
                          "main reason for the service).", "NUCC 1500 item 24E", LINE_POINTERS - partial)
            self.earned += earned
            status = "right" if earned == possible else "partial"
            self.lines.append(LineResult("procedure", status, item["code"], line["code"], earned, possible,
                                         reasons, ref))
        for item, possible in pending_missing:
            ref = item.get("rationale")
            family = next((i for i in unused if given_lines[i]["code"][:3] == normalise(item["code"])[:3]), None)
            if family is not None:
                unused.remove(family)
                given = given_lines[family]["code"]
                self.lines.append(LineResult("procedure", "wrong", item["code"], given, 0, possible,
                                             [f"{given} instead of {item['code']}"], ref))
                self.lose("grade.proc-code", "error", item["code"], given,
                          f"{given} does not describe the service documented; the key is {item['code']}.",
                          "CPT/HCPCS code selection", possible)
            else:
                self.lines.append(LineResult("procedure", "missing", item["code"], None, 0, possible,
                                             ["not reported (under-coding)"], ref))
                self.lose("grade.proc-missing", "error", item["code"], None,
                          f"{item['code']} is documented and should be reported.", "CPT/HCPCS code selection",
                          possible)
        for i in unused:
            code = given_lines[i]["code"]
            self.earned -= EXTRA
            self.lines.append(LineResult("procedure", "extra", None, code, -EXTRA, 0,
                                         ["not supported by the key (over-coding or unbundling)"]))
            self.lose("grade.proc-extra", "error", None, code,
                      f"{code} is not supported as a separately reportable service.",
                      "CPT/HCPCS code selection; NCCI Policy Manual ch. I", EXTRA)

    def pcs(self) -> None:
        given = list(dict.fromkeys(normalise(c) for c in self.answer.get("pcs_procedures", [])))
        unused = list(given)
        for item in self.key.get("pcs_procedures") or []:
            accepts, ref = _accepts(item), item.get("rationale")
            hit = next((g for g in unused if g in accepts), None)
            if item.get("optional"):
                if hit:
                    unused.remove(hit)
                continue
            self.possible += PCS_CODE
            if hit:
                unused.remove(hit)
                self.earned += PCS_CODE
                self.lines.append(LineResult("pcs", "right", item["code"], hit, PCS_CODE, PCS_CODE, [], ref))
                continue
            near = next((g for g in unused if g[:4] == item["code"][:4]), None)
            if near:
                unused.remove(near)
                self.earned += PCS_CODE / 2
                self.lines.append(LineResult("pcs", "partial", item["code"], near, PCS_CODE / 2, PCS_CODE,
                                             ["right root operation and body part; approach, device or qualifier "
                                              "differ"], ref))
                self.lose("grade.pcs-axes", "partial", item["code"], near,
                          f"{near}: characters 5-7 should make {item['code']}.", "ICD-10-PCS Guidelines B",
                          PCS_CODE / 2)
            else:
                self.lines.append(LineResult("pcs", "missing", item["code"], None, 0, PCS_CODE,
                                             ["not reported"], ref))
                self.lose("grade.pcs-missing", "error", item["code"], None,
                          f"{item['code']} is documented and should be reported.", "ICD-10-PCS Guidelines",
                          PCS_CODE)
        for g in unused:
            self.earned -= EXTRA
            self.lines.append(LineResult("pcs", "extra", None, g, -EXTRA, 0, ["not supported by the key"]))
            self.lose("grade.pcs-extra", "error", None, g, f"{g} is not supported by the documentation.",
                      "ICD-10-PCS Guidelines", EXTRA)


def _edit_key(f: Finding) -> tuple:
    return (f.rule, f.code)


def grade(variant: dict, answer: dict, data: EditData, key_answer: dict) -> GradeResult:
    """Grade ``answer`` (the answer shape) against an exercise variant's key.

    ``key_answer`` is the key in the answer shape; the engine runs on both, and only the
    learner's failing findings that the key does not share cost points.
    """
    def describe(code: str) -> str:
        versions = data.versions(CodeSystem.ICD10CM, code)
        return versions[-1].description if versions else ""

    g = _Grader(variant["key"], answer, describe)
    g.diagnoses()
    g.procedures()
    g.pcs()
    # The key's diagnoses are what the record documents: the engine's B9 (unspecified code) needs them.
    facts = dict(key_answer.get("facts") or {}, documented_diagnoses=list(key_answer.get("diagnoses", [])))
    payload = dict(key_answer, diagnoses=answer.get("diagnoses", []), procedures=answer.get("procedures", []),
                   pcs_procedures=answer.get("pcs_procedures", []), facts=facts)
    engine = check(parse_encounter(payload), data)
    baseline = {_edit_key(f) for f in check(parse_encounter(key_answer), data)}
    penalty = 0.0
    for f in engine:
        if f.severity in Severity.FAILING and _edit_key(f) not in baseline and penalty < EDIT_CAP:
            penalty += EDIT
            g.lose(f"edit.{f.rule}", "error", None, f.code, f.message, f.reference, EDIT)
    score = max(0.0, round(g.earned - penalty, 2))
    drg = None
    if variant.get("kind") == "inpatient":
        from .drg import group_both

        drg = group_both(variant, key_answer, answer)
    return GradeResult(score, round(g.possible, 2), g.lines, g.findings, engine, drg)
