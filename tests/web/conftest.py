"""The application under test: one database per run with the real code sets loaded."""
from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, database_url, drop_database
from trainer import create_app
from trainer.extensions import db
from trainer.models import Role, School, User

_counter = itertools.count(1)
FIXTURE_EXERCISES = Path(__file__).resolve().parent.parent / "fixtures" / "exercises"


@pytest.fixture(scope="session")
def app(tmp_path_factory, monkeypatch_session):
    tmp = tmp_path_factory.mktemp("web")
    monkeypatch_session.setenv("TRAINER_INSTANCE_PATH", str(tmp / "instance"))
    url = database_url("web", tmp)
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret-key",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "SEARCH_WARMUP": False,
    })
    with app.app_context():
        from trainer.setup import ensure_demo_school, load_code_sets

        from trainer.exercises.store import import_exercises

        db.create_all()
        load_code_sets(db.session, lambda label, rows: None, lambda *a: None)
        ensure_demo_school(db.session)
        report = import_exercises(db.session, FIXTURE_EXERCISES)
        assert report.problems == [] and report.created >= 1
        from trainer.cli_paths import BLUEPRINTS_DIR, QUESTIONS_DIR
        from trainer.exams.store import import_bank

        bank = import_bank(db.session, QUESTIONS_DIR, BLUEPRINTS_DIR)
        assert bank.blueprints == 3 and bank.created >= 100
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop_database(url)


@pytest.fixture(scope="session")
def monkeypatch_session():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


@pytest.fixture()
def school(app):
    n = next(_counter)
    s = School(name=f"Test School {n}", slug=f"test-school-{n}")
    db.session.add(s)
    db.session.commit()
    return s


@pytest.fixture()
def make_user(app, school):
    def make(role: str = Role.LEARNER, school_obj: School | None = None, active: bool = True, **kw) -> User:
        n = next(_counter)
        user = User(name=kw.get("name", f"{role.title()} {n}"), email=kw.get("email", f"{role}{n}@school.example"),
                    role=role, school_id=(school_obj or school).id, active=active)
        user.set_password(kw.get("password", PASSWORD))
        db.session.add(user)
        db.session.commit()
        return user

    return make


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client, email: str, password: str = PASSWORD, follow: bool = False):
    page = client.get("/auth/login")
    token = csrf_from(page.get_data(as_text=True))
    return client.post("/auth/login", data={"email": email, "password": password, "csrf_token": token},
                       follow_redirects=follow)


@pytest.fixture()
def login_as(client):
    def do(user: User):
        response = login(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do
