"""The billing-office sandbox: send, acknowledgement, ERA, posting, denial work, replacement, ledger,
statement, KPIs, and that nobody sees another learner's office."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import select

from trainer.billing import ledger, office
from trainer.claims.carc import describe
from trainer.exercises.validate import validate_tree
from trainer.extensions import db
from trainer.models import ExerciseRecord, LedgerEntry, PatientAccount, Role, SubmittedClaim

from .conftest import csrf_from, login
from .test_claims_web import right_form

OFFICE_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "office"
EX = "fx-office-injection"  # 99213-25 and 96372 to the commercial practice payer


@pytest.fixture(scope="module")
def office_exercise(app):
    """An E/M with modifier 25 and an injection, added for these tests only (imported on its own, so
    the bundled fixtures stay as they are) and withdrawn afterwards."""
    with app.app_context():
        good, problems = validate_tree(db.session, OFFICE_FIXTURES)
        assert problems == [] and [e.id for e in good] == [EX]
        ex = good[0]
        record = db.session.get(ExerciseRecord, EX)
        if record is None:
            db.session.add(ExerciseRecord(
                id=ex.id, title=ex.data["title"], kind=ex.data["kind"], area=ex.area, setting=ex.data["setting"],
                difficulty=ex.data["difficulty"], tags=ex.data["tags"], variant_count=ex.variant_count,
                source=(OFFICE_FIXTURES / ex.path).read_text(encoding="utf-8"), path=ex.path, checksum=ex.checksum))
        else:
            record.active = True
        db.session.commit()
    yield EX
    with app.app_context():
        db.session.get(ExerciseRecord, EX).active = False
        db.session.commit()


def fill_and_send(client, form: dict, exercise: str = EX):
    """The claim form, then "Submit to the payer" on its result: the office claim's id."""
    token = csrf_from(client.get(f"/claims/{exercise}").get_data(as_text=True))
    result = client.post(f"/claims/{exercise}", data=form | {"csrf_token": token})
    assert result.status_code == 302, result.get_data(as_text=True)[:400]
    page = client.get(result.location).get_data(as_text=True)
    assert "Submit to the payer" in page
    attempt_id = int(result.location.rsplit("/", 1)[1])
    sent = client.post(f"/office/send/{attempt_id}", data={"csrf_token": csrf_from(page)})
    assert sent.status_code == 302 and "/office/claims/" in sent.location
    return int(sent.location.rsplit("/", 1)[1])


def without_25() -> dict:
    return right_form(EX) | {"mods_1": ""}


def post_amounts(client, claim_id: int, amounts: dict):
    page = client.get(f"/office/claims/{claim_id}").get_data(as_text=True)
    return client.post(f"/office/claims/{claim_id}/post", data=amounts | {"csrf_token": csrf_from(page)})


def right_amounts(row) -> dict:
    out = {}
    for key, _, postings in office.posting_groups(row):
        for p in postings:
            out |= {f"{key}_{p.line}_payment": str(p.payment), f"{key}_{p.line}_contractual": str(p.contractual),
                    f"{key}_{p.line}_patient": str(p.patient), f"{key}_{p.line}_denied": str(p.denied)}
    return out


def work(client, claim_id: int, line: int, action: str, reason: str = ""):
    page = client.get(f"/office/claims/{claim_id}").get_data(as_text=True)
    return client.post(f"/office/claims/{claim_id}/work", data={
        "line": line, f"l{line}-action": action, f"l{line}-reason": reason, "csrf_token": csrf_from(page)})


def balances(claim_id: int) -> dict[int, tuple[Decimal, Decimal]]:
    rows = db.session.execute(select(LedgerEntry).where(LedgerEntry.claim_id == claim_id)).scalars().all()
    return {b.line: (b.insurance, b.patient) for b in ledger.line_balances(office.as_entries(rows))}


def test_an_accepted_claim_shows_the_era_with_official_descriptions(office_exercise, make_user, login_as):
    client = login_as(make_user())
    claim_id = fill_and_send(client, right_form(EX))
    row = db.session.get(SubmittedClaim, claim_id)
    assert row.accepted and row.status == "processed" and row.received.isoformat() == "2026-06-18"
    page = client.get(f"/office/claims/{claim_id}").get_data(as_text=True)
    assert "Accepted for adjudication" in page and row.payer_claim_number in page
    # the office visit copay (PR-3) and the contractual write-off (CO-45), each with its X12 description
    for kind, code in (("carc", "3"), ("carc", "45"), ("group", "PR"), ("group", "CO")):
        assert str(escape(describe(kind, code))) in page
    assert "ISA*" in page and "CLP*" in page  # the raw 835
    download = client.get(f"/office/claims/{claim_id}.835")
    assert download.status_code == 200 and download.get_data(as_text=True).startswith("ISA*")
    assert "attachment" in download.headers["Content-Disposition"]
    # the claim-form result now leads to the payer's answer instead of offering to send it again
    result = client.get(f"/claims/attempts/{row.claim_attempt_id}").get_data(as_text=True)
    assert f"/office/claims/{claim_id}" in result and "Submit to the payer" not in result
    again = client.post(f"/office/send/{row.claim_attempt_id}", data={"csrf_token": csrf_from(result)})
    assert again.location.endswith(f"/office/claims/{claim_id}")  # sent once: the same claim, no second one
    assert db.session.execute(select(SubmittedClaim.id).where(
        SubmittedClaim.claim_attempt_id == row.claim_attempt_id)).all() == [(claim_id,)]
    duplicate = db.session.get(SubmittedClaim, fill_and_send(client, right_form(EX)))  # a new claim, same services
    assert duplicate.status == "denied" and "OA-18" in client.get(f"/office/claims/{duplicate.id}").get_data(as_text=True)


def test_a_rejected_claim_is_not_adjudicated_and_goes_again_as_a_new_claim(office_exercise, make_user, login_as):
    client = login_as(make_user())
    claim_id = fill_and_send(client, right_form(EX) | {"billing_npi": "1093791627"})
    row = db.session.get(SubmittedClaim, claim_id)
    assert not row.accepted and row.status == "rejected" and row.remittance is None
    page = client.get(f"/office/claims/{claim_id}").get_data(as_text=True)
    assert "Rejected at the front end" in page and "F4.npi" in page and "Remittance advice" not in page
    assert f"/claims/{EX}?from={row.claim_attempt_id}" in page.replace("&amp;", "&")
    assert db.session.execute(select(LedgerEntry).where(LedgerEntry.claim_id == claim_id)).first() is None
    again = db.session.get(SubmittedClaim, fill_and_send(client, right_form(EX)))
    assert again.accepted and again.received > row.received  # the sandbox's clock moves on


def test_posting_is_graded_and_the_ledger_is_right_whatever_was_typed(office_exercise, make_user, login_as):
    client = login_as(make_user())
    claim_id = fill_and_send(client, right_form(EX))
    row = db.session.get(SubmittedClaim, claim_id)
    expected = {p.line: p for _, _, ps in office.posting_groups(row) for p in ps}
    assert expected[1].patient == Decimal("30.00")  # the copay
    wrong = right_amounts(row) | {"c0_1_patient": "0", "c0_2_contractual": "1.00"}
    response = post_amounts(client, claim_id, wrong)
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "6 / 8" in page and "patient responsibility is 30.00" in page
    assert balances(claim_id) == {n: (Decimal("0.00"), p.patient) for n, p in expected.items()}
    entries = db.session.execute(select(LedgerEntry.id).where(LedgerEntry.claim_id == claim_id)).all()
    assert post_amounts(client, claim_id, right_amounts(row)).status_code == 302
    assert db.session.execute(select(LedgerEntry.id).where(LedgerEntry.claim_id == claim_id)).all() == entries
    statement = client.get(f"/office/accounts/{row.account_id}/statement").get_data(as_text=True)
    due = sum((p.patient for p in expected.values()), Decimal("0"))
    assert "Patient statement" in statement and f"${due:.2f}" in statement and "Please pay by" in statement


def test_an_unreadable_amount_is_refused_and_nothing_is_posted(office_exercise, make_user, login_as):
    client = login_as(make_user())
    claim_id = fill_and_send(client, right_form(EX))
    response = post_amounts(client, claim_id, {"c0_1_payment": "seventy"})
    assert response.status_code == 400 and "enter an amount" in response.get_data(as_text=True)
    assert not db.session.get(SubmittedClaim, claim_id).posted


def test_a_missing_25_is_denied_corrected_and_the_replacement_reverses_the_first_payment(
        office_exercise, make_user, login_as):
    learner = make_user()
    client = login_as(learner)
    first_id = fill_and_send(client, without_25())
    first = db.session.get(SubmittedClaim, first_id)
    assert first.status == "partly denied" and office.line_denied(first) == [1]
    page = client.get(f"/office/claims/{first_id}").get_data(as_text=True)
    assert "CO-97" in page and str(escape(describe("carc", "97"))) in page and "M15" in page
    assert "Post the remittance first" in page
    assert post_amounts(client, first_id, right_amounts(first)).status_code == 302
    account = db.session.get(PatientAccount, first.account_id)
    used_once = account.deductible_met
    visit_charge = Decimal(first.remittance["claims"][0]["services"][0]["charge"])
    assert used_once > 0 and balances(first_id)[1] == (visit_charge, Decimal("0.00"))  # the denial, open

    chosen = work(client, first_id, 1, "corrected")
    assert chosen.status_code == 302 and "replace=" in chosen.location
    form = client.get(chosen.location).get_data(as_text=True)
    assert 'value="7" selected' in form and f'value="{first.payer_claim_number}"' in form
    second_id = fill_and_send(client, right_form(EX) | {"frequency": "7", "original_ref": first.payer_claim_number})
    second = db.session.get(SubmittedClaim, second_id)
    db.session.refresh(first)
    assert second.accepted and second.replaces_id == first_id
    assert first.replaced_by_id == second_id and first.status == "replaced"
    claims = second.remittance["claims"]
    assert [c["status"] for c in claims] == ["22", "1"]
    assert claims[0]["payer_claim_number"] == first.payer_claim_number
    assert Decimal(claims[0]["charge"]) == -Decimal(first.remittance["claims"][0]["charge"])
    assert Decimal(claims[1]["services"][0]["paid"]) > 0  # the visit is paid now
    db.session.refresh(account)
    assert account.deductible_met == used_once  # the reversal gave back what the first claim used
    page = client.get(f"/office/claims/{second_id}").get_data(as_text=True)
    assert "Reversal of previous payment" in page and "Reversal of" in page
    assert post_amounts(client, second_id, right_amounts(second)).status_code == 302
    assert all(b == (Decimal("0.00"), Decimal("0.00")) for b in balances(first_id).values())
    assert all(ins == 0 for ins, _ in balances(second_id).values())

    dashboard = client.get("/office").get_data(as_text=True)
    # one first submission, denied: 0 % clean; two adjudicated claims, one with a denied line: 50 %
    assert "0.0 %" in dashboard and "50.0 %" in dashboard and "Days in A/R" in dashboard
    assert "Replacement" in dashboard and "Replaced" in dashboard
    k = office.kpis(db.session, learner.id)
    assert k["first_submissions"] == 1 and k["adjudicated"] == 2 and k["denied"] == 1
    assert k["open_total"] == sum((p for _, p in balances(second_id).values()), Decimal("0"))
    services = first.remittance["claims"][0]["services"]
    assert k["gross_charges"] == sum(Decimal(s["charge"]) for s in services)  # the services once, not once per claim


def test_writing_off_a_fixable_denial_is_graded_wrong_and_an_appeal_is_upheld(office_exercise, make_user, login_as):
    client = login_as(make_user())
    claim_id = fill_and_send(client, without_25())
    row = db.session.get(SubmittedClaim, claim_id)
    post_amounts(client, claim_id, right_amounts(row))
    appealed = work(client, claim_id, 1, "appeal", "The visit was separately identifiable.")
    assert appealed.status_code == 302
    page = client.get(f"/office/claims/{claim_id}").get_data(as_text=True)
    assert "Simulated appeal decision: upheld" in page and "Not this time" in page
    assert "99213-25" in page  # what the documentation supports
    work(client, claim_id, 1, "write_off", "Bundled")
    page = client.get(f"/office/claims/{claim_id}").get_data(as_text=True)
    assert page.count("Not this time") == 2 and "Record my decision" not in page
    assert balances(claim_id)[1][0] == Decimal("0.00")  # written off: nothing open with the payer
    assert work(client, claim_id, 1, "corrected").status_code == 404  # the line is worked


def test_nobody_else_sees_a_learners_office(office_exercise, make_user, login_as, app):
    owner = make_user()
    client = login_as(owner)
    claim_id = fill_and_send(client, without_25())
    row = db.session.get(SubmittedClaim, claim_id)
    urls = [f"/office/claims/{claim_id}", f"/office/claims/{claim_id}.835", f"/office/accounts/{row.account_id}",
            f"/office/accounts/{row.account_id}/statement"]
    for role in (Role.LEARNER, Role.INSTRUCTOR, Role.SITE_ADMIN):
        other = app.test_client()
        assert login(other, make_user(role).email).status_code == 302
        for url in urls:
            assert other.get(url).status_code == 404, (role, url)
        token = csrf_from(other.get("/office").get_data(as_text=True))  # the sign-out form's token
        for url in (f"/office/claims/{claim_id}/post", f"/office/claims/{claim_id}/work",
                    f"/office/send/{row.claim_attempt_id}"):
            assert other.post(url, data={"csrf_token": token, "line": 1}).status_code == 404, (role, url)
        assert row.payer_claim_number not in other.get("/office").get_data(as_text=True)
    assert not db.session.get(SubmittedClaim, claim_id).posted
