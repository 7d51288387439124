"""Sections C (NCCI PTP and add-on codes), D (MUE) and E (modifiers), and line pointers (F1)."""
from __future__ import annotations

from collections import defaultdict

from ..codes.normalize import MODIFIER_RE
from ..codes.tables import CodeSystem
from .model import Encounter, ProcedureLine, Severity
from .registry import rule

ANATOMIC = {"E1", "E2", "E3", "E4", "FA", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "TA", "T1", "T2",
            "T3", "T4", "T5", "T6", "T7", "T8", "T9", "LT", "RT", "LC", "LD", "RC", "LM", "RI"}
GLOBAL_BYPASS = {"24", "25", "57", "58", "78", "79"}
OTHER_BYPASS = {"27", "59", "91", "XE", "XS", "XP", "XU"}
DISTINCT = {"59", "XE", "XS", "XP", "XU"}
LIABILITY = {"GA", "GY", "GZ"}


def is_em(code: str) -> bool:
    """Evaluation and management: CPT 99202-99499 (and the E/M-type eye exams 92002-92014)."""
    return code.isdigit() and (99202 <= int(code) <= 99499 or 92002 <= int(code) <= 92014)


def _bypassed(col1: ProcedureLine, col2: ProcedureLine) -> bool:
    mods2 = set(col2.modifiers)
    if is_em(col2.code):
        return bool(mods2 & {"25", "57"})
    if mods2 & (GLOBAL_BYPASS | OTHER_BYPASS):
        return True
    site1, site2 = set(col1.modifiers) & ANATOMIC, mods2 & ANATOMIC
    return bool(site2) and site1 != site2


PRACTITIONER, DME_SUPPLIER = "practitioner", "dme_supplier"
# Which MUE table applies: CMS publishes one per provider type (the file's service column).
MUE_SERVICE = {PRACTITIONER: "practitioner", DME_SUPPLIER: "dme"}


def provider_type(enc: Encounter) -> str:
    """Case fact ``provider_type``: a practitioner's claim (default) or a DME supplier's."""
    value = str(enc.fact("provider_type", PRACTITIONER) or PRACTITIONER).lower()
    return value if value in MUE_SERVICE else PRACTITIONER


@rule("C1.ncci-ptp", Severity.DENY, "NCCI procedure-to-procedure edits",
      "NCCI PTP edits (CMS); claim-rules C1-C5; CARC 97/236")
def ncci_ptp(r, enc: Encounter, data):
    if provider_type(enc) != PRACTITIONER:
        return  # the loaded PTP table is the practitioner one; DME suppliers have their own (not loaded)
    day = enc.date_of_service
    for col1 in enc.procedures:
        for col2 in enc.procedures:
            if col1.number == col2.number or col1.code == col2.code:
                continue
            for edit in data.ptp(col1.code, col2.code):
                if not edit.active_on(day):
                    continue
                pair = f"{col2.code} (line {col2.number}) is bundled into {col1.code} (line {col1.number})"
                if edit.modifier_indicator == "0":
                    yield r.finding(f"{pair}: modifier indicator 0, no modifier can split this pair "
                                    f"({edit.rationale}).", line=col2.number, code=col2.code)
                elif not _bypassed(col1, col2):
                    hint = ("modifier 25 or 57 on the E/M" if is_em(col2.code)
                            else "an NCCI-associated modifier such as XS, XE, XP, XU, 59 or an anatomic modifier")
                    yield r.finding(f"{pair} ({edit.rationale}); report both only with {hint}, and only when the "
                                    "record documents a distinct service.", line=col2.number, code=col2.code)
                break


@rule("C6.add-on", Severity.DENY, "Add-on code with its primary procedure", "NCCI add-on code edits; claim-rules C6")
def add_on(r, enc: Encounter, data):
    codes = {line.code for line in enc.procedures}
    for line in enc.procedures:
        info = data.add_on(line.code)
        if info is None:
            continue
        kind, primaries = info
        if primaries and not (codes & primaries):
            listed = ", ".join(sorted(primaries)[:8]) + (" ..." if len(primaries) > 8 else "")
            yield r.finding(f"Line {line.number}: {line.code} is an add-on code and must be billed with its primary "
                            f"procedure ({listed}) on the same date.", line=line.number, code=line.code,
                            severity=Severity.DENY if kind == "1" else Severity.WARN)


@rule("D2.mue", Severity.DENY, "Medically unlikely edits", "NCCI MUE (CMS); claim-rules D2; CARC 151")
def mue(r, enc: Encounter, data):
    totals: dict[str, list[ProcedureLine]] = defaultdict(list)
    for line in enc.procedures:
        totals[line.code].append(line)
    service = MUE_SERVICE[provider_type(enc)]
    for code, lines in totals.items():
        edit = data.mue(code, service)
        if edit is None:
            continue
        limit, mai, rationale = edit
        if limit == 0 and enc.payer != "medicare":
            continue  # 0 units marks a service Medicare does not pay at all (e.g. preventive visits)
        if mai == "1":
            for line in lines:
                if line.units > limit:
                    yield r.finding(f"Line {line.number}: {line.units} units of {code} exceed the MUE of {limit} "
                                    "per line. If separate services were performed, report them on separate lines "
                                    "with the correct modifier (76/77/91/anatomic/XS).", line=line.number, code=code)
        else:
            total = sum(line.units for line in lines)
            if total > limit:
                yield r.finding(f"Total units of {code} for this date ({total}) exceed the per-day MUE of {limit} "
                                f"({rationale}); splitting lines does not bypass this edit.", line=lines[0].number,
                                code=code)


@rule("D3.units", Severity.REJECT, "Units of service", "claim-rules D3; 837P SV104")
def units(r, enc: Encounter, data):
    for line in enc.procedures:
        if line.units < 1:
            yield r.finding(f"Line {line.number}: units must be at least 1.", line=line.number, code=line.code)


@rule("E1.modifier-format", Severity.REJECT, "At most four valid modifiers, no repeats",
      "claim-rules E1, A6; CARC 182")
def modifier_format(r, enc: Encounter, data):
    for line in enc.procedures:
        if len(line.modifiers) > 4:
            yield r.finding(f"Line {line.number}: at most 4 modifiers fit on a line.", line=line.number)
        for m in line.modifiers:
            if not MODIFIER_RE.match(m):
                yield r.finding(f"Line {line.number}: {m!r} is not a modifier (two letters or digits).",
                                line=line.number)
            elif not data.valid(CodeSystem.MODIFIER, m, enc.date_of_service):
                yield r.finding(f"Line {line.number}: modifier {m} is not a valid modifier on {enc.date_of_service}.",
                                line=line.number, severity=Severity.DENY)
        repeated = {m for m in line.modifiers if line.modifiers.count(m) > 1}
        for m in sorted(repeated):
            yield r.finding(f"Line {line.number}: modifier {m} is repeated.", line=line.number)


@rule("E2.modifier-25", Severity.DENY, "Modifier 25 only on E/M", "NCCI Policy Manual ch. 1; claim-rules E2")
def modifier_25(r, enc: Encounter, data):
    for line in enc.procedures:
        if "25" in line.modifiers and not is_em(line.code):
            yield r.finding(f"Line {line.number}: modifier 25 belongs on the E/M code, not on {line.code}.",
                            line=line.number, code=line.code)
        if "25" in line.modifiers and enc.fact("separately_identifiable_em") is False:
            yield r.finding(f"Line {line.number}: the record does not show a significant, separately identifiable "
                            "E/M service, so modifier 25 is not supported.", line=line.number, code=line.code)


@rule("E3.modifier-57", Severity.DENY, "Modifier 57 only for a major-surgery decision",
      "claim-rules E3; MPFS global days")
def modifier_57(r, enc: Encounter, data):
    majors = [l for l in enc.procedures if (data.fee_schedule(l.code) or {}).get("global_days") == "090"]
    for line in enc.procedures:
        if "57" not in line.modifiers:
            continue
        if not is_em(line.code):
            yield r.finding(f"Line {line.number}: modifier 57 belongs on an E/M service.", line=line.number)
        elif not majors and not enc.fact("major_surgery_decision"):
            yield r.finding(f"Line {line.number}: modifier 57 applies only to the visit where the decision for a "
                            "major (90-day global) surgery was made; for a minor procedure use 25.", line=line.number)


@rule("E5.pc-tc", Severity.DENY, "26/TC only where the fee schedule splits the service",
      "MPFS PC/TC indicator; claim-rules E5; CARC 4")
def pc_tc(r, enc: Encounter, data):
    for line in enc.procedures:
        mods = set(line.modifiers) & {"26", "TC"}
        if not mods:
            continue
        if mods == {"26", "TC"}:
            yield r.finding(f"Line {line.number}: never 26 and TC on the same line; no modifier means the global "
                            "service.", line=line.number, code=line.code)
            continue
        fee = data.fee_schedule(line.code)
        if fee and fee["pctc"] != "1" and not (fee["pctc"] == "6" and mods == {"26"}):
            yield r.finding(f"Line {line.number}: {line.code} has PC/TC indicator {fee['pctc']}; modifier "
                            f"{mods.pop()} cannot be used with it.", line=line.number, code=line.code)


@rule("E6.bilateral", Severity.DENY, "Bilateral and side modifiers", "MPFS bilateral indicator; claim-rules D4, E6")
def bilateral(r, enc: Encounter, data):
    for line in enc.procedures:
        mods = set(line.modifiers)
        if {"LT", "RT"} <= mods:
            yield r.finding(f"Line {line.number}: LT and RT on the same line; a bilateral procedure is reported "
                            "once with modifier 50.", line=line.number, code=line.code)
        if "50" in mods and mods & {"LT", "RT"}:
            yield r.finding(f"Line {line.number}: do not combine 50 with LT/RT.", line=line.number, code=line.code)
        fee = data.fee_schedule(line.code)
        if "50" in mods and fee and fee["bilateral"] in ("0", "2", "9"):
            yield r.finding(f"Line {line.number}: {line.code} has bilateral indicator {fee['bilateral']}; modifier 50 "
                            "does not apply.", line=line.number, code=line.code)
        if "50" in mods and line.units > 1:
            yield r.finding(f"Line {line.number}: a bilateral procedure with modifier 50 is 1 unit.",
                            line=line.number, code=line.code)


@rule("E7.modifier-51", Severity.WARN, "Modifier 51 on Medicare claims", "claim-rules E7")
def modifier_51(r, enc: Encounter, data):
    if enc.payer != "medicare":
        return
    for line in enc.procedures:
        if "51" in line.modifiers:
            yield r.finding(f"Line {line.number}: Medicare applies multiple-procedure reductions itself; remove "
                            "modifier 51.", line=line.number, code=line.code)


@rule("E8.distinct-service", Severity.DENY, "59 and X{EPSU}", "CMS MLN1783722; claim-rules E8")
def distinct_service(r, enc: Encounter, data):
    for line in enc.procedures:
        mods = set(line.modifiers) & DISTINCT
        if not mods:
            continue
        if is_em(line.code):
            yield r.finding(f"Line {line.number}: 59 and X modifiers may not be used on E/M codes (use 25 or 57).",
                            line=line.number, code=line.code)
        elif "59" in mods and len(mods) > 1:
            yield r.finding(f"Line {line.number}: do not put 59 and an X modifier on the same line; use the most "
                            "specific X modifier.", line=line.number, code=line.code)


@rule("E9.repeat", Severity.DENY, "76/77/91 not on E/M", "claim-rules E9")
def repeat(r, enc: Encounter, data):
    for line in enc.procedures:
        if set(line.modifiers) & {"76", "77", "91"} and is_em(line.code):
            yield r.finding(f"Line {line.number}: repeat-procedure modifiers do not apply to E/M services.",
                            line=line.number, code=line.code)


@rule("E10.liability", Severity.DENY, "GA, GY and GZ are mutually exclusive", "claim-rules E10")
def liability(r, enc: Encounter, data):
    for line in enc.procedures:
        if len(set(line.modifiers) & LIABILITY) > 1:
            yield r.finding(f"Line {line.number}: GA, GY and GZ cannot be combined on one line.", line=line.number,
                            code=line.code)


@rule("F1.pointers", Severity.REJECT, "Diagnosis pointers", "NUCC 1500 item 24E; 837P SV107; claim-rules F1")
def pointers(r, enc: Encounter, data):
    if len(enc.diagnoses) > 12:
        yield r.finding(f"A professional claim holds at most 12 diagnoses; {len(enc.diagnoses)} were given.")
    for line in enc.procedures:
        if not line.dx_pointers:
            if enc.diagnoses:
                yield r.finding(f"Line {line.number}: point to at least one diagnosis.", line=line.number)
            continue
        if len(line.dx_pointers) > 4:
            yield r.finding(f"Line {line.number}: a line may point to at most 4 diagnoses.", line=line.number)
        for p in line.dx_pointers:
            if p > len(enc.diagnoses):
                yield r.finding(f"Line {line.number} points to diagnosis {p}, which is blank.", line=line.number)
        if len(set(line.dx_pointers)) != len(line.dx_pointers):
            yield r.finding(f"Line {line.number}: a diagnosis pointer is repeated.", line=line.number)
        first = line.dx_pointers[0]
        if first <= len(enc.diagnoses):
            dx = enc.diagnoses[first - 1]
            if "manifestation" in data.mce_flags(dx):
                yield r.finding(f"Line {line.number}: the first pointer targets a manifestation code; point first "
                                "to the underlying condition.", line=line.number, severity=Severity.WARN)


@rule("F0.diagnosis-required", Severity.REJECT, "At least one diagnosis", "NUCC 1500 item 21; 837P HI")
def diagnosis_required(r, enc: Encounter, data):
    if not enc.diagnoses:
        yield r.finding("Report at least one diagnosis (the first-listed diagnosis goes in position A).")


GLOBAL_WINDOWS = {"000": (0, 0), "010": (0, 10), "090": (-1, 90)}


@rule("E4.global-period", Severity.DENY, "Services inside a surgery's global period",
      "MPFS global days; NCCI Policy Manual ch. I (global surgery); claim-rules E4")
def global_period(r, enc: Encounter, data):
    """Case fact prior_surgery: {code, date} (same physician or group). Inside its window an E/M needs
    24, 25 or 57 and a procedure needs 58, 78 or 79."""
    import datetime as dt

    prior = enc.fact("prior_surgery")
    if not isinstance(prior, dict) or not prior.get("code") or not prior.get("date"):
        return
    try:
        done = dt.date.fromisoformat(str(prior["date"]))
    except ValueError:
        return
    fee = data.fee_schedule(str(prior["code"]).upper()) or {}
    window = GLOBAL_WINDOWS.get(fee.get("global_days"))
    if window is None:
        return
    days = (enc.date_of_service - done).days
    if not window[0] <= days <= window[1] or days == 0 and window[1] == 0:
        return
    for line in enc.procedures:
        mods = set(line.modifiers)
        if is_em(line.code) and not mods & {"24", "25", "57"}:
            yield r.finding(f"Line {line.number}: this visit falls in the {fee['global_days']}-day global period of "
                            f"{prior['code']} ({done}); an unrelated E/M needs modifier 24 (57 for a decision to "
                            "operate), otherwise it is part of the surgical package.", line=line.number,
                            code=line.code)
        elif not is_em(line.code) and data.fee_schedule(line.code) and not mods & {"58", "78", "79"} \
                and (data.fee_schedule(line.code) or {}).get("global_days") in GLOBAL_WINDOWS:
            yield r.finding(f"Line {line.number}: a procedure inside the global period of {prior['code']} needs 58 "
                            "(staged), 78 (return to the OR for a complication) or 79 (unrelated).",
                            line=line.number, code=line.code)
