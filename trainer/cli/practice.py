"""`trainer check`, `trainer grade` and `trainer exercises ...`."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from .common import EXERCISES_DIR, db, print_findings, read_json


@click.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@with_appcontext
def check(path: str, as_json: bool):
    """Run the validation engine over an encounter in a JSON file.

    The file holds {"date_of_service", "setting", "patient": {"sex", "birth_date"}, "diagnoses": [...],
    "procedures": [{"code", "modifiers", "units", "dx_pointers"}], "facts": {}}. Exits 0 whatever the
    findings; non-zero only when the input cannot be read.
    """
    from ..edits import EncounterError, check_dict

    payload = read_json(path)
    try:
        findings = check_dict(db().session, payload)
    except EncounterError as err:
        raise click.ClickException(f"{path}: {err}") from err
    print_findings(findings, as_json)




@click.group()
def exercises():
    """Validate, list and show the keys of exercise files."""


@exercises.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@with_appcontext
def exercises_validate(paths):
    """Check the schema and run every key (every variant) through the validation engine."""
    from ..exercises.validate import validate_tree

    good, problems = validate_tree(db().session, EXERCISES_DIR, list(paths) or None)
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"{len(good)} exercise(s) valid, {len({p.path for p in problems})} with problems.")
    if problems:
        sys.exit(1)


@exercises.command("list")
@click.option("--json", "as_json", is_flag=True)
def exercises_list(as_json: bool):
    """List the bundled exercises (id, kind, title, setting, tags)."""
    from ..exercises import load_tree

    found, problems = load_tree(EXERCISES_DIR)
    rows = [{"id": e.id, "kind": e.data["kind"], "title": e.data["title"], "setting": e.data["setting"],
             "area": e.area, "difficulty": e.data["difficulty"], "variants": e.variant_count,
             "tags": e.data["tags"]} for e in sorted(found, key=lambda e: e.id)]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
    else:
        for r in rows:
            click.echo(f"{r['id']:<40} {r['kind']:<10} {r['setting']:<20} {r['title']}")
    for problem in problems:
        click.echo(f"skipped: {problem}", err=True)


@exercises.command("key")
@click.argument("exercise_id")
@click.option("--variant", "-v", default=0, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True)
def exercises_key(exercise_id: str, variant: int, as_json: bool):
    """Print an exercise's key in the answer shape (grading it gives the maximum score)."""
    from ..exercises import load_tree

    found, _ = load_tree(EXERCISES_DIR)
    exercise = next((e for e in found if e.id == exercise_id), None)
    if exercise is None:
        raise click.ClickException(f"no exercise {exercise_id!r}; see `trainer exercises list`")
    try:
        answer = exercise.key_answer(variant)
    except IndexError as err:
        raise click.ClickException(str(err)) from err
    if as_json:
        click.echo(json.dumps(answer, indent=2))
        return
    click.echo(f"{exercise.id} (variant {variant}) on {answer['date_of_service']}")
    for i, dx in enumerate(answer["diagnoses"], 1):
        click.echo(f"  dx {i}: {dx}")
    for line in answer["procedures"]:
        click.echo(f"  {line['code']} {' '.join(line['modifiers'])} x{line['units']} -> {line['dx_pointers']}")
    for code in answer["pcs_procedures"]:
        click.echo(f"  PCS {code}")


@click.command()
@click.argument("exercise_id")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--variant", "-v", default=0, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def grade(exercise_id: str, path: str, variant: int, as_json: bool):
    """Grade an answer (the `trainer check` JSON shape) against an exercise's key."""
    from ..edits import EncounterError
    from ..edits.data import EditData
    from ..exercises import load_tree
    from ..grading import grade as grade_answer

    found, _ = load_tree(EXERCISES_DIR)
    exercise = next((e for e in found if e.id == exercise_id), None)
    if exercise is None:
        raise click.ClickException(f"no exercise {exercise_id!r}; see `trainer exercises list`")
    answer = read_json(path)
    try:
        result = grade_answer(exercise.variant(variant), answer, EditData(db().session),
                              exercise.key_answer(variant))
    except (EncounterError, IndexError) as err:
        raise click.ClickException(f"{path}: {err}") from err
    if as_json:
        click.echo(json.dumps({"score": result.score, "max_score": result.max_score,
                               "findings": [f.as_dict() for f in result.findings],
                               "lines": [l.as_dict() for l in result.lines],
                               "engine": [f.as_dict() for f in result.engine], "drg": result.drg}, indent=2))
        return
    click.echo(f"Score {result.score:g} / {result.max_score:g}")
    for f in result.findings:
        click.echo(f"  -{f.points:g}  {f.rule:<22} {f.message}")
