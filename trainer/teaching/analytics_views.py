"""Progress analytics pages: a learner's mastery over time, and a cohort's heatmap, error taxonomy and
item statistics. The numbers come from analytics, error_taxonomy and item_stats; the charts from svg."""
from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from ..access import STAFF, roles, signed_in
from ..extensions import db
from ..grading.titles import rule_title
from ..models import Cohort, User
from . import svg
from .analytics import HALF_LIFE_DAYS, MIN_EVIDENCE, cohort_heatmap, learner_progress
from .cohorts import can_manage
from .domains import SCHEME_LABELS, SCHEMES, scheme_domains, short_name
from .error_taxonomy import error_taxonomy, rule_examples
from .item_stats import MIN_N, SORT_KEYS, cohort_item_stats, items_csv, sort_items

bp = Blueprint("analytics", __name__)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _scheme() -> str:
    scheme = request.args.get("scheme", "cpc")
    return scheme if scheme in SCHEMES else "cpc"


def _cohort_or_404(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not can_manage(current_user, cohort):
        abort(404)
    return cohort


def _learners(cohort: Cohort) -> list[User]:
    return sorted((m.user for m in cohort.members if m.role == "learner"), key=lambda u: u.name.lower())


def _week(day: dt.date) -> str:
    return f"{day:%b} {day.day}"


def _progress_page(user: User, cohort: Cohort | None):
    scheme = _scheme()
    domains = scheme_domains(db.session, scheme)
    progress = learner_progress(db.session, user, scheme, domains, _now())
    names = dict(domains)
    lines = [(short_name(names[d]), values) for d, values in progress.series.values.items()
             if any(v is not None for v in values)]
    chart = None
    if lines:
        whose = "Your" if cohort is None else f"{user.name}'s"
        chart = svg.line_chart(
            "mastery-chart", f"Mastery over time by {SCHEME_LABELS[scheme][:-1]}",
            f"{whose} mastery at the end of each week, in percent, for {len(lines)} of {len(domains)} "
            f"{SCHEME_LABELS[scheme]}, from the week of {_week(progress.series.weeks[0])} to the week of "
            f"{_week(progress.series.weeks[-1])}. The table after the chart lists the same values.",
            [_week(w) for w in progress.series.weeks], lines)
    return render_template("teaching/learner_progress.html", learner=user, cohort=cohort, scheme=scheme,
                           schemes=SCHEME_LABELS, progress=progress, names=names, chart=chart,
                           week_label=_week, min_evidence=MIN_EVIDENCE, half_life=int(HALF_LIFE_DAYS))


@bp.route("/progress")
@signed_in
def my_progress():
    return _progress_page(current_user, None)


@bp.route("/cohorts/<int:cohort_id>/learners/<int:user_id>/progress")
@roles(*STAFF)
def learner(cohort_id: int, user_id: int):
    cohort = _cohort_or_404(cohort_id)
    user = next((u for u in _learners(cohort) if u.id == user_id), None)
    if user is None:
        abort(404)
    return _progress_page(user, cohort)


@bp.route("/cohorts/<int:cohort_id>/analytics")
@roles(*STAFF)
def cohort(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    scheme = _scheme()
    learners = _learners(cohort)
    ids = [u.id for u in learners]
    domains = scheme_domains(db.session, scheme)
    rows = cohort_heatmap(db.session, learners, scheme, domains, _now())
    chart = None
    if rows and domains:
        chart = svg.heatmap(
            "cohort-heatmap", f"Mastery of {cohort.name} by {SCHEME_LABELS[scheme][:-1]}",
            f"{len(rows)} learners by {len(domains)} {SCHEME_LABELS[scheme]}; each cell prints the "
            f"learner's current mastery in percent, or a dash when there is not enough data. "
            f"The table after the chart lists the same values.",
            [u.name for u, _ in rows], [short_name(n) for _, n in domains],
            [[m[d].percent for d, _ in domains] for _, m in rows],
            [[f"{u.name}, {n}: " + (f"{m[d].percent}% over {m[d].evidence} answers" if m[d].percent is not None
                                     else f"not enough data ({m[d].evidence} of {MIN_EVIDENCE} answers)")
              for d, n in domains] for u, m in rows])
    sort = request.args.get("sort", "label")
    sort = sort if sort in SORT_KEYS else "label"
    descending = request.args.get("dir") == "desc"
    exercises, questions = cohort_item_stats(db.session, ids)
    return render_template("teaching/cohort_analytics.html", cohort=cohort, scheme=scheme, schemes=SCHEME_LABELS,
                           domains=domains, rows=rows, chart=chart, rules=error_taxonomy(db.session, ids),
                           exercises=sort_items(exercises, sort, descending),
                           questions=sort_items(questions, sort, descending), sort=sort, descending=descending,
                           min_n=MIN_N, min_evidence=MIN_EVIDENCE)


@bp.route("/cohorts/<int:cohort_id>/analytics/items.csv")
@roles(*STAFF)
def items_download(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    exercises, questions = cohort_item_stats(db.session, [u.id for u in _learners(cohort)])
    body = items_csv(sort_items(exercises, "label") + sort_items(questions, "label"))
    name = re.sub(r"[^a-z0-9]+", "-", cohort.name.lower()).strip("-") or "cohort"
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}-item-statistics.csv"'})


@bp.route("/cohorts/<int:cohort_id>/analytics/errors")
@roles(*STAFF)
def rule_findings(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    rule = request.args.get("rule", "").strip()
    if not rule or len(rule) > 80:
        abort(404)
    examples = rule_examples(db.session, [u.id for u in _learners(cohort)], rule)
    return render_template("teaching/rule_examples.html", cohort=cohort, rule=rule, title=rule_title(rule),
                           examples=examples)
