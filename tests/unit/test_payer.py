"""The simulated payer: front-end rejection, pricing from the RVU file, patient responsibility,
denials with official CARC/RARC codes, replacement claims, and remittances that balance."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from trainer.claims.model import Person, ProfessionalClaim, ServiceLine
from trainer.claims.practice import BILLING, PAYERS, RENDERING
from trainer.claims.remit import balance_errors
from trainer.edits.data import EditData
from trainer.payer.adjudicate import DENIALS, adjudicate
from trainer.payer.profiles import PROFILES, profile

DOS = dt.date(2025, 3, 4)
RECEIVED = dt.date(2025, 3, 10)


def claim(*lines, kind="commercial", **fields) -> ProfessionalClaim:
    base = ProfessionalClaim(
        claim_id="PAYTEST1", payer=PAYERS[kind],
        subscriber=Person("RIVERA", "ANA", dt.date(1970, 5, 1), "F", member_id="SIM0000001"),
        billing=BILLING, rendering=RENDERING, diagnoses=("I10", "R079"),
        lines=tuple(ServiceLine(from_date=DOS, code=c, charge=Decimal(ch), units=u, modifiers=m, pointers=(1,))
                    for c, ch, u, m in lines),
        place_of_service="11", submitted_on=RECEIVED)
    return dataclasses.replace(base, **fields)


def national(shared_data, code, mod="", facility=False) -> Decimal:
    """The Medicare national amount computed straight from the official RVU file."""
    with open(shared_data / "mpfs" / "pprrvu_2024_jul_rvu24c.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["hcpcs"] == code and row["mod"] == mod:
                pe = row["facility_pe_rvu" if facility else "non_fac_pe_rvu"]
                total = (Decimal(row["work_rvu"]) + Decimal(pe) + Decimal(row["mp_rvu"])) * Decimal(row["conv_factor"])
                return total.quantize(Decimal("0.01"))
    raise AssertionError(f"{code} {mod} not in the RVU file")


def adj(decision):
    return {(a.group, a.reason): a.amount for a in decision.adjustments}


def test_commercial_office_visit_copay_and_contractual_adjustment(codes_session, shared_data):
    result = adjudicate(claim(("99214", "250.00", 1, ())), PROFILES["commercial"], EditData(codes_session))
    assert result.ack.accepted
    line = result.lines[0]
    allowed = (national(shared_data, "99214") * Decimal("1.25")).quantize(Decimal("0.01"))
    assert line.allowed == allowed
    assert adj(line) == {("CO", "45"): Decimal("250.00") - allowed, ("PR", "3"): Decimal("30.00")}
    assert line.paid == allowed - Decimal("30.00")
    assert result.claim_payment.patient_responsibility == Decimal("30.00")
    assert balance_errors(result.remittance) == []


def test_medicare_deductible_coinsurance_and_sequestration(codes_session, shared_data):
    medicare = PROFILES["medicare"].with_benefits(deductible_met=Decimal("200.00"))
    result = adjudicate(claim(("99214", "250.00", 1, ()), kind="medicare"), medicare, EditData(codes_session))
    line = result.lines[0]
    allowed = national(shared_data, "99214")
    deductible = Decimal("57.00")  # 257 - 200 already met
    coinsurance = ((allowed - deductible) * Decimal("0.20")).quantize(Decimal("0.01"))
    before = allowed - deductible - coinsurance
    sequestration = (before * Decimal("0.02")).quantize(Decimal("0.01"))
    assert adj(line) == {("CO", "45"): Decimal("250.00") - allowed, ("PR", "1"): deductible,
                         ("PR", "2"): coinsurance, ("CO", "253"): sequestration}
    assert line.paid == before - sequestration
    assert result.benefits_after.deductible_met == Decimal("257.00")
    assert balance_errors(result.remittance) == []


def test_professional_component_and_facility_rate(codes_session, shared_data):
    c = claim(("71046", "90.00", 1, ("26",)), kind="medicare", place_of_service="22")
    line = adjudicate(c, PROFILES["medicare"].with_benefits(deductible_met=Decimal("257")),
                      EditData(codes_session)).lines[0]
    assert line.allowed == national(shared_data, "71046", "26", facility=True)


def test_multiple_procedure_reduction_pays_the_second_procedure_at_half(codes_session, shared_data):
    c = claim(("20610", "400.00", 1, ()), ("17000", "300.00", 1, ()), kind="medicare")
    result = adjudicate(c, PROFILES["medicare"].with_benefits(deductible_met=Decimal("257")), EditData(codes_session))
    high, low = sorted([national(shared_data, "20610"), national(shared_data, "17000")], reverse=True)
    allowed = sorted((d.allowed for d in result.lines), reverse=True)
    assert allowed == [high, (low * Decimal("0.5")).quantize(Decimal("0.01"))]


def test_front_end_rejects_a_broken_claim_without_adjudicating(codes_session):
    broken = claim(("99214", "250.00", 1, ()), billing=dataclasses.replace(BILLING, npi="1234567890"))
    result = adjudicate(broken, PROFILES["commercial"], EditData(codes_session))
    assert not result.ack.accepted and result.remittance is None
    assert any(e["rule"] == "F4.npi" for e in result.ack.errors)


def test_ncci_bundled_line_is_denied_co97_with_m15(codes_session):
    # 93000 (ECG with interpretation) and 93010 (interpretation only) are an NCCI PTP pair in the starter
    c = claim(("93000", "60.00", 1, ()), ("93010", "30.00", 1, ()), kind="medicare")
    result = adjudicate(c, PROFILES["medicare"], EditData(codes_session))
    denied = [d for d in result.lines if d.denied]
    assert denied, [d.why for d in result.lines]
    assert adj(denied[0]) == {("CO", "97"): denied[0].charge} and denied[0].remarks == ("M15",)
    assert balance_errors(result.remittance) == []


def test_timely_filing_prior_authorization_and_coverage(codes_session):
    late = adjudicate(claim(("99214", "250.00", 1, ())), PROFILES["commercial"], EditData(codes_session),
                      received=DOS + dt.timedelta(days=91))
    assert adj(late.lines[0]) == {("CO", "29"): Decimal("250.00")} and late.claim_payment.status == "4"
    mri = adjudicate(claim(("70551", "900.00", 1, ())), PROFILES["commercial"], EditData(codes_session))
    assert ("CO", "197") in adj(mri.lines[0])
    authorised = adjudicate(claim(("70551", "900.00", 1, ()), prior_authorization="PA12345"),
                            PROFILES["commercial"], EditData(codes_session))
    assert authorised.lines[0].allowed > 0
    ended = PROFILES["commercial"].with_benefits(coverage_to=DOS - dt.timedelta(days=1))
    assert ("CO", "27") in adj(adjudicate(claim(("99214", "250.00", 1, ())), ended, EditData(codes_session)).lines[0])


def test_duplicate_then_replacement_claim_reverses_the_original(codes_session):
    data = EditData(codes_session)
    first = adjudicate(claim(("99214", "250.00", 1, ())), PROFILES["commercial"], data)
    again = adjudicate(claim(("99214", "250.00", 1, ())), PROFILES["commercial"], data,
                       history=(first.claim_payment,))
    assert adj(again.lines[0]) == {("OA", "18"): Decimal("250.00")}
    no_original = adjudicate(claim(("99214", "250.00", 1, ()), frequency="7", original_claim_number="NOPE"),
                             PROFILES["commercial"], data, prior=first.claim_payment)
    assert not no_original.ack.accepted
    fixed = adjudicate(claim(("99215", "300.00", 1, ()), frequency="7",
                             original_claim_number=first.claim_payment.payer_claim_number),
                       PROFILES["commercial"], data, prior=first.claim_payment)
    reversal, new = fixed.remittance.claims
    assert reversal.status == "22" and reversal.paid == -first.claim_payment.paid
    assert fixed.remittance.total_paid == new.paid - first.claim_payment.paid
    assert balance_errors(fixed.remittance) == []


def test_every_carc_and_rarc_the_payer_uses_is_in_the_official_list(shared_data):
    official = {}
    with open(shared_data / "carc_rarc" / "carc_rarc_group_codes_2024.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            official[(row["adj_type"], row["adj_code"])] = row["adj_end_date"]
    used = {("CARC", c) for _, c, _ in DENIALS.values()} | {("RARC", r) for _, _, r in DENIALS.values() if r}
    used |= {("CARC", c) for c in ("1", "2", "3", "4", "16", "18", "26", "27", "29", "45", "96", "97", "197", "253")}
    used |= {("RARC", r) for r in ("MA130", "N130")}
    for kind, code in sorted(used):
        assert (kind, code) in official, (kind, code)
        assert not official[(kind, code)], f"{kind} {code} has ended"


def test_profiles_by_key_or_payer_id():
    assert profile("Medicare").key == "medicare" and profile("lhpprac").key == "commercial"
    with pytest.raises(KeyError):
        profile("acme")


def _reference_professional_claims():
    from tests.unit.test_claims import REFERENCE

    return REFERENCE


def test_every_reference_claim_adjudicates_into_an_835_that_balances_and_reads_back(codes_session, tmp_path):
    """Every professional reference claim, on its own payer: accepted, a balanced remittance, and the
    835 reads back equal; a sample also goes through pyx12."""
    from tests.unit.pyx12_check import pyx12_errors
    from trainer.claims.x12_835 import read_835, write_835

    data = EditData(codes_session)
    for n, (name, ref) in enumerate(_reference_professional_claims()):
        result = adjudicate(ref, profile(ref.payer.kind), data)
        assert result.ack.accepted, (name, result.ack.errors)
        assert balance_errors(result.remittance) == [], name
        text = write_835(result.remittance)
        assert read_835(text) == result.remittance, name
        if n % 25 == 0:
            assert pyx12_errors(text, tmp_path) == [], name
