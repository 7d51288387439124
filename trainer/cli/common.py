"""What the command modules share: the database handle, JSON input, progress output."""
from __future__ import annotations

import json
import sys
import time

import click

from ..cli_paths import BLUEPRINTS_DIR, EXERCISES_DIR, QUESTIONS_DIR  # noqa: F401


def db():
    from ..extensions import db as database

    return database


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


def read_json(path: str):
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, UnicodeDecodeError) as err:
        raise click.ClickException(f"cannot read {path}: {err}") from err
    except json.JSONDecodeError as err:
        raise click.ClickException(f"{path} line {err.lineno}: not valid JSON ({err.msg})") from err


def print_findings(findings, as_json: bool, what: str = "encounter") -> None:
    if as_json:
        click.echo(json.dumps([f.as_dict() for f in findings], indent=2))
        return
    if not findings:
        click.echo(f"No findings: the {what} passes every edit.")
    for f in findings:
        where = f"line {f.line}: " if f.line else ""
        click.echo(f"{f.severity.upper():<6} {f.rule:<26} {where}{f.message}")
