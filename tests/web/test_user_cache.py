"""The signed-in user is kept a few seconds per process; changes still take effect."""
from __future__ import annotations

from sqlalchemy import create_engine, event, text

from trainer.auth import user_cache
from trainer.extensions import db


def _count_user_queries(app):
    seen = []

    def before(conn, cursor, statement, params, context, executemany):
        if "FROM user_account" in statement:
            seen.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", before)
    return seen, lambda: event.remove(db.engine, "before_cursor_execute", before)


def test_the_user_is_loaded_once_then_served_from_the_copy(app, client, make_user, login_as):
    user = make_user()
    login_as(user)
    client.get("/")
    seen, stop = _count_user_queries(app)
    try:
        for _ in range(3):
            page = client.get("/")
            assert page.status_code == 200 and user.name in page.get_data(as_text=True)
    finally:
        with app.app_context():
            stop()
    assert seen == []


def test_a_change_committed_here_takes_effect_at_once(app, client, make_user, login_as):
    user = make_user()
    login_as(user)
    assert client.get("/").status_code == 200
    # (the test's requests share one app context, hence one session: change the user in it)
    db.session.get(type(user), user.id).name = "Renamed Learner"
    db.session.commit()
    assert "Renamed Learner" in client.get("/").get_data(as_text=True)
    db.session.get(type(user), user.id).active = False
    db.session.commit()
    assert client.get("/practice").status_code == 302  # signed out: back to the sign-in page


def test_a_change_made_by_another_process_is_seen_when_the_copy_expires(app, client, make_user, login_as,
                                                                          monkeypatch):
    user = make_user()
    login_as(user)
    assert client.get("/").status_code == 200
    with app.app_context():  # another worker: its own engine, no ORM events in this process
        other = create_engine(db.engine.url)
    with other.begin() as con:
        con.execute(text("UPDATE user_account SET active = :no WHERE id = :id"), {"no": False, "id": user.id})
    other.dispose()
    db.session.remove()  # what the end of each request does outside tests
    assert client.get("/practice").status_code == 200  # still the copy
    clock = user_cache.time.monotonic() + user_cache.USER_CACHE_SECONDS + 1
    monkeypatch.setattr(user_cache.time, "monotonic", lambda: clock)
    db.session.remove()
    assert client.get("/practice").status_code == 302
