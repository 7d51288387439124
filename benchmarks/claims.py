"""Claims validated and adjudicated per second with the full NCCI PTP and MUE tables; 837P and 835
written + read per second.

    .venv/bin/python benchmarks/claims.py [--claims 5000] [--data ../shared/data]

The claims are every bundled professional exercise's reference claim (the key on the demo practice's
claim form), cycled. Validation = the claim-form rules plus every code edit, with the lookup memo the
server keeps per process (warm) and with fresh lookups per claim (cold).
The 835s pay those claims ten to a remittance (each line 80% paid, 20% CO-45).
Targets (issue 4): >= 2,000 claims validated per second on one core.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from full_edits import DEFAULT_DATA, full_edit_database  # noqa: E402
from trainer.claims.practice import BILLING, claim_from_key  # noqa: E402
from trainer.claims.remit import Adjustment, ClaimPayment, Remittance, ServicePayment  # noqa: E402
from trainer.claims.x12_835 import read_835, write_835  # noqa: E402
from trainer.claims.rules import check_claim  # noqa: E402
from trainer.claims.x12_837p import read_837p, write_837p  # noqa: E402
from trainer.edits.data import EditData  # noqa: E402
from trainer.exercises import load_tree  # noqa: E402
from trainer.payer.adjudicate import adjudicate  # noqa: E402
from trainer.payer.profiles import profile  # noqa: E402


def remittance(claims) -> Remittance:
    """A remittance paying each line of the claims 80%, the rest a CO-45 contractual adjustment."""
    payments = []
    for c in claims:
        services = tuple(ServicePayment(code=l.code, modifiers=l.modifiers, charge=l.charge,
                                        paid=l.charge * Decimal("0.8"), units=Decimal(l.units), from_date=l.from_date,
                                        adjustments=(Adjustment("CO", "45", l.charge * Decimal("0.2")),))
                         for l in c.lines)
        payments.append(ClaimPayment(
            claim_id=c.claim_id, status="1", charge=sum((s.charge for s in services), Decimal("0")),
            paid=sum((s.paid for s in services), Decimal("0")), patient_responsibility=Decimal("0"),
            filing={"medicare": "MB", "medicaid": "MC"}.get(c.payer.kind, "12"), payer_claim_number=f"ICN{c.claim_id}",
            patient_last=c.the_patient.last, patient_first=c.the_patient.first, member_id=c.subscriber.member_id,
            services=services))
    return Remittance(payer_name=claims[0].payer.name, payer_id=claims[0].payer.payer_id, payee_name=BILLING.name,
                      payee_npi=BILLING.npi, payee_tax_id=BILLING.tax_id, paid_on=dt.date(2025, 4, 2),
                      trace_number="EFT0000001", claims=tuple(payments))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=5000)
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    args = parser.parse_args()
    exercises, _ = load_tree(ROOT / "exercises")
    claims = [claim_from_key(ex.id, ex.variant(v), ex.key_answer(v), n)
              for n, (ex, v) in enumerate(((ex, v) for ex in exercises for v in range(ex.variant_count)), start=1)
              if ex.variant(v)["kind"] != "inpatient"]
    work = [claims[i % len(claims)] for i in range(args.claims)]
    print(f"{len(claims)} reference claims, {len(work)} to process")
    url, _ = full_edit_database(Path(args.data), "claims.db")
    with Session(create_engine(url)) as session:
        for label, shared in (("cold (fresh lookups per claim)", False), ("warm (lookups kept per process)", True)):
            memo_data = EditData(session)
            sample = work if shared else work[: max(200, len(work) // 10)]
            t0 = time.perf_counter()
            for claim in sample:
                check_claim(claim, memo_data if shared else EditData(session))
            print(f"claims validated, {label}: {len(sample) / (time.perf_counter() - t0):,.0f}/s   (target >= 2,000/s)")
        # the simulated payer: front end, edits, pricing from the RVU file, patient share, then the 835
        memo_data = EditData(session)
        t0 = time.perf_counter()
        for claim in work:
            adjudicate(claim, profile(claim.payer.kind), memo_data)
        print(f"claims adjudicated by the simulated payer (warm): {len(work) / (time.perf_counter() - t0):,.0f}/s")
    t0 = time.perf_counter()
    for claim in work:
        read_837p(write_837p(claim))
    print(f"837P written and read back: {len(work) / (time.perf_counter() - t0):,.0f}/s")
    remits = [remittance(work[i:i + 10]) for i in range(0, len(work), 10)]
    t0 = time.perf_counter()
    for remit in remits:
        read_835(write_835(remit))
    elapsed = time.perf_counter() - t0
    print(f"835 written and read back: {len(remits) / elapsed:,.0f} remittances/s "
          f"({len(work) / elapsed:,.0f} claims/s)")


if __name__ == "__main__":
    main()
