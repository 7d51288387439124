"""The code lookup pages: search as you type, and one page per code."""
from __future__ import annotations

import datetime as dt
import threading

from flask import Blueprint, current_app, render_template, request

from ..access import signed_in
from ..codes import search as code_search
from ..codes.lookup import CodeNotFound, detail as code_detail, resolve, suggestions
from ..codes.normalize import BadInput, parse_date
from ..codes.tables import CodeSystem
from ..extensions import db

bp = Blueprint("lookup", __name__, url_prefix="/codes")
_warm = threading.Event()


@bp.before_app_request
def warm_search_index():
    """Build the in-memory search index in the background once the server takes traffic,
    so the first search does not wait for it."""
    if _warm.is_set() or not current_app.config["SEARCH_WARMUP"]:
        return
    _warm.set()
    app = current_app._get_current_object()

    def build():
        with app.app_context():
            try:
                code_search.search(db.session, "warm up", None, None, 1)
            except Exception:  # a cold index is built on the first search instead
                app.logger.exception("search index warm-up failed")
            finally:
                db.session.remove()

    threading.Thread(target=build, name="search-warmup", daemon=True).start()

SYSTEM_CHOICES = [("", "All code sets")] + [(s, CodeSystem.LABELS[s]) for s in CodeSystem.ALL]


def parse_system(value: str | None) -> str | None:
    return CodeSystem.parse(value) if value else None


@bp.route("")
@signed_in
def index():
    q = request.args.get("q", "").strip()
    raw_system = request.args.get("system", "")
    raw_date = request.args.get("date", "")
    results, total, error, status = [], 0, None, 200
    try:
        system = parse_system(raw_system)
        when = parse_date(raw_date)
        if q:
            found = code_search.search(db.session, q, system, when, current_app.config["SEARCH_RESULT_LIMIT"])
            results, total = [h.as_dict() for h in found.hits], found.total
    except (BadInput, ValueError) as err:
        error, status, system, when = str(err), 400, None, dt.date.today()
    return render_template("lookup/index.html", systems=SYSTEM_CHOICES, q=q, system=system or "",
                           date=raw_date or when.isoformat(), results=results, total=total, error=error), status


@bp.route("/<system>/<code>")
@signed_in
def detail(system: str, code: str):
    raw_date = request.args.get("date", "")
    try:
        sys_ = parse_system(system)
        when = parse_date(raw_date)
        sys_, norm = resolve(db.session, code, sys_)
        info = code_detail(db.session, sys_, norm, when)
    except CodeNotFound as err:
        near = suggestions(db.session, err.system, err.code, when)
        return render_template("lookup/not_found.html", system=err.system or system, code_text=code,
                               suggestions=near, date=raw_date), 404
    except (BadInput, ValueError) as err:
        return render_template("errors/error.html", code=400, title="Bad request", message=str(err)), 400
    return render_template("lookup/detail.html", code=info, date=when.isoformat())
