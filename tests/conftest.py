"""Shared fixtures.

The suite runs on SQLite by default and on PostgreSQL when
TRAINER_TEST_DATABASE_URL is set. Tables are created once per run with
``create_all`` (tests only; the app itself always migrates with Alembic).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from trainer.config import normalise_db_url
from trainer.db_base import Base
import trainer.models  # noqa: F401  (registers every table)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"


def test_database_url(tmp_path_factory) -> str:
    url = os.environ.get("TRAINER_TEST_DATABASE_URL")
    if url:
        return normalise_db_url(url)
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.fail(f"official data files expected at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture()
def engine(tmp_path):
    """A fresh, empty database with every table, for pure-package tests."""
    url = os.environ.get("TRAINER_TEST_DATABASE_URL")
    url = normalise_db_url(url) if url else "sqlite:///" + str(tmp_path / "unit.db")
    eng = create_engine(url)
    Base.metadata.drop_all(eng)
    Base.metadata.create_all(eng)
    yield eng
    Base.metadata.drop_all(eng)
    eng.dispose()


@pytest.fixture()
def session(engine):
    with Session(engine) as s:
        yield s
