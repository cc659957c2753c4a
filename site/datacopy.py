"""`flask db copy --to URL`: move every row to another database (SQLite → PostgreSQL).

The target is migrated to the latest schema first and must be empty. Tables are copied in
dependency order, in batches, with Core statements: rows keep their ids and versions, and
no audit entries are written for the copy (the audit log itself is copied). Columns that
point into their own table (a category's parent) are filled in a second pass, so the order
of rows never trips a foreign key. PostgreSQL sequences are moved past the copied ids.
"""

from __future__ import annotations

from collections.abc import Callable

import click
import sqlalchemy as sa
from flask import Flask
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy.exc import ArgumentError
from sqlalchemy.exc import NoSuchModuleError
from sqlalchemy.exc import OperationalError

from .extensions import db

BATCH = 5_000
EXAMPLE_URL = "such as postgresql+psycopg://user:password@host/atrium"


def _self_references(table: sa.Table) -> list[str]:
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def copy_database(
    source: sa.Engine, target: sa.Engine, progress: Callable[[int], None] = lambda n: None
) -> dict[str, int]:
    """Copy every table of the models from `source` to `target`; returns rows per table."""
    counts: dict[str, int] = {}
    with source.connect() as reading, target.begin() as writing:
        for table in db.metadata.sorted_tables:
            deferred = _self_references(table)
            pk = list(table.primary_key.columns)
            copied = 0
            result = reading.execution_options(yield_per=BATCH).execute(
                sa.select(table).order_by(*pk)
            )
            for rows in result.mappings().partitions():
                batch = [dict(row) | {name: None for name in deferred} for row in rows]
                writing.execute(table.insert(), batch)
                copied += len(batch)
                progress(len(batch))
            for name in deferred:
                linked = reading.execute(
                    sa.select(*pk, table.c[name]).where(table.c[name].is_not(None))
                ).all()
                for row in linked:
                    writing.execute(
                        table.update()
                        .where(*(c == v for c, v in zip(pk, row[:-1], strict=True)))
                        .values({name: row[-1]})
                    )
            counts[table.name] = copied
        if target.dialect.name == "postgresql":
            for table in db.metadata.sorted_tables:
                if "id" in table.c and table.c.id.autoincrement:
                    writing.execute(
                        sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                        )
                    )
    return counts


def _target(url: str) -> tuple[Flask, sa.Engine]:
    """An app and engine on `url`; a URL SQLAlchemy cannot use is one sentence."""
    from . import create_app

    if not url:  # an empty URL would mean the configured database: the source itself
        raise click.ClickException(f"--to needs a database URL, {EXAMPLE_URL}.")
    try:
        target_app = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": current_app.config["SECRET_KEY"]}
        )
        with target_app.app_context():
            return target_app, db.engine
    except NoSuchModuleError as e:
        raise click.ClickException(f"SQLAlchemy cannot use this kind of database ({e}).") from None
    except ArgumentError:
        raise click.ClickException(f"--to is not a database URL, {EXAMPLE_URL}.") from None
    except ImportError as e:
        raise click.ClickException(
            f"The database driver {e.name or e} is not installed; install it or use another URL."
        ) from None


@click.command("copy")
@click.option("--to", "url", required=True, help="SQLAlchemy URL of the empty target database.")
@with_appcontext
def copy_command(url: str) -> None:
    """Copy all data to another database (migrated to the latest schema first)."""
    from .bootstrap import describe_database
    from .config import _driver_url

    url = _driver_url(url.strip())
    target_app, target = _target(url)
    try:
        with target_app.app_context():
            try:
                upgrade(directory=target_app.extensions["migrate"].directory)
            except OperationalError:
                raise click.ClickException(f"Cannot reach {describe_database(url)}.") from None
        with target.connect() as connection:
            for table in db.metadata.sorted_tables:
                if connection.scalar(sa.select(sa.func.count()).select_from(table)):
                    raise click.ClickException(
                        f"The target database is not empty (table {table.name} has rows)."
                    )
        source = db.engine
        with source.connect() as connection:
            total = sum(
                connection.scalar(sa.select(sa.func.count()).select_from(t))
                for t in db.metadata.sorted_tables
            )
        with click.progressbar(length=total, label="Copying") as bar:
            counts = copy_database(source, target, progress=bar.update)
    finally:
        target.dispose()
    click.echo(f"Copied {sum(counts.values())} rows in {len(counts)} tables.")


def init_app(app) -> None:
    """Add `copy` to Flask-Migrate's `flask db` group."""
    from flask_migrate.cli import db as db_group

    if "copy" not in db_group.commands:
        db_group.add_command(copy_command)
