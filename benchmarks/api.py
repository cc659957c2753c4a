"""API speed, side by side in one run (same process, same SQLite data):

1. a list of 25 products with fields= through the API, vs the same query written by hand
   with SQLAlchemy and jsonify (goal: the API at least 0.5x the hand-written speed);
2. revalidating that list with If-None-Match (304) vs fetching it in full (200)
   (goal: the 304 at least 2x faster).

Repeated requests for one representation are served from the shared cache (keyed by
ETag); each case is also measured built afresh, as after a change, with the cache empty.

Run: python benchmarks/api.py [--products N] [--rounds N]
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

from flask import jsonify
from sqlalchemy import select

from atrium import create_app
from atrium import seed
from atrium.extensions import cache
from atrium.extensions import db
from atrium.models import Product

QUERY = "/api/v1/products?limit=25&sort=price&price[gte]=10"
URL = QUERY + "&fields=id,name,price,stock"  # the sparse list
FULL = QUERY  # every field: what a client revalidates when it caches the whole list


def timed(calls: dict, rounds: int, batches: int = 10) -> dict[str, float]:
    """Seconds per call, best batch of each; the batches of the contenders alternate, so a
    busy moment on a shared machine weighs on all of them alike."""
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(batches):
        for name, call in calls.items():
            start = time.perf_counter()
            for _ in range(rounds):
                call()
            best[name] = min(best[name], (time.perf_counter() - start) / rounds)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the request log would dominate
    folder = Path(tempfile.mkdtemp(prefix="atrium-bench-"))
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": str(folder),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "RATELIMIT_ENABLED": False,
        }
    )

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

    with app.app_context():
        db.create_all()
        seed.seed_demo()
        db.session.commit()
        seed.seed_bulk(args.products, 0)
    client = app.test_client()
    full = client.get(URL)
    assert full.status_code == 200 and len(full.json["data"]) == 25, full.json
    etag = client.get(FULL).headers["ETag"]
    assert client.get(FULL, headers={"If-None-Match": etag}).status_code == 304
    assert len(client.get("/bench/products").json["data"]) == 25

    times = timed(
        {
            "api": lambda: client.get(URL),
            "hand": lambda: client.get("/bench/products"),
            "german": lambda: client.get(URL + "&lang=de"),
            "whole": lambda: client.get(FULL),
            # The same, built afresh (first request after a change: nothing in the cache).
            "api_built": lambda: (cache.clear(), client.get(URL)),
            "whole_built": lambda: (cache.clear(), client.get(FULL)),
            "revalidate": lambda: client.get(FULL, headers={"If-None-Match": etag}),
        },
        args.rounds,
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
    print(f"  built afresh vs by hand: {hand / built:.2f}x   (goal >= 0.5x)\n")
    print(f"{'API list, 25 products, full 200':38}{whole * 1000:12.2f}")
    print(f"{'same, If-None-Match -> 304':38}{revalidate * 1000:12.2f}")
    print(f"  304 faster than 200 by: {whole / revalidate:.2f}x   (goal >= 2x)")
    whole_built = times["whole_built"]
    print(f"{'  full 200 built afresh (no cache)':38}{whole_built * 1000:12.2f}")
    print(f"  304 faster than a built 200 by: {whole_built / revalidate:.2f}x   (goal >= 2x)")


if __name__ == "__main__":
    main()
