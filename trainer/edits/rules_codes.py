"""Section A (code validity) and B (ICD-10-CM conventions) of docs/claim-rules.md."""
from __future__ import annotations

from ..codes.normalize import CPT_RE, HCPCS_RE, ICD10CM_RE, ICD10PCS_RE, display, normalise
from ..codes.refs import matches_any, parse_refs
from ..codes.tables import CodeSystem
from .model import Encounter, Severity
from .registry import rule

CM = CodeSystem.ICD10CM
# Guideline I.C.21.c.16: Z codes that may only be principal/first-listed (FY2024-2026 wording).
FIRST_LISTED_ONLY = ("Z00", "Z01", "Z02", "Z04", "Z332", "Z3181", "Z3183", "Z3184", "Z34", "Z39", "Z38", "Z40",
                     "Z42", "Z510", "Z511", "Z52", "Z761", "Z762", "Z9912")
FIRST_LISTED_ONLY_EXCEPT = ("Z006", "Z529")
AGE_GROUPS = {"newborn": (0, 0), "pediatric": (0, 17), "maternity": (9, 64), "adult": (15, 124)}


def dx_display(code: str) -> str:
    return display(CM, code)


def procedure_system(code: str) -> str | None:
    if CPT_RE.match(code):
        return CodeSystem.CPT
    if HCPCS_RE.match(code):
        return CodeSystem.HCPCS
    return None


@rule("A2.dx-format", Severity.REJECT, "Diagnosis code format", "claim-rules A2; NUCC 1500 item 21")
def dx_format(r, enc: Encounter, data):
    for code in enc.diagnoses:
        if not ICD10CM_RE.match(code):
            yield r.finding(f"{code} is not an ICD-10-CM code: diagnosis codes are 3-7 characters and start "
                            "with a letter.", code=code)


@rule("A1.dx-valid", Severity.REJECT, "Diagnosis valid on the date of service",
      "ICD-10-CM Guidelines I.B.2; claim-rules A1, A3")
def dx_valid(r, enc: Encounter, data):
    day = enc.date_of_service
    for code in enc.diagnoses:
        if not ICD10CM_RE.match(code):
            continue
        shown = dx_display(code)
        versions = data.versions(CM, code)
        version = data.version_on(CM, code, day)
        if not versions:
            yield r.finding(f"{shown} is not an ICD-10-CM code.", code=code)
        elif version is None:
            first, last = versions[0], versions[-1]
            when = (f"it takes effect on {first.start}" if day < first.start
                    else f"it was deleted after {last.end}")
            yield r.finding(f"{shown} is not valid for a service on {day}: {when}.", code=code)
        elif not version.billable:
            if version.needs_seventh:
                yield r.finding(f"{shown} requires a 7th character; use placeholder X to fill empty positions "
                                f"so the extension is in position 7.", code=code)
            else:
                yield r.finding(f"{shown} is a category/subcategory heading, not a reportable code: code to the "
                                "highest specificity available.", code=code)


@rule("B9.unspecified", Severity.WARN, "Unspecified code where the record documents the detail",
      "ICD-10-CM Guidelines I.B.18; claim-rules B9")
def unspecified(r, enc: Encounter, data):
    """Only with the case fact ``documented_diagnoses`` (the codes the record supports, which the grader
    takes from the key): without it the engine cannot know what the documentation says."""
    documented = [normalise(str(c)) for c in enc.fact("documented_diagnoses", []) or []]
    if not documented:
        return

    def unspecified_on_day(code: str) -> bool:
        version = data.version_on(CM, code, enc.date_of_service)
        return version is not None and "unspecified" in (version.description or "").lower()

    for code in enc.diagnoses:
        if code in documented or not ICD10CM_RE.match(code) or not unspecified_on_day(code):
            continue
        better = next((d for d in documented if d[:3] == code[:3] and not unspecified_on_day(d)), None)
        if better:
            yield r.finding(f"The documentation specifies the detail; choose the more specific code "
                            f"{dx_display(better)} rather than {dx_display(code)}.", code=code)


@rule("B10.dx-duplicate", Severity.WARN, "Each diagnosis reported once", "ICD-10-CM Guidelines I.B.12")
def dx_duplicate(r, enc: Encounter, data):
    seen = set()
    for code in enc.diagnoses:
        if code in seen:
            yield r.finding(f"{dx_display(code)} is listed more than once; report each diagnosis code only once.",
                            code=code)
        seen.add(code)


@rule("B6.external-cause-first", Severity.DENY, "External cause never first-listed",
      "ICD-10-CM Guidelines I.C.20.a.6; MCE E-code as principal")
def external_cause_first(r, enc: Encounter, data):
    if enc.diagnoses and enc.diagnoses[0][0] in "VWXY":
        yield r.finding(f"External cause codes (V00-Y99) explain how an injury happened and can never be the "
                        f"first-listed diagnosis; list the injury first, not {dx_display(enc.diagnoses[0])}.",
                        code=enc.diagnoses[0])


@rule("B3.manifestation-first", Severity.DENY, "Manifestation codes never first-listed",
      "ICD-10-CM Guidelines I.A.13; MCE manifestation as principal")
def manifestation_first(r, enc: Encounter, data):
    if not enc.diagnoses:
        return
    first = enc.diagnoses[0]
    title = (data.versions(CM, first)[-1].description if data.versions(CM, first) else "").lower()
    if "manifestation" in data.mce_flags(first) or "in diseases classified elsewhere" in title:
        yield r.finding(f"{dx_display(first)} describes a manifestation and can never be the first-listed "
                        "diagnosis; code the underlying disease first.", code=first)


@rule("B5.first-listed-only", Severity.DENY, "Z codes that may only be first-listed",
      "ICD-10-CM Guidelines I.C.21.c.16")
def first_listed_only(r, enc: Encounter, data):
    if enc.fact("combined_same_day_encounters"):
        return
    for code in enc.diagnoses[1:]:
        if code.startswith(FIRST_LISTED_ONLY) and not code.startswith(FIRST_LISTED_ONLY_EXCEPT):
            yield r.finding(f"{dx_display(code)} may only be reported as the first-listed diagnosis.", code=code)


@rule("B5.unacceptable-principal", Severity.DENY, "Unacceptable principal diagnosis (inpatient)",
      "MCE unacceptable principal diagnosis list")
def unacceptable_principal(r, enc: Encounter, data):
    # An inpatient (MCE) edit: screening and encounter Z codes are fine first-listed in an office.
    if enc.inpatient and enc.diagnoses and "unacceptable" in data.mce_flags(enc.diagnoses[0]):
        yield r.finding(f"{dx_display(enc.diagnoses[0])} is not acceptable as a principal diagnosis.",
                        code=enc.diagnoses[0])


def _unrelated(enc: Encounter, a: str, b: str) -> bool:
    if enc.fact("conditions_unrelated") is True:
        return True
    pairs = enc.fact("unrelated") or []
    wanted = {a, b}
    return any({str(x).upper().replace(".", "") for x in pair} == wanted for pair in pairs if isinstance(pair, list))


@rule("B1.excludes1", Severity.DENY, "Excludes1 pairs", "ICD-10-CM Guidelines I.A.12.a")
def excludes1(r, enc: Encounter, data):
    codes = [c for c in dict.fromkeys(enc.diagnoses) if ICD10CM_RE.match(c)]
    reported = set()
    for x in codes:
        for written_at, text in data.notes_of(x, "excludes1"):
            refs = parse_refs(text)
            for y in codes:
                if y == x or not matches_any(y, refs) or frozenset((x, y)) in reported:
                    continue
                reported.add(frozenset((x, y)))
                if _unrelated(enc, x, y):
                    yield r.finding(f"{dx_display(x)} and {dx_display(y)} are Excludes1 to each other; both are "
                                    "reported only because the record shows the conditions are unrelated.",
                                    code=y, severity=Severity.WARN)
                else:
                    yield r.finding(f"{dx_display(x)} and {dx_display(y)} are Excludes1 to each other (note at "
                                    f"{dx_display(written_at)}: \"{text}\"): they cannot be reported together "
                                    "unless the conditions are unrelated.", code=y)


@rule("B2.code-first", Severity.WARN, "Code first: the underlying condition comes first",
      "ICD-10-CM Guidelines I.A.13")
def code_first(r, enc: Encounter, data):
    for pos, m in enumerate(enc.diagnoses):
        for written_at, text in data.notes_of(m, "code_first"):
            refs = parse_refs(text)
            if not refs:
                continue
            earlier = [c for c in enc.diagnoses[:pos] if matches_any(c, refs)]
            later = [c for c in enc.diagnoses[pos + 1:] if matches_any(c, refs)]
            if later and not earlier:
                yield r.finding(f"{dx_display(m)} has a 'code first' instruction: list the underlying condition "
                                f"({dx_display(later[0])}) before it.", code=m)
            break


@rule("B2.use-additional", Severity.WARN, "Use additional code: sequenced after", "ICD-10-CM Guidelines I.A.13")
def use_additional(r, enc: Encounter, data):
    for pos, e in enumerate(enc.diagnoses):
        for written_at, text in data.notes_of(e, "use_additional"):
            refs = parse_refs(text)
            for c in enc.diagnoses[:pos]:
                if refs and matches_any(c, refs) and not data.notes_of(c, "use_additional", inherited=False):
                    yield r.finding(f"{dx_display(c)} is the additional code that {dx_display(e)} asks for; "
                                    f"sequence it after {dx_display(e)}.", code=c)


@rule("B8.mce-age", Severity.WARN, "Diagnosis consistent with the patient's age",
      "Medicare Code Editor age edits (v43)")
def mce_age(r, enc: Encounter, data):
    age = enc.patient.age_on(enc.date_of_service)
    severity = Severity.DENY if enc.inpatient and enc.payer == "medicare" else Severity.WARN
    for code in dict.fromkeys(enc.diagnoses):
        for flag in sorted(data.mce_flags(code) & AGE_GROUPS.keys()):
            lo, hi = AGE_GROUPS[flag]
            if not lo <= age <= hi:
                yield r.finding(f"{dx_display(code)} is a {flag} diagnosis (ages {lo}-{hi}) but the patient is "
                                f"{age}.", code=code, severity=severity)


@rule("A5.procedure-valid", Severity.DENY, "CPT/HCPCS valid on the date of service", "claim-rules A5; CARC 181")
def procedure_valid(r, enc: Encounter, data):
    for line in enc.procedures:
        system = procedure_system(line.code)
        if system is None:
            yield r.finding(f"Line {line.number}: {line.code} is not a CPT or HCPCS Level II code.",
                            line=line.number, code=line.code, severity=Severity.REJECT)
        elif not data.exists(system, line.code):
            yield r.finding(f"Line {line.number}: {line.code} is not a {CodeSystem.LABELS[system]} code in the "
                            "loaded code sets.", line=line.number, code=line.code)
        elif not data.valid(system, line.code, enc.date_of_service):
            yield r.finding(f"Line {line.number}: {line.code} is not valid on {enc.date_of_service}.",
                            line=line.number, code=line.code)


@rule("A7.pcs", Severity.REJECT, "ICD-10-PCS structure, validity and setting", "claim-rules A7; ICD-10-PCS A2")
def pcs(r, enc: Encounter, data):
    for code in enc.pcs_procedures:
        if not ICD10PCS_RE.match(code):
            yield r.finding(f"{code}: ICD-10-PCS codes are 7 characters using digits and letters except I and O.",
                            code=code)
        elif not data.valid(CodeSystem.ICD10PCS, code, enc.date_of_service):
            yield r.finding(f"{code} is not a valid ICD-10-PCS code on {enc.date_of_service}.", code=code)
        elif not enc.inpatient:
            yield r.finding(f"{code}: ICD-10-PCS codes are reported only for inpatient hospital procedures.",
                            code=code)


@rule("B8.mce-sex", Severity.DENY, "Diagnosis consistent with the patient's sex (payers that apply it)",
      "MCE sex edits (Medicare ended them 2024-09-30); claim-rules B8; CARC 10")
def mce_sex(r, enc: Encounter, data):
    if enc.payer == "medicare" or enc.patient.sex not in ("F", "M"):
        return
    other = "male" if enc.patient.sex == "F" else "female"
    for code in dict.fromkeys(enc.diagnoses):
        if other in data.mce_flags(code):
            yield r.finding(f"{dx_display(code)} is a {other}-only diagnosis but the patient is recorded as "
                            f"{'female' if enc.patient.sex == 'F' else 'male'}; {enc.payer} payers apply sex edits.",
                            code=code)


@rule("B7.combination", Severity.WARN, "Use the combination code", "ICD-10-CM Guidelines I.A.15, I.B.9, I.C.9.a")
def combination(r, enc: Encounter, data):
    codes = set(enc.diagnoses)
    if "I10" in codes and not enc.fact("hypertension_unrelated"):
        heart = any(c.startswith("I50") for c in codes)
        kidney = any(c.startswith("N18") for c in codes)
        if heart and kidney:
            yield r.finding("I10 with heart failure and chronic kidney disease: the guidelines presume the link, so "
                            "report I13.- (with the I50.- and N18.- codes) instead of I10.", code="I10")
        elif heart:
            yield r.finding("I10 with heart failure: the guidelines presume the link, so report I11.0 with the "
                            "I50.- code instead of I10 (unless the provider documents they are unrelated).",
                            code="I10")
        elif kidney:
            yield r.finding("I10 with chronic kidney disease: the guidelines presume the link, so report I12.- with "
                            "the N18.- code instead of I10.", code="I10")
    for without in ("E109", "E119", "E139", "E089", "E099"):
        if without in codes and any(c.startswith(without[:3]) and c != without for c in codes):
            yield r.finding(f"{dx_display(without)} means diabetes without complications, yet another "
                            f"{without[:3]} code reports a complication: drop {dx_display(without)}.", code=without)
