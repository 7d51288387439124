"""The UB-04 page for inpatient stays: the packet with the chart, no key on the page, form-locator grading,
the result page, the printable practice copy, and who may read an attempt."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import delete

from tests.unit.ub04_forms import form_of, without
from trainer.claims.views import reference_for
from trainer.exercises.format import load_exercise
from trainer.extensions import db
from trainer.models import ClaimAttempt, ExerciseRecord

from .conftest import csrf_from, login

ROOT = Path(__file__).resolve().parents[2] / "exercises"
STAYS = ("ip-hip-fracture-orif-fall", "ip-appendicitis-lap-appendectomy", "ip-stroke-acute-hemiparesis-aphasia",
         "ip-newborn-circumcision-tongue-tie")
HIP = STAYS[0]


@pytest.fixture(scope="module", autouse=True)
def inpatient_records(app):
    """A few bundled inpatient exercises beside the web fixtures, removed again after this module."""
    with app.app_context():
        for exercise_id in STAYS:
            ex = load_exercise(ROOT / "inpatient" / f"{exercise_id}.yaml", ROOT)
            if db.session.get(ExerciseRecord, ex.id) is None:
                db.session.add(ExerciseRecord(
                    id=ex.id, title=ex.data["title"], kind=ex.data["kind"], area=ex.area, setting=ex.data["setting"],
                    difficulty=ex.data["difficulty"], tags=ex.data["tags"], variant_count=ex.variant_count,
                    source=ex.text, path=ex.path, checksum=ex.checksum, active=True))
        db.session.commit()
    yield
    with app.app_context():
        db.session.execute(delete(ClaimAttempt).where(ClaimAttempt.exercise_id.in_(STAYS)))
        db.session.execute(delete(ExerciseRecord).where(ExerciseRecord.id.in_(STAYS)))
        db.session.commit()


def reference(exercise_id: str):
    return reference_for(db.session.get(ExerciseRecord, exercise_id))


def post(client, exercise_id: str, form: dict):
    token = csrf_from(client.get(f"/claims/{exercise_id}").get_data(as_text=True))
    return client.post(f"/claims/{exercise_id}", data=form | {"csrf_token": token})


def attempt_of(response) -> ClaimAttempt:
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    return db.session.get(ClaimAttempt, int(response.location.rsplit("/", 1)[1]))


def test_the_ub04_page_has_the_packet_and_every_form_locator_labelled(app, make_user, login_as):
    client = login_as(make_user())
    listing = client.get("/claims").get_data(as_text=True)
    assert HIP in listing and "UB-04 (inpatient)" in listing
    page = client.get(f"/claims/{HIP}").get_data(as_text=True)
    variant, ref = reference(HIP)
    assert "Build the UB-04" in page and "Registration face sheet" in page and "Charge sheet (practice values)" in page
    assert "rug in the kitchen" in page  # the chart of the stay
    assert ref.billing.npi in page and ref.subscriber.member_id in page and ref.claim_id in page
    for fl in ("FL3a", "FL4", "FL5", "FL6", "FL12", "FL17", "FL18", "FL42", "FL50", "FL56", "FL60", "FL63", "FL64",
               "FL66", "FL67", "FL67Q", "FL69", "FL72c", "FL74e", "FL76", "FL77"):
        assert f'<span class="cms-num">{fl}</span>' in page or f">{fl} " in page, fl
    inputs = set(re.findall(r'<input[^>]*\bid="([^"]+)"', page)) - {""}
    labels = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', page))
    assert inputs and inputs <= labels  # every input has a label
    assert not re.search(r'name="facility_npi"[^>]*value="\d', page)  # the form starts empty


@pytest.mark.parametrize("exercise_id", STAYS)
def test_the_page_never_shows_the_key(app, make_user, login_as, exercise_id):
    client = login_as(make_user())
    page = client.get(f"/claims/{exercise_id}").get_data(as_text=True)
    variant, ref = reference(exercise_id)
    chart = " ".join(d["body"] for d in variant["documents"])
    codes = [d["code"] for d in variant["key"]["diagnoses"]] + [p["code"] for p in variant["key"]["pcs_procedures"]]
    for code in codes:
        if code not in chart:
            assert code not in page and code.replace(".", "") not in page, code
    assert "rationale" not in page.lower()


@pytest.mark.parametrize("exercise_id", STAYS)
def test_the_reference_values_are_accepted_with_full_marks(app, make_user, login_as, exercise_id):
    client = login_as(make_user())
    _, ref = reference(exercise_id)
    attempt = attempt_of(post(client, exercise_id, form_of(ref)))
    assert attempt.form_type == "ub04" and attempt.claim["type_of_bill"] == "0111"
    assert attempt.score == attempt.max_score >= 30
    page = client.get(f"/claims/attempts/{attempt.id}").get_data(as_text=True)
    assert "Accepted by the clearinghouse" in page and "Form locator by form locator (UB-04)" in page


def test_typical_mistakes_come_back_by_form_locator(app, make_user, login_as):
    client = login_as(make_user())
    _, ref = reference(HIP)
    mistakes = without(form_of(ref), "admitting_dx") | {"poa_principal": "N", "discharge_status": "01"}
    attempt = attempt_of(post(client, HIP, mistakes))
    assert attempt.score == attempt.max_score - 4  # three locators and the G5 rejection
    page = client.get(f"/claims/attempts/{attempt.id}").get_data(as_text=True)
    assert "Rejected at the front end" in page and "G5.dx-procedures" in page
    rows = re.findall(r'<tr class="is-wrong">\s*<td class="code">([^<]+)</td><td>([^<]+)</td>', page)
    assert rows == [("FL17", "Patient discharge status"), ("FL67", "Principal diagnosis POA"),
                    ("FL69", "Admitting diagnosis")]
    again = client.get(f"/claims/{HIP}?from={attempt.id}").get_data(as_text=True)
    assert re.search(r'name="discharge_status"[^>]*value="01"', again)  # back to correct


def test_an_unreadable_form_locator_is_named_and_nothing_typed_is_lost(app, make_user, login_as):
    learner = make_user()
    client = login_as(learner)
    _, ref = reference(HIP)
    response = post(client, HIP, form_of(ref) | {"through": "12/32/2025", "member_id": "KEEP-ME"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "FL6: " in page and 'value="KEEP-ME"' in page
    assert db.session.query(ClaimAttempt).filter_by(user_id=learner.id).count() == 0


def test_the_printable_ub04_is_a_pdf_of_the_claim_as_entered(app, make_user, login_as):
    client = login_as(make_user())
    _, ref = reference(HIP)
    response = post(client, HIP, form_of(ref) | {"member_id": "UB04PDF77"})
    pdf = client.get(response.location + ".pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    body = pdf.get_data()
    assert body.startswith(b"%PDF") and b"(UB04PDF77" in body and b"(PRACTICE COPY - NOT FOR SUBMISSION" in body
    assert b"(S72.141A Y" in body and b"HEALTH INSURANCE CLAIM FORM" not in body


def test_nobody_else_reads_a_ub04_attempt(app, make_user, login_as):
    client = login_as(make_user())
    _, ref = reference(HIP)
    response = post(client, HIP, form_of(ref))
    attempt_id = int(response.location.rsplit("/", 1)[1])
    other = app.test_client()
    assert login(other, make_user().email).status_code == 302
    assert other.get(response.location).status_code == 404
    assert other.get(response.location + ".pdf").status_code == 404
    assert other.get(f"/claims/{HIP}?from={attempt_id}").status_code == 404
