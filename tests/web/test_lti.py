"""LTI 1.3 against a simulated platform: login initiation, launch, refusals, deep linking, grade passback."""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from sqlalchemy import func, select

from trainer.cli import main
from trainer.extensions import db
from trainer.lti.platforms import PlatformSpec, all_public_keys, save_platform
from trainer.models import Assignment, Attempt, Cohort, CohortMember, LtiScore, LtiUserLink, Role, School, User
from trainer.models.lti import LtiAttempt, LtiResourceLink

from .conftest import csrf_from, login
from .lti_sim import LTI, SimulatedPlatform, rsa_key

EX = "fx-knee-injection"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


@pytest.fixture()
def sim():
    platform = SimulatedPlatform()
    yield platform
    platform.close()


def register(sim: SimulatedPlatform, admin: User):
    platform = save_platform(db.session, admin, PlatformSpec(**sim.registration()), allow_http=True)
    sim.tool_jwks = {"keys": all_public_keys(db.session)}
    return platform


@pytest.fixture()
def lms(app, sim, make_user):
    return register(sim, make_user(Role.SCHOOL_ADMIN))


def start_login(client, sim: SimulatedPlatform) -> tuple[str, str]:
    response = client.post("/lti/login", data={"iss": sim.issuer, "client_id": sim.client_id, "login_hint": "hint-1",
                                               "target_link_uri": "http://localhost/lti/launch",
                                               "lti_message_hint": "msg-1"})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    return query["state"][0], query["nonce"][0]


def launch(client, sim: SimulatedPlatform, tamper=None, **claims):
    """The whole OIDC flow: login initiation, the platform signs an id_token with our nonce, the launch."""
    state, nonce = start_login(client, sim)
    body = sim.claims(nonce, **claims)
    token = tamper(body) if tamper else sim.id_token(body)
    return client.post("/lti/launch", data={"id_token": token, "state": state})


def exercise_link(**extra):
    return {LTI + "custom": {"trainer_exercise": EX}, **extra}


def user_of(platform, sub: str) -> User | None:
    link = db.session.execute(select(LtiUserLink).where(LtiUserLink.platform_id == platform.id,
                                                        LtiUserLink.sub == sub)).scalar_one_or_none()
    return link.user if link else None


def score_row(platform) -> LtiScore:
    return db.session.execute(select(LtiScore).join(LtiScore.resource_link)
                              .where(LtiResourceLink.platform_id == platform.id)).scalar_one()


def test_login_initiation_redirects_to_the_platform_with_state_and_nonce(client, sim, lms):
    response = client.get("/lti/login", query_string={"iss": sim.issuer, "client_id": sim.client_id,
                                                      "login_hint": "hint-1", "lti_message_hint": "msg-1"})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == sim.issuer + "/auth"
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["client_id"] == sim.client_id and query["redirect_uri"] == "http://localhost/lti/launch"
    assert (query["response_type"], query["response_mode"], query["scope"], query["prompt"]) == (
        "id_token", "form_post", "openid", "none")
    assert query["login_hint"] == "hint-1" and query["lti_message_hint"] == "msg-1"
    assert query["state"].startswith("state-") and len(query["nonce"]) >= 32
    assert f"lti1p3-{query['state']}=" in response.headers["Set-Cookie"]  # the state lives in a cookie


def test_behind_a_proxy_the_base_url_gives_the_tool_urls_and_cross_site_cookies(app, client, sim, lms,
                                                                                monkeypatch):
    monkeypatch.setitem(app.config, "LTI_BASE_URL", "https://trainer.example.edu/")
    response = client.get("/lti/login", query_string={"iss": sim.issuer, "client_id": sim.client_id,
                                                      "login_hint": "hint-1"})
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["redirect_uri"] == ["https://trainer.example.edu/lti/launch"]
    cookie = response.headers["Set-Cookie"]
    assert "SameSite=None" in cookie and "Secure" in cookie and "HttpOnly" in cookie


def test_login_from_an_unknown_platform_is_refused(client, sim, lms):
    response = client.post("/lti/login", data={"iss": "https://unknown.example.org", "login_hint": "x"})
    assert response.status_code == 403 and "not registered" in response.get_data(as_text=True)


def test_a_valid_launch_signs_in_a_new_learner_of_the_school_on_the_exercise(client, sim, lms, school):
    response = launch(client, sim, **exercise_link())
    assert response.status_code == 302 and response.headers["Location"] == f"/practice/{EX}"
    user = user_of(lms, sim.learner_sub)
    assert (user.school_id, user.role, user.name, user.email) == (
        school.id, Role.LEARNER, "Pat Learner", f"{sim.learner_sub}@lms.example.edu")
    cohort = db.session.execute(select(Cohort).join(CohortMember).where(CohortMember.user_id == user.id)).scalar_one()
    assert cohort.name == "LMS: Coding Fundamentals" and cohort.school_id == school.id
    page = client.get(f"/practice/{EX}")  # signed in: the chart, with the attempt the launch started
    assert page.status_code == 200
    attempt_id = int(re.search(r"/practice/attempts/(\d+)/submit", page.get_data(as_text=True)).group(1))
    assert db.session.execute(select(LtiAttempt).where(LtiAttempt.attempt_id == attempt_id)).scalar_one()
    # the next launch finds the same account and the same draft
    client.post("/auth/logout", data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    assert launch(client, sim, **exercise_link()).status_code == 302
    assert db.session.execute(select(func.count()).select_from(LtiUserLink)
                              .where(LtiUserLink.platform_id == lms.id)).scalar() == 1
    assert f"/practice/attempts/{attempt_id}/submit" in client.get(f"/practice/{EX}").get_data(as_text=True)


def _other_key(body):
    other_pem, _ = rsa_key()
    return jwt.encode(body, other_pem, algorithm="RS256", headers={"kid": "unknown"})


REFUSALS = {
    "bad signature": (dict(tamper="forge"), 403, "Signature verification failed"),
    "unknown signing key": (dict(tamper="other-key"), 403, "Unable to find public key"),
    "wrong issuer": (dict(iss="https://evil.example.org"), 403, "not registered"),
    "wrong audience": (dict(aud="someone-else"), 403, "not registered"),
    "expired": (dict(exp=1_600_000_000, iat=1_599_999_000), 403, "Signature has expired"),
    "unknown deployment": ({LTI + "deployment_id": "deploy-9"}, 403, "deployment"),
    "no role we know": (dict(roles=("Mentor",)), 403, "role"),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_bad_launches_are_refused_with_a_clear_page(client, sim, lms, case):
    claims, status, words = REFUSALS[case]
    claims = dict(claims)
    tamper = claims.pop("tamper", None)
    if tamper == "forge":  # signed with another key under the platform's kid
        other_pem, _ = rsa_key()
        tamper = lambda body: sim.id_token(body, private_pem=other_pem)  # noqa: E731
    elif tamper == "other-key":
        tamper = _other_key
    response = launch(client, sim, tamper=tamper, **exercise_link(), **claims)
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:500]
    assert "LMS launch refused" in html and words in html
    assert user_of(lms, sim.learner_sub) is None
    assert client.get(f"/practice/{EX}").status_code == 302  # not signed in


def test_a_replayed_launch_and_a_launch_without_the_state_cookie_are_refused(client, app, sim, lms):
    state, nonce = start_login(client, sim)
    data = {"id_token": sim.id_token(sim.claims(nonce, **exercise_link())), "state": state}
    assert client.post("/lti/launch", data=data).status_code == 302
    replay = client.post("/lti/launch", data=data)
    assert replay.status_code == 403 and "already been used" in replay.get_data(as_text=True)
    _, nonce = start_login(client, sim)
    stranger = app.test_client()  # has not got the state cookie
    response = stranger.post("/lti/launch", data={"id_token": sim.id_token(sim.claims(nonce, **exercise_link())),
                                                  "state": state})
    assert response.status_code == 403 and "did not start from this browser" in response.get_data(as_text=True)
    assert client.post("/lti/launch", data={}).status_code == 400


def test_deep_linking_returns_a_signed_resource_link_with_a_line_item(client, app, sim, lms, make_user):
    response = launch(client, sim, message_type="LtiDeepLinkingRequest", roles=("Instructor",), sub="teacher-1")
    assert response.status_code == 302 and response.headers["Location"].startswith("/lti/deep-link?launch=")
    teacher = user_of(lms, "teacher-1")
    assert teacher.role == Role.INSTRUCTOR
    cohort = db.session.execute(select(Cohort).join(CohortMember).where(CohortMember.user_id == teacher.id)
                                ).scalar_one()
    now = dt.datetime.now(dt.timezone.utc)
    assignment = Assignment(cohort_id=cohort.id, title="Week 1 injections", kind="exercises", exercise_ids=[EX],
                            open_at=now - dt.timedelta(days=1), due_at=now + dt.timedelta(days=7),
                            late_policy="accept", key_reveal="submission", created_by=teacher.id, attempts_allowed=3)
    db.session.add(assignment)
    db.session.commit()
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Week 1 injections" in html and f'value="exercise:{EX}"' in html
    launch_id = parse_qs(urlsplit(response.headers["Location"]).query)["launch"][0]
    # another instructor of the school cannot answer this request
    other = app.test_client()
    login(other, make_user(Role.INSTRUCTOR).email)
    assert other.get(f"/lti/deep-link?launch={launch_id}").status_code == 403
    done = client.post("/lti/deep-link", data={"csrf_token": csrf_from(html), "launch": launch_id,
                                               "item": f"assignment:{assignment.id}"})
    body = done.get_data(as_text=True)
    assert done.status_code == 200
    assert f'action="{sim.issuer}/deep_links"' in body
    assert f"form-action 'self' {sim.issuer}" in done.headers["Content-Security-Policy"]
    token = re.search(r'name="JWT" value="([^"]+)"', body).group(1)
    # the platform verifies it with the tool's JWKS
    keys = client.get("/lti/jwks").get_json()["keys"]
    key = next(k for k in keys if k["kid"] == jwt.get_unverified_header(token)["kid"])
    claims = jwt.decode(token, jwt.PyJWK(key).key, algorithms=["RS256"], audience=sim.issuer)
    assert claims["iss"] == sim.client_id and claims[LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[LTI + "deployment_id"] == sim.deployment_id and claims[DL + "data"] == "opaque-42"
    [item] = claims[DL + "content_items"]
    assert item["type"] == "ltiResourceLink" and item["url"] == "http://localhost/lti/launch"
    assert item["title"] == "Week 1 injections" and item["custom"] == {"trainer_assignment": str(assignment.id)}
    assert item["lineItem"]["scoreMaximum"] == 100
    # an exercise, ungraded: no line item
    done = client.post("/lti/deep-link", data={"csrf_token": csrf_from(html), "launch": launch_id,
                                               "item": f"exercise:{EX}"})
    token = re.search(r'name="JWT" value="([^"]+)"', done.get_data(as_text=True)).group(1)
    [item] = jwt.decode(token, jwt.PyJWK(key).key, algorithms=["RS256"], audience=sim.issuer)[DL + "content_items"]
    assert item["custom"] == {"trainer_exercise": EX} and "lineItem" not in item


def test_learners_cannot_deep_link(client, sim, lms):
    response = launch(client, sim, message_type="LtiDeepLinkingRequest", roles=("Learner",))
    assert response.status_code == 403 and "instructors" in response.get_data(as_text=True)


def _submit_key(client, attempt_id: int):
    attempt = db.session.get(Attempt, attempt_id)
    html = client.get(f"/practice/{EX}").get_data(as_text=True)
    dx, side = ("M17.11", "RT") if attempt.variant == 0 else ("M17.12", "LT")
    return client.post(f"/practice/attempts/{attempt_id}/submit", data={
        "csrf_token": csrf_from(html), "dx": [dx], "line-1-code": "20610", "line-1-mods": side,
        "line-1-units": "1", "line-1-ptr": "A"})


def _launched_attempt(client, sim) -> int:
    assert launch(client, sim, **exercise_link()).status_code == 302
    html = client.get(f"/practice/{EX}").get_data(as_text=True)
    return int(re.search(r"/practice/attempts/(\d+)/submit", html).group(1))


def test_grade_passback_posts_the_score_with_a_client_credentials_token(client, sim, lms):
    attempt_id = _launched_attempt(client, sim)
    response = _submit_key(client, attempt_id)
    assert response.status_code == 302
    response.close()  # the score goes out once the response is done
    [score] = sim.scores
    assert score["path"] == "/courses/7/lineitems/1/scores"
    assert score["content_type"] == "application/vnd.ims.lis.v1.score+json"
    body = score["body"]
    assert (body["scoreGiven"], body["scoreMaximum"], body["userId"]) == (7.0, 7.0, sim.learner_sub)
    assert (body["activityProgress"], body["gradingProgress"]) == ("Completed", "FullyGraded")
    assert dt.datetime.fromisoformat(body["timestamp"]).tzinfo is not None
    [grant] = sim.token_requests
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in grant["scope"].split()
    row = score_row(lms)
    db.session.refresh(row)
    assert row.status == "sent" and row.last_error is None


def test_a_failed_passback_is_queued_and_retried(client, app, sim, lms):
    attempt_id = _launched_attempt(client, sim)
    sim.fail_scores = True
    response = _submit_key(client, attempt_id)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/practice/attempts/{attempt_id}")
    response.close()
    assert sim.scores == []
    row = score_row(lms)
    db.session.refresh(row)
    assert (row.status, row.tries) == ("pending", 1) and "503" in row.last_error
    assert db.session.get(Attempt, attempt_id).score == 7.0  # the submission stands
    # not due yet: the CLI leaves it; once due and the LMS is back, it goes out
    sim.fail_scores = False
    result = app.test_cli_runner().invoke(main, ["lti", "send-scores"], catch_exceptions=False)
    assert "Scores sent: 0" in result.output and sim.scores == []
    row.next_try_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(main, ["lti", "send-scores"], catch_exceptions=False)
    assert "Scores sent: 1" in result.output
    assert [s["body"]["scoreGiven"] for s in sim.scores] == [7.0]
    db.session.refresh(row)
    assert (row.status, row.tries) == ("sent", 2)


def test_an_override_of_a_linked_assignment_goes_to_the_lms(client, app, sim, lms, make_user):
    teacher = make_user(Role.INSTRUCTOR)
    unlinked = launch(client, sim, roles=("Learner",))  # a link deep linking did not make: no target
    assert unlinked.status_code == 400 and "not set up" in unlinked.get_data(as_text=True)
    assert user_of(lms, sim.learner_sub) is None  # nothing is kept from a refused launch
    # the instructor made the course's cohort beforehand: the launch uses it
    cohort = Cohort(school_id=lms.school_id, name="LMS: Coding Fundamentals", join_code=f"LTY{lms.id:05d}",
                    active=True)
    db.session.add(cohort)
    db.session.flush()
    db.session.add(CohortMember(cohort_id=cohort.id, user_id=teacher.id, role="instructor"))
    now = dt.datetime.now(dt.timezone.utc)
    assignment = Assignment(cohort_id=cohort.id, title="Graded set", kind="exercises", exercise_ids=[EX],
                            open_at=now - dt.timedelta(days=1), due_at=now + dt.timedelta(days=7),
                            late_policy="accept", key_reveal="submission", created_by=teacher.id, attempts_allowed=3)
    db.session.add(assignment)
    db.session.commit()
    response = launch(client, sim, **{LTI + "custom": {"trainer_assignment": str(assignment.id)},
                                      LTI + "resource_link": {"id": "rl-2"}})
    assert response.status_code == 302 and response.headers["Location"] == f"/assignments/{assignment.id}"
    learner = user_of(lms, sim.learner_sub)
    assert db.session.execute(select(CohortMember.role).where(CohortMember.cohort_id == cohort.id,
                                                              CohortMember.user_id == learner.id)).scalar() == "learner"
    staff = app.test_client()
    login(staff, teacher.email)
    page = staff.get(f"/assignments/{assignment.id}/learners/{learner.id}").get_data(as_text=True)
    done = staff.post(f"/assignments/{assignment.id}/learners/{learner.id}",
                      data={"csrf_token": csrf_from(page), "score": "85", "comment": "Regraded by hand"})
    assert done.status_code == 302
    done.close()
    [score] = sim.scores
    assert (score["body"]["scoreGiven"], score["body"]["scoreMaximum"]) == (85.0, 100.0)
    link = db.session.execute(select(LtiResourceLink).where(LtiResourceLink.resource_link_id == "rl-2")).scalar_one()
    assert link.assignment_id == assignment.id and link.lineitem_url == sim.lineitem()


def test_a_platform_never_signs_anyone_into_another_school(client, sim, lms, make_user):
    other_school = School(name="Other School LTI", slug=f"other-lti-{lms.id}")
    db.session.add(other_school)
    db.session.commit()
    theirs = make_user(Role.LEARNER, school_obj=other_school, email=f"{sim.learner_sub}@lms.example.edu")
    response = launch(client, sim, **exercise_link())
    assert response.status_code == 302
    me = user_of(lms, sim.learner_sub)
    assert me.id != theirs.id and me.school_id == lms.school_id and me.email.endswith("@lti.invalid")
    # a link that (somehow) points at another school's account is refused
    link = db.session.execute(select(LtiUserLink).where(LtiUserLink.user_id == me.id)).scalar_one()
    link.user_id = theirs.id
    db.session.commit()
    response = launch(client, sim, **exercise_link())
    assert response.status_code == 403 and "another school" in response.get_data(as_text=True)
    # and an assignment of another school's cohort is never a link target
    cohort = Cohort(school_id=other_school.id, name="Theirs", join_code=f"LTX{lms.id:05d}", active=True)
    db.session.add(cohort)
    db.session.flush()
    now = dt.datetime.now(dt.timezone.utc)
    foreign = Assignment(cohort_id=cohort.id, title="Not yours", kind="exercises", exercise_ids=[EX],
                         open_at=now, due_at=now + dt.timedelta(days=1), late_policy="accept",
                         key_reveal="submission", created_by=theirs.id)
    db.session.add(foreign)
    db.session.commit()
    response = launch(client, sim, sub="second-" + sim.learner_sub, **{LTI + "custom": {"trainer_assignment": str(foreign.id)},
                                                        LTI + "resource_link": {"id": "rl-foreign"}})
    assert response.status_code == 400 and "not available" in response.get_data(as_text=True)


def test_school_admin_registers_an_lms_and_sees_the_tool_configuration(client, make_user, school):
    admin = make_user(Role.SCHOOL_ADMIN)
    login(client, admin.email)
    page = client.get("/lti/platforms/new").get_data(as_text=True)
    bad = client.post("/lti/platforms/new", data={"csrf_token": csrf_from(page), "name": "Canvas",
                                                  "issuer": "https://canvas.example.edu", "client_id": "1000",
                                                  "deployment_ids": "1:abc", "auth_login_url": "http://insecure",
                                                  "auth_token_url": "https://canvas.example.edu/login/oauth2/token",
                                                  "key_set_url": "https://canvas.example.edu/api/lti/security/jwks"})
    assert bad.status_code == 400 and "https address" in bad.get_data(as_text=True)
    good = client.post("/lti/platforms/new", data={
        "csrf_token": csrf_from(page), "name": "Canvas", "issuer": "https://canvas.example.edu",
        "client_id": f"1000-{school.id}", "deployment_ids": "1:abc\n2:def",
        "auth_login_url": "https://canvas.example.edu/api/lti/authorize_redirect",
        "auth_token_url": "https://canvas.example.edu/login/oauth2/token",
        "key_set_url": "https://canvas.example.edu/api/lti/security/jwks"})
    assert good.status_code == 302
    detail = client.get(good.headers["Location"])
    html = detail.get_data(as_text=True)
    for text in ("http://localhost/lti/login", "http://localhost/lti/launch", "http://localhost/lti/jwks",
                 "BEGIN PUBLIC KEY", "1:abc"):
        assert text in html
    kid = re.search(r"key ID <span class=\"code\">([^<]+)</span>", html).group(1)
    assert kid in [k["kid"] for k in client.get("/lti/jwks").get_json()["keys"]]
    assert "PRIVATE KEY" not in html
    # another school's administrator does not see it
    stranger_school = School(name=f"Elsewhere {school.id}", slug=f"elsewhere-{school.id}")
    db.session.add(stranger_school)
    db.session.commit()
    other = client.application.test_client()
    login(other, make_user(Role.SCHOOL_ADMIN, school_obj=stranger_school).email)
    assert other.get(good.headers["Location"]).status_code == 404
    assert "Canvas" not in other.get("/lti/platforms").get_data(as_text=True)
