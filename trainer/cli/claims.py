"""`trainer claims ...`: check a claim, write it as an 837P, read an 837P or 835 back, show a reference claim."""
from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from .common import EXERCISES_DIR, db, print_findings, read_json


def _claim(path: str):
    from ..claims.jsonshape import ClaimError, claim_from_dict

    try:
        return claim_from_dict(read_json(path))
    except ClaimError as err:
        raise click.ClickException(f"{path}: {err}") from err


def _reference(exercise_id: str, variant: int):
    from ..claims.practice import reference_claim
    from ..exercises import load_tree

    found, _ = load_tree(EXERCISES_DIR)
    ex = next((e for e in found if e.id == exercise_id), None)
    if ex is None:
        raise click.ClickException(f"no exercise {exercise_id!r} (see `trainer exercises list`)")
    if not 0 <= variant < ex.variant_count:
        raise click.ClickException(f"{exercise_id} has variants 0-{ex.variant_count - 1}")
    from ..billing.chargemaster import practice_charges
    from ..edits.data import EditData

    # priced with the practice chargemaster, as the claim pages do (the fee schedule is in the database)
    return reference_claim(ex.id, ex.variant(variant), ex.key_answer(variant),
                           charge=practice_charges(EditData(db().session)))


@click.group()
def claims():
    """Claims: professional (CMS-1500 / 837P) and institutional (UB-04 / 837I), and remittances (835)."""


@claims.command("check")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def claims_check(path: str, as_json: bool):
    """Run the claim-form rules and the code edits on a claim (JSON); exit 0 whatever it finds."""
    from ..claims.rules import check_claim
    from ..edits.data import EditData

    print_findings(check_claim(_claim(path), EditData(db().session)), as_json, what="claim")


@claims.command("x12")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option("--exercise", help="Write this exercise's reference claim instead of a file's.")
@click.option("--variant", default=0, show_default=True, type=int)
@with_appcontext
def claims_x12(path: str | None, exercise: str | None, variant: int):
    """Write a claim as an X12 5010 837P (CMS-1500) or 837I (UB-04) on standard output."""
    from ..claims.institutional import InstitutionalClaim
    from ..claims.x12_837i import write_837i
    from ..claims.x12_837p import write_837p

    if bool(path) == bool(exercise):
        raise click.UsageError("give a claim file or --exercise ID")
    claim = _reference(exercise, variant) if exercise else _claim(path)
    click.echo(write_837i(claim) if isinstance(claim, InstitutionalClaim) else write_837p(claim), nl=False)


def _read_837p(text: str, as_json: bool) -> None:
    from ..claims.jsonshape import claim_to_dict
    from ..claims.x12_837p import read_837p

    claim = read_837p(text)
    shape = claim_to_dict(claim)
    if as_json:
        click.echo(json.dumps(shape, indent=2))
        return
    click.echo(f"Claim {claim.claim_id}: {claim.payer.name}, {len(claim.lines)} line(s), total {shape['total']}, "
               f"diagnoses {', '.join(claim.diagnoses)}")
    for n, line in enumerate(claim.lines, start=1):
        click.echo(f"  {n}. {line.from_date} {line.code} {' '.join(line.modifiers)} x{line.units} "
                   f"{shape['lines'][n - 1]['charge']} -> {','.join(map(str, line.pointers))}")


def _read_835(text: str, as_json: bool) -> None:
    from ..claims.remitshape import remittance_lines, remittance_to_dict
    from ..claims.x12_835 import read_835

    remit = read_835(text)
    click.echo(json.dumps(remittance_to_dict(remit), indent=2) if as_json else "\n".join(remittance_lines(remit)))


def _read_837i(text: str, as_json: bool) -> None:
    from ..claims.jsonshape import claim_to_dict
    from ..claims.x12_837i import read_837i

    claim = read_837i(text)
    shape = claim_to_dict(claim)
    if as_json:
        click.echo(json.dumps(shape, indent=2))
        return
    dx = [claim.principal.code] + [d.code for d in claim.other_diagnoses]
    click.echo(f"Institutional claim {claim.claim_id}: type of bill {claim.type_of_bill}, {claim.payer.name}, "
               f"{len(claim.lines)} revenue line(s), total {shape['total']}, diagnoses {', '.join(dx)}")
    for n, line in enumerate(claim.lines, start=1):
        click.echo(f"  {n}. {line.revenue_code} {line.hcpcs or ''} x{line.units} {shape['lines'][n - 1]['charge']}")


READERS = {"837P": _read_837p, "837I": _read_837i, "835": _read_835}  # keyed by x12_common.transaction_type


@claims.command("read")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True)
def claims_read(path: str, as_json: bool):
    """Read an X12 837P or 835 (837I when available) back: a claim, or a remittance summary."""
    from ..claims.x12_common import X12Error, transaction_type

    try:
        with open(path, encoding="ascii", errors="strict") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as err:
        raise click.ClickException(f"cannot read {path}: {err}") from err
    kind = transaction_type(text)
    if kind not in READERS:
        raise click.ClickException(f"{path}: not a readable 837P, 837I or 835 (no ST segment of one of them)")
    try:
        READERS[kind](text, as_json)
    except (X12Error, ValueError, IndexError) as err:
        raise click.ClickException(f"{path}: not a readable {kind} ({err})") from err


@claims.command("show")
@click.option("--exercise", required=True)
@click.option("--variant", default=0, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def claims_show(exercise: str, variant: int, as_json: bool):
    """An exercise's reference claim in the claim JSON shape."""
    from ..claims.jsonshape import claim_to_dict

    shape = claim_to_dict(_reference(exercise, variant))
    click.echo(json.dumps(shape, indent=2) if as_json else json.dumps(shape, indent=1))
