"""`trainer lti ...`: the LMS integration's background work."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from .common import db


@click.group()
def lti():
    """LMS integration (LTI 1.3)."""


@lti.command("send-scores")
@with_appcontext
def send_scores_command():
    """Send the scores waiting for the LMS gradebooks (new ones, and failed ones due for a retry)."""
    from ..lti.passback import send_scores
    from ..models.accounts import utcnow

    report = send_scores(db().session, utcnow())
    click.echo(f"Scores sent: {report.sent}; to retry later: {report.retrying}; given up: {report.failed}.")
    for error in report.errors:
        click.echo(f"  {error}", err=True)
