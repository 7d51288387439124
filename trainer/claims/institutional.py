"""The institutional claim as a domain object: what the UB-04 (CMS-1450) and the 837I carry for a
practice hospital claim. Parties (payer, subscriber, patient, providers) reuse the professional
claim's classes; amounts are Decimal; dates are dates; hours are two-digit strings "00"-"23".

Form locators (FL) are the UB-04's; the 837I place of each field is in trainer/claims/x12_837i.py.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from ..codes.normalize import normalise
from ..edits.model import Encounter, Patient, ProcedureLine
from .model import Payer, Person, Provider

POA_VALUES = ("Y", "N", "U", "W", "")  # "" = exempt from POA reporting (5010 sends no indicator)
ACCOMMODATION = range(100, 220)  # revenue codes 0100-0219: room and board, units are days


@dataclass(frozen=True)
class Diagnosis:
    code: str  # ICD-10-CM without the dot
    poa: str = ""  # Y, N, U, W, or blank for a POA-exempt code


@dataclass(frozen=True)
class Procedure:
    code: str  # ICD-10-PCS (FL74)
    date: dt.date


@dataclass(frozen=True)
class Occurrence:
    code: str  # FL31-34, 837I HI*BH
    date: dt.date


@dataclass(frozen=True)
class OccurrenceSpan:
    code: str  # FL35-36, 837I HI*BI
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Value:
    code: str  # FL39-41, 837I HI*BE
    amount: Decimal


@dataclass(frozen=True)
class RevenueLine:
    revenue_code: str  # FL42, four digits with the leading zero
    service_date: dt.date  # FL45
    charge: Decimal  # FL47
    units: int = 1  # FL46 (days for room and board)
    hcpcs: str = ""  # FL44, outpatient lines
    modifiers: tuple[str, ...] = ()
    non_covered: Decimal = Decimal("0")  # FL48

    @property
    def accommodation(self) -> bool:
        return self.revenue_code.isdigit() and int(self.revenue_code) in ACCOMMODATION


@dataclass(frozen=True)
class InstitutionalClaim:
    claim_id: str  # FL3a patient control number / CLM01
    payer: Payer  # FL50
    subscriber: Person  # FL58-60
    billing: Provider  # FL1 and FL56 (NPI), FL5 (tax ID); the facility
    type_of_bill: str  # FL4: 0 + facility type + classification + frequency, e.g. 0111
    statement_from: dt.date  # FL6
    statement_through: dt.date
    principal: Diagnosis  # FL67 with its POA
    lines: tuple[RevenueLine, ...]
    discharge_status: str  # FL17, two digits
    admission_date: dt.date | None = None  # FL12 (inpatient)
    admission_hour: str = ""  # FL13
    admission_type: str = ""  # FL14
    point_of_origin: str = ""  # FL15
    discharge_hour: str = ""  # FL16
    admitting_diagnosis: str = ""  # FL69
    other_diagnoses: tuple[Diagnosis, ...] = ()  # FL67A-Q (24 in the 837I)
    external_causes: tuple[Diagnosis, ...] = ()  # FL72
    principal_procedure: Procedure | None = None  # FL74
    other_procedures: tuple[Procedure, ...] = ()  # FL74a-e
    condition_codes: tuple[str, ...] = ()  # FL18-28
    occurrences: tuple[Occurrence, ...] = ()
    occurrence_spans: tuple[OccurrenceSpan, ...] = ()
    values: tuple[Value, ...] = ()
    patient: Person | None = None  # None: the patient is the subscriber
    relationship: str = "18"  # FL59
    attending: Provider | None = None  # FL76
    operating: Provider | None = None  # FL77
    group_number: str = ""  # FL62
    original_claim_number: str = ""  # FL64, for frequencies 7 and 8
    prior_authorization: str = ""  # FL63
    drg: str = ""  # MS-DRG the hospital reports, if any
    total_charge: Decimal | None = None  # FL47 line 23; None: the sum of the lines
    submitted_on: dt.date | None = None
    facts: dict = field(default_factory=dict)

    @property
    def the_patient(self) -> Person:
        return self.patient or self.subscriber

    @property
    def frequency(self) -> str:
        return self.type_of_bill[3:4]

    @property
    def inpatient(self) -> bool:
        return self.type_of_bill[1:3] == "11"

    @property
    def total(self) -> Decimal:
        return self.total_charge if self.total_charge is not None else sum((l.charge for l in self.lines),
                                                                         Decimal("0"))

    @property
    def diagnoses(self) -> tuple[Diagnosis, ...]:
        """Principal, other and external-cause diagnoses in claim order."""
        return (self.principal, *self.other_diagnoses, *self.external_causes)

    @property
    def procedures(self) -> tuple[Procedure, ...]:
        return ((self.principal_procedure,) if self.principal_procedure else ()) + self.other_procedures

    def encounter(self) -> Encounter:
        """The codes as the validation engine checks them: inpatient (011x) on the discharge date with
        ICD-10-PCS procedures; other bills as hospital outpatient on the first line's date."""
        who = self.the_patient
        setting = "inpatient" if self.inpatient else "snf" if self.type_of_bill[1:3] == "21" else "hospital_outpatient"
        day = self.statement_through if self.inpatient else min(
            (l.service_date for l in self.lines), default=self.statement_from)
        lines = tuple(ProcedureLine(n, normalise(l.hcpcs), l.modifiers, l.units, (1,))
                      for n, l in enumerate(self.lines, start=1) if l.hcpcs)
        return Encounter(date_of_service=day, setting=setting,
                         patient=Patient(who.sex if who.sex in ("F", "M") else "U",
                                         who.birth_date or dt.date(1900, 1, 1)),
                         diagnoses=tuple(normalise(d.code) for d in self.diagnoses), procedures=lines,
                         pcs_procedures=tuple(normalise(p.code) for p in self.procedures),
                         facts=dict(self.facts), payer=self.payer.kind)
