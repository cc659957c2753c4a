"""A page of the product list walks the index of its sort column, whatever the table size.

Checked through SQLite's query plans (on a SQLite file of its own, in both CI legs): the
plan is what keeps a page at a few milliseconds on a million products. Without planner
statistics SQLite took `published = 1` for a selective filter and sorted every published
product for each page; `flask seed` and the first start give it statistics.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from atrium import seed
from atrium.bootstrap import prepare
from atrium.extensions import db


@pytest.fixture
def big(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'plans.db'}")
    with app.app_context():
        db.create_all()
        seed.seed_demo()
        db.session.commit()
        seed.seed_bulk(3000, 0)
    return app


def _plan_of_page_query(app, url: str) -> str:
    """The plan of the query that chose the page's rows (the one with LIMIT)."""
    seen = []
    with app.app_context():
        engine = db.engine

        def remember(conn, cursor, statement, parameters, context, executemany):
            if " LIMIT " in statement:
                seen.append((statement, parameters))

        event.listen(engine, "before_cursor_execute", remember)
        try:
            assert app.test_client().get(url).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", remember)
        statement, parameters = seen[0]
        with engine.connect() as connection:
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            return "\n".join(row[-1] for row in rows)


@pytest.mark.parametrize(
    ("sort", "index"),
    [
        ("name", "ix_products_name"),
        ("-price", "ix_products_price"),
        ("stock", "ix_products_stock"),
        ("-created_at", "ix_products_created_at"),
        ("-updated_at", "ix_products_updated_at"),
    ],
)
def test_a_sorted_page_walks_its_columns_index(big, sort, index):
    plan = _plan_of_page_query(big, f"/api/v1/products?sort={sort}&page=2&fields=id,name")
    assert f"INDEX {index}" in plan, plan
    assert "ix_products_published_category" not in plan, plan


def test_a_cursor_page_starts_in_the_index_instead_of_skipping_rows(big):
    first = big.test_client().get("/api/v1/products?sort=-price&fields=id")
    plan = _plan_of_page_query(big, first.json["links"]["next"])
    assert "INDEX ix_products_price" in plan, plan
    assert "SEARCH" in plan  # a range from the cursor on, not a scan from the start


def test_first_start_gives_sqlite_its_statistics(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'fresh.db'}")
    prepare(app)
    with app.app_context(), db.engine.connect() as connection:
        stats = connection.exec_driver_sql("SELECT tbl FROM sqlite_stat1").scalars().all()
    assert "products" in stats
