"""One page file: the fenced YAML header, the Markdown body, and what is derived from them.

Only a header fenced by `---` lines is metadata (Flask-FlatPages' own parser would take a
first line like `Note: read this` as metadata); the title falls back to the first heading.

A header is a few keys, so one that could grow on loading is refused: YAML anchors and
aliases (`&name`, `*name`, the `<<` merge key) and headers over `MAX_HEADER_CHARS`. (An
alias repeats a value without repeating its text: 330 bytes of nested aliases load as
millions of strings.) Such a page is broken, as with any malformed header: `flask pages
check` names the file and line, the error is logged, and the site serves the page as if
that file were missing (the source locale's page with its notice, else 404). It is not
served without its header: that would drop `draft: true` and publish a draft.
"""

from __future__ import annotations

import os
import re
import time
from datetime import UTC
from datetime import date
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from flask_flatpages import Page as FlatPage
from markupsafe import Markup

from ..markdown import render_page

EXTENSION = ".md"
#: Header keys Atrium knows; `translation_of` is the translator workflow's source hash.
HEADER_KEYS = frozenset(
    {"title", "description", "template", "order", "nav", "date", "draft", "translation_of"}
)

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: The longest header (between the fences) read as YAML, in characters.
MAX_HEADER_CHARS = 16 * 1024
_FENCE_LINE = re.compile(r"^\s*(```|~~~).*$", re.M)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_MARKUP = re.compile(
    r"^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s|[*`|]+|(?<!\w)_+|_+(?!\w)|^\s*-{3,}\s*$", re.M
)


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
    meta = load_header("".join(lines[1:number]))
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise PageError("the YAML header must be a mapping of keys to values", line=2)
    return meta, "".join(lines[number + 1 :]), number + 1


def load_header(text: str) -> Any:
    """The YAML between a page's fences (its first line is the file's line 2), refusing
    what could grow on loading (see the module docstring); PageError says why."""
    if len(text) > MAX_HEADER_CHARS:
        raise PageError(
            f"the YAML header is longer than {MAX_HEADER_CHARS} characters; "
            "move long text into the page body",
            line=2,
        )
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if getattr(event, "anchor", None) is not None:  # an anchor, or an alias to one
                raise PageError(
                    "the YAML header uses an anchor or alias (&name, *name); write each value out",
                    line=event.start_mark.line + 2,
                )
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (safe loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        reason = getattr(e, "problem", None) or "invalid YAML"
        raise PageError(f"malformed YAML header: {reason}", line=line) from None


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
        #: An `index.md`: a section's home, served at a URL ending with a slash.
        self.is_section = Path(file).name == "index" + EXTENSION

    @cached_property
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

    @cached_property
    def rendered(self) -> tuple[str, list[dict]]:
        return render_page(self.body)

    @cached_property
    def html(self) -> str:
        """The whole body as HTML (trusted: pages come from the repository)."""
        return self.rendered[0]

    @cached_property
    def content_html(self) -> str:
        """The body without its leading `# heading`, which the page template shows itself."""
        html = self.rendered[0]
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
        """Plain text of the body, for search: Markdown markup stripped without rendering."""
        text = _FENCE_LINE.sub(" ", self.body)
        text = _IMAGE.sub(r"\1", text)
        text = _LINK.sub(r"\1", text)
        text = _TAG.sub(" ", text)
        text = _MARKUP.sub(" ", text)
        return " ".join(text.split())

    def __html__(self) -> str:
        return self.html


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
