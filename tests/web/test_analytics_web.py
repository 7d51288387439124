"""Progress analytics pages: a learner's own progress, an instructor's view of a cohort learner, the
cohort heatmap, error taxonomy and item statistics, and who may see which."""
from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import Attempt, ExamItem, ExamSitting, QuestionRecord, Role, School
from trainer.teaching.cohorts import create_cohort, join

_n = itertools.count(1)
SVG = "{http://www.w3.org/2000/svg}"
EXCLUDES1 = {"rule": "edit.B1.excludes1", "severity": "error", "expected": None, "given": "M17.11",
             "message": "M17.11 and M17.0 <are> Excludes1", "reference": "I.A.12.a", "points": 0.5}


def svgs(page: str) -> list[ET.Element]:
    return [ET.fromstring(s) for s in re.findall(r"<svg xmlns=.*?</svg>", page, re.S)]


def attempt(user, score: float, findings=(), days_ago: float = 0.0) -> Attempt:
    row = Attempt(user_id=user.id, exercise_id="fx-knee-injection", variant=0, answer={}, score=score, max_score=10,
                  submitted_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days_ago),
                  result={"findings": list(findings)})
    db.session.add(row)
    db.session.commit()
    return row


def sitting(user, right: bool, questions: list[str]) -> None:
    s = ExamSitting(user_id=user.id, blueprint_id="cpc", mode="exam", title="CPC", blueprint={"items": 3},
                    position=1, submitted_at=dt.datetime.now(dt.timezone.utc))
    db.session.add(s)
    db.session.flush()
    for pos, qid in enumerate(questions, start=1):
        answer = db.session.get(QuestionRecord, qid).answer
        wrong = next(letter for letter in "ABCD" if letter != answer)
        db.session.add(ExamItem(sitting_id=s.id, position=pos, question_id=qid, section="em", scored=True,
                                choice=answer if right else wrong))
    db.session.commit()


@pytest.fixture()
def em_questions(app):
    rows = db.session.execute(select(QuestionRecord.id, QuestionRecord.sections)).all()
    ids = [qid for qid, sections in rows if (sections or {}).get("cpc") == "em"][:3]
    assert len(ids) == 3
    return ids


@pytest.fixture()
def cohort_setup(app, make_user, em_questions):
    instructor = make_user(Role.INSTRUCTOR)
    cohort = create_cohort(db.session, instructor, f"Analytics cohort {next(_n)}")
    ana, bo = make_user(Role.LEARNER, name="Ana <Ruiz>"), make_user(Role.LEARNER, name="Bo Chen")
    for learner in (ana, bo):
        join(db.session, learner, cohort.join_code)
    first = attempt(ana, 8, [EXCLUDES1])
    attempt(ana, 6, [EXCLUDES1, {"rule": "grade.dx-missing", "points": 2, "message": "M17.11 is documented"}])
    attempt(ana, 10)
    attempt(bo, 2, [EXCLUDES1])
    sitting(ana, True, em_questions)
    sitting(bo, False, em_questions)
    return {"instructor": instructor, "cohort": cohort, "ana": ana, "bo": bo, "first": first}


def test_a_learner_sees_their_own_mastery_over_time(app, make_user, login_as, em_questions):
    learner = make_user(Role.LEARNER)
    for score in (8, 6, 10):
        attempt(learner, score)
    client = login_as(learner)
    page = client.get("/progress").get_data(as_text=True)
    assert "Your progress" in page and "Surgery 20000-29999 (musculoskeletal)" in page
    assert "80.0&nbsp;%" in page  # (0.8 + 0.6 + 1.0) / 3, all from today
    assert "not enough data (0 of 3)" in page  # the other sections
    (chart,) = svgs(page)
    assert chart.find(f"{SVG}title").text == "Mastery over time by CPC exam section"
    assert [g.find(f"{SVG}title").text for g in chart.findall(f"{SVG}g")] == ["Surgery 20000-29999"]
    assert "The chart&#39;s values as a table" in page or "The chart's values as a table" in page
    cca = client.get("/progress?scheme=cca").get_data(as_text=True)
    assert "CCA exam domains" in cca and "No trend to draw yet" in cca and not svgs(cca)
    sitting(learner, True, em_questions)
    assert "100.0&nbsp;%" in client.get("/progress").get_data(as_text=True)  # the E/M section now has 3 answers


@pytest.mark.parametrize("role", Role.ALL)
def test_the_progress_page_renders_without_data(app, make_user, login_as, role):
    response = login_as(make_user(role)).get("/progress")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "No trend to draw yet" in page and not svgs(page)


def test_the_instructor_sees_the_cohort_heatmap_errors_and_items(app, cohort_setup, login_as):
    cohort, ana, bo = cohort_setup["cohort"], cohort_setup["ana"], cohort_setup["bo"]
    client = login_as(cohort_setup["instructor"])
    page = client.get(f"/cohorts/{cohort.id}/analytics").get_data(as_text=True)
    (heat,) = svgs(page)
    texts = [t.text for t in heat.iter(f"{SVG}text")]
    assert {"Ana <Ruiz>", "Bo Chen", "Surgery 20000-29999", "Evaluation and Management"} <= set(texts)
    assert "Ana <Ruiz>" not in page  # escaped everywhere
    # Ana: 3 exercise attempts (80 %) and 3 right E/M answers (100 %); Bo: 1 attempt and 3 wrong answers
    assert texts.count("80%") == 1 and texts.count("100%") >= 1 and texts.count("0%") >= 1
    assert f"/cohorts/{cohort.id}/learners/{ana.id}/progress" in page
    # the error taxonomy: Excludes1 first (3 findings, 2 learners), then the missing diagnosis
    rows = re.findall(r'<tr>\s*<th scope="row">([^<]+)<span class="cell-sub code">([^<]+)</span></th>\s*'
                      r'<td class="num">(\d+)</td>\s*<td class="num">(\d+)</td>', page)
    assert rows[:2] == [("Excludes1 pairs", "edit.B1.excludes1", "3", "2"),
                        ("Diagnosis documented but not reported (under-coding)", "grade.dx-missing", "1", "1")]
    # item statistics: the exercise's first tries are 0.8 and 0.2; each question 1 right of 2
    assert "fx-knee-injection" in page and "0.50" in page and "badge-few" in page
    csv_body = client.get(f"/cohorts/{cohort.id}/analytics/items.csv")
    assert csv_body.headers["Content-Disposition"].endswith('-item-statistics.csv"')
    table = list(csv.DictReader(io.StringIO(csv_body.get_data(as_text=True))))
    exercise = next(r for r in table if r["item_id"] == "fx-knee-injection")
    assert (exercise["n"], exercise["difficulty"], exercise["few_responses"]) == ("2", "0.5", "yes")
    assert sum(r["kind"] == "question" for r in table) == 3
    # the learner page for an instructor, and the examples behind a rule
    learner_page = client.get(f"/cohorts/{cohort.id}/learners/{bo.id}/progress").get_data(as_text=True)
    assert "Progress: Bo Chen" in learner_page and "0.0&nbsp;%" in learner_page
    examples = client.get(f"/cohorts/{cohort.id}/analytics/errors?rule=edit.B1.excludes1").get_data(as_text=True)
    assert examples.count(f"/practice/attempts/") == 3
    assert f"/practice/attempts/{cohort_setup['first'].id}" in examples and "&lt;are&gt;" in examples
    assert client.get(f"/practice/attempts/{cohort_setup['first'].id}").status_code == 200


def test_item_tables_sort_by_a_column(app, cohort_setup, login_as):
    client = login_as(cohort_setup["instructor"])
    url = f"/cohorts/{cohort_setup['cohort'].id}/analytics"
    page = client.get(url + "?sort=n&dir=desc").get_data(as_text=True)
    assert 'aria-sort="descending"' in page
    assert client.get(url + "?sort=nonsense&scheme=nonsense").status_code == 200


def test_who_may_see_what(app, cohort_setup, make_user, login_as):
    cohort, ana = cohort_setup["cohort"], cohort_setup["ana"]
    pages = [f"/cohorts/{cohort.id}/analytics", f"/cohorts/{cohort.id}/analytics/items.csv",
             f"/cohorts/{cohort.id}/analytics/errors?rule=edit.B1.excludes1",
             f"/cohorts/{cohort.id}/learners/{ana.id}/progress"]
    elsewhere = School(name=f"Analytics Elsewhere {next(_n)}", slug=f"analytics-elsewhere-{next(_n)}")
    db.session.add(elsewhere)
    db.session.commit()
    for outsider in (make_user(Role.INSTRUCTOR), make_user(Role.INSTRUCTOR, school_obj=elsewhere),
                     make_user(Role.SCHOOL_ADMIN, school_obj=elsewhere)):
        client = login_as(outsider)
        assert [client.get(p).status_code for p in pages] == [404] * 4, outsider.email
        client.delete_cookie("session")
    client = login_as(ana)
    assert [client.get(p).status_code for p in pages] == [403] * 4
    own = client.get("/progress").get_data(as_text=True)
    assert "Your progress" in own and "Bo Chen" not in own
    client.delete_cookie("session")
    # the cohort's instructor: not a learner of another cohort, nor a learner who is not in this one
    stranger = make_user(Role.LEARNER)
    client = login_as(cohort_setup["instructor"])
    assert client.get(f"/cohorts/{cohort.id}/learners/{stranger.id}/progress").status_code == 404
    assert client.get(f"/cohorts/{cohort.id}/learners/{cohort_setup['instructor'].id}/progress").status_code == 404
    assert client.get(f"/cohorts/{cohort.id}/analytics/errors").status_code == 404  # no rule given


def test_an_empty_cohort_renders(app, make_user, login_as):
    instructor = make_user(Role.INSTRUCTOR)
    cohort = create_cohort(db.session, instructor, "Nobody yet")
    client = login_as(instructor)
    page = client.get(f"/cohorts/{cohort.id}/analytics").get_data(as_text=True)
    assert "No learners in this cohort yet" in page and "No findings yet" in page and not svgs(page)
    detail = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert f"/cohorts/{cohort.id}/analytics" in detail
