"""Who may open which page, declared on each view and enforced in one place.

Every view carries an access marker (``public``, ``signed_in`` or
``roles(...)``); a ``before_request`` hook enforces it and refuses any endpoint
that has none, so a new route cannot ship unprotected by accident.
"""
from __future__ import annotations

from flask import abort, current_app, jsonify, redirect, request, url_for
from flask_login import current_user

from .models import Role

PUBLIC = "public"
SIGNED_IN = "signed_in"


def _mark(marker):
    def decorator(view):
        view._access = marker
        return view

    return decorator


def public(view):
    return _mark(PUBLIC)(view)


def signed_in(view):
    return _mark(SIGNED_IN)(view)


def roles(*allowed: str):
    unknown = set(allowed) - set(Role.ALL)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    return _mark(tuple(allowed))


STAFF = (Role.INSTRUCTOR, Role.SCHOOL_ADMIN, Role.SITE_ADMIN)
ADMINS = (Role.SCHOOL_ADMIN, Role.SITE_ADMIN)


def access_marker(endpoint: str | None):
    if endpoint is None:
        return None
    if endpoint == "static":
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "_access", None)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def enforce_access():
    """before_request hook: apply the endpoint's marker."""
    if request.endpoint is None:  # 404/405: let the error handlers answer
        return None
    marker = access_marker(request.endpoint)
    if marker == PUBLIC:
        return None
    if marker is None:
        current_app.logger.error("endpoint %s has no access marker; refusing", request.endpoint)
        abort(403)
    if not current_user.is_authenticated:
        if wants_json():
            return jsonify(error="authentication required"), 401
        return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))
    if marker == SIGNED_IN:
        return None
    if current_user.role not in marker:
        abort(403)
    return None


def can(user, action: str, obj=None) -> bool:
    """Object-level permission checks, kept in one table-like function."""
    if user is None or not user.is_authenticated:
        return False
    if action == "manage_user":
        if user.role == Role.SITE_ADMIN:
            return True
        return (
            user.role == Role.SCHOOL_ADMIN
            and obj is not None
            and obj.school_id == user.school_id
            and obj.role in Role.MANAGEABLE[Role.SCHOOL_ADMIN]
        )
    if action == "assign_role":
        return obj in Role.MANAGEABLE.get(user.role, ())
    if action == "view_school":
        return user.role == Role.SITE_ADMIN or (obj is not None and obj.id == user.school_id)
    return False


def same_school_or_404(user, obj):
    """Hide other schools' objects entirely (404, not 403: don't confirm they exist)."""
    if user.role != Role.SITE_ADMIN and getattr(obj, "school_id", None) != user.school_id:
        abort(404)
    return obj
