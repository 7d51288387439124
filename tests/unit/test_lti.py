"""The pure parts of the LTI package: roles, keys, the launch-data store, platform checks, the retry queue."""
from __future__ import annotations

import datetime as dt

import pytest
from pylti1p3.registration import Registration

from trainer.lti.keys import generate_private_key, kid_of, public_jwk, public_pem
from trainer.lti.launch import role_from_claims
from trainer.lti.passback import MAX_TRIES, RETRY_MINUTES, send_scores
from trainer.lti.platforms import PlatformError, PlatformSpec, save_platform, split_ids
from trainer.lti.toolconf import DbLaunchData, DbToolConf
from trainer.models import Role, School, User
from trainer.models.lti import LtiResourceLink, LtiScore, LtiUserLink
from trainer.teaching.assignments import aware

CTX = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("roles, expected", [
    ([CTX + "Learner"], Role.LEARNER),
    ([CTX + "Instructor"], Role.INSTRUCTOR),
    ([CTX + "Learner", CTX + "Instructor"], Role.INSTRUCTOR),
    (["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"], Role.INSTRUCTOR),
    (["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student"], Role.LEARNER),
    ([CTX + "Mentor"], None),
    ([CTX + "Administrator"], None),  # an LMS never makes anyone an administrator here
    ([], None),
])
def test_lms_roles_map_to_ours(roles, expected):
    assert role_from_claims(roles) == expected


def test_key_pair_jwk_and_kid_agree_with_pylti1p3():
    pem = generate_private_key()
    assert "PRIVATE KEY" in pem and "PUBLIC KEY" in public_pem(pem)
    jwk = public_jwk(pem)
    assert jwk["kty"] == "RSA" and jwk["alg"] == "RS256" and "d" not in jwk
    assert kid_of(pem) == jwk["kid"] == Registration.get_jwk(public_pem(pem))["kid"]
    assert kid_of(generate_private_key()) != jwk["kid"]


@pytest.fixture()
def admin(session):
    school = School(name="Unit School", slug="unit-school")
    session.add(school)
    session.flush()
    user = User(school_id=school.id, email="admin@unit.example", name="Admin", role=Role.SCHOOL_ADMIN,
                password_hash="x")
    session.add(user)
    session.commit()
    return user


def spec(**kw) -> PlatformSpec:
    values = dict(name="LMS", issuer="https://lms.example.edu", client_id="c1", deployment_ids="d1\n d2, d1",
                  auth_login_url="https://lms.example.edu/auth", auth_token_url="https://lms.example.edu/token",
                  key_set_url="https://lms.example.edu/jwks")
    values.update(kw)
    return PlatformSpec(**values)


def test_split_ids_keeps_order_and_drops_blanks_and_duplicates():
    assert split_ids("d1\n d2, d1\n\n") == ["d1", "d2"]


def test_register_platform_checks_and_finds_by_issuer_and_client(session, admin):
    with pytest.raises(PlatformError) as err:
        save_platform(session, admin, spec(auth_login_url="http://lms.example.edu/auth", deployment_ids=" "))
    assert set(err.value.problems) == {"auth_login_url", "deployment_ids"}
    platform = save_platform(session, admin, spec())
    assert platform.deployment_ids == ["d1", "d2"] and platform.school_id == admin.school_id
    assert platform.tool_kid == kid_of(platform.tool_private_key)
    with pytest.raises(PlatformError) as err:
        save_platform(session, admin, spec())
    assert "already registered" in err.value.problems["client_id"]
    second = save_platform(session, admin, spec(client_id="c2"))  # one issuer, two client ids
    conf = DbToolConf(session)
    assert conf.find_registration_by_params("https://lms.example.edu", "c2").platform_id == second.id
    assert conf.find_registration_by_params("https://lms.example.edu", None) is None  # ambiguous
    assert conf.find_registration_by_params("https://other.example.edu", "c1") is None
    assert conf.find_deployment_by_params("https://lms.example.edu", "d2", "c1") is not None
    assert conf.find_deployment_by_params("https://lms.example.edu", "d3", "c1") is None
    learner = User(school_id=admin.school_id, email="l@unit.example", name="L", role=Role.LEARNER, password_hash="x")
    with pytest.raises(PermissionError):
        save_platform(session, learner, spec(client_id="c3"))


def test_a_nonce_is_good_once_and_entries_expire(session):
    clock = [NOW]
    store = DbLaunchData(session, now=lambda: clock[0])
    store.set_value("lti1p3-nonce-abc", True, exp=60)
    store.set_value("launch-1", {"sub": "u"}, exp=600)
    assert store.check_value("lti1p3-nonce-abc") is True
    assert store.check_value("lti1p3-nonce-abc") is False  # used up
    assert store.get_value("launch-1") == {"sub": "u"}
    clock[0] = NOW + dt.timedelta(seconds=601)
    assert store.get_value("launch-1") is None


class DownSession:
    """An HTTP session whose every request fails, standing in for an LMS that is down."""

    def __init__(self):
        self.calls = 0

    def post(self, *args, **kwargs):
        self.calls += 1
        raise ConnectionError("connection refused")

    get = post


def test_failed_sends_back_off_then_give_up(session, admin):
    platform = save_platform(session, admin, spec())
    link = LtiResourceLink(platform_id=platform.id, resource_link_id="rl", lineitem_url="https://lms.example.edu/li/1",
                           ags_scopes=["https://purl.imsglobal.org/spec/lti-ags/scope/score"])
    session.add_all([link, LtiUserLink(platform_id=platform.id, sub="s", user_id=admin.id)])
    session.flush()
    row = LtiScore(resource_link_id=link.id, user_id=admin.id, lms_user_id="s", score_given=5, score_maximum=7,
                   timestamp=NOW, status="pending", next_try_at=NOW)
    session.add(row)
    session.commit()
    http, now = DownSession(), NOW
    for n in range(1, MAX_TRIES):
        report = send_scores(session, now, http=http)
        assert (report.retrying, row.tries, row.status) == (1, n, "pending")
        assert "connection refused" in row.last_error
        assert aware(row.next_try_at) == now + dt.timedelta(minutes=RETRY_MINUTES[n - 1])
        assert send_scores(session, aware(row.next_try_at) - dt.timedelta(seconds=1), http=http).retrying == 0  # not due
        now = aware(row.next_try_at)
    report = send_scores(session, now, http=http)
    assert (report.failed, row.status, row.tries) == (1, "failed", MAX_TRIES)
    assert send_scores(session, now + dt.timedelta(days=30), http=http).failed == 0  # given up: left alone
    assert http.calls == MAX_TRIES
