"""Site chrome built from the pages' headers: main navigation, docs sidebar, language links."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request
from flask import url_for

from .. import i18n
from . import pages


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    order: float = 0.0


def page_url(locale: str, path: str, *, external: bool = False) -> str:
    """`/de/`, `/de/docs/` (section homes end with a slash), `/de/docs/install`."""
    path = pages.normalize_path(path)
    if path:
        files = pages.index().tree().files
        file = files.get((locale, path)) or files.get((i18n.default(), path))
        if file and file.endswith("index" + pages.EXTENSION):
            path += "/"
    return url_for("content_site.page", lang=locale, path=path, _external=external)


def _union_paths(locale: str) -> list[str]:
    index = pages.index()
    return sorted(set(index.paths(locale)) | set(index.paths(i18n.default())))


def main_nav(locale: str) -> list[Link]:
    """Top-level pages and section homes whose header says `nav: true`, ordered."""
    index = pages.index()
    key = ("nav", locale, index.generation)
    cached = index.responses.get(key)
    if cached is not None:
        return cached
    links = []
    for path in _union_paths(locale):
        if not path or "/" in path:
            continue
        found = pages.find_page(locale, path)
        if found and found[0].nav:
            links.append(Link(found[0].title, page_url(locale, path), found[0].order))
    links.sort(key=lambda link: (link.order, link.title))
    index.cache_response(key, links)
    return links


def sidebar(locale: str, path: str) -> tuple[Link | None, list[Link]]:
    """(section home or None, the section's pages) for a page in a section; (None, []) else.

    A section is a folder: its `index.md` (when there is one) and the pages beside it.
    """
    section = path.partition("/")[0]
    home_page = pages.find_page(locale, section) if section else None
    if not section or ("/" not in path and not (home_page and home_page[0].is_section)):
        return None, []
    home = Link(home_page[0].title, page_url(locale, section)) if home_page else None
    links = []
    prefix = section + "/"
    for candidate in _union_paths(locale):
        if candidate.startswith(prefix) and "/" not in candidate[len(prefix) :]:
            found = pages.find_page(locale, candidate)
            if found:
                links.append(Link(found[0].title, page_url(locale, candidate), found[0].order))
    links.sort(key=lambda link: (link.order, link.title))
    return home, links


def alternates(path: str) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) for every translation of a page, then x-default."""
    tags = pages.page_locales(path)
    links = [(tag, page_url(tag, path, external=True)) for tag in tags]
    if i18n.default() in tags:
        links.append(("x-default", page_url(i18n.default(), path, external=True)))
    return links


def switch_urls(given: dict[str, str] | None = None) -> dict[str, str]:
    """Where the language switcher sends each locale: the same page in that language.

    A view passes `switch_urls` to its template when the other languages' URLs differ
    (news slugs); by default the locale prefix of the current path is swapped.
    """
    if given:
        return given
    current = i18n.current()
    rest = request.path
    if rest.startswith("/" + current + "/") or rest == "/" + current:
        rest = rest[len(current) + 1 :]
    else:
        rest = "/"
    return {tag: "/" + tag + (rest or "/") for tag in i18n.supported()}


def language_links(given: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(tag, name in its own language, switch URL that sets the cookie)."""
    urls = switch_urls(given)
    return [
        (
            tag,
            i18n.display_name(tag),
            url_for("content.switch_language", tag=tag, next=urls.get(tag, "/" + tag + "/")),
        )
        for tag in i18n.supported()
    ]


def template_context() -> dict:
    """Functions the base template calls (lazily, so error pages cost nothing extra)."""
    return {
        "main_nav": lambda: main_nav(i18n.current()),
        "language_links": language_links,
        "page_url": page_url,
        "language_name": language_name,
    }


def language_name(tag: str, in_tag: str) -> str:
    """The name of locale `tag` in the language of `in_tag`: (`en`, `de`) → `Englisch`."""
    return i18n.display_name(tag, in_tag)
