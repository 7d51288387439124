"""The registry the CLI uses, and `trainer setup` semantics: every starter loads once."""
from __future__ import annotations

import inspect
import subprocess
import sys

from sqlalchemy import func, select

from code_sets.registry import IMPORTERS, STARTERS
from trainer.codes.tables import Code, CodeSetRelease, CodeSystem, MueEdit, NcciPtpEdit


def counts(session):
    codes = dict(session.execute(select(Code.system, func.count()).group_by(Code.system)).all())
    return (codes,
            session.execute(select(func.count()).select_from(NcciPtpEdit)).scalar_one(),
            session.execute(select(func.count()).select_from(MueEdit)).scalar_one(),
            sorted(session.execute(select(CodeSetRelease.name, CodeSetRelease.row_count)).all()))


def test_registry_names_and_signatures():
    assert sorted(IMPORTERS) == ["aoc", "cpt", "hcpcs", "mce", "mpfs", "mue", "ncci-ptp", "pos"]
    assert [name for name, _ in STARTERS] == ["HCPCS Level II starter", "CPT starter", "Modifiers",
                                              "Place of service", "NCCI PTP starter", "MUE starter",
                                              "NCCI add-on code starter", "Medicare Code Editor lists",
                                              "Fee schedule indicators starter"]
    for fn in IMPORTERS.values():
        params = list(inspect.signature(fn).parameters)
        assert params[:2] == ["session", "path"] and "progress" in params
    for _, fn in STARTERS:
        assert list(inspect.signature(fn).parameters) == ["session", "progress"]


def test_setup_twice_loads_once(session):
    progress = []
    written = {name: fn(session, progress=lambda *a: progress.append(a)) for name, fn in STARTERS}
    assert all(n > 0 for n in written.values()), written
    codes, ptp, mue, releases = counts(session)
    assert codes[CodeSystem.CPT] == written["CPT starter"]
    assert codes[CodeSystem.HCPCS] == written["HCPCS Level II starter"]
    assert codes[CodeSystem.MODIFIER] == written["Modifiers"]
    assert codes[CodeSystem.POS] == written["Place of service"] == 52
    assert (ptp, mue) == (written["NCCI PTP starter"], written["MUE starter"])
    assert [name for name, _ in releases] == ["starter-aoc", "starter-cpt", "starter-hcpcs", "starter-mce",
                                              "starter-modifiers", "starter-mpfs", "starter-mue", "starter-ncci",
                                              "starter-pos"]
    assert progress  # the loaders report what they do
    before = counts(session)
    assert [fn(session) for _, fn in STARTERS] == [0] * len(STARTERS)
    assert counts(session) == before


def test_importers_do_not_import_flask():
    code = ("import sys, code_sets.registry, code_sets.build_starter; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'trainer')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "flask" not in result.stdout.lower()
