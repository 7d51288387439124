"""The 835 remittance: written, validated by pyx12, read back equal; balancing; clear errors."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.claims.model import Address
from trainer.claims.remit import (CLAIM_STATUS, Adjustment, ClaimPayment, ProviderAdjustment, Remittance,
                                  ServicePayment, balance_errors)
from trainer.claims.x12_835 import CAS_GROUPS, FILING_CODES, X12Error, read_835, write_835
from trainer.claims.x12_common import transaction_type

from .pyx12_check import pyx12_errors
from .remittances import SAMPLES, adj, claim, denied_claim, institutional, interest_and_recovery, line, \
    patient_responsibility, remit


def segments(text: str) -> list[str]:
    return [s.strip() for s in text.split("~") if s.strip()]


@pytest.mark.parametrize("name", SAMPLES)
def test_each_sample_remittance_passes_pyx12_balances_and_reads_back_equal(name, tmp_path):
    r = SAMPLES[name]()
    text = write_835(r)
    assert transaction_type(text) == "835"
    assert pyx12_errors(text, tmp_path) == [], name
    assert balance_errors(r) == []
    assert read_835(text) == r


def test_the_payment_header_depends_on_the_method():
    ach = segments(write_835(patient_responsibility()))
    bpr = next(s for s in ach if s.startswith("BPR"))
    assert bpr.split("*")[:5] == ["BPR", "I", "138.84", "C", "ACH"] and bpr.endswith("*20250402")
    assert "*999999991*" in bpr and "*999999992*" in bpr  # the fake banks, not a real routing number
    non = segments(write_835(denied_claim()))
    assert next(s for s in non if s.startswith("BPR")) == "BPR*H*0*C*NON" + "*" * 12 + "20250402"
    chk = segments(write_835(institutional()))
    assert next(s for s in chk if s.startswith("BPR")).startswith("BPR*C*16110*C*CHK")
    assert "TRN*1*CHK00098765*1990000001" in chk


def test_claim_loops_carry_status_drg_inpatient_remarks_and_grouped_adjustments():
    text = write_835(institutional())
    assert "CLP*IP2001*1*42000*15800*1600*MA*ICNIP2001*11*1**470~" in text
    assert "MIA*3****MA01~" in text and "MOA" not in text
    assert "SVC*HC:99284*650*310*0450*1~" in text and "SVC*NU:0300*80*0**1~" in text
    assert "DTM*150*20250303~\nDTM*151*20250304~" in text
    text = write_835(patient_responsibility())
    assert "CAS*PR*1*50**2*14~" in text  # one CAS per group, reasons side by side
    assert "SVC*HC:99214:25*200*56**1~" in text
    denied = write_835(denied_claim())
    assert "CLP*PT1004*4*120*0*0*12*" in denied and "MOA***MA01~" in denied and "LQ*HE*N211~" in denied
    plb = next(s for s in segments(write_835(interest_and_recovery())) if s.startswith("PLB"))
    assert plb == "PLB*1500000017*20251231*L6*-2.15*WO:ICN998877*40"


def test_transaction_counts_are_right():
    text = write_835(patient_responsibility())
    segs = segments(text)
    st, se = segs.index("ST*835*0001"), next(i for i, s in enumerate(segs) if s.startswith("SE*"))
    assert segs[se] == f"SE*{se - st + 1}*0001"
    assert segs[-2:] == ["GE*1*1", "IEA*1*000000001"] and segs[1].startswith("GS*HP*")


def test_more_than_six_adjustments_of_a_group_take_two_cas_segments_and_read_back(tmp_path):
    reasons = ["45", "97", "50", "16", "29", "B7", "11"]
    adjustments = [adj("CO", r, "10") for r in reasons] + [adj("PR", "1", "5", quantity="1")]
    r = remit([claim("PT2001", "1", "100", "15", [line("99213", "100", "15", adjustments)], responsibility="5")])
    text = write_835(r)
    assert text.count("CAS*CO*") == 2 and "CAS*PR*1*5*1~" in text
    assert pyx12_errors(text, tmp_path) == []
    assert read_835(text) == r


def test_interleaved_groups_are_written_once_per_group_and_read_back_grouped():
    mixed = (adj("CO", "45", "10"), adj("PR", "2", "5"), adj("CO", "97", "3"))
    r = remit([claim("PT2002", "1", "100", "82", [line("99213", "100", "82", mixed)], responsibility="5")])
    back = read_835(write_835(r)).claims[0].services[0].adjustments
    assert back == (mixed[0], mixed[2], mixed[1])


def test_balance_errors_name_the_claim_and_the_line():
    good = patient_responsibility()
    c = good.claims[0]
    bad_line = dataclasses.replace(c.services[1], paid=D("71"))
    broken = dataclasses.replace(good, claims=(dataclasses.replace(c, services=(c.services[0], bad_line,
                                                                                c.services[2])),))
    assert balance_errors(broken) == ["Claim PT1002 line 2: charge 150 minus adjustments 79.5 is not the paid "
                                      "amount 71."]
    overpaid = dataclasses.replace(good, claims=(dataclasses.replace(c, paid=D("150")),))
    assert balance_errors(overpaid) == ["Claim PT1002: charge 390 minus adjustments 251.16 is not the paid amount 150."]
    wrong_pr = dataclasses.replace(good, claims=(dataclasses.replace(c, patient_responsibility=D("60")),))
    assert balance_errors(wrong_pr) == ["Claim PT1002: patient responsibility 60 is not the sum of its PR "
                                        "adjustments 84."]
    overdrawn = dataclasses.replace(good, provider_adjustments=(ProviderAdjustment("WO", "X1", D("500")),))
    assert "The total payment is negative." in balance_errors(overdrawn)


def test_a_negative_payment_is_written_as_a_debit_and_read_back():
    r = dataclasses.replace(interest_and_recovery(), provider_adjustments=(ProviderAdjustment("WO", "ICN1", D("200")),))
    text = write_835(r)
    assert "BPR*I*28*D*ACH" in text
    assert read_835(text).total_paid == D("-28")


@pytest.mark.parametrize("change, message", [
    (lambda r: dataclasses.replace(r, payer_tax_id="12345"), "9 digits"),
    (lambda r: dataclasses.replace(r, method="WIRE"), "payment method"),
    (lambda r: dataclasses.replace(r, claims=(dataclasses.replace(r.claims[0], filing="CI"),)), "filing indicator"),
    (lambda r: dataclasses.replace(r, claims=(dataclasses.replace(r.claims[0], remarks=("MA01",) * 6),)), "at most 5"),
    (lambda r: dataclasses.replace(r, claims=(dataclasses.replace(r.claims[0], adjustments=(adj("CR", "45", "1"),)),)),
     "group 'CR'"),
])
def test_the_writer_refuses_what_an_835_cannot_carry(change, message):
    with pytest.raises(X12Error, match=message):
        write_835(change(patient_responsibility()))


def replace_segment(text: str, startswith: str, new: str | None) -> str:
    out = []
    for seg in segments(text):
        if seg.startswith(startswith) and startswith:
            if new is not None:
                out.append(new)
            startswith = ""  # only the first
        else:
            out.append(seg)
    return "~\n".join(out) + "~\n"


def recount(text: str) -> str:
    segs = segments(text)
    st, se = segs.index("ST*835*0001"), next(i for i, s in enumerate(segs) if s.startswith("SE*"))
    segs[se] = f"SE*{se - st + 1}*0001"
    return "~\n".join(segs) + "~\n"


@pytest.mark.parametrize("edit, message", [
    (lambda t: replace_segment(t, "BPR*", "BPR*I*999*C*ACH" + "*" * 12 + "20250402"), "BPR02 pays 999"),
    (lambda t: replace_segment(t, "CLP*", None), "SE01 says"),
    (lambda t: recount(replace_segment(t, "NM1*QC", None)), "no NM1\\*QC patient"),
    (lambda t: recount(replace_segment(t, "CLP*", None)), "before any CLP"),
    (lambda t: recount(replace_segment(t, "N1*PE", None)), "no N1\\*PE"),
    (lambda t: replace_segment(t, "DTM*405", "DTM*405*20251345"), "not a calendar date"),
    (lambda t: replace_segment(t, "SVC*", "SVC*HC:99214:25*2OO*56**1"), "SVC02: '2OO' is not an amount"),
    (lambda t: replace_segment(t, "SVC*", "SVC*ZZ:99214*200*56**1"), "not an HC procedure"),
    (lambda t: replace_segment(t, "ST*", "ST*837*0001*005010X222A1"), "not an 835"),
    (lambda t: t.split("GE*")[0], "does not end with GE and IEA"),
])
def test_the_reader_names_what_it_cannot_read(edit, message):
    with pytest.raises(X12Error, match=message):
        read_835(edit(write_835(patient_responsibility())))


# ---------------------------------------------------------------- any remittance the writer accepts reads back equal

ID = st.from_regex(r"[A-Z0-9]{1,12}", fullmatch=True)
NAME = st.from_regex(r"[A-Z]{1,10}( [A-Z]{1,10})?", fullmatch=True)
MONEY = st.integers(min_value=-10**7, max_value=10**8).map(lambda cents: D(cents) / 100)
DAY = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))
REMARKS = st.lists(st.sampled_from(["M15", "N115", "M51", "N290", "MA01", "MA130", "N211"]), max_size=5).map(tuple)


def grouped(adjustments: list[Adjustment]) -> tuple[Adjustment, ...]:
    """Adjustments in the order an 835 carries them: by group, groups in order of first appearance."""
    groups = list(dict.fromkeys(a.group for a in adjustments))
    return tuple(sorted(adjustments, key=lambda a: groups.index(a.group)))


ADJUSTMENTS = st.lists(st.builds(Adjustment, st.sampled_from(CAS_GROUPS),
                                 st.sampled_from(["45", "1", "2", "3", "97", "50", "16", "29", "B7"]), MONEY,
                                 st.none() | st.integers(0, 99).map(D)), max_size=8).map(grouped)


@st.composite
def services(draw) -> ServicePayment:
    code, revenue = draw(st.sampled_from([("99213", ""), ("20610", ""), ("J1030", ""), ("99284", "0450"),
                                          ("", "0300")]))
    start = draw(st.none() | DAY)
    end = draw(st.none() | st.integers(1, 30).map(lambda d: (start or dt.date(2025, 1, 1)) + dt.timedelta(days=d)))
    return ServicePayment(code=code, revenue_code=revenue, charge=draw(MONEY), paid=draw(MONEY),
                          modifiers=tuple(draw(st.lists(st.sampled_from(["25", "59", "RT", "LT"]), max_size=4)))
                          if code else (), units=D(draw(st.integers(0, 99))),
                          billed_units=draw(st.none() | st.integers(1, 99).map(D)), from_date=start, to_date=end,
                          allowed=draw(st.none() | MONEY), adjustments=draw(ADJUSTMENTS), remarks=draw(REMARKS),
                          line_control=draw(st.just("") | ID))


CLAIMS = st.builds(
    ClaimPayment, claim_id=ID, status=st.sampled_from(sorted(CLAIM_STATUS)), charge=MONEY, paid=MONEY,
    patient_responsibility=MONEY, filing=st.sampled_from(FILING_CODES), payer_claim_number=ID, patient_last=NAME,
    patient_first=st.just("") | NAME, member_id=st.just("") | ID, facility_type=st.sampled_from(["", "11", "13", "22"]),
    frequency=st.sampled_from(["1", "7", "8"]), drg=st.just("") | st.just("470"), adjustments=ADJUSTMENTS,
    remarks=REMARKS, services=st.lists(services(), max_size=3).map(tuple), received=st.none() | DAY,
    statement_from=st.none() | DAY, statement_to=st.none() | DAY, rendering_npi=st.just("") | st.just("1600000024"),
    covered_days=st.none() | st.integers(0, 400))
REMITTANCES = st.builds(
    Remittance, payer_name=NAME, payer_id=st.just("") | ID, payee_name=NAME, payee_npi=st.just("1500000017"),
    payee_tax_id=st.just("") | st.just("861234567"), paid_on=DAY, trace_number=ID,
    method=st.sampled_from(["ACH", "CHK", "NON"]), claims=st.lists(CLAIMS, max_size=3).map(tuple),
    provider_adjustments=st.lists(st.builds(ProviderAdjustment, st.sampled_from(["L6", "WO", "72", "FB"]),
                                            st.just("") | ID, MONEY), max_size=8).map(tuple),
    production_date=st.none() | DAY, payer_phone=st.from_regex(r"[0-9]{10}", fullmatch=True),
    payer_tax_id=st.from_regex(r"[0-9]{9}", fullmatch=True),
    payee_address=st.none() | st.just(Address("400 HARBOR VIEW DRIVE", "LAKESIDE", "OH", "440011234")))


@given(REMITTANCES)
@settings(max_examples=150, deadline=None)
def test_any_remittance_the_writer_accepts_reads_back_equal(r):
    assert read_835(write_835(r)) == r
