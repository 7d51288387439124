"""`trainer billing ...`: the billing exercises (estimate, prior authorization, denials, posting,
statements, A/R follow-up)."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from ..cli_paths import BILLING_DIR
from .common import db


@click.group()
def billing():
    """Validate the billing exercises and show their computed keys."""


@billing.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@with_appcontext
def billing_validate(paths):
    """Check every billing exercise: schema, codes, the computed key and the task's own checks."""
    from ..billing.tasks import validate_billing
    from ..edits.data import EditData

    good, problems = validate_billing(EditData(db().session), BILLING_DIR, list(paths) or None)
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"{len(good)} billing exercise(s) valid, {len({p.path for p in problems})} with problems.")
    if problems:
        sys.exit(1)


@billing.command("key")
@click.argument("exercise_id")
@with_appcontext
def billing_key(exercise_id: str):
    """Print the computed key of one billing exercise (JSON)."""
    from ..billing.exercises import load_billing_tree
    from ..billing.tasks import compute_key
    from ..edits.data import EditData

    found, _ = load_billing_tree(BILLING_DIR)
    ex = next((e for e in found if e.id == exercise_id), None)
    if ex is None:
        raise click.ClickException(f"no billing exercise {exercise_id!r}")
    click.echo(json.dumps(compute_key(ex, EditData(db().session)), indent=2, default=str))
