"""The claim form: packet, box-by-box grading, the front-end rejection, correct and resubmit."""
from __future__ import annotations

import re

from trainer.claims.views import reference_for
from trainer.extensions import db
from trainer.models import ClaimAttempt, ExerciseRecord

from .conftest import csrf_from, login

EXERCISE = "fx-knee-injection"


def right_form(exercise: str = EXERCISE) -> dict:
    _, ref = reference_for(db.session.get(ExerciseRecord, exercise))
    p = ref.the_patient
    form = {"payer_kind": ref.payer.kind, "member_id": ref.subscriber.member_id, "patient_last": p.last,
            "patient_first": p.first, "birth_date": p.birth_date.strftime("%m/%d/%Y"), "sex": p.sex,
            "relationship": "18", "signature_on_file": "1", "benefits_assigned": "1", "frequency": "1",
            "tax_id": ref.billing.tax_id, "tax_id_type": "EI", "account_no": ref.claim_id, "accept_assignment": "yes",
            "total": f"{ref.total:.2f}", "billing_npi": ref.billing.npi}
    for i, code in enumerate(ref.diagnoses):
        form[f"dx_{'ABCDEFGHIJKL'[i]}"] = code
    for n, line in enumerate(ref.lines, start=1):
        form.update({f"from_{n}": line.from_date.strftime("%m/%d/%Y"), f"pos_{n}": ref.place_of_service,
                     f"code_{n}": line.code, f"mods_{n}": " ".join(line.modifiers),
                     f"ptr_{n}": "".join("ABCDEFGHIJKL"[p - 1] for p in line.pointers),
                     f"charge_{n}": f"{line.charge:.2f}", f"units_{n}": str(line.units), f"npi_{n}": ref.rendering.npi})
    return form


def post(client, form: dict):
    token = csrf_from(client.get(f"/claims/{EXERCISE}").get_data(as_text=True))
    return client.post(f"/claims/{EXERCISE}", data=form | {"csrf_token": token})


def test_the_packet_shows_what_a_biller_needs_and_the_form_starts_empty(app, make_user, login_as):
    client = login_as(make_user())
    assert EXERCISE in client.get("/claims").get_data(as_text=True)
    page = client.get(f"/claims/{EXERCISE}").get_data(as_text=True)
    _, ref = reference_for(db.session.get(ExerciseRecord, EXERCISE))
    assert ref.billing.npi in page and ref.subscriber.member_id in page and "Superbill" in page
    assert not re.search(r'name="billing_npi"[^>]*value="\d', page)
    assert client.get("/claims/no-such-exercise").status_code == 404


def test_a_right_claim_is_accepted_with_every_box_right(app, make_user, login_as):
    client = login_as(make_user())
    response = post(client, right_form())
    assert response.status_code == 302
    attempt = db.session.get(ClaimAttempt, int(response.location.rsplit("/", 1)[1]))
    assert attempt.score == attempt.max_score > 10
    page = client.get(response.location).get_data(as_text=True)
    assert "Accepted by the clearinghouse" in page


def test_a_bad_npi_is_rejected_then_corrected_and_resubmitted(app, make_user, login_as):
    client = login_as(make_user())
    wrong = right_form() | {"billing_npi": "1093791627", "ptr_1": "B"}
    first = post(client, wrong)
    page = client.get(first.location).get_data(as_text=True)
    assert "Rejected at the front end" in page and "F4.npi" in page and "Billing provider NPI" in page
    attempt_id = int(first.location.rsplit("/", 1)[1])
    again = client.get(f"/claims/{EXERCISE}?from={attempt_id}").get_data(as_text=True)
    assert 'value="1093791627"' in again  # the previous entries come back to correct
    fixed = post(client, right_form())
    assert "Accepted" in client.get(fixed.location).get_data(as_text=True)
    assert db.session.query(ClaimAttempt).filter_by(exercise_id=EXERCISE).count() >= 2


def test_an_unreadable_box_is_named_and_nothing_typed_is_lost(app, make_user, login_as):
    client = login_as(make_user())
    response = post(client, right_form() | {"birth_date": "31/31/1990", "member_id": "KEEP-ME"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Box 3" in page and 'value="KEEP-ME"' in page


def test_nobody_else_reads_a_claim_attempt(app, make_user, login_as):
    client = login_as(make_user())
    response = post(client, right_form())
    other = app.test_client()
    assert login(other, make_user().email).status_code == 302
    assert other.get(response.location).status_code == 404
    attempt_id = int(response.location.rsplit("/", 1)[1])
    assert other.get(f"/claims/{EXERCISE}?from={attempt_id}").status_code == 404


def test_the_printable_form_is_a_pdf_of_the_claim_as_entered(app, make_user, login_as):
    client = login_as(make_user())
    response = post(client, right_form() | {"member_id": "PDF12345"})
    pdf = client.get(response.location + ".pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    body = pdf.get_data()
    assert body.startswith(b"%PDF") and b"PDF12345" in body and b"HEALTH INSURANCE CLAIM FORM" in body
    other = app.test_client()
    assert login(other, make_user().email).status_code == 302
    assert other.get(response.location + ".pdf").status_code == 404
