"""Markdown to HTML: trusted for repo pages, sanitized for text staff type into the database."""

from __future__ import annotations

import markdown as md
import nh3

EXTENSIONS = ["extra", "sane_lists", "smarty", "codehilite", "toc"]
EXTENSION_CONFIGS = {
    "codehilite": {"css_class": "highlight", "guess_lang": False},
    "toc": {"permalink": False},
}

# What a staff member's Markdown may produce; anything else (script, style, on* attributes,
# javascript: URLs) is dropped by nh3.
ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "span": {"class"},
    "div": {"class"},
    "code": {"class"},
    "th": {"align"},
    "td": {"align"},
    "*": {"id"},
}


def render(text: str, *, trusted: bool = False) -> str:
    """HTML for `text`; untrusted input is sanitized after rendering."""
    html = md.markdown(text or "", extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    if trusted:
        return html
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
    )


def render_page(text: str) -> tuple[str, list[dict]]:
    """Trusted HTML for a repo page, and its headings as a table-of-contents tree.

    The tokens are Python-Markdown's `toc_tokens`: dicts with level, id, name, children.
    """
    converter = md.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    html = converter.convert(text or "")
    return html, list(getattr(converter, "toc_tokens", []))
