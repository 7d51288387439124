"""The server's deadline sweeper: exams whose time ran out are submitted even if nobody looks at them.

Every page and save applies the deadline itself (``finalize_if_due``), so results never depend on
this thread; it makes the submission land on time for reports and the gradebook.
"""
from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


def start_sweeper(app, every_seconds: float = 60.0) -> threading.Thread:
    from ..extensions import db
    from .sittings import sweep_overdue

    stop = threading.Event()

    def run():
        while not stop.wait(every_seconds):
            try:
                with app.app_context():
                    done = sweep_overdue(db.session)
                    if done:
                        log.info("submitted %d exam(s) at their deadline", done)
                    db.session.remove()
            except Exception:  # a database restart must not end the thread
                log.exception("deadline sweep failed; trying again in %s s", every_seconds)

    thread = threading.Thread(target=run, name="exam-deadline-sweeper", daemon=True)
    thread.stop = stop  # type: ignore[attr-defined]
    thread.start()
    return thread
