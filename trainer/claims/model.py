"""The professional claim as a domain object: every field the CMS-1500 (02/12) and the 837P carry
that a practice claim needs. Amounts are Decimal; dates are dates."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from ..codes.normalize import normalise
from ..edits.model import Encounter, Patient, ProcedureLine

RELATIONSHIPS = {"18": "self", "01": "spouse", "19": "child", "G8": "other"}  # 837P SBR02 / PAT01
FREQUENCIES = {"1": "original", "7": "replacement of a prior claim", "8": "void of a prior claim"}


@dataclass(frozen=True)
class Address:
    line1: str
    city: str
    state: str
    zip: str
    line2: str = ""


@dataclass(frozen=True)
class Person:
    last: str
    first: str
    birth_date: dt.date | None = None
    sex: str = "U"  # F, M, U
    address: Address | None = None
    member_id: str = ""  # the insured's ID (item 1a)


@dataclass(frozen=True)
class Provider:
    """Billing (item 33, an organisation or a person), rendering (24J, a person) or referring (17)."""
    npi: str
    name: str  # an organisation's name, or the last name of a person
    first: str = ""
    entity: str = "2"  # 1 person, 2 organisation (NM102)
    taxonomy: str = ""
    tax_id: str = ""
    tax_id_type: str = "EI"  # EI (EIN) or SY (SSN), item 25
    address: Address | None = None


@dataclass(frozen=True)
class Payer:
    name: str
    payer_id: str
    address: Address | None = None
    kind: str = "commercial"  # medicare, medicaid, commercial: the engine's payer profile


@dataclass(frozen=True)
class ServiceLine:
    from_date: dt.date
    code: str
    charge: Decimal
    units: int = 1
    modifiers: tuple[str, ...] = ()
    pointers: tuple[int, ...] = (1,)  # 1-12, the diagnoses of item 21 (A-L)
    to_date: dt.date | None = None
    place_of_service: str = ""  # when different from the claim's
    ndc: str = ""

    @property
    def through(self) -> dt.date:
        return self.to_date or self.from_date


@dataclass(frozen=True)
class ProfessionalClaim:
    claim_id: str  # the patient account number / claim submitter's identifier (item 26, CLM01)
    payer: Payer
    subscriber: Person
    billing: Provider
    diagnoses: tuple[str, ...]  # item 21, ICD-10-CM without dots, in order (A first)
    lines: tuple[ServiceLine, ...]
    place_of_service: str  # CLM05-1
    patient: Person | None = None  # None: the patient is the subscriber
    relationship: str = "18"
    rendering: Provider | None = None
    referring: Provider | None = None
    group_number: str = ""
    frequency: str = "1"
    original_claim_number: str = ""  # item 22 / REF*F8, for frequencies 7 and 8
    prior_authorization: str = ""  # item 23 / REF*G1
    total_charge: Decimal | None = None  # item 28; None: the sum of the lines
    accept_assignment: bool = True  # item 27 / CLM07
    benefits_assigned: bool = True  # item 13 / CLM08
    signature_on_file: bool = True  # item 12 / CLM09
    related_to: tuple[str, ...] = ()  # item 10: EM employment, AA auto accident, OA other accident
    icd_indicator: str = "0"  # item 21: 0 = ICD-10
    submitted_on: dt.date | None = None
    facts: dict = field(default_factory=dict)

    @property
    def the_patient(self) -> Person:
        return self.patient or self.subscriber

    @property
    def total(self) -> Decimal:
        return self.total_charge if self.total_charge is not None else sum((l.charge for l in self.lines),
                                                                         Decimal("0"))

    def encounter(self) -> Encounter:
        """The codes on the claim as the validation engine checks them (date: the first line's)."""
        who = self.the_patient
        day = min((l.from_date for l in self.lines), default=self.submitted_on or dt.date.today())
        setting = {"11": "office", "23": "ed", "24": "asc", "22": "hospital_outpatient", "19": "hospital_outpatient",
                   "21": "inpatient", "12": "home", "02": "telehealth", "10": "telehealth", "31": "snf"}
        return Encounter(date_of_service=day, setting=setting.get(self.place_of_service, "office"),
                         patient=Patient(who.sex if who.sex in ("F", "M") else "U",
                                         who.birth_date or dt.date(1900, 1, 1)),
                         diagnoses=tuple(normalise(c) for c in self.diagnoses),
                         procedures=tuple(ProcedureLine(n, normalise(l.code), tuple(l.modifiers), l.units,
                                                        tuple(l.pointers))
                                          for n, l in enumerate(self.lines, start=1)),
                         facts=dict(self.facts), payer=self.payer.kind)
