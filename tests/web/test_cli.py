"""The `trainer` command line: codes search/show and import errors."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from trainer.cli import main
from trainer.codes.tables import Code, CodeSystem
from trainer.extensions import db


def run(app, *args):
    return app.test_cli_runner().invoke(main, list(args), catch_exceptions=False)


def test_codes_search_json(app):
    result = run(app, "codes", "search", "fracture", "shaft", "radius", "left", "--date", "2025-10-01", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["results"][0]["code"].startswith("S523") and data["total"] > 10


def test_codes_show_json(app):
    result = run(app, "codes", "show", "E11.A", "--date", "2025-06-01", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert {"system", "code", "description", "billable", "valid_on_date", "notes"} <= set(data)
    assert data["valid_on_date"] is False and data["billable"] is True


def test_codes_show_text_and_unknown(app):
    result = run(app, "codes", "show", "0DTJ4ZZ")
    assert "Resection of Appendix" in result.output and "Root Operation" in result.output
    missing = app.test_cli_runner().invoke(main, ["codes", "show", "E11.99"])
    assert missing.exit_code == 1 and "Did you mean: " in missing.output and "E11.9" in missing.output


def test_codes_search_bad_date(app):
    result = app.test_cli_runner().invoke(main, ["codes", "search", "E11", "--date", "June"])
    assert result.exit_code == 2 and "not a date" in result.output


def test_import_corrupt_file_names_the_line_and_changes_nothing(app, tmp_path):
    bad = tmp_path / "cpt.tsv"
    bad.write_text("99213\tA summary written for this test\nnot-a-code\tSomething\n")
    with app.app_context():
        before = db.session.execute(select(func.count(Code.id)).where(Code.system == CodeSystem.CPT)).scalar()
    result = app.test_cli_runner().invoke(main, ["import", "cpt", str(bad)])
    assert result.exit_code == 1
    assert "line 2" in result.output and "Nothing was imported." in result.output
    with app.app_context():
        after = db.session.execute(select(func.count(Code.id)).where(Code.system == CodeSystem.CPT)).scalar()
    assert after == before
