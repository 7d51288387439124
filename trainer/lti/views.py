"""LTI 1.3 endpoints (login, launch, JWKS, deep linking) and the school admin's LMS registration pages.

The LMS posts to /lti/login and /lti/launch from its own site: those two are exempt from CSRF and are
protected by the OIDC state (a cookie set at login) and the one-time nonce inside the signed id_token.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_user
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.exception import LtiException, OIDCException
from sqlalchemy import select

from ..access import ADMINS, STAFF, public, roles, same_school_or_404
from ..extensions import csrf, db
from ..models import LtiPlatform
from ..models.accounts import utcnow
from .deep_linking import choices, cohort_of_launch, find_choice, launch_platform, resource_for, response_jwt
from .forms import DeepLinkForm, PlatformForm
from .launch import LaunchRefused, handle_launch
from .platforms import (
    PlatformError, PlatformSpec, all_public_keys, platforms_of, public_key_of, save_platform, score_counts,
)
from .toolconf import DbLaunchData, DbToolConf, find_platform, http_session

bp = Blueprint("lti", __name__, url_prefix="/lti")
LAUNCH_ID = re.compile(r"^lti1p3-launch-[0-9a-f-]{36}$")
# What the library's refusals mean, for the page the person sees (the detail follows).
REFUSALS = (
    ("State not found", 403, "The launch did not start from this browser's sign-in request. Open the link "
                             "from your LMS again."),
    ("Invalid Nonce", 403, "This launch has already been used or has expired. Open the link from your LMS again."),
    ("Registration not found", 403, "This LMS is not registered with Coding Trainer (unknown issuer or client)."),
    ("Client id not registered", 403, "This LMS is not registered with Coding Trainer (unknown client)."),
    ("Could not find registration", 403, "This LMS is not registered with Coding Trainer."),
    ("Unable to find deployment", 403, "This deployment of the tool is not registered for the school."),
    ("Can't decode id_token", 403, "The launch could not be verified (signature or expiry)."),
    ("Unable to find public key", 403, "The launch could not be verified (unknown signing key)."),
    ("Error during fetch URL", 403, "The LMS's public keys could not be fetched to verify the launch."),
)


def _refuse(status: int, message: str):
    return render_template("errors/error.html", code=status, title="LMS launch refused", message=message), status


def _lti_error(err: Exception):
    detail = str(err)
    for needle, status, message in REFUSALS:
        if needle in detail:
            return _refuse(status, f"{message} ({detail})")
    return _refuse(400, f"The LMS request could not be used: {detail}.")


def _tool():
    return DbToolConf(db.session), DbLaunchData(db.session)


def _external(endpoint: str) -> str:
    """An absolute URL of ours, from TRAINER_LTI_BASE_URL when set (behind a proxy), else from the request."""
    base = (current_app.config.get("LTI_BASE_URL") or "").rstrip("/")
    return base + url_for(endpoint) if base else url_for(endpoint, _external=True)


def _launch_url() -> str:
    return _external("lti.launch")


def _request() -> FlaskRequest:
    """The request for PyLTI1p3; over HTTPS its cookies (the OIDC state) are SameSite=None; Secure, so the
    browser sends them with the LMS's cross-site POST."""
    base = current_app.config.get("LTI_BASE_URL") or ""
    return FlaskRequest(request_is_secure=request.is_secure or base.startswith("https://"))


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt
@public
def login():
    """OIDC third-party initiated login: remember state (cookie) and nonce, send the browser to the LMS."""
    conf, storage = _tool()
    try:
        return FlaskOIDCLogin(_request(), conf, launch_data_storage=storage).redirect(_launch_url())
    except (OIDCException, LtiException) as err:
        return _lti_error(err)


@bp.route("/launch", methods=["POST"])
@csrf.exempt
@public
def launch():
    """The LMS posts the signed id_token here: verify it, sign the person in, send them to the linked work."""
    conf, storage = _tool()
    message = FlaskMessageLaunch(_request(), conf, launch_data_storage=storage, requests_session=http_session())
    try:
        claims = message.get_launch_data()
        platform = find_platform(db.session, claims.get("iss"), message.get_client_id())
        landing = handle_launch(db.session, platform, dict(claims))
    except LaunchRefused as err:
        return _refuse(err.status, str(err))
    except (LtiException, OIDCException) as err:
        db.session.rollback()
        return _lti_error(err)
    landing.user.last_login_at = utcnow()
    db.session.commit()
    login_user(landing.user)
    if landing.link is None:
        return redirect(url_for("lti.deep_link", launch=message.get_launch_id()))
    if landing.link.exercise_id:
        return redirect(url_for("practice.chart", exercise_id=landing.link.exercise_id))
    return redirect(url_for("assignments.detail", assignment_id=landing.link.assignment_id))


@bp.route("/jwks")
@public
def jwks():
    """The tool's public keys (one per registered LMS): the LMS verifies our signatures with them."""
    return jsonify(keys=all_public_keys(db.session))


def _stored_launch(launch_id: str | None):
    if not launch_id or not LAUNCH_ID.match(launch_id):
        abort(400)
    conf, storage = _tool()
    try:
        message = FlaskMessageLaunch.from_cache(launch_id, _request(), conf, launch_data_storage=storage,
                                                requests_session=http_session())
        platform = launch_platform(db.session, message, current_user)
    except LtiException:
        abort(400)
    return message, platform


@bp.route("/deep-link", methods=["GET", "POST"])
@roles(*STAFF)
def deep_link():
    """An instructor picks what to place in the LMS course; the signed response goes back to the LMS."""
    launch_id = request.args.get("launch") or request.form.get("launch")
    try:
        message, platform = _stored_launch(launch_id)
    except LaunchRefused as err:
        return _refuse(err.status, str(err))
    cohort = cohort_of_launch(db.session, platform, message.get_launch_data())
    options = choices(db.session, platform.school_id, cohort)
    form = DeepLinkForm(launch=launch_id)
    form.item.choices = {group: [(c.value, c.title) for c in items] for group, items in options.items()}
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("lti/deep_link.html", form=form, cohort=cohort, platform=platform), status
    choice = find_choice(options, form.item.data)
    token, return_url = response_jwt(message, resource_for(choice, form.graded.data, _launch_url()))
    response = current_app.make_response(render_template("lti/deep_link_return.html", token=token,
                                                         return_url=return_url, choice=choice))
    from ..app import CSP  # the page posts to the LMS: allow exactly that origin as a form target

    origin = "{0.scheme}://{0.netloc}".format(urlsplit(return_url))
    response.headers["Content-Security-Policy"] = CSP.replace("form-action 'self'", f"form-action 'self' {origin}")
    return response


# ── The school's LMS registrations ───────────────────────────────────────────────────────────────────

def _spec(form: PlatformForm) -> PlatformSpec:
    return PlatformSpec(*(getattr(form, name).data or "" for name in (
        "name", "issuer", "client_id", "deployment_ids", "auth_login_url", "auth_token_url", "key_set_url")))


def _save(form: PlatformForm, platform: LtiPlatform | None):
    try:
        return save_platform(db.session, current_user, _spec(form), platform,
                             allow_http=current_app.config.get("LTI_ALLOW_HTTP", False))
    except PlatformError as err:
        db.session.rollback()
        for name, message in err.problems.items():
            getattr(form, name).errors.append(message)
        return None


def tool_urls() -> dict[str, str]:
    return {"login": _external("lti.login"), "launch": _launch_url(), "jwks": _external("lti.jwks")}


@bp.route("/platforms")
@roles(*ADMINS)
def platforms():
    return render_template("lti/platforms.html", platforms=platforms_of(db.session, current_user.school_id),
                           urls=tool_urls())


@bp.route("/platforms/new", methods=["GET", "POST"])
@roles(*ADMINS)
def new_platform():
    form = PlatformForm()
    if form.validate_on_submit():
        platform = _save(form, None)
        if platform is not None:
            flash(f"{platform.name} is registered. Paste the tool's configuration below into the LMS.", "success")
            return redirect(url_for("lti.platform", platform_id=platform.id))
    return render_template("lti/platform_form.html", form=form), 400 if form.errors else 200


@bp.route("/platforms/<int:platform_id>", methods=["GET", "POST"])
@roles(*ADMINS)
def platform(platform_id: int):
    record = db.session.execute(select(LtiPlatform).where(LtiPlatform.id == platform_id)).scalar_one_or_none()
    if record is None:
        abort(404)
    same_school_or_404(current_user, record)
    form = PlatformForm(obj=record if request.method == "GET" else None)
    if request.method == "GET":
        form.deployment_ids.data = "\n".join(record.deployment_ids or [])
    elif form.validate_on_submit() and _save(form, record) is not None:
        flash(f"{record.name} is updated.", "success")
        return redirect(url_for("lti.platform", platform_id=record.id))
    pem, jwk = public_key_of(record)
    return render_template("lti/platform.html", platform=record, form=form, urls=tool_urls(), public_pem=pem,
                           jwk=jwk, counts=score_counts(db.session, record)), 400 if form.errors else 200
