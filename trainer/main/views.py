"""Home page and the signed-in dashboard."""
from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import func, select

from ..access import public
from ..codes.tables import Code, CodeSetRelease
from ..extensions import db
from ..models import Role
from ..practice.labels import AREA_LABELS

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def home():
    releases = []
    if current_user.is_authenticated:
        releases = db.session.execute(select(CodeSetRelease).order_by(CodeSetRelease.kind, CodeSetRelease.name)).scalars().all()
    code_count = db.session.execute(select(func.count(Code.id))).scalar_one() if current_user.is_authenticated else 0
    areas, next_up = [], []
    if current_user.is_authenticated and current_user.role == Role.LEARNER:
        from ..teaching.mastery import mastery, recommend

        areas = mastery(db.session, current_user)
        next_up = recommend(db.session, current_user, areas=areas)
    return render_template("main/home.html", releases=releases, code_count=code_count, areas=areas,
                           next_up=next_up, area_labels=AREA_LABELS)
