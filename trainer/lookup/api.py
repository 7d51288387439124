"""JSON API for code lookup (used by the search box, other features and tools)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from ..access import signed_in
from ..codes import search as code_search
from ..codes.lookup import CodeNotFound, detail as code_detail, resolve, suggestions
from ..codes.normalize import BadInput, parse_date
from ..extensions import db
from .views import parse_system

bp = Blueprint("api", __name__, url_prefix="/api")


def bad_request(message: str):
    return jsonify(error=message), 400


@bp.route("/codes/search")
@signed_in
def search_codes():
    try:
        system = parse_system(request.args.get("system"))
        when = parse_date(request.args.get("date"))
        limit = request.args.get("limit", type=int) or current_app.config["SEARCH_RESULT_LIMIT"]
        if not 1 <= limit <= 100:
            raise BadInput("limit must be between 1 and 100")
        found = code_search.search(db.session, request.args.get("q", ""), system, when, limit)
    except (BadInput, ValueError) as err:
        return bad_request(str(err))
    return jsonify(query=request.args.get("q", ""), system=system, date=when.isoformat(),
                   results=[h.as_dict() for h in found.hits], total=found.total)


@bp.route("/codes/<system>/<code>")
@signed_in
def show_code(system: str, code: str):
    try:
        sys_ = parse_system(system)
        when = parse_date(request.args.get("date"))
        sys_, norm = resolve(db.session, code, sys_)
    except CodeNotFound as err:
        return jsonify(error=str(err), suggestions=suggestions(db.session, err.system, err.code, when)), 404
    except (BadInput, ValueError) as err:
        return bad_request(str(err))
    return jsonify(code_detail(db.session, sys_, norm, when))
