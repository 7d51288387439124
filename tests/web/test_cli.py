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


def test_check_prints_findings_as_json(app, tmp_path):
    encounter = tmp_path / "enc.json"
    encounter.write_text(json.dumps({
        "date_of_service": "2025-11-12", "setting": "office", "patient": {"sex": "F", "birth_date": "1950-01-01"},
        "diagnoses": ["W19.XXXA", "S52.521A"],
        "procedures": [{"code": "20610", "modifiers": ["25"], "units": 3, "dx_pointers": [1]}], "facts": {}}))
    result = run(app, "check", str(encounter), "--json")
    assert result.exit_code == 0
    findings = json.loads(result.output)
    rules = {f["rule"] for f in findings}
    assert {"B6.external-cause-first", "E2.modifier-25", "D2.mue"} <= rules
    assert all({"rule", "severity", "message"} <= set(f) for f in findings)
    assert any(f.get("line") == 1 for f in findings)


def test_check_unreadable_input_fails_clearly(app, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = app.test_cli_runner().invoke(main, ["check", str(broken)])
    assert result.exit_code == 1 and "not valid JSON" in result.output
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"date_of_service": "2025-13-01"}))
    result = app.test_cli_runner().invoke(main, ["check", str(wrong)])
    assert result.exit_code == 1 and "date_of_service" in result.output


def test_exercises_list_key_and_grade_round_trip(app, tmp_path):
    listed = json.loads(run(app, "exercises", "list", "--json").stdout)
    assert listed and {"id", "kind", "title", "setting", "tags"} <= set(listed[0])
    exercise_id = listed[0]["id"]
    key = run(app, "exercises", "key", exercise_id, "--json")
    assert key.exit_code == 0
    answer = tmp_path / "answer.json"
    answer.write_text(key.stdout)
    graded = json.loads(run(app, "grade", exercise_id, str(answer), "--json").stdout)
    assert graded["score"] == graded["max_score"] > 0 and graded["findings"] == []
    data = json.loads(key.stdout)
    data["diagnoses"] = data["diagnoses"][1:] + ["R69"]
    answer.write_text(json.dumps(data))
    worse = json.loads(run(app, "grade", exercise_id, str(answer), "--json").stdout)
    assert worse["score"] < worse["max_score"]
    assert all({"rule", "severity", "expected", "given", "message", "reference"} <= set(f) for f in worse["findings"])


def test_exams_blueprints_and_questions_commands(app):
    blueprints = json.loads(run(app, "exams", "blueprints", "--json").stdout)
    cpc = next(b for b in blueprints if b["id"] == "cpc")
    assert {"id", "items", "scored_items", "minutes", "pass_mark", "sections"} <= set(cpc)
    assert all("items" in s for s in cpc["sections"])
    listed = json.loads(run(app, "questions", "list", "--json").stdout)
    assert listed and {"id", "exams", "section"} <= set(listed[0])
    checked = run(app, "questions", "validate")
    assert checked.exit_code == 0 and "0 problem(s)" in checked.stdout


def test_exams_sweep_submits_overdue_sittings(app, make_user):
    import datetime as dt

    from trainer.exams.sittings import start_exam
    from trainer.models import BlueprintRecord

    learner = make_user()
    record = db.session.get(BlueprintRecord, "cpc")
    sitting = start_exam(db.session, learner, record, now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=5))
    out = run(app, "exams", "sweep")
    assert out.exit_code == 0 and "exam(s) submitted" in out.stdout
    db.session.refresh(sitting)
    assert sitting.submitted and sitting.auto_submitted
    assert run(app, "exams", "sweep").stdout.startswith("0 ")


def test_the_server_sweeper_thread_submits_at_the_deadline(app, make_user):
    import datetime as dt
    import time

    from trainer.exams.background import start_sweeper
    from trainer.exams.sittings import start_exam
    from trainer.models import BlueprintRecord

    learner = make_user()
    sitting = start_exam(db.session, learner, db.session.get(BlueprintRecord, "cpb"),
                         now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=5))
    thread = start_sweeper(app, every_seconds=0.05)
    try:
        for _ in range(100):
            db.session.expire_all()
            if db.session.get(type(sitting), sitting.id).submitted:
                break
            time.sleep(0.05)
    finally:
        thread.stop.set()
        thread.join(2)
    assert db.session.get(type(sitting), sitting.id).auto_submitted


def test_claims_show_check_x12_and_read_round_trip(app, tmp_path):
    shown = run(app, "claims", "show", "--exercise", "em-ed-chest-pain-rule-out-acs", "--json")
    assert shown.exit_code == 0, shown.output
    claim = json.loads(shown.stdout)
    assert claim["billing"]["npi"] and claim["lines"] and claim["total"]
    path = tmp_path / "claim.json"
    path.write_text(json.dumps(claim))
    checked = run(app, "claims", "check", str(path), "--json")
    assert checked.exit_code == 0 and [f for f in json.loads(checked.stdout) if f["severity"] != "warn"] == []
    claim["billing"]["npi"] = "1093791627"
    claim["total_charge"] = "1.00"
    path.write_text(json.dumps(claim))
    rules = {f["rule"] for f in json.loads(run(app, "claims", "check", str(path), "--json").stdout)}
    assert {"F4.npi", "F7.charges"} <= rules
    x12 = run(app, "claims", "x12", str(path))
    assert x12.exit_code == 0 and x12.stdout.startswith("ISA*") and "SV1*HC:" in x12.stdout
    (tmp_path / "claim.x12").write_text(x12.stdout)
    back = json.loads(run(app, "claims", "read", str(tmp_path / "claim.x12"), "--json").stdout)
    assert back["billing"]["npi"] == "1093791627" and back["total_charge"] == "1.00"
    assert back["lines"] == claim["lines"] and back["diagnoses"] == claim["diagnoses"]


def test_claims_commands_fail_clearly_on_bad_input(app, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"claim_id": "X"}')
    out = app.test_cli_runner().invoke(main, ["claims", "check", str(bad)])
    assert out.exit_code != 0 and "payer" in out.output
    junk = tmp_path / "junk.x12"
    junk.write_text("ISA*00~GS*HC~")
    out = app.test_cli_runner().invoke(main, ["claims", "read", str(junk)])
    assert out.exit_code != 0 and "not a readable 837P, 837I or 835" in out.output
    out = app.test_cli_runner().invoke(main, ["claims", "x12", "--exercise", "no-such-exercise"])
    assert out.exit_code != 0 and "no exercise" in out.output


def test_claims_show_check_and_x12_give_the_ub04_of_an_inpatient_exercise(app, tmp_path):
    from trainer.claims.x12_837i import read_837i

    shown = run(app, "claims", "show", "--exercise", "ip-hip-fracture-orif-fall", "--json")
    assert shown.exit_code == 0, shown.output
    claim = json.loads(shown.stdout)
    assert claim["type_of_bill"] == "0111" and claim["principal"] == {"code": "S72141A", "poa": "Y"}
    path = tmp_path / "ub04.json"
    path.write_text(shown.stdout)
    checked = run(app, "claims", "check", str(path), "--json")
    assert checked.exit_code == 0 and [f for f in json.loads(checked.stdout) if f["severity"] != "warn"] == []
    written = run(app, "claims", "x12", str(path))
    assert "CL1*1*1*03~" in written.stdout and read_837i(written.stdout).principal.code == "S72141A"
    assert run(app, "claims", "x12", "--exercise", "ip-hip-fracture-orif-fall").stdout == written.stdout
    claim["external_causes"][1]["poa"] = "1"  # the 4010 exempt flag
    path.write_text(json.dumps(claim))
    assert "G6.poa" in {f["rule"] for f in json.loads(run(app, "claims", "check", str(path), "--json").stdout)}
