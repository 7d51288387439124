"""Every page, for every role that may open it, passes the accessibility and CSP audit of html_audit.

A small school is built first through the real pages (a cohort with an assignment, a coded chart, a
CMS-1500 sent to the billing office and posted, a UB-04, a billing exercise, an exam sitting, a dispute,
an LMS registration), so the pages are audited with content, not only in their empty state.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import url_for
from sqlalchemy import select

from tests.unit.billing_answers import right_answer
from tests.unit.ub04_forms import form_of
from trainer.access import PUBLIC, SIGNED_IN
from trainer.extensions import db
from trainer.lti.platforms import PlatformSpec, save_platform
from trainer.models import Attempt, CohortMember, Dispute, PatientAccount, Role, SubmittedClaim
from trainer.teaching.assignments import AssignmentSpec, save_assignment
from trainer.teaching.cohorts import create_cohort

from .conftest import csrf_from, login
from .html_audit import audit
from .test_authoring import editor_form
from .test_question_authoring import editor_form as question_form
from .test_billing_web import _key
from .test_claims_ub04 import HIP, inpatient_records, reference  # noqa: F401  (the fixture adds the stays)
from .test_claims_web import right_form
from .test_exams import quiz
from .test_office import office_exercise, right_amounts, without_25  # noqa: F401  (the fixture adds the exercise)

EX = "fx-knee-injection"
# GET routes that are no page of their own: they answer an LMS launch, or redirect to the page to show.
NO_PAGE = {"lti.login", "lti.deep_link", "exams.resume"}


def _client(app, user):
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def _token(client, url="/auth/password") -> str:
    return csrf_from(client.get(url).get_data(as_text=True))


def _post(client, url: str, data: dict, page: str | None = None):
    response = client.post(url, data=data | {"csrf_token": _token(client, page or "/auth/password")})
    assert response.status_code == 302, (url, response.get_data(as_text=True)[:600])
    return response.location


def _last_id(location: str) -> int:
    return int(re.search(r"/(\d+)(?:$|[/?])", location).group(1))


@pytest.fixture()
def world(app, school, make_user, office_exercise):  # noqa: F811
    """A school with one of everything, built through the pages a learner and an instructor use."""
    learner = make_user(Role.LEARNER, name="Ana Audit")
    teacher = make_user(Role.INSTRUCTOR)
    admin = make_user(Role.SCHOOL_ADMIN)
    cohort = create_cohort(db.session, teacher, "Audit class")
    cohort.members.append(CohortMember(user_id=learner.id, role="learner"))
    now = dt.datetime.now(dt.timezone.utc)
    assignment = save_assignment(db.session, teacher, cohort, AssignmentSpec(
        title="Knee week", kind="exercises", open_at=now - dt.timedelta(days=1), due_at=now + dt.timedelta(days=3),
        late_policy="refuse", key_reveal="submission", exercise_ids=[EX], attempts_allowed=2))
    platform = save_platform(db.session, admin, PlatformSpec(
        name="Canvas", issuer=f"https://canvas{school.id}.example.edu", client_id=f"audit-{school.id}",
        deployment_ids="1:abc", auth_login_url="https://canvas.example.edu/api/lti/authorize_redirect",
        auth_token_url="https://canvas.example.edu/login/oauth2/token",
        key_set_url="https://canvas.example.edu/api/lti/security/jwks"))
    blueprint = quiz(school)
    db.session.commit()

    teaching = _client(app, teacher)
    _post(teaching, "/authoring/new", editor_form("audit-knee"), "/authoring/new")
    own_exercise = f"{school.id}.audit-knee"
    _post(teaching, "/authoring/questions/new", question_form("audit-q"), "/authoring/questions/new")
    own_question = f"{school.id}.audit-q"

    c = _client(app, learner)
    # coding practice, through the assignment, submitted
    _post(c, f"/assignments/{assignment.id}/start", {"item": EX})
    attempt = db.session.execute(select(Attempt).where(Attempt.user_id == learner.id)).scalars().first()
    dx = "M17.11" if attempt.variant == 0 else "M17.12"
    _post(c, f"/practice/attempts/{attempt.id}/submit", {
        "dx": [dx], "line-1-code": "20610", "line-1-mods": "", "line-1-units": "1", "line-1-ptr": "A"})
    _post(c, f"/disputes/attempts/{attempt.id}", {"target": "line-0", "comment": "The note says left knee."})
    db.session.refresh(attempt)
    tripped = attempt.result["findings"][0]["rule"]  # no modifier on a knee injection
    dispute = db.session.execute(select(Dispute).where(Dispute.learner_id == learner.id)).scalar_one()
    # a CMS-1500 sent to the billing office, and a UB-04
    claim_attempt = _last_id(_post(c, f"/claims/{EX}", right_form(), f"/claims/{EX}"))
    office_claim = _last_id(_post(c, f"/office/send/{claim_attempt}", {}, f"/claims/attempts/{claim_attempt}"))
    denied_attempt = _last_id(_post(c, f"/claims/{office_exercise}", without_25(), f"/claims/{office_exercise}"))
    denied = _last_id(_post(c, f"/office/send/{denied_attempt}", {}, f"/claims/attempts/{denied_attempt}"))
    _post(c, f"/office/claims/{denied}/post", right_amounts(db.session.get(SubmittedClaim, denied)),
          f"/office/claims/{denied}")  # posted, so the denial's work forms show
    account = db.session.execute(select(PatientAccount.id).where(
        PatientAccount.user_id == learner.id)).scalars().first()
    ub04_attempt = _last_id(_post(c, f"/claims/{HIP}", form_of(reference(HIP)[1]), f"/claims/{HIP}"))
    # a billing exercise
    ex, key = _key(app, "bx-est-new-patient-deductible")
    billing_attempt = _last_id(_post(c, f"/billing/{ex.id}", right_answer("estimate", key), f"/billing/{ex.id}"))
    # an exam submitted, and one open
    done = _last_id(_post(c, f"/exams/start/{blueprint.id}", {}, "/exams"))
    _post(c, f"/exams/sittings/{done}/submit", {}, "/exams")
    sitting = _last_id(_post(c, f"/exams/start/{blueprint.id}", {}, "/exams"))
    ids = {"system": "icd10cm", "code": "E11.9", "user_id": learner.id, "exercise_id": EX, "attempt_id": attempt.id,
           "blueprint_id": blueprint.id, "sitting_id": sitting, "position": 1, "pool": "cpc", "cohort_id": cohort.id,
           "assignment_id": assignment.id, "claim_id": office_claim, "account_id": account,
           "platform_id": platform.id, "dispute_id": dispute.id, "question_id": own_question}
    per_endpoint = {"exams.result": {"sitting_id": done}, "claims.result": {"attempt_id": claim_attempt},
                    "billing.result": {"attempt_id": billing_attempt}, "analytics.rule_findings": {"rule": tripped},
                    "authoring.detail": {"exercise_id": own_exercise}, "authoring.edit": {"exercise_id": own_exercise}}
    extra = [("office.claim", {"claim_id": denied}), ("claims.form", {"exercise_id": HIP}),
             ("claims.result", {"attempt_id": ub04_attempt}),
             ("billing.exercise", {"exercise_id": "bx-post-with-denied-line"}),
             ("billing.exercise", {"exercise_id": "bx-ar-denials-and-deadlines"})]
    users = {Role.LEARNER: learner, Role.INSTRUCTOR: teacher, Role.SCHOOL_ADMIN: admin,
             Role.SITE_ADMIN: make_user(Role.SITE_ADMIN)}
    return {"ids": ids, "per_endpoint": per_endpoint, "extra": extra, "users": users}


def _urls(app, world):
    """(endpoint, url) for every GET route, with the extra samples of the pages that differ by content."""
    out = []
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
            if rule.endpoint == "static" or "GET" not in rule.methods:
                continue
            values = {a: world["ids"][a] for a in rule.arguments} | world["per_endpoint"].get(rule.endpoint, {})
            out.append((rule.endpoint, url_for(rule.endpoint, **values)))
        out += [(endpoint, url_for(endpoint, **values)) for endpoint, values in world["extra"]]
    return out


def test_every_page_passes_the_audit_for_every_role(app, world):
    clients = {role: _client(app, user) for role, user in world["users"].items()}
    clients[None] = app.test_client()
    problems: dict[str, list[str]] = {}  # "url: problem" -> roles, so each problem is listed once
    titles: dict[str, set[str]] = {}
    audited: set[str] = set()
    for endpoint, url in _urls(app, world):
        marker = app.view_functions[endpoint]._access
        roles = [None, *Role.ALL] if marker == PUBLIC else list(Role.ALL) if marker == SIGNED_IN else list(marker)
        for role in roles:
            response = clients[role].get(url)
            kind = response.mimetype
            if response.status_code != 200 or kind != "text/html":
                assert response.status_code != 500, f"{url} as {role}"
                continue
            audited.add(endpoint)
            found, title = audit(response.get_data(as_text=True))
            for p in dict.fromkeys(found):
                problems.setdefault(f"{url}: {p}", []).append(role or "anonymous")
            titles.setdefault(title, set()).add(endpoint)
    shared = {t: sorted(e) for t, e in titles.items() if len(e) > 1}
    assert problems == {}, "\n".join(f"{p} (as {', '.join(r)})" for p, r in problems.items())
    assert shared == {}, f"pages of different routes share a title: {shared}"
    html_routes = {e for e, _ in _urls(app, world)} - NO_PAGE
    not_pages = {"api.show_code", "api.search_codes", "lti.jwks", "exams.status", "claims.pdf", "office.download_835",
                 "authoring.export_one", "authoring.export_all", "school.export", "school.report_export",
                 "question_authoring.export_one", "question_authoring.export_all",
                 "analytics.items_download", "assignments.gradebook_export", "teaching.progress_csv"}
    assert html_routes - not_pages - audited == set(), "pages that never rendered, so were never audited"


def test_error_pages_pass_the_audit(app, make_user):
    client = _client(app, make_user(Role.LEARNER))
    for url, status in (("/no-such-page", 404), ("/school", 403)):
        response = client.get(url)
        assert response.status_code == status
        found, _ = audit(response.get_data(as_text=True))
        assert found == [], (url, found)
    found, _ = audit(app.test_client().get("/auth/login").get_data(as_text=True))
    assert found == []


@pytest.mark.parametrize("html, problem", [
    ('<html><head><title>T</title></head><body><h1>A</h1><h3>B</h3></body></html>', "skips from h1 to h3"),
    ('<html lang="en"><head><title>T</title></head><body><h1>A</h1><input name="q"></body></html>', "name='q'"),
    ('<html lang="en"><head><title>T</title></head><body><h1>A</h1><table><tr><td>1</td></tr></table></body></html>',
     "no caption"),
    ('<html lang="en"><head><title>T</title></head><body><h1>A</h1><form method="post"></form></body></html>',
     "no CSRF token"),
    ('<html lang="en"><head><title>T</title></head><body><h1 style="x">A</h1><a href="/x"></a></body></html>',
     "inline style"),
    ('<html lang="en"><head><title>T</title><script src="https://cdn.example.com/x.js"></script></head>'
     '<body><h1>A</h1></body></html>', "from another host"),
    ('<html lang="en"><head><title>T</title></head><body><h1 id="a">A</h1><p id="a"></p></body></html>',
     "duplicate id"),
])
def test_the_audit_finds_each_kind_of_problem(html, problem):
    found, _ = audit(html)
    assert any(problem in p for p in found), found


def test_a_clean_page_passes():
    html = ('<html lang="en"><head><title>T</title></head><body><h1>A</h1><h2>B</h2><label for="q">Q</label>'
            '<input id="q"><table><caption>C</caption><thead><tr><th scope="col">X</th></tr></thead></table>'
            '<form method="post"><input type="hidden" name="csrf_token" value="t"></form>'
            '<a href="/x"><img src="/i.svg" alt="Home"></a></body></html>')
    assert audit(html) == ([], "T")
