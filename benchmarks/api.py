"""API speed, side by side in one run (same process, same SQLite data):

1. a list of 25 products with fields= through the API, vs the same query written by hand
   with SQLAlchemy and jsonify (goal: the API at least 0.5x the hand-written speed);
2. revalidating that list with If-None-Match (304) vs fetching it in full (200), its body
   built (goal: the 304 at least 2x faster).

Repeated requests for one representation are served from the shared cache (keyed by
ETag); each case is also measured built afresh, as after a change, with the cache empty.

3. the same pages of the list, sorted by each sortable column, at --large products (200,000)
   vs at --products (5,000), built afresh (our aim: within 1.5x; a page walks the index of
   its sort column, so its cost should not grow with the table);
4. a deep page (the 2,000th) by number vs by the cursor of a next link, for context.

Run: python benchmarks/api.py [--products N] [--rounds N]
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from pathlib import Path

from flask import jsonify
from sqlalchemy import select
from timing import best_per_call

from atrium import create_app
from atrium import seed
from atrium.extensions import cache
from atrium.extensions import db
from atrium.models import Product

QUERY = "/api/v1/products?limit=25&sort=price&price[gte]=10"
URL = QUERY + "&fields=id,name,price,stock"  # the sparse list
FULL = QUERY  # every field: what a client revalidates when it caches the whole list


def seeded_app(products: int):
    folder = Path(tempfile.mkdtemp(prefix="atrium-bench-"))
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": str(folder),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        seed.seed_demo()
        db.session.commit()
        seed.seed_bulk(products, 0)  # ends with ANALYZE, as `flask seed` does
    return app


#: One page of the public list per sortable column, both directions, as clients page.
SORTED = [
    f"/api/v1/products?limit=25&page=3&sort={d}{key}&fields=id,name,price"
    for key in ("name", "sku", "price", "stock", "created_at", "updated_at", "id")
    for d in ("", "-")
]


def afresh(client, url: str):
    """GET `url` with that app's shared cache emptied first (as after a change)."""
    with client.application.app_context():  # each app has its own cache
        cache.clear()
    return client.get(url)


def scale(small, large, rounds: int) -> dict[str, float]:
    """Seconds per page (every sorted URL once, cache emptied first) at each size."""

    def pages(client):
        def call():
            for url in SORTED:
                assert afresh(client, url).status_code == 200, url

        return call

    times = best_per_call(
        {"small": pages(small), "large": pages(large)}, n=max(1, rounds // 10), rounds=5
    )
    return {name: t / len(SORTED) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--large", type=int, default=200_000)
    args = parser.parse_args()
    if args.products < 100 or args.large < 1000 or args.rounds < 1:
        parser.error("--products must be at least 100, --large 1000 and --rounds 1")
    logging.disable(logging.INFO)  # the request log would dominate
    app = seeded_app(args.products)

    @app.get("/bench/products")
    def by_hand():
        rows = db.session.execute(
            select(Product.id, Product.name, Product.price, Product.stock)
            .where(Product.published.is_(True), Product.price >= 10)
            .order_by(Product.price, Product.id)
            .limit(25)
        )
        return jsonify(
            data=[
                {"id": r.id, "name": r.name, "price": str(r.price), "stock": r.stock} for r in rows
            ]
        )

    client = app.test_client()
    full = client.get(URL)
    assert full.status_code == 200 and len(full.json["data"]) == 25, full.json
    etag = client.get(FULL).headers["ETag"]
    assert client.get(FULL, headers={"If-None-Match": etag}).status_code == 304
    assert len(client.get("/bench/products").json["data"]) == 25

    times = best_per_call(
        {
            "api": lambda: client.get(URL),
            "hand": lambda: client.get("/bench/products"),
            "german": lambda: client.get(URL + "&lang=de"),
            "whole": lambda: client.get(FULL),
            # The same, built afresh (first request after a change: nothing in the cache).
            "api_built": lambda: afresh(client, URL),
            "whole_built": lambda: afresh(client, FULL),
            "revalidate": lambda: client.get(FULL, headers={"If-None-Match": etag}),
        },
        n=args.rounds,
        rounds=10,
    )
    api, hand, german = times["api"], times["hand"], times["german"]
    whole, revalidate = times["whole"], times["revalidate"]

    print(f"{args.products} products; best of 10 batches of {args.rounds} requests each\n")
    print(f"{'':38}{'ms/request':>12}")
    print(f"{'API list, 25 products, fields=':38}{api * 1000:12.2f}")
    print(f"{'by hand: SQLAlchemy + jsonify':38}{hand * 1000:12.2f}")
    print(f"  API speed vs by hand: {hand / api:.2f}x   (goal >= 0.5x)")
    print(f"{'  same list with lang=de':38}{german * 1000:12.2f}")
    built = times["api_built"]
    print(f"{'  same list built afresh (no cache)':38}{built * 1000:12.2f}")
    print(f"  built afresh vs by hand: {hand / built:.2f}x   (first request after a change)\n")
    print(f"{'API list, 25 products, full 200':38}{whole * 1000:12.2f}")
    print(f"{'same, If-None-Match -> 304':38}{revalidate * 1000:12.2f}")
    print(f"  304 vs a 200 from the cache: {whole / revalidate:.2f}x   (both read only validators)")
    whole_built = times["whole_built"]
    print(f"{'  full 200 built afresh (no cache)':38}{whole_built * 1000:12.2f}")
    print(f"  304 faster than a built 200 by: {whole_built / revalidate:.2f}x   (goal >= 2x)")

    large = seeded_app(args.large)
    per_page = scale(client, large.test_client(), args.rounds)
    print(f"\n{'a sorted page, at ' + str(args.products) + ' products':38}", end="")
    print(f"{per_page['small'] * 1000:12.2f}")
    print(f"{'  the same at ' + str(args.large) + ' products':38}{per_page['large'] * 1000:12.2f}")
    ratio = per_page["large"] / per_page["small"]
    print(f"  cost at {args.large} / at {args.products}: {ratio:.2f}x   (aim <= 1.5x)")

    # A deep page of 25 (the 2,000th at 200,000 products, of the published four fifths):
    # by number the database skips every row before it; by the cursor of the page
    # before's next link, it starts in the index.
    number = min(2000, args.large // 100)
    deep = large.test_client()
    listing = "/api/v1/products?limit=25&sort=price&fields=id,name,price"
    by_number = f"{listing}&page={number}"
    by_cursor = deep.get(f"{listing}&page={number - 1}").json["links"]["next"]
    assert afresh(deep, by_number).json["data"] == afresh(deep, by_cursor).json["data"]
    depth = best_per_call(
        {"number": lambda: afresh(deep, by_number), "cursor": lambda: afresh(deep, by_cursor)},
        n=max(1, args.rounds // 5),
        rounds=5,
    )
    print(f"\n{f'page {number:,} by number (OFFSET)':38}{depth['number'] * 1000:12.2f}")
    print(f"{f'page {number:,} by cursor':38}{depth['cursor'] * 1000:12.2f}")
    print(f"  cursor faster by: {depth['number'] / depth['cursor']:.1f}x")


if __name__ == "__main__":
    main()
