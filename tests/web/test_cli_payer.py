"""`trainer payer list|adjudicate`: the 835 on standard output, the rejection, the decision as JSON."""
from __future__ import annotations

import json

from trainer.claims.remit import balance_errors
from trainer.claims.x12_835 import read_835
from trainer.cli import main


def run(app, *args):
    return app.test_cli_runner().invoke(main, list(args))


def reference(app, tmp_path, exercise="em-ed-chest-pain-rule-out-acs"):
    shown = run(app, "claims", "show", "--exercise", exercise, "--json")
    assert shown.exit_code == 0, shown.output
    path = tmp_path / "claim.json"
    path.write_text(shown.stdout)
    return path, json.loads(shown.stdout)


def test_payer_list_names_the_three_practice_payers(app):
    out = run(app, "payer", "list")
    assert out.exit_code == 0
    assert all(k in out.output for k in ("medicare", "commercial", "medicaid", "(practice)"))


def test_adjudicate_prints_an_835_that_reads_back_and_balances(app, tmp_path):
    path, _ = reference(app, tmp_path)
    out = run(app, "payer", "adjudicate", str(path), "--payer", "medicare", "--deductible-met", "257")
    assert out.exit_code == 0, out.output
    remit = read_835(out.stdout)
    assert balance_errors(remit) == [] and remit.claims[0].filing == "MB"
    assert any(a.reason == "253" for s in remit.claims[0].services for a in s.adjustments)  # sequestration
    decision = json.loads(run(app, "payer", "adjudicate", str(path), "--payer", "commercial", "--json").stdout)
    assert decision["accepted"] and decision["payer"] == "commercial" and decision["lines"][0]["why"]


def test_a_broken_claim_is_rejected_and_bad_input_fails(app, tmp_path):
    path, claim = reference(app, tmp_path)
    claim["billing"]["npi"] = "1234567890"
    path.write_text(json.dumps(claim))
    out = run(app, "payer", "adjudicate", str(path), "--payer", "medicaid")
    assert out.exit_code == 0 and "REJECTED" in out.output and "F4.npi" in out.output
    assert run(app, "payer", "adjudicate", str(path), "--payer", "acme").exit_code != 0
    path.write_text("{not json")
    assert run(app, "payer", "adjudicate", str(path), "--payer", "medicare").exit_code != 0


def test_an_institutional_claim_gets_the_front_end_answer_and_a_clear_note(app, tmp_path):
    path, _ = reference(app, tmp_path, "ip-hip-fracture-orif-fall")
    out = run(app, "payer", "adjudicate", str(path), "--payer", "medicare")
    assert out.exit_code == 0, out.output
    assert "ACCEPTED" in out.output and "professional claims only" in out.output and "ISA*" not in out.output
