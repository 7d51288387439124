"""The simulated payers: who they are, how they price, what the member's plan pays, which edits apply.

Every figure here is a PRACTICE VALUE chosen for teaching, labelled as such wherever it is shown:
- prices derive from the public Medicare physician fee schedule RVUs (CMS RVU file shipped in the
  starter fee schedule, national amounts without geographic adjustment) times a payer percentage;
- deductibles, coinsurance, copays and filing limits are typical of each kind of plan, not any real
  plan's. Medicare's 20 % Part B coinsurance, the 2 % payment sequestration (CARC 253) and the one
  calendar year filing limit follow the Medicare rules; the Part B deductible is the 2025 amount.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal


@dataclass(frozen=True)
class Benefits:
    """A member's plan for the year, and how much of it is used (eligibility and benefits, 270/271)."""
    deductible: Decimal
    deductible_met: Decimal = Decimal("0")
    coinsurance: Decimal = Decimal("0.20")  # the patient's share of the allowed amount after the deductible
    copay_office_visit: Decimal = Decimal("0")  # per office/outpatient E/M visit, instead of deductible/coinsurance
    out_of_pocket_max: Decimal | None = None
    out_of_pocket_met: Decimal = Decimal("0")
    coverage_from: dt.date | None = None
    coverage_to: dt.date | None = None

    @property
    def deductible_left(self) -> Decimal:
        return max(Decimal("0"), self.deductible - self.deductible_met)


@dataclass(frozen=True)
class PayerProfile:
    key: str  # medicare, commercial, medicaid: the claim's payer kind
    name: str
    payer_id: str  # the practice payer ID (837 NM1*PR / 835 N1*PR)
    filing: str  # 835 CLP06 claim filing indicator (835 list: MB, MC, 12 PPO ...; not the 837 "CI")
    fee_percent: Decimal  # of the Medicare national amount
    unlisted_percent: Decimal  # allowed share of the charge for codes the fee schedule does not price
    benefits: Benefits  # the default plan of a member of this payer
    timely_filing_days: int
    sequestration: Decimal = Decimal("0")  # Medicare: 2 % of the payment (CARC 253)
    # codes needing prior authorization, as (first, last) code ranges; practice lists
    prior_auth: tuple[tuple[str, str], ...] = ()
    denies_sex_edits: bool = True
    address: tuple[str, str, str, str] = ("PO BOX 1000", "SPRINGFIELD", "IL", "627010001")
    notes: tuple[str, ...] = field(default_factory=tuple)

    def needs_prior_auth(self, code: str) -> bool:
        return any(lo <= code <= hi and len(code) == len(lo) for lo, hi in self.prior_auth)

    def with_benefits(self, **changes) -> "PayerProfile":
        return replace(self, benefits=replace(self.benefits, **changes))


# Advanced imaging (CT/MRI/PET ranges of CPT's radiology section) is the classic prior-authorization
# category; sleep studies and elective joint replacement are common additions on commercial plans.
_IMAGING = (("70450", "70498"), ("70540", "70559"), ("71250", "71275"), ("72125", "72158"), ("73200", "73225"),
            ("73700", "73725"), ("74150", "74178"), ("78811", "78816"))

PROFILES: dict[str, PayerProfile] = {
    "medicare": PayerProfile(
        key="medicare", name="Medicare Part B (practice)", payer_id="MCRPRAC", filing="MB",
        fee_percent=Decimal("1.00"), unlisted_percent=Decimal("0.60"),
        benefits=Benefits(deductible=Decimal("257.00"), coinsurance=Decimal("0.20")),
        timely_filing_days=365, sequestration=Decimal("0.02"), prior_auth=(), denies_sex_edits=False,
        address=("PO BOX 3000", "SPRINGFIELD", "IL", "627030001"),
        notes=("Fee schedule: Medicare national amounts (RVUs x conversion factor) from the starter RVU file.",
               "Part B deductible and 20 % coinsurance; 2 % sequestration on every payment.",
               "Filing limit: one calendar year from the date of service.")),
    "commercial": PayerProfile(
        key="commercial", name="Lakeside Health Plan PPO (practice)", payer_id="LHPPRAC", filing="12",
        fee_percent=Decimal("1.25"), unlisted_percent=Decimal("0.70"),
        benefits=Benefits(deductible=Decimal("1000.00"), coinsurance=Decimal("0.20"),
                          copay_office_visit=Decimal("30.00"), out_of_pocket_max=Decimal("5000.00")),
        timely_filing_days=90, prior_auth=_IMAGING + (("95810", "95811"), ("27130", "27130"), ("27447", "27447")),
        address=("PO BOX 4000", "SPRINGFIELD", "IL", "627040001"),
        notes=("Fee schedule: 125 % of the Medicare national amount.",
               "Office visits: $30 copay; other services: $1,000 deductible, then 20 % coinsurance.",
               "Prior authorization: CT/MRI/PET, sleep studies, hip and knee replacement.",
               "Filing limit: 90 days from the date of service.")),
    "medicaid": PayerProfile(
        key="medicaid", name="State Medicaid (practice)", payer_id="MCDPRAC", filing="MC",
        fee_percent=Decimal("0.70"), unlisted_percent=Decimal("0.40"),
        benefits=Benefits(deductible=Decimal("0"), coinsurance=Decimal("0"), copay_office_visit=Decimal("4.00")),
        timely_filing_days=365, prior_auth=_IMAGING,
        address=("PO BOX 5000", "SPRINGFIELD", "IL", "627050001"),
        notes=("Fee schedule: 70 % of the Medicare national amount.",
               "No deductible or coinsurance; a nominal $4 office visit copay.",
               "Prior authorization: CT/MRI/PET.", "Filing limit: 365 days from the date of service.")),
}


def profile(name: str) -> PayerProfile:
    """A profile by key (medicare, commercial, medicaid) or by its payer ID, case-insensitive."""
    wanted = (name or "").strip().lower()
    for p in PROFILES.values():
        if wanted in (p.key, p.payer_id.lower()):
            return p
    raise KeyError(f"no payer {name!r}; the simulated payers are: {', '.join(PROFILES)}")
