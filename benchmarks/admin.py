"""The back-office's product list on a large table, next to a stock Flask-Admin ModelView.

    python benchmarks/admin.py                 # 1,000,000 products in a temporary SQLite file
    python benchmarks/admin.py --rows 100000   # smaller, quicker
    DATABASE_URL=postgresql+psycopg://… python benchmarks/admin.py   # PostgreSQL (emptied!)

Both views run in the same app, on the same rows, through the test client (routing,
queries and template rendering included). Each case is timed several times after one
warm-up; the best and the median are printed, with the ratio stock / Atrium of the best
(the least disturbed by other processes). Goal: every case < 15 ms.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from flask_admin.contrib.sqla import ModelView
from sqlalchemy import func
from sqlalchemy import select

from atrium import create_app
from atrium import seed
from atrium.extensions import db
from atrium.models import Product
from atrium.models import User

GOAL_MS = 15.0
PASSWORD = "benchmark password"


class StockProductView(ModelView):
    """Flask-Admin's defaults: count(*) per page, OFFSET paging, ILIKE '%…%' search."""

    column_searchable_list = ("name", "sku")


def build_app(url: str, instance: str):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_PATH": instance,
            "SECRET_KEY": "benchmark",
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    admin = app.extensions["atrium.admin"]
    admin.add_view(StockProductView(Product, db, name="Stock", endpoint="stock"))
    return app


def fill(app, rows: int) -> None:
    with app.app_context():
        db.create_all()
        have = db.session.scalar(select(func.count()).select_from(Product))
        if have < rows:
            print(f"seeding {rows - have:,} products (a few minutes for a million)…", flush=True)
            started = time.perf_counter()
            seed.seed_bulk(rows - have, 0, batch=20_000)
            print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)
        if db.engine.dialect.name == "sqlite":
            with db.engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
        else:
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE products")
        if db.session.scalar(select(User.id).where(User.email == "bench@example.com")) is None:
            user = User(email="bench@example.com", role="viewer")
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()


def sort_index(app, endpoint: str, column: str) -> int:
    view = next(v for v in app.extensions["atrium.admin"]._views if v.endpoint == endpoint)
    names = [name for name, _label in view._list_columns]
    return names.index(column)


def timed(client, url: str, repeat: int) -> tuple[float, float]:
    response = client.get(url)  # warm-up (and a check that the page works)
    assert response.status_code == 200, (url, response.status_code)
    assert re.search(r"<td", response.text), url
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return min(times), statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", help="reuse/keep this SQLite file instead of a temporary one")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="atrium-bench-")
    url = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(args.keep).resolve() if args.keep else Path(workdir) / "b.db")
    )
    os.environ.pop("DATABASE_URL", None)
    app = build_app(url, workdir)
    fill(app, args.rows)
    client = app.test_client()
    login = client.post("/admin/login", data={"email": "bench@example.com", "password": PASSWORD})
    assert login.status_code == 302, "benchmark login failed"

    page = 20_000
    # Atrium's pager is next/previous: page 20,000 is reached by the "next" link of page
    # 19,999, which carries a keyset cursor. Taking that link from the rendered page is
    # the setup (not timed); stock Flask-Admin's link is a plain ?page=.
    previous = client.get(f"/admin/product/?page={page - 2}").text
    next_link = re.search(
        r'<li class="page-item">\s*<a class="page-link" href="([^"]+)">&gt;', previous
    )
    assert next_link, "no next link on page 19,999"
    cursor_path = next_link.group(1).replace("&amp;", "&").removeprefix("/admin/product")
    cases = {
        "first page": ("/?", "/?"),
        f"page {page:,}": (f"/?page={page - 1}", cursor_path),
        "sorted by name": ("/?sort={name}", "/?sort={name}"),
        "searched by name": ("/?search=blue", "/?search=blue"),
        "page 20,000 typed": (f"/?page={page - 1}", f"/?page={page - 1}"),
    }
    with app.app_context():
        dialect = db.engine.dialect.name
    print(f"\n{args.rows:,} products on {dialect}; best / median of {args.repeat} runs, ms")
    print(f"{'case':<20}{'stock':>16}{'Atrium':>16}{'ratio':>8}   goal < {GOAL_MS:.0f} ms")
    failed = False
    for label, templates in cases.items():
        row = []
        for endpoint, template in zip(("stock", "product"), templates, strict=True):
            path = template.format(name=sort_index(app, endpoint, "name"))
            row.append(timed(client, f"/admin/{endpoint}{path}", args.repeat))
        (stock, stock_median), (ours, ours_median) = row
        ok = ours < GOAL_MS
        if label.endswith("typed"):  # not offered by the pager: shown, not judged
            print(
                f"{label:<20}{stock:>8.1f} /{stock_median:>6.1f}{ours:>8.1f} /{ours_median:>6.1f}"
                f"{stock / ours:>7.1f}x   (a typed ?page= without cursor uses OFFSET)"
            )
            continue
        failed |= not ok
        print(
            f"{label:<20}{stock:>8.1f} /{stock_median:>6.1f}{ours:>8.1f} /{ours_median:>6.1f}"
            f"{stock / ours:>7.1f}x   {'ok' if ok else 'MISSED'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
