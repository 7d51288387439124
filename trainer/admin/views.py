"""School administration: accounts."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import ADMINS, can, roles, same_school_or_404
from ..extensions import db
from ..models import Role, School, User
from .forms import ConfirmForm, CreateUserForm
from .operations import AccountError, NewUser, create_user, set_active

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _visible_schools(user: User) -> list[School]:
    query = select(School).order_by(School.name)
    if user.role != Role.SITE_ADMIN:
        query = query.where(School.id == user.school_id)
    return db.session.execute(query).scalars().all()


@bp.route("/users")
@roles(*ADMINS)
def users():
    query = select(User).join(School).order_by(School.name, User.role, User.name)
    if current_user.role != Role.SITE_ADMIN:
        query = query.where(User.school_id == current_user.school_id)
    people = db.session.execute(query).scalars().all()
    return render_template("admin/users.html", people=people, confirm=ConfirmForm())


@bp.route("/users/new", methods=["GET", "POST"])
@roles(*ADMINS)
def new_user():
    form = CreateUserForm()
    form.role.choices = [(r, Role.LABELS[r]) for r in Role.MANAGEABLE[current_user.role]]
    form.school_id.choices = [(s.id, s.name) for s in _visible_schools(current_user)]
    if request.method == "GET":
        form.school_id.data = current_user.school_id
    if form.validate_on_submit():
        try:
            user = create_user(db.session, current_user, NewUser(
                name=form.name.data, email=form.email.data, role=form.role.data,
                school_id=form.school_id.data, password=form.password.data))
        except AccountError as err:
            getattr(form, err.field).errors.append(err.message)
        else:
            flash(f"Account created for {user.name} ({user.email}).", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/new_user.html", form=form)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@roles(*ADMINS)
def toggle_active(user_id: int):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    user = same_school_or_404(current_user, db.session.get(User, user_id) or abort(404))
    if not can(current_user, "manage_user", user):
        abort(403)
    try:
        set_active(db.session, current_user, user, not user.active)
    except AccountError as err:
        flash(err.message, "error")
    else:
        flash(f"{user.name} is now {'active' if user.active else 'deactivated'}.", "success")
    return redirect(url_for("admin.users"))
