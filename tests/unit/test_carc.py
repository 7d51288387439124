"""CARC/RARC descriptions: the starter list is the official rows, and the codes the 835 tests use are in use."""
from __future__ import annotations

import csv
import datetime as dt

import pytest

from code_sets.base import STARTER_DIR
from code_sets.build_carc_starter import OFFICIAL, STARTER, active_rows
from trainer.claims.carc import describe, is_active

from .remittances import SAMPLES


def codes_used() -> set[tuple[str, str]]:
    used = set()
    for make in SAMPLES.values():
        for claim in make().claims:
            for item in (claim, *claim.services):
                used |= {("carc", a.reason) for a in item.adjustments} | {("group", a.group) for a in item.adjustments}
                used |= {("rarc", r) for r in item.remarks}
    return used


def test_every_code_the_835_tests_use_is_in_use():
    used = codes_used()
    assert {kind for kind, _ in used} == {"carc", "rarc", "group"} and len(used) > 15
    for kind, code in sorted(used):
        assert describe(kind, code), (kind, code)
        for day in (dt.date(2025, 1, 2), dt.date(2025, 4, 2)):
            assert is_active(kind, code, on=day), (kind, code, day)


def test_the_starter_rows_are_the_official_rows(shared_data):
    fields, official = active_rows(shared_data / OFFICIAL)
    with open(STARTER_DIR / STARTER, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(line for line in fh if not line.startswith("#"))
        starter = list(reader)
    assert reader.fieldnames == fields and starter == official
    kinds = {row["adj_type"] for row in starter}
    assert kinds == {"Group", "CARC", "RARC"} and sum(row["adj_type"] == "Group" for row in starter) == 5


def test_descriptions_and_dates(shared_data):
    assert describe("carc", "45").startswith("Charge exceeds fee schedule")
    assert describe("GROUP", "pr") == "Patient Responsibility"
    assert describe("rarc", "M15").startswith("Separately billed services")
    assert describe("carc", "M15") is None and describe("rarc", "NOPE") is None
    assert not is_active("carc", "45", on=dt.date(1994, 12, 31))  # before the code list began
    with open(shared_data / OFFICIAL, newline="", encoding="utf-8") as fh:
        retired = next(row for row in csv.DictReader(fh) if row["adj_type"] == "CARC" and row["adj_end_date"])
    assert describe("carc", retired["adj_code"]) is None
    assert not is_active("carc", retired["adj_code"], on=dt.date(2000, 1, 1))  # not shipped: no longer in use
    with pytest.raises(ValueError, match="kind"):
        describe("remark", "M15")
