"""`trainer payer ...`: the simulated payers, and adjudicating a claim into an 835."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import click
from flask.cli import with_appcontext

from .claims import _claim
from .common import db


@click.group()
def payer():
    """The simulated payers (practice profiles, fee schedule pricing, 835 remittances)."""


@payer.command("list")
def payer_list():
    """The simulated payers and what each applies."""
    from ..payer.profiles import PROFILES

    for p in PROFILES.values():
        click.echo(f"{p.key:<11} {p.name} (payer ID {p.payer_id})")
        for note in p.notes:
            click.echo(f"{'':<12}{note}")


@payer.command("adjudicate")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--payer", "payer_name", required=True, help="medicare, commercial or medicaid (or a payer ID).")
@click.option("--received", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The day the payer receives the claim (default: its submission date).")
@click.option("--deductible-met", type=Decimal, help="How much of the member's deductible is already met.")
@click.option("--json", "as_json", is_flag=True, help="The decision line by line instead of the 835.")
@with_appcontext
def payer_adjudicate(path: str, payer_name: str, received: dt.datetime | None, deductible_met: Decimal | None,
                     as_json: bool):
    """Adjudicate a claim (JSON) and print the 835 remittance; a claim the front end rejects prints the
    rejection (like a 277CA) instead. Exit 0 either way; non-zero only for unreadable input."""
    from ..edits.data import EditData
    from ..claims.institutional import InstitutionalClaim
    from ..payer.adjudicate import acknowledge, adjudicate
    from ..payer.profiles import profile

    try:
        chosen = profile(payer_name)
    except KeyError as err:
        raise click.BadParameter(str(err.args[0]), param_hint="--payer") from err
    if deductible_met is not None:
        chosen = chosen.with_benefits(deductible_met=deductible_met)
    claim = _claim(path)
    if isinstance(claim, InstitutionalClaim):
        day = received.date() if received else (claim.submitted_on or claim.statement_through)
        ack = acknowledge(claim, EditData(db().session), day)
        click.echo(f"{'ACCEPTED' if ack.accepted else 'REJECTED'} by {chosen.name}'s front end (institutional claim "
                   f"{ack.claim_id}, received {ack.received}).")
        for e in ack.errors:
            click.echo(f"  - {e['rule']}: {e['message']}")
        click.echo("The simulated payers price professional claims only: paying an inpatient stay by MS-DRG needs "
                   "the CMS IPPS relative weights and rates, which are not shipped. No 835 was produced.")
        return
    result = adjudicate(claim, chosen, EditData(db().session), received.date() if received else None)
    if as_json:
        click.echo(json.dumps(decision_dict(result), indent=2))
    elif not result.ack.accepted:
        click.echo(f"REJECTED by {chosen.name}'s front end (claim {result.ack.claim_id}, received "
                   f"{result.ack.received}); nothing was adjudicated. Fix and send again as a new claim:")
        for e in result.ack.errors:
            click.echo(f"  - {e['rule']}{' (line ' + str(e['line']) + ')' if e.get('line') else ''}: {e['message']}")
    else:
        from ..claims.x12_835 import write_835

        click.echo(write_835(result.remittance), nl=False)


def decision_dict(result) -> dict:
    out = {"payer": result.payer.key, "accepted": result.ack.accepted, "received": result.ack.received.isoformat(),
           "errors": list(result.ack.errors)}
    if result.claim_payment is not None:
        c = result.claim_payment
        out.update(payer_claim_number=c.payer_claim_number, status=c.status, charge=str(c.charge), paid=str(c.paid),
                   patient_responsibility=str(c.patient_responsibility),
                   lines=[{"line": d.line, "code": d.code, "charge": str(d.charge), "allowed": str(d.allowed),
                           "paid": str(d.paid), "adjustments": [f"{a.group}-{a.reason} {a.amount}" for a in d.adjustments],
                           "remarks": list(d.remarks), "why": list(d.why)} for d in result.lines])
    return out
