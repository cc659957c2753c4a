"""`flask pages check`: every page file that would not be served as written, and why."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from urllib.parse import urljoin
from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import AppGroup
from jinja2 import TemplateNotFound

from .. import i18n
from ..markdown import render_page
from . import pages

group = AppGroup("pages", help="Check the Markdown pages.")

LINK = re.compile(r"""<(a|img)\b[^>]*?\b(href|src)="([^"]*)\"""")
FENCE = re.compile(r"^\s{0,3}(```|~~~)")
TEMPLATE_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,40}$")
SITE_FILES = ("/sitemap.xml", "/robots.txt", "/favicon.ico")


class Problem:
    def __init__(self, file: Path, message: str, line: int | None = None) -> None:
        self.file, self.message, self.line = file, message, line

    def one_line(self, root: Path) -> str:
        try:
            name = str(self.file.relative_to(root.parent))
        except ValueError:
            name = str(self.file)
        where = f"{name}:{self.line}" if self.line else name
        return f"{where}: {self.message}"


def _files(root: Path) -> list[tuple[str | None, Path, Path]]:
    """(locale or None, locale folder, file) for every .md file under the root."""
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        tag = i18n.canonical_tag(folder.name)
        for file in sorted(folder.rglob("*" + pages.EXTENSION)):
            if not any(part.startswith((".", "_")) for part in file.relative_to(folder).parts):
                found.append((tag, folder, file))
    return found


def _page_path(folder: Path, file: Path) -> str:
    relative = file.relative_to(folder).with_suffix("").as_posix()
    return pages.normalize_path(relative)


def _check_meta(file: Path, meta: dict) -> list[Problem]:
    problems = []
    for key in meta:
        if key not in pages.HEADER_KEYS:
            known = ", ".join(sorted(pages.HEADER_KEYS))
            problems.append(Problem(file, f"unknown header key {key!r} (known: {known})"))
    if "order" in meta and not isinstance(meta["order"], int | float):
        problems.append(Problem(file, "header key 'order' must be a number"))
    for key in ("nav", "draft"):
        if key in meta and not isinstance(meta[key], bool):
            problems.append(Problem(file, f"header key {key!r} must be true or false"))
    if "date" in meta and not isinstance(meta["date"], date):
        problems.append(Problem(file, "header key 'date' must be a date like 2026-01-31"))
    template = meta.get("template")
    if template:
        name = str(template)
        if not TEMPLATE_NAME.match(name):
            problems.append(Problem(file, f"template name {name!r} is not valid"))
        else:
            try:
                current_app.jinja_env.get_template(f"content/{name}.html")
            except TemplateNotFound:
                problems.append(Problem(file, f"template 'content/{name}.html' does not exist"))
    return problems


def _check_markdown(file: Path, body: str, offset: int) -> tuple[list[Problem], str]:
    problems = []
    opened = None
    for number, line in enumerate(body.splitlines(), start=offset + 1):
        match = FENCE.match(line)
        if match:
            if opened is None:
                opened = (match.group(1), number)
            elif match.group(1) == opened[0]:
                opened = None
    if opened:
        problems.append(Problem(file, "code block opened here is never closed", opened[1]))
    try:
        html, _ = render_page(body, strict=True)
    except Exception as e:  # noqa: BLE001 (any renderer failure is a finding, not a crash)
        return problems + [Problem(file, f"the Markdown cannot be rendered: {e}")], ""
    return problems, html


def _target_exists(url: str) -> bool:
    path = urlsplit(url).path
    if path in SITE_FILES or path.startswith(("/admin", "/api/")) or path == "/":
        return True
    static = current_app.static_url_path + "/"
    if path.startswith(static):
        return (Path(current_app.static_folder) / path[len(static) :]).is_file()
    lang, _, rest = path.lstrip("/").partition("/")
    if lang not in i18n.supported():
        return False
    rest = pages.normalize_path(rest)
    if rest.partition("/")[0] in pages.RESERVED:
        return True
    return pages.find_page(lang, rest) is not None


def _check_links(file: Path, locale: str, path: str, html: str) -> list[Problem]:
    problems = []
    base = f"/{locale}/{path}"
    for tag, _attr, url in LINK.findall(html):
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith(("#", "mailto:", "tel:")) or not url:
            continue
        target = urljoin(base, url)
        if not _target_exists(target):
            what = "image" if tag == "img" else "link"
            problems.append(Problem(file, f"broken {what}: {url}"))
    return problems


def check_pages(root: Path) -> tuple[int, list[Problem]]:
    """(number of files checked, problems found)."""
    problems: list[Problem] = []
    files = _files(root)
    for tag, folder, file in files:
        if tag is None:
            problems.append(Problem(file, f"folder {folder.name!r} is not a locale tag"))
            continue
        if tag not in i18n.supported():
            continue  # ATRIUM_LOCALES leaves this locale out
        path = _page_path(folder, file)
        if path.partition("/")[0] in pages.RESERVED:
            problems.append(
                Problem(file, f"'{path}' is reserved for the {path.partition('/')[0]} view")
            )
        try:
            text = file.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as e:
            problems.append(Problem(file, f"the file is not valid UTF-8 (byte {e.start})"))
            continue
        try:
            meta, body, offset = pages.split_header(text)
        except pages.PageError as e:
            problems.append(Problem(file, str(e), e.line))
            continue
        problems += _check_meta(file, meta)
        found, html = _check_markdown(file, body, offset)
        problems += found
        if html:
            problems += _check_links(file, tag, path, html)
    return len(files), problems


@group.command("check")
def check_command() -> None:
    """List malformed headers, broken Markdown, reserved paths, broken links and images."""
    root = Path(current_app.config["PAGES_ROOT"])
    if not root.is_dir():
        raise click.ClickException(f"The pages folder {root} does not exist.")
    count, problems = check_pages(root)
    for problem in problems:
        click.echo(problem.one_line(root))
    if problems:
        files = len({p.file for p in problems})
        raise click.ClickException(f"{len(problems)} problem(s) in {files} of {count} page files.")
    click.echo(f"Checked {count} page files in {os.fspath(root)}: no problems.")
