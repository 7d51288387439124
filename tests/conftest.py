"""Shared fixtures.

The suite runs on SQLite by default and on PostgreSQL when
TRAINER_TEST_DATABASE_URL is set. Each group of tests gets its own database
(SQLite: a file; PostgreSQL: a schema of the given database), so they never
step on each other. Tables are created with ``create_all`` here (tests only;
the app itself always migrates with Alembic, and a test checks that the
migrations build the same schema).
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

import trainer.models  # noqa: F401  (registers every table)
from trainer.config import normalise_db_url
from trainer.db_base import Base

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("TRAINER_SHARED_DATA") or PROJECT_ROOT.parent / "shared" / "data")
PASSWORD = "correct-horse-battery"


def database_url(name: str, tmp_dir: Path) -> str:
    """A clean, empty database for one group of tests."""
    base = os.environ.get("TRAINER_TEST_DATABASE_URL")
    if not base:
        return "sqlite:///" + str(tmp_dir / f"{name}.db")
    base = normalise_db_url(base)
    schema = f"t_{name}_{os.getpid()}"
    eng = create_engine(base, isolation_level="AUTOCOMMIT")
    with eng.connect() as con:
        con.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        con.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng.dispose()
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote('-csearch_path=' + schema)}"


def drop_database(url: str) -> None:
    match = re.search(r"search_path%3D(t_[A-Za-z0-9_]+)", url)
    if match:
        eng = create_engine(url.split("?")[0], isolation_level="AUTOCOMMIT")
        with eng.connect() as con:
            con.execute(text(f'DROP SCHEMA IF EXISTS "{match.group(1)}" CASCADE'))
        eng.dispose()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.fail(f"official data files expected at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture()
def engine(tmp_path):
    """A fresh, empty database with every table, for pure-package tests."""
    url = database_url("unit", tmp_path)
    eng = create_engine(url)
    Base.metadata.create_all(eng)
    yield eng
    eng.dispose()
    drop_database(url)


@pytest.fixture()
def session(engine):
    with Session(engine) as s:
        yield s
