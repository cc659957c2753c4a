"""Moving data from SQLite to another database with `flask db copy --to`."""

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from support import PG_URL
from support import ensure_database
from support import require_service

from atrium import seed
from atrium.extensions import db
from atrium.models import Category
from atrium.models import Product


@pytest.fixture
def source(make_app, tmp_path):
    """A migrated SQLite database with the demo content and a child category."""
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'source.db'}")
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        seed.seed_demo()
        parent = db.session.scalar(sa.select(Category).where(Category.slug == "office"))
        # A child with a lower id than its parent: the copy must not trip on the order.
        db.session.add(Category(id=0, slug="pens", name="Pens", parent=parent))
        db.session.commit()
    return app


def _counts(engine):
    with engine.connect() as connection:
        return {
            t.name: connection.scalar(sa.select(sa.func.count()).select_from(t))
            for t in db.metadata.sorted_tables
        }


def _copy_and_check(source, target_url):
    result = source.test_cli_runner().invoke(args=["db", "copy", "--to", target_url])
    assert result.exit_code == 0, result.output
    assert "Copied" in result.output
    with source.app_context():
        expected = _counts(db.engine)
    target = sa.create_engine(target_url)
    assert _counts(target) == expected
    with target.connect() as connection:
        assert (
            connection.scalar(sa.select(Category.parent_id).where(Category.slug == "pens"))
            is not None
        )
    target.dispose()
    again = source.test_cli_runner().invoke(args=["db", "copy", "--to", target_url])
    assert again.exit_code == 1 and "not empty" in again.output


def test_copy_to_another_sqlite_file(source, tmp_path):
    _copy_and_check(source, f"sqlite:///{tmp_path / 'target.db'}")


@pytest.mark.postgres
def test_copy_to_postgresql_keeps_ids_and_sequences(source, make_app):
    if not PG_URL:
        require_service("PostgreSQL (ATRIUM_TEST_DATABASE_URL)")
    url = sa.engine.make_url(PG_URL)
    url = url.set(database=f"{url.database}_copy").render_as_string(hide_password=False)
    ensure_database(url)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    _copy_and_check(source, url)
    target = make_app(SQLALCHEMY_DATABASE_URI=url)
    with target.app_context():  # new rows get fresh ids after the copied ones
        db.session.add(Product(sku="NEW-1", slug="new-1", name="New", price=1))
        db.session.commit()
        db.engine.dispose()


def test_unreachable_target_is_one_sentence(source):
    result = source.test_cli_runner().invoke(
        args=["db", "copy", "--to", "postgresql://nobody@127.0.0.1:1/none"]
    )
    assert result.exit_code == 1
    assert "Cannot reach postgresql at 127.0.0.1:1." in result.output


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("notaurl", "Error: --to is not a database URL, such as postgresql+psycopg://"),
        (" ", "Error: --to needs a database URL, such as postgresql+psycopg://"),
        ("nosuchdb://x", "Error: SQLAlchemy cannot use this kind of database (Can't load plugin"),
        ("mysql+nosuchdriver://u@h/x", "Error: SQLAlchemy cannot use this kind of database"),
    ],
)
def test_a_target_that_is_no_usable_url_is_one_sentence(source, url, said):
    result = source.test_cli_runner().invoke(args=["db", "copy", "--to", url])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.startswith(said) and len(result.output.splitlines()) == 1
