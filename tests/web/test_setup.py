"""`trainer setup` on an empty database: migrations, code sets, demo school; idempotent."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from tests.conftest import database_url, drop_database
from trainer import create_app
from trainer.cli import main
from trainer.codes.tables import Code, CodeNote, CodeSetRelease, MueEdit, NcciPtpEdit
from trainer.db_base import Base
from trainer.extensions import db
from trainer.models import User
from trainer.setup import DEMO_ACCOUNTS


def counts():
    return {model.__name__: db.session.execute(select(func.count()).select_from(model)).scalar()
            for model in (Code, CodeNote, CodeSetRelease, NcciPtpEdit, MueEdit, User)}


def test_setup_migrates_loads_and_is_idempotent(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAINER_INSTANCE_PATH", str(tmp_path / "instance"))
    url = database_url("setup", tmp_path)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "k", "SEARCH_WARMUP": False})
    try:
        first = app.test_cli_runner().invoke(main, ["setup"], catch_exceptions=False)
        assert first.exit_code == 0, first.output
        for account in DEMO_ACCOUNTS:
            assert account.email in first.output and account.password in first.output
        with app.app_context():
            # The migrations build exactly the schema the models describe.
            with db.engine.connect() as con:
                assert compare_metadata(MigrationContext.configure(con), Base.metadata) == []
            loaded = counts()
            assert loaded["Code"] > 160_000 and loaded["CodeNote"] > 20_000 and loaded["User"] == 4
        second = app.test_cli_runner().invoke(main, ["setup"], catch_exceptions=False)
        assert second.exit_code == 0
        assert "loaded " not in second.output.replace("already loaded", "")
        assert "(created)" not in second.output
        with app.app_context():
            assert counts() == loaded
            demo = db.session.execute(select(User).where(User.email == DEMO_ACCOUNTS[-1].email)).scalar_one()
            assert demo.check_password(DEMO_ACCOUNTS[-1].password)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop_database(url)
