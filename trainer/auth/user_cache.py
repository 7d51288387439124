"""The signed-in user, loaded once and kept for a few seconds per process.

Every page needs the signed-in user (and the school the layout shows); loading them costs one
query per request, the largest single cost of a simple page. The loader keeps a detached copy of
each user for ``USER_CACHE_SECONDS`` and gives each request its own instance of it with
``Session.merge(load=False)`` (no query; the request's session owns the instance, so views may
change and commit it as before).

Staleness is bounded: any change to a user committed in this process drops that user's copy at
once (a flush listener), and a change made by another process (another worker) is seen within
``USER_CACHE_SECONDS``: a deactivated account, a new role or a signed-out-everywhere session
version takes effect within that time.
"""
from __future__ import annotations

import threading
import time
import weakref

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, joinedload, make_transient_to_detached

from ..models import School, User

USER_CACHE_SECONDS = 5.0
# per database engine (tests run several databases in one process), then per user id
_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _detached_copy(obj):
    """A detached instance holding the column values of ``obj``, attached to no session."""
    cls = type(obj)
    copy = cls(**{attr.key: getattr(obj, attr.key) for attr in inspect(cls).column_attrs})
    make_transient_to_detached(copy)
    return copy


def load_user(session: Session, uid: int, ttl: float = USER_CACHE_SECONDS) -> User | None:
    now = time.monotonic()
    bind = session.get_bind()
    users = _cache.get(bind)
    if users is None:
        with _lock:
            users = _cache.setdefault(bind, {})
    hit = users.get(uid)
    if hit is not None and hit[0] > now:
        return session.merge(hit[1], load=False)
    user = session.execute(select(User).options(joinedload(User.school)).where(User.id == uid)
                           ).unique().scalar_one_or_none()
    if user is None:
        users.pop(uid, None)
        return None
    copy = _detached_copy(user)
    # a loaded relationship (set in the instance's dict, so it is not recorded as a change)
    copy.__dict__["school"] = _detached_copy(user.school) if user.school is not None else None
    users[uid] = (now + ttl, copy)
    return user


def forget(uid: int | None = None) -> None:
    """Drop one user's copy (every database), or every copy."""
    with _lock:
        for users in list(_cache.values()):
            if uid is None:
                users.clear()
            else:
                users.pop(uid, None)


@event.listens_for(Session, "after_flush")
def _drop_changed_users(session, _context):
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, User):
            forget(obj.id)
        elif isinstance(obj, School):
            forget()
