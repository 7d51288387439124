"""`trainer questions ...` and `trainer exams ...`: the certification-practice content."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from .common import BLUEPRINTS_DIR, QUESTIONS_DIR, db


@click.group()
def questions():
    """The certification-practice question bank."""


@questions.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@with_appcontext
def questions_validate(paths):
    """Check the schema of every question and every code in its options and key."""
    from ..exams.blueprints import load_blueprints
    from ..exams.questions import code_problems, load_questions, section_problems

    found, problems = load_questions(QUESTIONS_DIR, list(paths) or None)
    problems += code_problems(db().session, found)
    problems += section_problems(found, load_blueprints(BLUEPRINTS_DIR)[0])
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"{len(found)} question(s) read, {len(problems)} problem(s).")
    if problems:
        sys.exit(1)


@questions.command("list")
@click.option("--json", "as_json", is_flag=True)
def questions_list(as_json: bool):
    """List the questions (id, exams, section)."""
    from ..exams.questions import load_questions

    found, problems = load_questions(QUESTIONS_DIR)
    rows = [{"id": q.id, "exams": list(q.exams), "section": q.section,
             "sections": {exam: q.section_for(exam) for exam in q.exams}} for q in found]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
    else:
        for r in rows:
            click.echo(f"{r['id']:<40} {','.join(r['exams']):<12} "
                       f"{', '.join(f'{e}: {s}' for e, s in r['sections'].items())}")
    for problem in problems:
        click.echo(f"skipped: {problem}", err=True)


@click.group()
def exams():
    """Exam blueprints."""


@exams.command("blueprints")
@click.option("--json", "as_json", is_flag=True)
def exams_blueprints(as_json: bool):
    """Each blueprint: id, items, scored items, minutes, pass mark and its sections."""
    from ..exams.blueprints import load_blueprints, summary

    found, problems = load_blueprints(BLUEPRINTS_DIR)
    for problem in problems:
        click.echo(str(problem), err=True)
    rows = [summary(bp) for bp in found]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
    else:
        for r in rows:
            click.echo(f"{r['id']:<5} {r['items']} items ({r['scored_items']} scored), {r['minutes']} min, "
                       f"pass {r['pass_mark']}{'%' if r['scoring'] == 'percent' else ' (scaled)'}: {r['name']}")
    if problems:
        sys.exit(1)


@exams.command("sweep")
@with_appcontext
def exams_sweep():
    """Submit every exam past its deadline with the answers saved (the server also does this itself)."""
    from ..exams.sittings import sweep_overdue

    click.echo(f"{sweep_overdue(db().session)} overdue exam(s) submitted.")
