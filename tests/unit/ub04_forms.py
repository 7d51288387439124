"""A reference UB-04 as a learner would type it on the UB-04 page (field names of trainer.claims.form_ub04)."""
from __future__ import annotations

from trainer.claims.form_ub04 import EXTERNAL, OTHER_DX, OTHER_PROCEDURES
from trainer.claims.institutional import InstitutionalClaim


def day(d) -> str:
    return d.strftime("%m/%d/%Y") if d else ""


def form_of(ref: InstitutionalClaim) -> dict:
    who = ref.the_patient
    form = {"payer_kind": ref.payer.kind, "pcn": ref.claim_id, "tob": ref.type_of_bill, "tax_id": ref.billing.tax_id,
            "from": day(ref.statement_from), "through": day(ref.statement_through), "patient_last": who.last,
            "patient_first": who.first, "birth_date": day(who.birth_date), "sex": who.sex,
            "admission_date": day(ref.admission_date), "admission_hour": ref.admission_hour,
            "admission_type": ref.admission_type, "point_of_origin": ref.point_of_origin,
            "discharge_hour": ref.discharge_hour, "discharge_status": ref.discharge_status,
            "total": f"{ref.total:.2f}", "facility_npi": ref.billing.npi, "insured_last": ref.subscriber.last,
            "insured_first": ref.subscriber.first, "relationship": ref.relationship,
            "member_id": ref.subscriber.member_id, "icd_ind": "0", "dx_principal": ref.principal.code,
            "poa_principal": ref.principal.poa, "admitting_dx": ref.admitting_diagnosis}
    for n, line in enumerate(ref.lines, start=1):
        form |= {f"rev_{n}": line.revenue_code, f"hcpcs_{n}": line.hcpcs, f"date_{n}": day(line.service_date),
                 f"units_{n}": str(line.units), f"charge_{n}": f"{line.charge:.2f}"}
    for slot, d in zip(OTHER_DX, ref.other_diagnoses):
        form |= {f"dx_{slot}": d.code, f"poa_{slot}": d.poa}
    for slot, d in zip(EXTERNAL, ref.external_causes):
        form |= {f"ecode_{slot}": d.code, f"ecode_poa_{slot}": d.poa}
    for slot, p in zip(("principal", *OTHER_PROCEDURES), ref.procedures):
        form |= {f"pcs_{slot}": p.code, f"pcs_date_{slot}": day(p.date)}
    for role, who in (("attending", ref.attending), ("operating", ref.operating)):
        if who:
            form |= {f"{role}_npi": who.npi, f"{role}_last": who.name, f"{role}_first": who.first}
    return form


def without(form: dict, *names: str) -> dict:
    return {k: v for k, v in form.items() if k not in names}
