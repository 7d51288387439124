"""The `trainer` command line."""
from __future__ import annotations

import json
import sys
import time

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from . import create_app
from .cli_paths import EXERCISES_DIR


def _app_factory():
    return create_app()


@click.group(cls=FlaskGroup, create_app=_app_factory, add_version_option=False, load_dotenv=False)
def main():
    """Coding Trainer: practice medical coding and billing on synthetic charts."""


class Progress:
    """Progress on stderr: a line per step, a running count on a terminal."""

    def __init__(self):
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, label: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.5:
            return
        self.last = now
        pct = f"{100 * done // total:3d}%" if total else ""
        if self.tty:
            click.echo(f"\r  {label}: {done:,}/{total:,} {pct}", nl=done >= total, err=True)
        elif done >= total:
            click.echo(f"  {label}: {done:,} rows", err=True)


def _db():
    from .extensions import db

    return db


@main.command()
@click.option("--demo/--no-demo", default=True, show_default=True, help="Create the demo school and accounts.")
@with_appcontext
def setup(demo: bool):
    """Migrate the database, load the code sets and content, create demo accounts."""
    from flask_migrate import upgrade

    from .setup import DEMO_PASSWORD_NOTE, ensure_demo_school, load_code_sets

    started = time.monotonic()
    click.echo("Migrating the database ...")
    upgrade(directory=current_app.extensions["migrate"].directory)
    click.echo("Loading code sets ...")
    progress = Progress()

    def report(label, rows):
        click.echo(f"  {label}: {'loaded ' + format(rows, ',') + ' rows' if rows else 'already loaded'}")

    load_code_sets(_db().session, report, progress)
    click.echo("Loading bundled exercises ...")
    from .setup import load_exercises

    imported = load_exercises(_db().session)
    click.echo(f"  exercises: {imported.created} new, {imported.updated} updated, {imported.unchanged} unchanged, "
               f"{imported.deactivated} withdrawn")
    for problem in imported.problems:
        click.echo(f"  rejected: {problem}", err=True)
    if demo:
        click.echo("Demo school and accounts:")
        for account, created in ensure_demo_school(_db().session):
            state = "created" if created else "exists"
            click.echo(f"  {account.role:<13} {account.email:<26} password: {account.password}  ({state})")
        click.echo(f"  {DEMO_PASSWORD_NOTE}")
    click.echo(f"Setup finished in {time.monotonic() - started:.1f} s.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
def serve(host: str, port: int, threads: int):
    """Serve the app with Waitress (a production WSGI server)."""
    from waitress import serve as waitress_serve

    app = create_app()
    click.echo(f"Coding Trainer on http://{host}:{port}/  (Ctrl+C to stop)")
    waitress_serve(app, host=host, port=port, threads=threads, ident="coding-trainer")


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
        rows = IMPORTERS[kind](_db().session, path, progress=Progress())
    except ImportFormatError as err:
        _db().session.rollback()
        raise click.ClickException(f"{err}\nNothing was imported.") from err
    click.echo(f"Imported {rows:,} rows from {path} in {time.monotonic() - started:.1f} s.")


def _read_json(path: str):
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, UnicodeDecodeError) as err:
        raise click.ClickException(f"cannot read {path}: {err}") from err
    except json.JSONDecodeError as err:
        raise click.ClickException(f"{path} line {err.lineno}: not valid JSON ({err.msg})") from err


def _print_findings(findings, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps([f.as_dict() for f in findings], indent=2))
        return
    if not findings:
        click.echo("No findings: the encounter passes every edit.")
    for f in findings:
        where = f"line {f.line}: " if f.line else ""
        click.echo(f"{f.severity.upper():<6} {f.rule:<26} {where}{f.message}")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@with_appcontext
def check(path: str, as_json: bool):
    """Run the validation engine over an encounter in a JSON file.

    The file holds {"date_of_service", "setting", "patient": {"sex", "birth_date"}, "diagnoses": [...],
    "procedures": [{"code", "modifiers", "units", "dx_pointers"}], "facts": {}}. Exits 0 whatever the
    findings; non-zero only when the input cannot be read.
    """
    from .edits import EncounterError, check_dict

    payload = _read_json(path)
    try:
        findings = check_dict(_db().session, payload)
    except EncounterError as err:
        raise click.ClickException(f"{path}: {err}") from err
    _print_findings(findings, as_json)




@main.group()
def exercises():
    """Validate, list and show the keys of exercise files."""


@exercises.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@with_appcontext
def exercises_validate(paths):
    """Check the schema and run every key (every variant) through the validation engine."""
    from .exercises.validate import validate_tree

    good, problems = validate_tree(_db().session, EXERCISES_DIR, list(paths) or None)
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"{len(good)} exercise(s) valid, {len({p.path for p in problems})} with problems.")
    if problems:
        sys.exit(1)


@exercises.command("list")
@click.option("--json", "as_json", is_flag=True)
def exercises_list(as_json: bool):
    """List the bundled exercises (id, kind, title, setting, tags)."""
    from .exercises import load_tree

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
    from .exercises import load_tree

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


@main.command()
@click.argument("exercise_id")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--variant", "-v", default=0, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def grade(exercise_id: str, path: str, variant: int, as_json: bool):
    """Grade an answer (the `trainer check` JSON shape) against an exercise's key."""
    from .edits import EncounterError
    from .edits.data import EditData
    from .exercises import load_tree
    from .grading import grade as grade_answer

    found, _ = load_tree(EXERCISES_DIR)
    exercise = next((e for e in found if e.id == exercise_id), None)
    if exercise is None:
        raise click.ClickException(f"no exercise {exercise_id!r}; see `trainer exercises list`")
    answer = _read_json(path)
    try:
        result = grade_answer(exercise.variant(variant), answer, EditData(_db().session),
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


@main.group()
def questions():
    """The certification-practice question bank."""


QUESTIONS_DIR = EXERCISES_DIR / "_questions"
BLUEPRINTS_DIR = EXERCISES_DIR / "_blueprints"


@questions.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@with_appcontext
def questions_validate(paths):
    """Check the schema of every question and every code in its options and key."""
    from .exams.blueprints import load_blueprints
    from .exams.questions import code_problems, load_questions, section_problems

    found, problems = load_questions(QUESTIONS_DIR, list(paths) or None)
    problems += code_problems(_db().session, found)
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
    from .exams.questions import load_questions

    found, problems = load_questions(QUESTIONS_DIR)
    rows = [{"id": q.id, "exams": list(q.exams), "section": q.section} for q in found]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
    else:
        for r in rows:
            click.echo(f"{r['id']:<40} {','.join(r['exams']):<12} {r['section']}")
    for problem in problems:
        click.echo(f"skipped: {problem}", err=True)


@main.group()
def exams():
    """Exam blueprints."""


@exams.command("blueprints")
@click.option("--json", "as_json", is_flag=True)
def exams_blueprints(as_json: bool):
    """Each blueprint: id, items, scored items, minutes, pass mark and its sections."""
    from .exams.blueprints import load_blueprints, summary

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


@main.group()
def codes():
    """Search and show codes."""


def _system_option(f):
    return click.option("--system", "-s", default=None,
                        help="icd10cm, icd10pcs, cpt, hcpcs, modifier or pos (default: all / guessed)")(f)


@codes.command("search")
@click.argument("query", nargs=-1, required=True)
@_system_option
@click.option("--date", "-d", default=None, help="Date of service, YYYY-MM-DD (default: today).")
@click.option("--limit", "-n", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def codes_search(query, system, date, limit, as_json):
    """Search by code prefix or by words in any order."""
    from .codes.normalize import BadInput, parse_date
    from .codes.search import search
    from .codes.tables import CodeSystem

    try:
        sys_ = CodeSystem.parse(system) if system else None
        when = parse_date(date)
        found = search(_db().session, " ".join(query), sys_, when, limit)
    except (BadInput, ValueError) as err:
        raise click.UsageError(str(err)) from err
    if as_json:
        click.echo(json.dumps({"query": " ".join(query), "date": when.isoformat(), "total": found.total,
                               "results": [h.as_dict() for h in found.hits]}, indent=2))
        return
    for hit in found.hits:
        flags = "billable" if hit.billable else ("needs 7th char" if hit.needs_seventh else "header")
        if hit.billable and not hit.valid_on_date:
            flags += f", not valid on {when}"
        click.echo(f"{CodeSystem.LABELS[hit.system]:<15} {hit.display:<10} {hit.description}  [{flags}]")
    click.echo(f"{found.total:,} match(es); showing {len(found.hits)}.", err=True)


@codes.command("show")
@click.argument("code")
@_system_option
@click.option("--date", "-d", default=None, help="Date of service, YYYY-MM-DD (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def codes_show(code, system, date, as_json):
    """Show one code: description, validity on the date, hierarchy and notes."""
    from .codes.lookup import CodeNotFound, detail, resolve, suggestions
    from .codes.normalize import BadInput, parse_date
    from .codes.tables import CodeSystem

    try:
        sys_ = CodeSystem.parse(system) if system else None
        when = parse_date(date)
        sys_, norm = resolve(_db().session, code, sys_)
    except CodeNotFound as err:
        near = suggestions(_db().session, err.system, err.code, parse_date(None))
        hint = ("\nDid you mean: " + ", ".join(s["display"] for s in near)) if near else ""
        raise click.ClickException(f"{err}{hint}") from err
    except (BadInput, ValueError) as err:
        raise click.UsageError(str(err)) from err
    info = detail(_db().session, sys_, norm, when)
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    state = "valid" if info["valid_on_date"] else "NOT valid"
    kind = "billable" if info["billable"] else "header (not reportable)"
    click.echo(f"{info['system_label']} {info['display']}: {info['description']}")
    click.echo(f"  {kind}; {state} on {info['date']}; in force {info['effective_from']} to "
               f"{info['effective_to'] or 'now'} ({info['release']})")
    for anc in info["hierarchy"]:
        click.echo(f"  in {anc['display']}: {anc['description']}")
    for group in info["notes"]:
        for text in group["texts"]:
            click.echo(f"  {group['label']}: {text}")
    for group in info["inherited_notes"]:
        for text in group["texts"]:
            click.echo(f"  {group['label']} (from {group['from_display']}): {text}")
    if info["seventh_characters"]:
        click.echo("  7th characters: " + "; ".join(f"{k} {v}" for k, v in info["seventh_characters"].items()))
    for axis in info["pcs_axes"] or []:
        click.echo(f"  {axis['position']} {axis['name']:<20} {axis['value']}  {axis['meaning']}")
