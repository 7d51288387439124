"""The `trainer` command line."""
from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from .. import create_app
from . import billing, claims, codes, exams, lti, payer, practice
from .common import Progress, db


def _app_factory():
    return create_app()


@click.group(cls=FlaskGroup, create_app=_app_factory, add_version_option=False, load_dotenv=False)
def main():
    """Coding Trainer: practice medical coding and billing on synthetic charts."""


@main.command()
@click.option("--demo/--no-demo", default=True, show_default=True, help="Create the demo school and accounts.")
@with_appcontext
def setup(demo: bool):
    """Migrate the database, load the code sets and content, create demo accounts."""
    from flask_migrate import upgrade

    from ..setup import DEMO_PASSWORD_NOTE, ensure_demo_school, load_code_sets

    started = time.monotonic()
    click.echo("Migrating the database ...")
    upgrade(directory=current_app.extensions["migrate"].directory)
    click.echo("Loading code sets ...")
    progress = Progress()

    def report(label, rows):
        click.echo(f"  {label}: {'loaded ' + format(rows, ',') + ' rows' if rows else 'already loaded'}")

    load_code_sets(db().session, report, progress)
    click.echo("Loading bundled exercises, exam blueprints and questions ...")
    from ..setup import load_exercises

    imported = load_exercises(db().session)
    click.echo(f"  exercises: {imported.created} new, {imported.updated} updated, {imported.unchanged} unchanged, "
               f"{imported.deactivated} withdrawn"
               + (f"; {imported.regraded} submitted attempts re-graded (changed keys)" if imported.regraded else ""))
    for problem in imported.problems:
        click.echo(f"  rejected: {problem}", err=True)
    from ..setup import load_question_bank

    bank = load_question_bank(db().session)
    click.echo(f"  exam blueprints: {bank.blueprints}; questions: {bank.created} new, {bank.updated} updated, "
               f"{bank.unchanged} unchanged, {bank.withdrawn} withdrawn")
    for problem in bank.problems:
        click.echo(f"  rejected: {problem}", err=True)
    if demo:
        click.echo("Demo school and accounts:")
        for account, created in ensure_demo_school(db().session):
            state = "created" if created else "exists"
            click.echo(f"  {account.role:<13} {account.email:<26} password: {account.password}  ({state})")
        click.echo(f"  {DEMO_PASSWORD_NOTE}")
    click.echo(f"Setup finished in {time.monotonic() - started:.1f} s.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--connection-limit", default=1000, show_default=True, type=int,
              help="Open connections kept at once (a class of learners keeps one or two each).")
def serve(host: str, port: int, threads: int, connection_limit: int):
    """Serve the app with Waitress (a production WSGI server)."""
    from waitress import serve as waitress_serve

    app = create_app()
    from ..exams.background import start_sweeper

    start_sweeper(app)
    click.echo(f"Coding Trainer on http://{host}:{port}/  (Ctrl+C to stop)")
    # poll() instead of select(): no 1,024-descriptor ceiling when many browsers stay connected
    waitress_serve(app, host=host, port=port, threads=threads, ident="coding-trainer",
                   connection_limit=connection_limit, asyncore_use_poll=True)


@main.command("import")
@click.argument("kind", type=click.Choice(["hcpcs", "cpt", "ncci-ptp", "mue", "pos", "aoc", "mce", "mpfs"]))
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_file(kind: str, path: str):
    """Import an official code or edit file.

    KIND is hcpcs (CMS alpha-numeric xlsx), cpt (licensed TSV), ncci-ptp, mue, pos, aoc (NCCI add-on
    code edits), mce (Medicare Code Editor lists) or mpfs (fee schedule RVU file: PC/TC, global days,
    bilateral indicators).
    """
    from code_sets.base import ImportFormatError
    from code_sets.registry import IMPORTERS

    started = time.monotonic()
    try:
        rows = IMPORTERS[kind](db().session, path, progress=Progress())
    except ImportFormatError as err:
        db().session.rollback()
        raise click.ClickException(f"{err}\nNothing was imported.") from err
    click.echo(f"Imported {rows:,} rows from {path} in {time.monotonic() - started:.1f} s.")


for command in (practice.check, practice.grade, practice.exercises, exams.questions, exams.exams, codes.codes,
                claims.claims, payer.payer, lti.lti, billing.billing):
    main.add_command(command)
