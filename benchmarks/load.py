"""Throughput of 2 gunicorn workers vs 1, on PostgreSQL, for a page and an API list.

    python benchmarks/load.py [--seconds 8] [--connections 8]

Needs PostgreSQL (DATABASE_URL, default postgresql+psycopg://postgres@127.0.0.1/atrium_bench;
the database is created, migrated and seeded when missing) and `wrk` (apt-get install wrk)
for the load; only loopback is used. Both runs happen here, side by side, and the ratio is
printed with the goal next to it (≥ 1.2× on a 2-core machine, zero errors).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from support import ensure_database  # noqa: E402
from support import gunicorn  # noqa: E402

DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/atrium_bench"
PATHS = {"page": "/en/about", "api": "/api/v1/products?limit=25&fields=id,name,price"}


def prepare(env: dict[str, str]) -> None:
    ensure_database(env["DATABASE_URL"])
    code = "from atrium.bootstrap import prepare; from run import app; prepare(app)"
    subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def warm(url: str, workers: int) -> None:
    for path in PATHS.values():  # every worker builds its caches before the clock runs
        for _ in range(workers * 4):
            urllib.request.urlopen(url + path, timeout=5).close()


def load(url: str, seconds: int, connections: int) -> tuple[float, int]:
    """(requests per second, errors) from wrk."""
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return rate, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("benchmarks/load.py needs wrk: apt-get install wrk")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATRIUM_")}
    env.setdefault("DATABASE_URL", DEFAULT_DB)
    env.setdefault("SECRET_KEY", "benchmark")
    env["ATRIUM_ENV"] = "production"
    prepare(env)
    results: dict[tuple[str, int], tuple[float, int]] = {}
    for workers in (1, 2):
        with gunicorn(workers, env) as base:
            warm(base, workers)
            for name, path in PATHS.items():
                results[name, workers] = load(base + path, args.seconds, args.connections)
    print(f"{'':6} {'1 worker':>12} {'2 workers':>12} {'ratio':>7}  goal   errors")
    for name in PATHS:
        (one, e1), (two, e2) = results[name, 1], results[name, 2]
        ratio = two / one
        verdict = "ok" if ratio >= 1.2 and not (e1 or e2) else "MISSED"
        print(f"{name:6} {one:10.0f}/s {two:10.0f}/s {ratio:6.2f}×  ≥1.2×  {e1 + e2}  {verdict}")


if __name__ == "__main__":
    main()
