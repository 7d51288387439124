"""`trainer claims read` on an 835 (summary and JSON), on an 837I (not readable yet), on junk."""
from __future__ import annotations

import json

from trainer.claims.x12_835 import write_835
from trainer.cli import main

from ..unit.remittances import denied_lines, institutional, interest_and_recovery, patient_responsibility


def read(app, path, *options):
    return app.test_cli_runner().invoke(main, ["claims", "read", str(path), *options])


def test_an_835_reads_as_a_summary(app, tmp_path):
    path = tmp_path / "era.x12"
    path.write_text(write_835(denied_lines()))
    out = read(app, path)
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == "Remittance EFT0000124: EFT (ACH) of 90.00 on 2025-04-02"
    assert lines[1] == "Payer: MEDICARE PART B SIM (MCR01)"
    assert lines[2] == "Payee: LAKESIDE PRACTICE GROUP, NPI 1500000017, TIN 861234567"
    assert lines[3].startswith("Claim PT1003 (RIVERA, ANA; payer claim ICNPT1003): Processed as primary; "
                               "charge 320.00, paid 90.00, patient responsibility 0.00")
    assert "  claim remarks: MA01" in lines
    assert "  2. 2025-03-03 96372 x1: charge 45.00, paid 0.00; CO-97 45.00; remarks M15" in lines
    assert "  4. 2025-03-03 85025 x1: charge 30.00, paid 0.00; CO-16 30.00; remarks M51 N290" in lines
    path.write_text(write_835(interest_and_recovery()))
    out = read(app, path)
    assert "Provider adjustment L6: -2.15" in out.output and "Provider adjustment WO ICN998877: 40.00" in out.output


def test_an_835_reads_as_json_with_amounts_as_strings(app, tmp_path):
    path = tmp_path / "era.x12"
    path.write_text(write_835(patient_responsibility()))
    out = read(app, path, "--json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["transaction"] == "835" and data["method"] == "ACH" and data["total_paid"] == "138.84"
    claim = data["claims"][0]
    assert (claim["charge"], claim["paid"], claim["patient_responsibility"]) == ("390.00", "138.84", "84.00")
    first = claim["services"][0]
    assert first["modifiers"] == ["25"] and first["allowed"] == "120.00"
    assert [(a["code"], a["amount"]) for a in first["adjustments"]] == [("CO-45", "80.00"), ("PR-1", "50.00"),
                                                                         ("PR-2", "14.00")]
    path.write_text(write_835(institutional()))
    data = json.loads(read(app, path, "--json").output)
    assert data["method"] == "CHK" and data["claims"][0]["drg"] == "470" and data["claims"][0]["covered_days"] == 3
    assert data["claims"][1]["services"][1]["revenue_code"] == "0300" and data["claims"][1]["services"][1]["code"] == ""


def test_an_837i_is_read_back(app, tmp_path):
    from trainer.claims.x12_837i import write_837i
    from trainer.cli.claims import _reference

    path = tmp_path / "claim.x12"
    path.write_text(write_837i(_reference("ip-hip-fracture-orif-fall", 0)))
    out = read(app, path)
    assert out.exit_code == 0 and "type of bill 0111" in out.output and "0120" in out.output
    data = json.loads(read(app, path, "--json").output)
    assert data["type_of_bill"] == "0111" and data["principal"]["code"].startswith("S72")


def test_an_837i_an_unknown_transaction_and_a_broken_835(app, tmp_path):
    path = tmp_path / "doc.x12"
    text = write_835(patient_responsibility())
    path.write_text(text.replace("ST*835*0001~", "ST*837*0001*005010X223A2~"))
    out = read(app, path)  # an 835 body under an 837I header: the 837I reader refuses it clearly
    assert out.exit_code != 0 and "837I" in out.output
    path.write_text(text.replace("ST*835*0001~", "ST*270*0001~"))
    out = read(app, path)
    assert out.exit_code != 0 and "not a readable 837P, 837I or 835" in out.output
    path.write_text(text.replace("CLP*PT1002*1*390*", "CLP*PT1002*1*3X0*"))
    out = read(app, path)
    assert out.exit_code != 0 and "not a readable 835 (CLP03: '3X0' is not an amount)" in out.output
