"""X12 5010 835 (005010X221A1): write a remittance advice, and read one back.

One interchange, one functional group (HP), one transaction set: a payer's payment to one payee for
one or more claims. Loops written: header (BPR, TRN, DTM*405), 1000A payer (N1*PR, N3, N4, REF*2U,
PER*BL), 1000B payee (N1*PE with the NPI, N3/N4, REF*TJ), 2000 (LX), 2100 claim (CLP, CAS, NM1*QC,
NM1*82, MIA or MOA, DTM*232/233/050), 2110 service (SVC, DTM, CAS, REF*6R, AMT*B6, LQ*HE), PLB.

CAS segments group adjustments by group code (each group once per loop, up to six reasons a
segment), so the reader gives a loop's adjustments back grouped in the order the groups first
appear. A single service date is written as DTM*472 and read back with no ``to_date``.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from .model import Address
from .remit import Adjustment, ClaimPayment, ProviderAdjustment, Remittance, ServicePayment
from .x12_common import reader, Envelope, X12Error, _address, _amount, _clean, _date, _el, interchange, split_segments

VERSION = "005010X221A1"
PAYER_ENVELOPE = Envelope(sender_id="PAYERSIM", receiver_id="CODINGTRAINER", submitter_name="PAYER SIMULATOR")
# Bank details for ACH payments: clearly fake. No ABA routing number starts with 99.
PAYER_BANK = ("999999991", "000111222333")
PRACTICE_BANK = ("999999992", "000444555666")
CAS_GROUPS = ("CO", "OA", "PI", "PR")  # 5010 CAS01 (CR is no longer used)
METHODS = {"ACH": "I", "CHK": "C", "NON": "H"}  # BPR04 -> BPR01 transaction handling
REMARKS_PER_CLAIM = 5  # MOA03-07, or MIA05 + MIA20-23
# CLP06 claim filing indicators the 835 allows (an 837's CI commercial is not one: a commercial PPO is 12)
FILING_CODES = ("12", "13", "14", "15", "16", "17", "AM", "CH", "DS", "HM", "LM", "MA", "MB", "MC", "OF", "TV", "VA",
                "WC", "ZZ")


def _qty(value: Decimal) -> str:
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def write_835(remit: Remittance, env: Envelope = PAYER_ENVELOPE) -> str:
    if not re.fullmatch(r"\d{9}", remit.payer_tax_id):
        raise X12Error(f"the payer tax id must be 9 digits (TRN03 is '1' + it), not {remit.payer_tax_id!r}")
    if remit.method not in METHODS:
        raise X12Error(f"payment method {remit.method!r} is not one of {', '.join(METHODS)}")
    created = env.created or dt.datetime.combine(remit.production_date or remit.paid_on, dt.time(12, 0))
    company = "1" + remit.payer_tax_id
    st: list[list[str]] = [["ST", "835", "0001"], _bpr(remit, company),
                           ["TRN", "1", _clean(remit.trace_number), company]]
    if remit.production_date:
        st.append(["DTM", "405", _date(remit.production_date)])
    st.append(["N1", "PR", _clean(remit.payer_name)])
    st += _address(remit.payer_address)
    if remit.payer_id:
        st.append(["REF", "2U", _clean(remit.payer_id)])
    st.append(["PER", "BL", "", "TE", _clean(remit.payer_phone)])
    st.append(["N1", "PE", _clean(remit.payee_name), "XX", _clean(remit.payee_npi)])
    st += _address(remit.payee_address)
    if remit.payee_tax_id:
        st.append(["REF", "TJ", _clean(remit.payee_tax_id)])
    if remit.claims:
        st.append(["LX", "1"])
    for claim in remit.claims:
        st += _claim(claim)
    st += _plb(remit)
    st.append(["SE", str(len(st) + 1), "0001"])
    return interchange(st, env, "HP", VERSION, created)


def _bpr(remit: Remittance, company: str) -> list[str]:
    total = remit.total_paid
    head = ["BPR", METHODS[remit.method], _amount(abs(total)), "D" if total < 0 else "C", remit.method]
    if remit.method == "ACH":
        bank = ["CCP", "01", PAYER_BANK[0], "DA", PAYER_BANK[1], company, "", "01", PRACTICE_BANK[0], "DA",
                PRACTICE_BANK[1]]
    else:
        bank = [""] * 11
    return head + bank + [_date(remit.paid_on)]


def _cas(adjustments: tuple[Adjustment, ...]) -> list[list[str]]:
    out = []
    for group in dict.fromkeys(a.group for a in adjustments):
        if group not in CAS_GROUPS:
            raise X12Error(f"adjustment group {group!r} is not one of {', '.join(CAS_GROUPS)}")
        items = [a for a in adjustments if a.group == group]
        for i in range(0, len(items), 6):
            seg = ["CAS", group]
            for a in items[i:i + 6]:
                seg += [a.reason, _amount(a.amount), "" if a.quantity is None else _qty(a.quantity)]
            out.append(seg)
    return out


def _claim(c: ClaimPayment) -> list[list[str]]:
    if c.filing not in FILING_CODES:
        raise X12Error(f"claim {c.claim_id}: {c.filing!r} is not an 835 claim filing indicator (CLP06: "
                       f"{', '.join(FILING_CODES)})")
    if len(c.remarks) > REMARKS_PER_CLAIM:
        raise X12Error(f"claim {c.claim_id}: at most {REMARKS_PER_CLAIM} claim remark codes fit in MOA/MIA")
    out = [["CLP", _clean(c.claim_id), c.status, _amount(c.charge), _amount(c.paid), _amount(c.patient_responsibility),
            c.filing, _clean(c.payer_claim_number), c.facility_type, c.frequency, "", c.drg]]
    out += _cas(c.adjustments)
    patient = ["NM1", "QC", "1", _clean(c.patient_last), _clean(c.patient_first)]
    if c.member_id:
        patient += ["", "", "", "MI", _clean(c.member_id)]
    out.append(patient)
    if c.rendering_npi:
        out.append(["NM1", "82", "1", "", "", "", "", "", "XX", _clean(c.rendering_npi)])
    remarks = list(c.remarks)
    if c.covered_days is not None:
        mia = ["MIA", str(c.covered_days), "", "", "", remarks[0] if remarks else ""]
        if len(remarks) > 1:
            mia += [""] * 14 + remarks[1:]
        out.append(mia)
    elif remarks:
        out.append(["MOA", "", "", *remarks])
    for qualifier, day in (("232", c.statement_from), ("233", c.statement_to), ("050", c.received)):
        if day:
            out.append(["DTM", qualifier, _date(day)])
    for s in c.services:
        out += _service(c, s)
    return out


def _service(c: ClaimPayment, s: ServicePayment) -> list[list[str]]:
    if s.code:
        svc01, revenue = ":".join(["HC", s.code, *s.modifiers]), s.revenue_code
    elif s.revenue_code:
        svc01, revenue = f"NU:{s.revenue_code}", ""
    else:
        raise X12Error(f"claim {c.claim_id}: a service line has neither a procedure code nor a revenue code")
    billed = "" if s.billed_units is None else _qty(s.billed_units)
    out = [["SVC", svc01, _amount(s.charge), _amount(s.paid), revenue, _qty(s.units), "", billed]]
    if s.from_date and s.to_date and s.to_date != s.from_date:
        out += [["DTM", "150", _date(s.from_date)], ["DTM", "151", _date(s.to_date)]]
    elif s.from_date:
        out.append(["DTM", "472", _date(s.from_date)])
    elif s.to_date:
        out.append(["DTM", "151", _date(s.to_date)])
    out += _cas(s.adjustments)
    if s.line_control:
        out.append(["REF", "6R", _clean(s.line_control)])
    if s.allowed is not None:
        out.append(["AMT", "B6", _amount(s.allowed)])
    out += [["LQ", "HE", remark] for remark in s.remarks]
    return out


def _plb(remit: Remittance) -> list[list[str]]:
    """Provider adjustments, six to a PLB segment; the fiscal period is the payment's calendar year."""
    out = []
    items = remit.provider_adjustments
    for i in range(0, len(items), 6):
        seg = ["PLB", _clean(remit.payee_npi), _date(dt.date(remit.paid_on.year, 12, 31))]
        for p in items[i:i + 6]:
            seg += [f"{p.reason}:{_clean(p.reference)}" if p.reference else p.reason, _amount(p.amount)]
        out.append(seg)
    return out


# ---------------------------------------------------------------------------------------------------- reading

_NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)")


def _money(text: str, what: str) -> Decimal:
    if not _NUMBER.fullmatch(text or ""):
        raise X12Error(f"{what}: {text!r} is not an amount")
    return Decimal(text)


def _day(text: str, what: str) -> dt.date:
    if not re.fullmatch(r"\d{8}", text or ""):
        raise X12Error(f"{what}: {text!r} is not a CCYYMMDD date")
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise X12Error(f"{what}: {text!r} is not a calendar date") from None


def read_835(text: str) -> Remittance:
    """Read back an 835 as written by ``write_835`` (or an equivalent single-payee one).

    Anything it cannot read raises X12Error with the reason, never another exception."""
    return reader("835", lambda t: _Reader(t).remittance())(text)




def _transaction(text: str) -> tuple[list[list[str]], str]:
    """The segments between ST and SE of the one 835 in an interchange, checked for completeness."""
    segments, comp = split_segments(text)
    tags = [seg[0] for seg in segments]
    if "ST" not in tags:
        raise X12Error("the interchange has no ST segment")
    start = tags.index("ST")
    if _el(segments[start], 1) != "835":
        raise X12Error(f"the transaction set is a {_el(segments[start], 1) or 'blank'}, not an 835")
    if "SE" not in tags[start:]:
        raise X12Error("the 835 has no SE trailer: the document is incomplete")
    end = tags.index("SE", start)
    count = end - start + 1
    if _el(segments[end], 1) != str(count):
        raise X12Error(f"SE01 says {_el(segments[end], 1) or 'nothing'} segments but the 835 has {count}")
    if tags[-1] != "IEA" or "GE" not in tags[end:]:
        raise X12Error("the interchange does not end with GE and IEA: the document is incomplete")
    return segments[start + 1:end], comp


class _Reader:
    def __init__(self, text: str):
        self.segments, self.comp = _transaction(text)
        self.head: dict = {"addresses": {}}
        self.claims: list[dict] = []
        self.claim: dict | None = None
        self.service: dict | None = None
        self.party = ""  # 'payer' or 'payee' in the 1000A/B loops
        self.plb: list[ProviderAdjustment] = []

    def remittance(self) -> Remittance:
        for seg in self.segments:
            handler = getattr(self, f"_seg_{seg[0]}", None)
            if handler is not None:
                handler(seg)
        for need, segment in (("bpr", "BPR"), ("trn", "TRN"), ("payer", "N1*PR"), ("payee", "N1*PE")):
            if need not in self.head:
                raise X12Error(f"the 835 has no {segment} segment")
        bpr, trn, payer, payee = (self.head[k] for k in ("bpr", "trn", "payer", "payee"))
        company = _el(trn, 3)
        if not re.fullmatch(r"1\d{9}", company):
            raise X12Error(f"TRN03 {company!r} is not '1' followed by a 9-digit tax id")
        remit = Remittance(
            payer_name=_el(payer, 2), payer_id=self.head.get("payer_id", ""), payee_name=_el(payee, 2),
            payee_npi=_el(payee, 4) if _el(payee, 3) == "XX" else "", payee_tax_id=self.head.get("tax_id", ""),
            paid_on=_day(_el(bpr, 16), "BPR16"), trace_number=_el(trn, 2), method=_el(bpr, 4),
            claims=tuple(self._claim_payment(c) for c in self.claims), provider_adjustments=tuple(self.plb),
            production_date=self.head.get("production"), payer_address=self._address("payer"),
            payer_phone=self.head.get("phone", ""), payer_tax_id=company[1:],
            payee_address=self._address("payee") if "payee" in self.head["addresses"] else None)
        total = _money(_el(bpr, 2), "BPR02") * (-1 if _el(bpr, 3) == "D" else 1)
        if total != remit.total_paid:
            raise X12Error(f"BPR02 pays {total} but the claims less the provider adjustments come to "
                           f"{remit.total_paid}")
        return remit

    # header and parties
    def _seg_BPR(self, seg):
        self.head["bpr"] = seg

    def _seg_TRN(self, seg):
        self.head["trn"] = seg

    def _seg_N1(self, seg):
        self.party = {"PR": "payer", "PE": "payee"}.get(_el(seg, 1), "")
        if self.party:
            self.head[self.party] = seg

    def _seg_N3(self, seg):
        if self.party and self.claim is None:
            self.head["addresses"].setdefault(self.party, {})["N3"] = seg

    def _seg_N4(self, seg):
        if self.party and self.claim is None:
            self.head["addresses"].setdefault(self.party, {})["N4"] = seg

    def _address(self, party: str) -> Address:
        found = self.head["addresses"].get(party, {})
        if "N3" not in found or "N4" not in found:
            raise X12Error(f"the {party} address needs both N3 and N4")
        n3, n4 = found["N3"], found["N4"]
        return Address(_el(n3, 1), _el(n4, 1), _el(n4, 2), _el(n4, 3), _el(n3, 2))

    def _seg_PER(self, seg):
        if _el(seg, 1) == "BL":
            self.head["phone"] = next((_el(seg, i + 1) for i in (3, 5, 7) if _el(seg, i) == "TE"), "")

    def _seg_REF(self, seg):
        qualifier, value = _el(seg, 1), _el(seg, 2)
        if self.service is not None and qualifier == "6R":
            self.service["line_control"] = value
        elif self.claim is None and self.party == "payer" and qualifier == "2U":
            self.head["payer_id"] = value
        elif self.claim is None and self.party == "payee" and qualifier == "TJ":
            self.head["tax_id"] = value

    def _seg_DTM(self, seg):
        qualifier, day = _el(seg, 1), _el(seg, 2)
        target = {"405": (self.head, "production")}
        if self.claim is not None:
            target.update({"232": (self.claim, "statement_from"), "233": (self.claim, "statement_to"),
                           "050": (self.claim, "received")})
        if self.service is not None:
            target.update({"472": (self.service, "from_date"), "150": (self.service, "from_date"),
                           "151": (self.service, "to_date")})
        if qualifier in target:
            where, key = target[qualifier]
            where[key] = _day(day, f"DTM*{qualifier}")

    # claims and lines
    def _current_claim(self, tag: str) -> dict:
        if self.claim is None:
            raise X12Error(f"a {tag} segment comes before any CLP claim")
        return self.claim

    def _seg_CLP(self, seg):
        self.claim = {"clp": seg, "adjustments": [], "remarks": [], "services": []}
        self.service = None
        self.claims.append(self.claim)

    def _seg_CAS(self, seg):
        where = self.service if self.service is not None else self._current_claim("CAS")
        group = _el(seg, 1)
        for i in range(2, max(len(seg), 3), 3):
            reason, amount, quantity = _el(seg, i), _el(seg, i + 1), _el(seg, i + 2)
            if i > 2 and not (reason or amount or quantity):
                continue
            if not reason:
                raise X12Error(f"CAS{i:02d}: an adjustment needs a reason code")
            where["adjustments"].append(Adjustment(group, reason, _money(amount, f"CAS{i + 1:02d}"),
                                                   _money(quantity, f"CAS{i + 2:02d}") if quantity else None))

    def _seg_NM1(self, seg):
        if _el(seg, 1) == "QC":
            self._current_claim("NM1*QC")["patient"] = seg
        elif _el(seg, 1) == "82" and _el(seg, 8) == "XX":
            self._current_claim("NM1*82")["rendering"] = _el(seg, 9)

    def _seg_MIA(self, seg):
        claim = self._current_claim("MIA")
        days = _el(seg, 1)
        if not re.fullmatch(r"\d+", days):
            raise X12Error(f"MIA01 {days!r} is not a count of covered days")
        claim["covered_days"] = int(days)
        claim["remarks"] += [r for r in [_el(seg, 5)] + seg[20:24] if r]

    def _seg_MOA(self, seg):
        self._current_claim("MOA")["remarks"] += [r for r in seg[3:8] if r]

    def _seg_SVC(self, seg):
        self.service = {"svc": seg, "adjustments": [], "remarks": []}
        self._current_claim("SVC")["services"].append(self.service)

    def _seg_AMT(self, seg):
        if self.service is not None and _el(seg, 1) == "B6":
            self.service["allowed"] = _money(_el(seg, 2), "AMT*B6")

    def _seg_LQ(self, seg):
        if self.service is not None and _el(seg, 1) == "HE":
            self.service["remarks"].append(_el(seg, 2))

    def _seg_PLB(self, seg):
        self.claim = self.service = None
        for i in range(3, len(seg), 2):
            reason, _, reference = _el(seg, i).partition(self.comp)
            if not reason:
                raise X12Error(f"PLB{i:02d} has no adjustment reason code")
            self.plb.append(ProviderAdjustment(reason, reference, _money(_el(seg, i + 1), f"PLB{i + 1:02d}")))

    def _claim_payment(self, c: dict) -> ClaimPayment:
        clp = c["clp"]
        claim_id = _el(clp, 1)
        if "patient" not in c:
            raise X12Error(f"claim {claim_id} has no NM1*QC patient")
        patient = c["patient"]
        responsibility = _el(clp, 5)
        return ClaimPayment(
            claim_id=claim_id, status=_el(clp, 2), charge=_money(_el(clp, 3), "CLP03"),
            paid=_money(_el(clp, 4), "CLP04"),
            patient_responsibility=_money(responsibility, "CLP05") if responsibility else Decimal("0"),
            filing=_el(clp, 6), payer_claim_number=_el(clp, 7), patient_last=_el(patient, 3),
            patient_first=_el(patient, 4), member_id=_el(patient, 9) if _el(patient, 8) == "MI" else "",
            facility_type=_el(clp, 8), frequency=_el(clp, 9), drg=_el(clp, 11),
            adjustments=tuple(c["adjustments"]), remarks=tuple(c["remarks"]),
            services=tuple(self._service_payment(claim_id, s) for s in c["services"]),
            received=c.get("received"), statement_from=c.get("statement_from"), statement_to=c.get("statement_to"),
            rendering_npi=c.get("rendering", ""), covered_days=c.get("covered_days"))

    def _service_payment(self, claim_id: str, s: dict) -> ServicePayment:
        svc = s["svc"]
        qualifier, *parts = _el(svc, 1).split(self.comp)
        if qualifier == "HC" and parts and parts[0]:
            code, modifiers, revenue = parts[0], tuple(m for m in parts[1:] if m), _el(svc, 4)
        elif qualifier == "NU" and parts and parts[0]:
            code, modifiers, revenue = "", (), parts[0]
        else:
            raise X12Error(f"claim {claim_id}: SVC01 {_el(svc, 1)!r} is not an HC procedure or NU revenue code")
        units, billed = _el(svc, 5), _el(svc, 7)
        return ServicePayment(
            code=code, charge=_money(_el(svc, 2), "SVC02"), paid=_money(_el(svc, 3), "SVC03"), modifiers=modifiers,
            units=_money(units, "SVC05") if units else Decimal("1"),
            billed_units=_money(billed, "SVC07") if billed else None, revenue_code=revenue,
            from_date=s.get("from_date"), to_date=s.get("to_date"), allowed=s.get("allowed"),
            adjustments=tuple(s["adjustments"]), remarks=tuple(s["remarks"]), line_control=s.get("line_control", ""))
