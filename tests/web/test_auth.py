"""Sign-in, sign-out, password change, rate limiting, cookies, headers, error pages."""
from __future__ import annotations

import re

from trainer import create_app
from trainer.extensions import db
from trainer.models import Role

from .conftest import PASSWORD, csrf_from, login


def test_login_page_renders_with_labels(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert re.search(r'<label[^>]*for="email"', html) and re.search(r'<label[^>]*for="password"', html)
    assert 'lang="en"' in html


def test_every_field_has_a_label(client, make_user):
    """Each visible input, select and textarea on every page has a <label for=...>."""
    login(client, make_user(Role.SITE_ADMIN).email)
    for url in ("/", "/codes", "/codes?q=E11", "/codes/icd10cm/S52.521", "/admin/users", "/admin/users/new",
                "/auth/password"):
        html = client.get(url).get_data(as_text=True)
        labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
            if re.search(r'type="(hidden|submit|button)"', tag) or re.search(r"\shidden[\s>]", tag):
                continue
            field_id = re.search(r'\bid="([^"]+)"', tag)
            assert field_id and (field_id.group(1) in labelled or "aria-label=" in tag), f"{url}: {tag}"


def test_login_and_logout(client, make_user):
    user = make_user(Role.LEARNER)
    response = login(client, user.email)
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    home = client.get("/").get_data(as_text=True)
    assert user.name in home
    token = csrf_from(home)
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/codes").status_code == 302


def test_wrong_password_is_refused_without_saying_which_part(client, make_user):
    user = make_user(Role.LEARNER)
    response = login(client, user.email, "not-the-password")
    assert response.status_code == 200
    assert "Email or password is not right." in response.get_data(as_text=True)
    assert client.get("/codes").status_code == 302


def test_deactivated_user_cannot_sign_in(client, make_user):
    user = make_user(Role.LEARNER, active=False)
    response = login(client, user.email)
    assert response.status_code == 200
    assert "deactivated" in response.get_data(as_text=True)


def test_login_without_csrf_token_is_rejected(client, make_user):
    user = make_user(Role.LEARNER)
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_open_redirect_is_not_followed(client, make_user):
    user = make_user(Role.LEARNER)
    page = client.get("/auth/login?next=https://evil.example/")
    token = csrf_from(page.get_data(as_text=True))
    response = client.post("/auth/login?next=https://evil.example/",
                           data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_next_parameter_returns_to_the_page(client, make_user):
    user = make_user(Role.LEARNER)
    page = client.get("/codes?q=E11")
    assert page.status_code == 302
    login_url = page.headers["Location"]
    token = csrf_from(client.get(login_url).get_data(as_text=True))
    response = client.post(login_url, data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/codes?q=E11"


def test_change_password_ends_other_sessions(app, make_user):
    user = make_user(Role.LEARNER)
    first, second = app.test_client(), app.test_client()
    login(first, user.email)
    login(second, user.email)
    token = csrf_from(first.get("/auth/password").get_data(as_text=True))
    response = first.post("/auth/password", data={"current": PASSWORD, "new": "a-brand-new-passphrase",
                                                   "confirm": "a-brand-new-passphrase", "csrf_token": token})
    assert response.status_code == 302
    assert first.get("/codes").status_code == 200  # the session that changed it stays in
    assert second.get("/codes").status_code == 302  # the other one is signed out
    assert login(app.test_client(), user.email, "a-brand-new-passphrase").status_code == 302


def test_change_password_checks_current_and_length(client, make_user):
    user = make_user(Role.LEARNER)
    login(client, user.email)
    token = csrf_from(client.get("/auth/password").get_data(as_text=True))
    html = client.post("/auth/password", data={"current": "wrong", "new": "short", "confirm": "short",
                                                "csrf_token": token}).get_data(as_text=True)
    assert "Use at least 10 characters." in html
    html = client.post("/auth/password", data={"current": "wrong", "new": "long-enough-pass", "confirm":
                                                "long-enough-pass", "csrf_token": token}).get_data(as_text=True)
    assert "That is not your current password." in html


def test_passwords_are_hashed_with_scrypt(make_user):
    user = make_user(Role.LEARNER)
    assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash


def test_login_is_rate_limited(app, make_user, tmp_path, monkeypatch):
    user = make_user(Role.LEARNER)
    monkeypatch.setenv("TRAINER_INSTANCE_PATH", str(tmp_path))
    limited = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                          "SECRET_KEY": "k", "LOGIN_RATE_LIMIT": "3 per minute", "SEARCH_WARMUP": False})
    client = limited.test_client()
    codes = [login(client, user.email, "wrong-password").status_code for _ in range(4)]
    assert codes[:3] == [200, 200, 200]
    assert codes[3] == 429
    with limited.app_context():
        db.session.remove()
        db.engine.dispose()


def test_session_cookie_is_httponly_and_samesite(client, make_user):
    user = make_user(Role.LEARNER)
    response = login(client, user.email)
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_security_headers_and_no_inline_script(client, make_user):
    user = make_user(Role.SCHOOL_ADMIN)
    login(client, user.email)
    for url in ("/", "/codes?q=E11", "/codes/icd10cm/E11.9", "/admin/users", "/auth/password"):
        response = client.get(url)
        assert response.status_code == 200, url
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        html = response.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert " style=" not in html, url
        assert "http://" not in html.replace("http://localhost", "") and "https://" not in html, url


def test_friendly_error_pages(client, make_user):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "There is no page at this address." in response.get_data(as_text=True)
    login(client, make_user(Role.LEARNER).email)
    forbidden = client.get("/admin/users")
    assert forbidden.status_code == 403
    assert "does not have access" in forbidden.get_data(as_text=True)
    assert client.get("/api/nothing").get_json() == {"error": "There is no page at this address."}
