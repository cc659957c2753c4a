"""Pages: speed of our page serving, measured side by side in one run.

Prints four ratios, each next to the goal of the site issue:

1. warm page GET vs a bare Flask view returning a constant, in the same app (≥ 0.7×);
2. a 304 answer (If-None-Match) vs that same bare view (≥ 0.9×);
3. a page GET at 10,000 pages vs at 100 pages, with edit detection on (within 1.2×);
   stock Flask-FlatPages with auto-reload is measured too, for context;
4. cold start to the first page at 10,000 pages: stock Flask-FlatPages' first access
   (walk, parse every file, build a navigation from the headers, render the page) vs
   ours (create_app + first GET) (≥ 6× faster).

Requests go straight to the WSGI app (no test-client overhead hides our cost). Each timing
is the best of several rounds, alternating the contenders, so noise hits both alike.

Run: `python benchmarks/pages.py` (about a minute; writes its page trees to a temp folder).
"""

from __future__ import annotations

import io
import logging
import sys
import tempfile
import time
from pathlib import Path

from flask import Flask
from flask_flatpages import FlatPages
from timing import best_per_call
from timing import print_ratios
from werkzeug.test import EnvironBuilder

from atrium import create_app

PARAGRAPH = (
    "Atrium keeps your website, your back-office and your API in one place. "
    "This paragraph is filler text of a realistic length for a documentation page. "
)


def write_pages(root: Path, count: int) -> Path:
    """`count` English pages in sections of 100, plus a few German ones."""
    pages = root / "pages"
    (pages / "en").mkdir(parents=True)
    (pages / "de").mkdir()
    (pages / "en" / "index.md").write_text("---\ntitle: Home\nnav: true\n---\n# Home\n\nHi.\n")
    (pages / "de" / "index.md").write_text("---\ntitle: Start\nnav: true\n---\n# Start\n")
    sections = max(1, count // 100)
    for s in range(sections):
        folder = pages / "en" / f"section-{s}"
        folder.mkdir()
        (folder / "index.md").write_text(
            f"---\ntitle: Section {s}\norder: {s}\nnav: {'true' if s < 5 else 'false'}\n---\n"
            f"# Section {s}\n\n{PARAGRAPH}\n"
        )
        for n in range(min(100, count) - 1):
            (folder / f"page-{n}.md").write_text(
                f"---\ntitle: Page {s}-{n}\ndescription: A page about topic {n}.\n"
                f"order: {n}\nnav: false\ndate: 2026-01-{n % 28 + 1:02d}\n---\n"
                f"# Page {s}-{n}\n\n{PARAGRAPH * 3}\n\n## Details\n\n{PARAGRAPH * 2}\n\n"
                "```python\nprint('hello')\n```\n"
            )
    return pages


def atrium_app(pages: Path, tmp: Path) -> Flask:
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "PAGES_ROOT": str(pages),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}",
            "INSTANCE_PATH": str(tmp / "instance"),
        }
    )

    @app.get("/bare")
    def bare():
        return "ok"

    return app


def wsgi_caller(app: Flask, path: str, headers: dict | None = None):
    environ = EnvironBuilder(path=path, headers=headers or {}).get_environ()
    status = []

    def start_response(code, _headers, exc_info=None):
        status.append(code)

    def call() -> str:
        body = b"".join(app.wsgi_app(dict(environ, **{"wsgi.input": io.BytesIO()}), start_response))
        del body
        return status.pop()

    return call


def stock_first_access(pages: Path, page: str) -> float:
    """Stock Flask-FlatPages: first page plus a navigation from the headers."""
    start = time.perf_counter()
    app = Flask("stock")
    app.config.update(
        FLATPAGES_ROOT=str(pages / "en"), FLATPAGES_EXTENSION=".md", FLATPAGES_AUTO_RELOAD=False
    )
    flat = FlatPages(app)
    with app.test_request_context():
        found = flat.get(page)
        nav = sorted((p for p in flat if p.meta.get("nav")), key=lambda p: p.meta.get("order", 0))
        assert found is not None and found.html and nav
    return time.perf_counter() - start


def stock_auto_reload(pages: Path, page: str, n: int) -> float:
    app = Flask("stock-reload")
    app.config.update(
        FLATPAGES_ROOT=str(pages / "en"), FLATPAGES_EXTENSION=".md", FLATPAGES_AUTO_RELOAD=True
    )
    flat = FlatPages(app)

    @app.get("/<path:path>")
    def show(path):
        return flat.get_or_404(path).html

    call = wsgi_caller(app, "/" + page)
    call()
    start = time.perf_counter()
    for _ in range(n):
        call()
    return (time.perf_counter() - start) / n


def main() -> None:
    logging.getLogger("atrium").setLevel(logging.WARNING)
    import warnings

    warnings.simplefilter("ignore", DeprecationWarning)  # stock auto-reload warns per request
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        small = write_pages(tmp / "small", 100)
        large = write_pages(tmp / "large", 10_000)
        page = "section-0/page-7"
        print(f"pages: 100 in {small}, 10,000 in {large}", file=sys.stderr)

        # 1 and 2: warm page, 304 and bare view, same app.
        app_small = atrium_app(small, tmp / "s")
        warm = wsgi_caller(app_small, "/en/" + page)
        assert warm().startswith("200")
        with app_small.test_client() as client:
            etag = client.get("/en/" + page).headers["ETag"]
        not_modified = wsgi_caller(app_small, "/en/" + page, {"If-None-Match": etag})
        assert not_modified().startswith("304")
        bare = wsgi_caller(app_small, "/bare")
        times = best_per_call({"bare": bare, "page": warm, "304": not_modified}, n=2000, rounds=5)

        # 4. Cold start: a new app on the large tree. Libraries are imported already (by the
        # small app above) for both contenders, so this measures the pages, not imports.
        start = time.perf_counter()
        app_large = atrium_app(large, tmp / "l")
        first = wsgi_caller(app_large, "/en/" + page)()
        ours_cold = time.perf_counter() - start
        assert first.startswith("200"), first
        stock_cold = stock_first_access(large, page)

        # 3. Scale: the same page at 100 and at 10,000 pages, edit detection on.
        warm_large = wsgi_caller(app_large, "/en/" + page)
        warm_large()
        # Long enough that the once-a-second freshness check runs inside the measurement.
        scale = best_per_call({"100": warm, "10000": warm_large}, n=3000, rounds=5)
        stock_reload = stock_auto_reload(large, page, n=10)

    rows = [
        (
            "warm page GET vs bare view (throughput)",
            times["bare"] / times["page"],
            "≥ 0.7×",
            f"page {times['page'] * 1e6:.0f} µs, bare {times['bare'] * 1e6:.0f} µs",
        ),
        (
            "304 vs bare view (throughput)",
            times["bare"] / times["304"],
            "≥ 0.9×",
            f"304 {times['304'] * 1e6:.0f} µs",
        ),
        (
            "page GET cost at 10,000 pages / at 100",
            scale["10000"] / scale["100"],
            "≤ 1.2×",
            f"{scale['10000'] * 1e6:.0f} µs vs {scale['100'] * 1e6:.0f} µs; stock auto-reload "
            f"at 10,000: {stock_reload * 1e3:.0f} ms a request",
        ),
        (
            "cold start to first page, stock / ours",
            stock_cold / ours_cold,
            "≥ 6×",
            f"stock {stock_cold:.2f} s, ours {ours_cold:.2f} s (create_app included)",
        ),
    ]
    print_ratios(rows)


if __name__ == "__main__":
    main()
