"""The learner's dashboard: mastery by area, weakest first, and what to practise next."""
from __future__ import annotations

import datetime as dt

import pytest

from trainer.extensions import db
from trainer.models import Attempt, ExerciseRecord, Role
from trainer.teaching.mastery import mastery, recommend


@pytest.fixture()
def areas(app):
    """Three small areas of made-up exercise rows (removed afterwards, so other tests see the fixture set)."""
    rows = [ExerciseRecord(id=f"zz-{area}-{n}", title=f"{area} exercise {n}", kind="coding", area=f"zz-{area}",
                           setting="office", difficulty=n, tags={}, variant_count=1, source="", path="x.yaml",
                           checksum="x", active=True)
            for area in ("strong", "weak", "untried") for n in (1, 2, 3)]
    db.session.add_all(rows)
    db.session.commit()
    yield rows
    ids = [r.id for r in rows]
    db.session.query(Attempt).filter(Attempt.exercise_id.in_(ids)).delete(synchronize_session=False)
    db.session.query(ExerciseRecord).filter(ExerciseRecord.id.in_(ids)).delete(synchronize_session=False)
    db.session.commit()


def submit(user, exercise_id, score, max_score=10):
    db.session.add(Attempt(user_id=user.id, exercise_id=exercise_id, variant=0, answer={}, score=score,
                           max_score=max_score, submitted_at=dt.datetime.now(dt.timezone.utc), result={}))
    db.session.commit()


def test_weakest_areas_come_first_and_done_exercises_are_not_recommended(app, areas, make_user):
    learner = make_user(Role.LEARNER)
    submit(learner, "zz-strong-1", 9)
    submit(learner, "zz-weak-1", 3)
    submit(learner, "zz-weak-2", 5)
    order = [m.area for m in mastery(db.session, learner) if m.area.startswith("zz-")]
    assert order == ["zz-untried", "zz-weak", "zz-strong"]
    weak = next(m for m in mastery(db.session, learner) if m.area == "zz-weak")
    assert (weak.percent, weak.attempts, weak.exercises) == (40.0, 2, 3)
    picked = [r.id for r in recommend(db.session, learner, limit=20) if r.id.startswith("zz-")]
    assert picked[:3] == ["zz-untried-1", "zz-untried-2", "zz-weak-3"]  # two per area at most, easiest first
    assert not {"zz-strong-1", "zz-weak-1", "zz-weak-2"} & set(picked)


def test_the_learner_dashboard_shows_progress_and_next_exercises(app, areas, make_user, login_as):
    learner = make_user(Role.LEARNER)
    submit(learner, "zz-weak-1", 2)
    page = login_as(learner).get("/").get_data(as_text=True)
    assert "Your progress" in page and "20.0&nbsp;% over 1 attempt" in page and "Practise next" in page
    assert "/practice/zz-untried-1" in page and "/practice/zz-weak-1" not in page


def test_staff_dashboards_do_not_show_learner_progress(app, make_user, login_as):
    page = login_as(make_user(Role.INSTRUCTOR)).get("/").get_data(as_text=True)
    assert "Your progress" not in page
