"""Account administration and the school boundary."""
from __future__ import annotations

from sqlalchemy import select

from trainer.extensions import db
from trainer.models import Role, User

from .conftest import csrf_from, login


def new_user_form(client, **fields):
    token = csrf_from(client.get("/admin/users/new").get_data(as_text=True))
    data = {"name": "Nia New", "email": "nia@school.example", "role": Role.LEARNER,
            "password": "initial-password-1", "csrf_token": token}
    data.update(fields)
    return client.post("/admin/users/new", data=data)


def test_school_admin_sees_only_their_school(client, make_user, school):
    admin = make_user(Role.SCHOOL_ADMIN)
    mine = make_user(Role.LEARNER)
    other_school_user = make_user(Role.LEARNER, school_obj=_other_school())
    login(client, admin.email)
    html = client.get("/admin/users").get_data(as_text=True)
    assert mine.email in html
    assert other_school_user.email not in html


def _other_school():
    from trainer.models import School

    s = School(name=f"Elsewhere {db.session.query(School).count()}", slug=f"elsewhere-{db.session.query(School).count()}")
    db.session.add(s)
    db.session.commit()
    return s


def test_school_admin_creates_a_learner_in_their_school(client, make_user, school):
    admin = make_user(Role.SCHOOL_ADMIN)
    login(client, admin.email)
    response = new_user_form(client, email="created@school.example", school_id=str(school.id))
    assert response.status_code == 302
    user = db.session.execute(select(User).where(User.email == "created@school.example")).scalar_one()
    assert user.school_id == school.id and user.role == Role.LEARNER
    assert login(client.application.test_client(), "created@school.example", "initial-password-1").status_code == 302


def test_school_admin_cannot_create_site_admin_or_duplicate(client, make_user, school):
    admin = make_user(Role.SCHOOL_ADMIN)
    login(client, admin.email)
    html = new_user_form(client, role=Role.SITE_ADMIN, school_id=str(school.id)).get_data(as_text=True)
    assert "Not a valid choice" in html
    existing = make_user(Role.LEARNER)
    html = new_user_form(client, email=existing.email.upper(), school_id=str(school.id)).get_data(as_text=True)
    assert "already exists" in html


def test_school_admin_cannot_place_users_in_another_school(client, make_user):
    admin = make_user(Role.SCHOOL_ADMIN)
    other = _other_school()
    login(client, admin.email)
    html = new_user_form(client, email="x@school.example", school_id=str(other.id)).get_data(as_text=True)
    assert "Not a valid choice" in html
    assert db.session.execute(select(User).where(User.email == "x@school.example")).first() is None


def test_deactivate_and_reactivate(client, make_user, app):
    admin = make_user(Role.SCHOOL_ADMIN)
    learner = make_user(Role.LEARNER)
    learner_client = app.test_client()
    login(learner_client, learner.email)
    login(client, admin.email)
    token = csrf_from(client.get("/admin/users").get_data(as_text=True))
    assert client.post(f"/admin/users/{learner.id}/active", data={"csrf_token": token}).status_code == 302
    db.session.refresh(learner)
    assert learner.active is False
    assert learner_client.get("/codes").status_code == 302  # signed out at once
    client.post(f"/admin/users/{learner.id}/active", data={"csrf_token": token})
    db.session.refresh(learner)
    assert learner.active is True


def test_cannot_touch_another_schools_user(client, make_user):
    admin = make_user(Role.SCHOOL_ADMIN)
    outsider = make_user(Role.LEARNER, school_obj=_other_school())
    login(client, admin.email)
    token = csrf_from(client.get("/admin/users").get_data(as_text=True))
    assert client.post(f"/admin/users/{outsider.id}/active", data={"csrf_token": token}).status_code == 404
    db.session.refresh(outsider)
    assert outsider.active is True


def test_admin_cannot_deactivate_self(client, make_user):
    admin = make_user(Role.SCHOOL_ADMIN)
    login(client, admin.email)
    token = csrf_from(client.get("/admin/users").get_data(as_text=True))
    response = client.post(f"/admin/users/{admin.id}/active", data={"csrf_token": token}, follow_redirects=True)
    assert "cannot deactivate your own account" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.active


def test_site_admin_sees_every_school(client, make_user):
    site = make_user(Role.SITE_ADMIN)
    outsider = make_user(Role.LEARNER, school_obj=_other_school())
    login(client, site.email)
    assert outsider.email in client.get("/admin/users").get_data(as_text=True)
