"""The page index: Markdown files under `pages/<locale>/`, one Flask-FlatPages instance per app.

Public contract (call inside an app context; other areas, e.g. the API, rely on it):

- `get_page(locale, path) -> Page | None`: the page of that locale, no fallback; None when
  missing, a draft, broken (malformed header, undecodable text), or at a path reserved for
  the database views (`news`, `products`, `contact`, `search`).
- `find_page(locale, path) -> (Page, served_locale) | None`: with fallback to the default
  (source) locale; `served_locale` is the locale of the page returned.
- `page_locales(path) -> list[str]`: the locales that have a (published) translation.
- `all_pages(locale) -> list[Page]`: every published page of a locale, ordered by path.

Paths: `""` is a locale's home (`index.md`), a section home is its folder name (`"docs"`
for `docs/index.md`), other pages their file path without `.md` (`"docs/install"`). The
functions also accept `"index"` and `"docs/index"`, and leading/trailing slashes.

A `Page` (a Flask-FlatPages `Page`) has `.path`, `.locale` (canonical BCP 47 tag), `.meta`
(dict, the fenced YAML header; `{}` without one), `.title` (header title, else the first
heading), `.description`, `.order`, `.nav`, `.draft`, `.date` (from the header),
`.html` (the whole body rendered, trusted), `.content_html` (without the leading `# …`,
which the page template shows itself), `.body` (Markdown source without header), `.text`
(plain text), `.toc` (headings: level, id, name), `.is_section` (an `index.md`), `.mtime`
(POSIX seconds) and `.updated` (aware UTC datetime of the file's mtime), `.version` (a
string that changes whenever the file does).

Speed: the tree is walked once; afterwards, at most once a second, the directories (their
mtime changes when a file is added, removed or renamed), the navigation files (top-level
pages and section homes) and a slice of 200 of the other files read so far are stat'ed, and
a page's own file is stat'ed when it is served (again at most once a second). So an edit
is visible within about a second on the page itself (and everywhere, for sites of up to
200 pages; larger ones cycle through the rest, 200 files a second), and the cost of a
request does not grow with the number of pages.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from flask import current_app
from flask_flatpages import FlatPages

from .. import i18n
from .parsing import EXTENSION
from .parsing import HEADER_KEYS
from .parsing import Page
from .parsing import PageError
from .parsing import parse_file
from .parsing import split_header

__all__ = [
    "EXTENSION",
    "HEADER_KEYS",
    "RESERVED",
    "Page",
    "PageError",
    "PageIndex",
    "all_pages",
    "find_page",
    "get_page",
    "index",
    "normalize_path",
    "page_locales",
    "split_header",
]

log = logging.getLogger(__name__)

#: First path segments served by the database views, never by a page.
RESERVED = frozenset({"news", "products", "contact", "search"})
REFRESH_SECONDS = 1.0
SWEEP_FILES = 200  # files re-checked per refresh, beyond directories and navigation


@dataclass
class _Tree:
    """What one walk of the pages root found."""

    files: dict[tuple[str, str], str]  # (locale, path) → file
    dirs: dict[str, int]  # directory → st_mtime_ns
    watched: dict[str, int]  # navigation files → st_mtime_ns


class PageIndex(FlatPages):
    """Flask-FlatPages with locales, fenced headers only, and an index refreshed by stat."""

    def __init__(self, app: Flask) -> None:
        app.config.setdefault("FLATPAGES_ROOT", app.config["PAGES_ROOT"])
        app.config.setdefault("FLATPAGES_EXTENSION", EXTENSION)
        # "if debug" (the default) warns on every request, and a reload re-walks the tree.
        app.config.setdefault("FLATPAGES_AUTO_RELOAD", False)
        super().__init__(app)
        self.root_path = Path(app.config["PAGES_ROOT"]).resolve()
        self._lock = threading.RLock()
        self._tree: _Tree | None = None
        self._checked_at = 0.0
        self._sweep_at = 0
        self._parsed: dict[str, tuple[str, Page | PageError]] = {}
        #: Bumped on any change seen; part of every rendered-response cache key.
        #: The cache holds rendered bodies (and per-URL shortcuts); its size is
        #: PAGES_RESPONSE_CACHE_SIZE entries (512), the oldest dropped first.
        self.generation = 0
        self.responses: OrderedDict[tuple, Any] = OrderedDict()
        self.max_responses = int(app.config.get("PAGES_RESPONSE_CACHE_SIZE", 512))
        self._signature: tuple[int, str] | None = None

    # Flask-FlatPages' own API, over our index.
    def __iter__(self):
        return iter(p for loc in i18n.supported() for p in self.all(loc))

    def get(self, path: str, default: Page | None = None) -> Page | None:  # type: ignore[override]
        locale, _, rest = path.partition("/")
        return self.page(i18n.canonical_tag(locale) or locale, rest) or default

    def reload(self) -> None:
        with self._lock:
            self._tree = None
            self._parsed.clear()
            self.responses.clear()
            self.generation += 1

    def signature(self) -> str:
        """A digest of every page file's path, time and size, made once per generation.

        Unlike `generation` (which counts what this process noticed), it is the same in
        every worker that sees the same files: the key of the shared page cache.
        """
        with self._lock:
            if self._signature is None or self._signature[0] != self.generation:
                digest = hashlib.sha256()
                for file in sorted(self.tree().files.values()):
                    with suppress(OSError):
                        stat = os.stat(file)
                        digest.update(f"{file}\0{stat.st_mtime_ns}\0{stat.st_size}\n".encode())
                self._signature = (self.generation, digest.hexdigest()[:24])
            return self._signature[1]

    # The index.
    def locale_folders(self) -> dict[str, Path]:
        """Supported locale → its folder (any case of the tag: `pt-br`, `zh_Hant`)."""
        folders: dict[str, Path] = {}
        if self.root_path.is_dir():
            for entry in sorted(os.scandir(self.root_path), key=lambda e: e.name):
                tag = i18n.canonical_tag(entry.name) if entry.is_dir() else None
                if tag and tag in i18n.supported() and tag not in folders:
                    folders[tag] = Path(entry.path)
        return folders

    def _walk(self) -> _Tree:
        files: dict[tuple[str, str], str] = {}
        dirs: dict[str, int] = {str(self.root_path): _mtime(str(self.root_path))}
        watched: dict[str, int] = {}
        root = str(self.root_path)
        for locale, folder in self.locale_folders().items():
            stack = [(str(folder), "")]
            while stack:
                directory, prefix = stack.pop()
                dirs[directory] = _mtime(directory)
                try:
                    entries = list(os.scandir(directory))
                except OSError:
                    continue
                for entry in entries:
                    if entry.name.startswith((".", "_")):
                        continue
                    if entry.is_symlink():
                        target = os.path.realpath(entry.path)
                        if os.path.commonpath([target, root]) != root:
                            continue  # never serve a file outside the pages folder
                    if entry.is_dir():
                        stack.append((entry.path, prefix + entry.name + "/"))
                    elif entry.name.endswith(EXTENSION) and entry.is_file():
                        stem = entry.name[: -len(EXTENSION)]
                        if stem == "index":
                            path = prefix.rstrip("/")
                        else:
                            path = prefix + stem
                        files[(locale, path)] = entry.path
                        if "/" not in path or stem == "index":
                            watched[entry.path] = entry.stat().st_mtime_ns
        return _Tree(files, dirs, watched)

    def tree(self) -> _Tree:
        """The index, re-walked only when a directory or navigation file changed."""
        now = time.monotonic()
        tree = self._tree
        if tree is not None and now - self._checked_at < REFRESH_SECONDS:
            return tree
        with self._lock:
            tree = self._tree
            if tree is None or self._changed(tree):
                if tree is not None:
                    self.generation += 1
                tree = self._tree = self._walk()
            self._sweep()
            self._checked_at = time.monotonic()
            return tree

    def _sweep(self) -> None:
        """Re-check a bounded slice of the files read so far (round robin).

        Catches in-place edits of pages that are not being served (their titles show in
        other pages' sidebars) at a fixed cost per check, whatever the number of pages.
        """
        files = list(self._parsed)
        if not files:
            return
        start = self._sweep_at % len(files)
        chunk = files[start : start + SWEEP_FILES]
        self._sweep_at = start + len(chunk)
        for file in chunk:
            try:
                stat = os.stat(file)
                key = f"{stat.st_mtime_ns}-{stat.st_size}"
            except OSError:
                key = ""
            cached = self._parsed.get(file)
            if cached is not None and cached[0] != key:
                self._parsed.pop(file, None)  # re-read when next asked for
                self.generation += 1

    @staticmethod
    def _changed(tree: _Tree) -> bool:
        for group in (tree.dirs, tree.watched):
            for path, mtime in group.items():
                if _mtime(path) != mtime:
                    return True
        return False

    def load(self, locale: str, path: str) -> Page | PageError | None:
        """The parsed file (or why it is broken), re-read when its file changed."""
        file = self.tree().files.get((locale, path))
        if file is None:
            return None
        cached = self._parsed.get(file)
        now = time.monotonic()
        if cached is not None:
            page = cached[1]
            if isinstance(page, Page) and now - page.checked_at < REFRESH_SECONDS:
                return page
        try:
            stat = os.stat(file)
        except OSError:
            return None
        key = f"{stat.st_mtime_ns}-{stat.st_size}"
        if cached is not None and cached[0] == key:
            if isinstance(cached[1], Page):
                cached[1].checked_at = now
            return cached[1]
        if cached is not None:
            self.generation += 1
        result = parse_file(locale, path, file, stat)
        if isinstance(result, PageError):
            log.error("page %s cannot be served: %s", file, result)
        self._parsed[file] = (key, result)
        return result

    def page(self, locale: str, path: str) -> Page | None:
        path = normalize_path(path)
        if path.partition("/")[0] in RESERVED:
            return None  # the database views own these paths
        result = self.load(locale, path)
        if isinstance(result, Page) and not result.draft:
            return result
        return None

    def all(self, locale: str) -> list[Page]:
        paths = sorted(p for loc, p in self.tree().files if loc == locale)
        return [page for path in paths if (page := self.page(locale, path))]

    def paths(self, locale: str) -> list[str]:
        return sorted(p for loc, p in self.tree().files if loc == locale)

    def cache_response(self, key: tuple, value: Any) -> None:
        self.responses[key] = value
        while len(self.responses) > self.max_responses:
            self.responses.popitem(last=False)


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1


def normalize_path(path: str) -> str:
    """`/docs/index/` → `docs`; `index` → `` (see the module docstring)."""
    path = (path or "").strip("/")
    if path == "index":
        return ""
    if path.endswith("/index"):
        return path[: -len("/index")]
    return path


def init_app(app: Flask) -> None:
    if "atrium.pages" in app.extensions:
        raise RuntimeError("pages are already set up for this app")
    app.extensions["atrium.pages"] = PageIndex(app)


def index() -> PageIndex:
    return current_app.extensions["atrium.pages"]


def get_page(locale: str, path: str) -> Page | None:
    """The published page of `locale` at `path`, without fallback."""
    tag = i18n.canonical_tag(locale)
    if tag not in i18n.supported():
        return None
    return index().page(tag, path)


def find_page(locale: str, path: str) -> tuple[Page, str] | None:
    """The page in `locale`, else in the default locale; with the locale served."""
    page = get_page(locale, path)
    if page is None and i18n.canonical_tag(locale) in i18n.supported():
        page = get_page(i18n.default(), path)
    return (page, page.locale) if page else None


def page_locales(path: str) -> list[str]:
    """Locales (supported order, default first) that have a published translation of `path`."""
    return [tag for tag in i18n.supported() if get_page(tag, path) is not None]


def all_pages(locale: str) -> list[Page]:
    """Every published page of `locale` (no fallback), ordered by path."""
    tag = i18n.canonical_tag(locale)
    return index().all(tag) if tag in i18n.supported() else []
