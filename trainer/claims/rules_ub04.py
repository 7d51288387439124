"""UB-04 / 837I claim rules (docs/claim-rules.md G1-G6, and the F rules that apply to institutional
claims), registered with scope "claim" for InstitutionalClaim only.

Code lists: the NUBC lists (type of bill, point of origin, revenue, condition, occurrence, value
codes) are licensed and not available offline, and the pyx12 837I map carries none of them. So these
rules check the format and only the values claim-rules.md names (admission types, frequencies);
each reference says so. Discharge statuses come from CMS's Medicare Code Editor v43.1 data. The
official POA-exempt list is not shipped either: a blank POA is accepted as "exempt" and only the
values (Y, N, U, W, blank; never the 4010 "1") are checked.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from ..edits.model import Severity
from .institutional import POA_VALUES, InstitutionalClaim
from .model import RELATIONSHIPS
from .npi import npi_ok
from .rules import TAX_ID, claim_rule

UB = InstitutionalClaim
FORMAT_ONLY = "format check only: the NUBC list is licensed and not available offline"
TOB = re.compile(r"^0[1-9][1-9][0-9A-Q]$")
UB_FREQUENCIES = set("01234578") | set("ABCDEFGHIJKLMNOPQ")  # claim-rules G1 (letters: format only)
ADMISSION_TYPES = {"1": "emergency", "2": "urgent", "3": "elective", "4": "newborn", "5": "trauma center",
                   "9": "information not available"}  # claim-rules G4
# CMS Medicare Code Editor v43.1 (FY2026) valid patient discharge status codes (public domain CMS data)
DISCHARGE_STATUSES = {f"{n:02d}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 10, 13, 20, 21, 22, 23, 30, 43, 50, 51, 61,
                                           62, 63, 64, 65, 66, 69, 70, 71, 72, *range(81, 96))}
INTERIM = ("2", "3")
CODE2 = re.compile(r"^[0-9A-Z]{2}$")
REVENUE = re.compile(r"^0[0-9]{3}$")
HOUR = re.compile(r"^([01][0-9]|2[0-3])$")
MAX_OTHER_DX, MAX_EXTERNAL, MAX_PROCEDURES, MAX_CODES = 24, 12, 24, 24
EXTERNAL_CAUSE = ("V", "W", "X", "Y")


@claim_rule("G1.type-of-bill", Severity.REJECT, "Type of bill (FL4)",
            f"claim-rules G1; 837I CLM05; facility/classification digits: {FORMAT_ONLY}", kind=UB)
def type_of_bill(r, claim: UB, data):
    tob = claim.type_of_bill
    if not TOB.match(tob or "") or tob[3] not in UB_FREQUENCIES:
        yield r.finding(f"Type of bill {tob!r} is not a valid facility/classification/frequency combination: "
                        "four characters, a leading 0, facility type, bill classification, frequency (e.g. 0111).")


@claim_rule("G2.revenue", Severity.REJECT, "Revenue codes (FL42) and their units",
            f"claim-rules G2; 837I SV201/SV205; revenue categories: {FORMAT_ONLY}", kind=UB)
def revenue(r, claim: UB, data):
    if not claim.lines:
        yield r.finding("A UB-04 needs at least one revenue line.")
    for n, line in enumerate(claim.lines, start=1):
        if not REVENUE.match(line.revenue_code or ""):
            yield r.finding(f"Line {n}: revenue code {line.revenue_code!r} is four digits with a leading zero "
                            "(e.g. 0450).", line=n)
        elif line.revenue_code == "0001":
            yield r.finding(f"Line {n}: 0001 is the total-charges line; the claim total is computed, not billed "
                            "as a service line.", line=n)
        if line.units < 1:
            yield r.finding(f"Line {n}: units must be at least 1.", line=n)
        if not claim.inpatient and not line.hcpcs and not line.accommodation:
            yield r.finding(f"Line {n}: revenue code {line.revenue_code} on an outpatient bill usually needs a "
                            "HCPCS code (FL44).", line=n, severity=Severity.WARN)
    if claim.inpatient and claim.admission_date:
        days = max(1, (claim.statement_through - claim.admission_date).days)
        billed = sum(l.units for l in claim.lines if l.accommodation)
        if billed and billed != days:
            yield r.finding(f"Room and board units ({billed}) should equal the days of the stay ({days}): "
                            "count the admission day, not the discharge day.", severity=Severity.WARN)


@claim_rule("G3.codes", Severity.REJECT, "Condition, occurrence, occurrence span and value codes",
            f"claim-rules G3; 837I HI BG/BH/BI/BE; code values: {FORMAT_ONLY}", kind=UB)
def ub_codes(r, claim: UB, data):
    groups = (("condition", claim.condition_codes), ("occurrence", [o.code for o in claim.occurrences]),
              ("occurrence span", [s.code for s in claim.occurrence_spans]), ("value", [v.code for v in claim.values]))
    for what, codes in groups:
        if len(codes) > MAX_CODES:
            yield r.finding(f"An 837I holds at most {MAX_CODES} {what} codes; this claim has {len(codes)}.")
        for code in codes:
            if not CODE2.match(code or ""):
                yield r.finding(f"{code!r} is not a valid NUBC {what} code: two letters or digits.")
    for span in claim.occurrence_spans:
        if span.end < span.start:
            yield r.finding(f"Occurrence span {span.code}: the 'through' date is before the 'from' date.")
    for value in claim.values:
        if not value.amount.is_finite() or value.amount.as_tuple().exponent < -2:
            yield r.finding(f"Value code {value.code} must be reported with an amount in dollars and cents.")


@claim_rule("G4.admission", Severity.REJECT, "Admission type, point of origin, discharge status",
            f"claim-rules G4; 837I CL1, DTP*435/096; discharge status: CMS MCE v43.1; point of origin: {FORMAT_ONLY}",
            kind=UB)
def admission(r, claim: UB, data):
    if claim.discharge_status not in DISCHARGE_STATUSES:
        yield r.finding(f"Patient discharge status {claim.discharge_status!r} (FL17) is not a valid two-digit "
                        "status code.")
    elif claim.discharge_status == "30" and claim.frequency not in INTERIM:
        yield r.finding("Patient status 30 ('still a patient') can only be used on an interim bill (frequency 2 or 3).")
    for what, hour in (("admission", claim.admission_hour), ("discharge", claim.discharge_hour)):
        if hour and not HOUR.match(hour):
            yield r.finding(f"The {what} hour {hour!r} is two digits, 00 to 23.")
    if not claim.inpatient:
        return
    if claim.admission_date is None:
        yield r.finding("An inpatient claim needs the admission date (FL12).")
    elif not claim.admission_date <= claim.statement_from:
        yield r.finding("The admission date (FL12) cannot be after the statement period starts (FL6).")
    if claim.admission_type not in ADMISSION_TYPES:
        yield r.finding(f"Admission type {claim.admission_type!r} (FL14) is not one of "
                        f"{', '.join(f'{k} {v}' for k, v in ADMISSION_TYPES.items())}.")
    if not re.match(r"^[0-9A-Z]$", claim.point_of_origin or ""):
        yield r.finding("An inpatient claim needs the point of origin for admission (FL15): one letter or digit.")


@claim_rule("G5.dx-procedures", Severity.REJECT, "Diagnoses and ICD-10-PCS procedures on institutional claims",
            "claim-rules G5; 837I HI ABK/ABJ/ABF/ABN/BBR/BBQ", kind=UB)
def dx_procedures(r, claim: UB, data):
    if not claim.principal.code:
        yield r.finding("The principal diagnosis (FL67) is required.")
    elif claim.principal.code.startswith(EXTERNAL_CAUSE):
        yield r.finding(f"{claim.principal.code}: an external-cause code is never the principal diagnosis.")
    if claim.inpatient and not claim.admitting_diagnosis:
        yield r.finding("Inpatient claims need an admitting diagnosis (FL69).")
    if len(claim.other_diagnoses) > MAX_OTHER_DX:
        yield r.finding(f"An 837I holds {MAX_OTHER_DX} other diagnoses; this claim has {len(claim.other_diagnoses)}.")
    if len(claim.external_causes) > MAX_EXTERNAL:
        yield r.finding(f"An 837I holds {MAX_EXTERNAL} external-cause codes; this claim has "
                        f"{len(claim.external_causes)}.")
    misplaced = [d.code for d in claim.other_diagnoses if d.code.startswith(EXTERNAL_CAUSE)]
    if misplaced:
        yield r.finding(f"{', '.join(misplaced)}: external-cause codes go in FL72 (HI*ABN), not with the other "
                        "diagnoses.", severity=Severity.WARN)
    if claim.procedures and not claim.inpatient:
        yield r.finding("ICD-10-PCS procedures (FL74) are reported only on inpatient bills (type 011x).")
    if claim.other_procedures and not claim.principal_procedure:
        yield r.finding("Other procedures (FL74a-e) need a principal procedure (FL74) first.")
    if len(claim.other_procedures) > MAX_PROCEDURES:
        yield r.finding(f"An 837I holds {MAX_PROCEDURES} other procedures; this claim has {len(claim.other_procedures)}.")
    for p in claim.procedures:
        if not claim.statement_from <= p.date <= claim.statement_through:
            yield r.finding(f"Procedure {p.code} is dated {p.date}, outside the statement period.")


@claim_rule("G6.poa", Severity.REJECT, "Present-on-admission indicators",
            "claim-rules G6; 837I HI composite 9 (N/U/W/Y); POA-exempt list: not available offline, a blank "
            "indicator is taken as exempt", kind=UB)
def poa(r, claim: UB, data):
    if not claim.inpatient:
        return
    for d in claim.diagnoses:
        if d.poa == "1":
            yield r.finding(f"{d.code}: the POA value 1 was the 4010-era exempt flag; on a 5010 claim leave the "
                            "indicator blank for a POA-exempt code.")
        elif d.poa not in POA_VALUES:
            yield r.finding(f"{d.code} requires a POA indicator Y, N, U or W (blank only for a POA-exempt code), "
                            f"not {d.poa!r}.")


# -- the F rules as they apply to a UB-04 -------------------------------------------------------------------

@claim_rule("F3.ub04-required", Severity.REJECT, "Required UB-04 data", "claim-rules F3; 837I 005010X223A2",
            kind=UB)
def required(r, claim: UB, data):
    who = claim.the_patient
    needs = ((claim.payer.name and claim.payer.payer_id, "The payer name and payer ID (FL50)"),
             (claim.subscriber.member_id, "The insured's unique ID (FL60)"),
             (claim.subscriber.last and claim.subscriber.first, "The insured's name (FL58)"),
             (who.birth_date, "The patient's birth date (FL10)"), (who.sex in ("F", "M", "U"), "The patient's sex (FL11)"),
             (claim.billing.address, "The facility's address (FL1)"), (claim.claim_id, "The patient control number (FL3a)"),
             (claim.attending, "The attending provider (FL76)"))
    for value, what in needs:
        if not value:
            yield r.finding(f"{what} is required for this claim.")
    if claim.relationship not in RELATIONSHIPS:
        yield r.finding(f"Relationship {claim.relationship!r} is not one of {', '.join(RELATIONSHIPS)} (FL59).")
    if claim.relationship != "18" and claim.patient is None:
        yield r.finding("The patient is not the insured: enter the patient's own name, birth date and sex (FL8-11).")
    if not TAX_ID.match(claim.billing.tax_id or "") or claim.billing.tax_id_type != "EI":
        yield r.finding("The facility's federal tax number (FL5) is a 9-digit EIN.")


@claim_rule("F4.ub04-npi", Severity.REJECT, "NPI check digit (UB-04)", "claim-rules F4; CMS NPI check digit",
            kind=UB)
def npi(r, claim: UB, data):
    for role, provider in (("facility (FL56)", claim.billing), ("attending (FL76)", claim.attending),
                           ("operating (FL77)", claim.operating)):
        if provider is None:
            continue
        if not npi_ok(provider.npi):
            yield r.finding(f"The {role} NPI {provider.npi} fails the check-digit test: re-enter it from NPPES.")
        if provider is not claim.billing and provider.entity != "1":
            yield r.finding(f"The {role} provider must be a person (an individual, type 1 NPI).")


@claim_rule("F6.ub04-dates", Severity.REJECT, "Statement period and service dates (UB-04)",
            "claim-rules F6; 837I DTP*434 and DTP*472; CARC 110, 14", kind=UB)
def dates(r, claim: UB, data):
    start, through = claim.statement_from, claim.statement_through
    if through < start:
        yield r.finding("The statement period's 'through' date (FL6) is earlier than its 'from' date.")
    if through > (claim.submitted_on or dt.date.today()):
        yield r.finding(f"Services cannot be billed before they are performed (statement through {through}).")
    born = claim.the_patient.birth_date
    if born and start < born:
        yield r.finding("The statement period starts before the patient's birth date.")
    for n, line in enumerate(claim.lines, start=1):
        if not start <= line.service_date <= through:
            yield r.finding(f"Line {n}: the service date {line.service_date} is outside the statement period "
                            f"{start} - {through}.", line=n)


@claim_rule("F7.ub04-charges", Severity.REJECT, "Charges and the total (UB-04)", "claim-rules F7; 837I CLM02, SV203",
            kind=UB)
def charges(r, claim: UB, data):
    total = Decimal("0")
    for n, line in enumerate(claim.lines, start=1):
        if line.charge <= 0 or line.charge.as_tuple().exponent < -2:
            yield r.finding(f"Line {n}: the charge must be more than 0.00, in dollars and cents.", line=n)
        if not 0 <= line.non_covered <= line.charge:
            yield r.finding(f"Line {n}: the non-covered charge (FL48) is between 0 and the line's charge.", line=n)
        total += line.charge
    if claim.total_charge is not None and claim.total_charge != total:
        yield r.finding(f"Total charges ({claim.total_charge:.2f}) must equal the sum of the line charges ({total:.2f}).")


@claim_rule("F8.ub04-frequency", Severity.REJECT, "Frequency code and the original claim number (UB-04)",
            "claim-rules F8, G1; X12 RFI 1538; UB-04 FL4 and FL64", kind=UB)
def frequency(r, claim: UB, data):
    if claim.frequency in ("7", "8") and not claim.original_claim_number:
        yield r.finding("Frequency 7 or 8 (type of bill xx7/xx8) requires the original claim number (FL64 / REF*F8).")
    elif claim.frequency == "1" and claim.original_claim_number:
        yield r.finding("An original claim (type of bill xx1) leaves the document control number (FL64) blank.")
