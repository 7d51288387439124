"""The application factory: configuration, extensions, blueprints. Nothing else."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, g, jsonify, render_template, request

from . import config as cfg
from .access import enforce_access, wants_json
from .extensions import csrf, db, limiter, login_manager, migrate
from .main.topbar import topbar
from .auth.user_cache import load_user as cached_user
from .models import Role

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def create_app(config: dict | type | None = None) -> Flask:
    instance_path = os.environ.get("TRAINER_INSTANCE_PATH") or str(cfg.DEFAULT_INSTANCE)
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(cfg.PROJECT_ROOT / "templates"),
    )
    configure(app, config)
    configure_extensions(app)
    configure_blueprints(app)
    configure_hooks(app)
    configure_errors(app)
    return app


def configure(app: Flask, config) -> None:
    app.config.from_object(cfg.DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(cfg.env_overrides())
    if isinstance(config, type):
        app.config.from_object(config)
    elif isinstance(config, dict):
        app.config.update(config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "trainer.db")
    app.config["SQLALCHEMY_DATABASE_URI"] = cfg.normalise_db_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = cfg.ensure_secret_key(Path(app.instance_path))


def configure_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(cfg.PROJECT_ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        try:
            uid, version = (int(part) for part in user_id.split(":"))
        except ValueError:
            return None
        # the user and the school the layout shows on every page: one query, then kept a few seconds
        user = cached_user(db.session, uid)
        if user is None or user.session_version != version or not user.active:
            return None
        return user


def configure_blueprints(app: Flask) -> None:
    from .admin.views import bp as admin_bp
    from .auth.views import bp as auth_bp
    from .authoring.question_views import bp as question_authoring_bp
    from .authoring.views import bp as authoring_bp
    from .claims.office_views import bp as office_bp
    from .billing.views import bp as billing_bp
    from .claims.views import bp as claims_bp
    from .exams import authoring  # noqa: F401  (adds the blueprint editor's routes)
    from .exams.views import bp as exams_bp
    from .lookup.api import bp as api_bp
    from .lookup.views import bp as lookup_bp
    from .lti.views import bp as lti_bp
    from .main.views import bp as main_bp
    from .practice.views import bp as practice_bp
    from .school.views import bp as school_bp
    from .teaching import gradebook_views  # noqa: F401  (adds the gradebook's routes)
    from .teaching.analytics_views import bp as analytics_bp
    from .teaching.assignment_views import bp as assignments_bp
    from .teaching.dispute_views import bp as disputes_bp
    from .teaching.views import bp as teaching_bp

    for bp in (main_bp, auth_bp, admin_bp, lookup_bp, api_bp, practice_bp, exams_bp, claims_bp,
               teaching_bp, analytics_bp, assignments_bp, authoring_bp, office_bp, lti_bp, disputes_bp,
               school_bp, billing_bp, question_authoring_bp):
        app.register_blueprint(bp)


def configure_hooks(app: Flask) -> None:
    app.before_request(enforce_access)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.teardown_request
    def forget_user(exc):
        # Flask-Login and Flask-WTF cache the user and the CSRF token on ``g``; when an app
        # context outlives one request (tests, scripts) the next request must load its own.
        g.pop("_login_user", None)
        g.pop("csrf_token", None)

    @app.context_processor
    def template_globals():
        return {"Role": Role, "topbar": topbar}


ERRORS = {
    400: ("Bad request", "The request could not be understood. Check what you entered and try again."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Not found", "There is no page at this address."),
    405: ("Method not allowed", "This page cannot be used that way."),
    429: ("Too many attempts", "Too many requests in a short time. Wait a minute and try again."),
    500: ("Something went wrong", "An unexpected error happened on our side. It has been logged."),
}


def configure_errors(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    def render_error(code: int, detail: str | None = None):
        title, message = ERRORS[code]
        if wants_json():
            return jsonify(error=detail or message), code
        return render_template("errors/error.html", code=code, title=title, message=detail or message), code

    for code in ERRORS:
        app.register_error_handler(code, lambda e, code=code: render_error(code))

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return render_error(400, "Your form expired or was sent from elsewhere. Reload the page and try again.")

    @app.errorhandler(500)
    def server_error(e):
        db.session.rollback()
        return render_error(500)

