"""The page index: Markdown files under `pages/<locale>/`, one Flask-FlatPages instance per app.

Public contract (call inside an app context; other areas, e.g. the API, rely on it):

- `get_page(locale, path) -> Page | None`: the page of that locale, no fallback; None when
  missing, a draft, or broken (malformed header, undecodable text).
- `find_page(locale, path) -> (Page, served_locale) | None`: with fallback to the default
  (source) locale; `served_locale` is the locale of the page returned.
- `page_locales(path) -> list[str]`: the locales that have a (published) translation.
- `all_pages(locale) -> list[Page]`: every published page of a locale, ordered by path.

Paths: `""` is a locale's home (`index.md`), a section home is its folder name (`"docs"`
for `docs/index.md`), other pages their file path without `.md` (`"docs/install"`). The
functions also accept `"index"` and `"docs/index"`, and leading/trailing slashes.

A `Page` (a Flask-FlatPages `Page`) has `.path`, `.locale` (canonical BCP 47 tag), `.meta`
(dict, the fenced YAML header), `.title` (header title, else the first heading), `.html`
(rendered, trusted), `.body` (Markdown source without header), `.toc` (headings),
`.updated` (aware UTC datetime of the file's mtime), `.version` (changes with the file).

Speed: the tree is walked once; afterwards, at most once a second, only the directories
(their mtime changes when a file is added, removed or renamed) and the navigation files
(top-level pages and section homes) are stat'ed, and a page's own file is stat'ed when it
is served. So an edit is visible within about a second, and the cost of a request does not
grow with the number of pages. An in-place edit of a page that is neither served nor in the
navigation (e.g. a docs page's title, as shown in another page's sidebar) shows up when
that page is next read or its folder changes.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from flask import Flask
from flask import current_app
from flask_flatpages import FlatPages
from flask_flatpages import Page as FlatPage
from markupsafe import Markup

from .. import i18n
from ..markdown import render_page

log = logging.getLogger(__name__)

EXTENSION = ".md"
#: First path segments served by the database views, never by a page.
RESERVED = frozenset({"news", "products", "contact", "search"})
#: Header keys Atrium knows; `translation_of` is the translator workflow's source hash.
HEADER_KEYS = frozenset(
    {"title", "description", "template", "order", "nav", "date", "draft", "translation_of"}
)
REFRESH_SECONDS = 1.0
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class PageError(ValueError):
    """A page file that cannot be served; `line` is 1-based within the file, when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def split_header(text: str) -> tuple[dict[str, Any], str, int]:
    """(meta, body, number of header lines). Only a header fenced by `---` lines is metadata."""
    if not (text.startswith("---\n") or text.startswith("---\r\n")):
        return {}, text, 0
    lines = text.splitlines(keepends=True)
    number = next((n for n, line in enumerate(lines) if n and line.rstrip() in ("---", "...")), 0)
    if not number:
        raise PageError("the YAML header opened by --- is never closed", line=1)
    try:
        meta = yaml.load("".join(lines[1:number]), Loader=_Loader)  # noqa: S506 (safe loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        reason = getattr(e, "problem", None) or "invalid YAML"
        raise PageError(f"malformed YAML header: {reason}", line=line) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise PageError("the YAML header must be a mapping of keys to values", line=2)
    return meta, "".join(lines[number + 1 :]), number + 1


def _first_heading(body: str) -> str | None:
    previous = ""
    fence = False
    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fence = not fence
        elif not fence and stripped.startswith("# "):
            return stripped[2:].strip().rstrip("#").strip()
        elif not fence and previous and stripped and set(stripped) == {"="}:
            return previous
        previous = stripped
    return None


class Page(FlatPage):
    """One Markdown file of one locale (see the module docstring for the contract)."""

    def __init__(
        self, locale: str, path: str, file: str, stat: os.stat_result, meta: dict, body: str
    ) -> None:
        folder = path.rpartition("/")[0]
        super().__init__(path, "", body, lambda page: page.rendered[0], folder)
        self.__dict__["meta"] = meta  # parsed already: shadows FlatPages' lazy YAML parse
        self.locale = locale
        self.file = file
        self.mtime = stat.st_mtime
        self.version = f"{stat.st_mtime_ns:x}-{stat.st_size:x}"
        self.checked_at = time.monotonic()

    @property
    def updated(self) -> datetime:
        return datetime.fromtimestamp(self.mtime, UTC)

    @cached_property
    def title(self) -> str:
        title = self.meta.get("title")
        if title:
            return str(title)
        return _first_heading(self.body) or (self.path.rpartition("/")[2] or "Home")

    @cached_property
    def heading(self) -> str:
        """The page's visible first heading (the body's own `# …`, else the title)."""
        html = self.rendered[0]
        if html.startswith("<h1"):
            return Markup(html[: html.find("</h1>")]).striptags()
        return self.title

    @property
    def description(self) -> str:
        return str(self.meta.get("description") or "")

    @property
    def order(self) -> float:
        try:
            return float(self.meta.get("order", 1000))
        except (TypeError, ValueError):
            return 1000.0

    @property
    def nav(self) -> bool:
        return bool(self.meta.get("nav", False))

    @property
    def draft(self) -> bool:
        return bool(self.meta.get("draft", False))

    @property
    def date(self) -> date | None:
        value = self.meta.get("date")
        if isinstance(value, datetime):
            return value.date()
        return value if isinstance(value, date) else None

    @property
    def is_section(self) -> bool:
        return Path(self.file).name == "index" + EXTENSION

    @cached_property
    def rendered(self) -> tuple[str, list[dict]]:
        return render_page(self.body)

    @cached_property
    def html(self) -> str:
        html = self.rendered[0]
        # The first heading is the page title, shown by the template.
        if html.startswith("<h1"):
            html = html[html.find("</h1>") + 5 :].lstrip()
        return html

    @cached_property
    def toc(self) -> list[dict]:
        """Headings below the title: [{level, id, name}], flat, in order."""
        flat: list[dict] = []

        def walk(tokens: list[dict]) -> None:
            for token in tokens:
                if token["level"] > 1:
                    flat.append({"level": token["level"], "id": token["id"], "name": token["name"]})
                walk(token.get("children", []))

        walk(self.rendered[1])
        return [t for t in flat if t["level"] <= 3]

    @cached_property
    def text(self) -> str:
        """Plain text of the body, for search snippets."""
        return " ".join(Markup(self.rendered[0]).striptags().split())

    def __html__(self) -> str:
        return self.html


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
        self._pages: dict[str, tuple[str, Page | PageError]] = {}
        #: Bumped on any change seen; part of every rendered-response cache key.
        self.generation = 0
        self.responses: OrderedDict[tuple, Any] = OrderedDict()
        self.max_responses = int(app.config.get("PAGES_RESPONSE_CACHE_SIZE", 2048))

    # Flask-FlatPages' own API, over our index.
    def __iter__(self):
        return iter(p for loc in i18n.supported() for p in self.all(loc))

    def get(self, path: str, default: Page | None = None) -> Page | None:  # type: ignore[override]
        locale, _, rest = path.partition("/")
        return self.page(i18n.canonical_tag(locale) or locale, rest) or default

    def reload(self) -> None:
        with self._lock:
            self._tree = None
            self._pages.clear()
            self.responses.clear()
            self.generation += 1

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
            self._checked_at = time.monotonic()
            return tree

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
        cached = self._pages.get(file)
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
        self._pages[file] = (key, result)
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


def parse_file(locale: str, path: str, file: str, stat: os.stat_result) -> Page | PageError:
    try:
        with open(file, "rb") as handle:
            raw = handle.read()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return PageError(f"the file is not valid UTF-8 (byte {e.start})")
    except OSError as e:
        return PageError(f"the file cannot be read: {e.strerror}")
    try:
        meta, body, _ = split_header(text)
    except PageError as e:
        return e
    return Page(locale, path, file, stat, meta, body)


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
