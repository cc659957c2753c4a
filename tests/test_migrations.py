"""The committed migrations build exactly the schema the models describe."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask_migrate import downgrade
from flask_migrate import upgrade
from support import PG_URL
from support import ensure_database
from support import require_service

from atrium.extensions import db


def _differences(app):
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory)
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        db.engine.dispose()
    return diff


def test_migrations_match_models_on_sqlite(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'migrated.db'}")
    assert _differences(app) == []
    with app.app_context():  # and they go back down cleanly
        downgrade(directory=app.extensions["migrate"].directory, revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]


@pytest.mark.postgres
def test_migrations_match_models_on_postgresql(make_app):
    if not PG_URL:
        require_service("PostgreSQL (ATRIUM_TEST_DATABASE_URL)")
    url = sa.engine.make_url(PG_URL)
    url = url.set(database=f"{url.database}_migrations")
    ensure_database(url.render_as_string(hide_password=False))
    app = make_app(SQLALCHEMY_DATABASE_URI=url.render_as_string(hide_password=False))
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    assert _differences(app) == []
