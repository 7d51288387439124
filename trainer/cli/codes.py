"""`trainer codes search|show`."""
from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from .common import db


@click.group()
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
    from ..codes.normalize import BadInput, parse_date
    from ..codes.search import search
    from ..codes.tables import CodeSystem

    try:
        sys_ = CodeSystem.parse(system) if system else None
        when = parse_date(date)
        found = search(db().session, " ".join(query), sys_, when, limit)
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
    from ..codes.lookup import CodeNotFound, detail, resolve, suggestions
    from ..codes.normalize import BadInput, parse_date
    from ..codes.tables import CodeSystem

    try:
        sys_ = CodeSystem.parse(system) if system else None
        when = parse_date(date)
        sys_, norm = resolve(db().session, code, sys_)
    except CodeNotFound as err:
        near = suggestions(db().session, err.system, err.code, parse_date(None))
        hint = ("\nDid you mean: " + ", ".join(s["display"] for s in near)) if near else ""
        raise click.ClickException(f"{err}{hint}") from err
    except (BadInput, ValueError) as err:
        raise click.UsageError(str(err)) from err
    info = detail(db().session, sys_, norm, when)
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
