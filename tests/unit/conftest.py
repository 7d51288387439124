from __future__ import annotations

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from tests.conftest import database_url, drop_database
from trainer.db_base import Base


@pytest.fixture(scope="session")
def loaded_engine(tmp_path_factory):
    """A database with every bundled code set loaded, shared by the read-only tests."""
    from trainer.setup import load_code_sets

    url = database_url("codes", tmp_path_factory.mktemp("codes"))
    eng = create_engine(url)
    Base.metadata.create_all(eng)
    with Session(eng) as s:
        load_code_sets(s, lambda label, rows: None, lambda *a: None)
    yield eng
    eng.dispose()
    drop_database(url)


@pytest.fixture()
def codes_session(loaded_engine):
    with Session(loaded_engine) as s:
        yield s
        s.rollback()
