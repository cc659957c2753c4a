"""Markdown to HTML: trusted for repo pages, sanitized for text staff type into the database.

Rendering never raises. Python-Markdown recurses once per nesting level (`"- " * 3000` is
3000 nested lists: RecursionError); text it cannot render is logged in one line and shown
escaped, as plain paragraphs. `problem()` says why a text cannot be rendered, so a write can
refuse it first.

Rendering is linear in the text. Python-Markdown's link and image patterns scan forward from
every `[` for its `]`, and from every `](` for its `)`, to the end of the paragraph when there
is none: `"[x](" * 4000` took 22 s. Here each scan looks at most `MAX_SCAN` characters ahead,
and one rendering scans at most `SCAN_BUDGET_PER_CHAR` characters per character of text (plus
`SCAN_BUDGET_BASE`); past that, the remaining brackets are shown as typed.
"""

from __future__ import annotations

import logging
import re

import markdown as md
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import ImageInlineProcessor
from markdown.inlinepatterns import ImageReferenceInlineProcessor
from markdown.inlinepatterns import LinkInlineProcessor
from markdown.inlinepatterns import ReferenceInlineProcessor
from markdown.inlinepatterns import ShortImageReferenceInlineProcessor
from markdown.inlinepatterns import ShortReferenceInlineProcessor
from markupsafe import escape

log = logging.getLogger(__name__)

#: How far one link or image scan looks for its closing `]` or `)`, in characters.
MAX_SCAN = 4096
#: What one rendering may scan for brackets in all, per character of text, and at least.
SCAN_BUDGET_PER_CHAR = 8
SCAN_BUDGET_BASE = 65536

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


class _Budget:
    def __init__(self, chars: int) -> None:
        self.left = chars


class _BoundedScan:
    """Python-Markdown's bracket scans, on at most `MAX_SCAN` characters and within budget."""

    budget: _Budget

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:  # noqa: N802
        if self.budget.left <= 0:
            return "", index, False
        text, end, handled = super().getText(data[: index + MAX_SCAN], index)  # type: ignore[misc]
        self.budget.left -= end - index
        return text, end, handled

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:  # noqa: N802
        if self.budget.left <= 0:
            return "", None, index, False
        found = super().getLink(data[: index + MAX_SCAN], index)  # type: ignore[misc]
        self.budget.left -= found[2] - index
        return found


#: Python-Markdown's processors that scan for brackets: name, class, priority.
_SCANNING = [
    ("reference", ReferenceInlineProcessor, 170),
    ("link", LinkInlineProcessor, 160),
    ("image_link", ImageInlineProcessor, 150),
    ("image_reference", ImageReferenceInlineProcessor, 140),
    ("short_reference", ShortReferenceInlineProcessor, 130),
    ("short_image_ref", ShortImageReferenceInlineProcessor, 125),
]
_BOUNDED = {
    name: type(f"Bounded{cls.__name__}", (_BoundedScan, cls), {}) for name, cls, _ in _SCANNING
}


class BoundedLinks(Extension):
    """Replaces the bracket-scanning processors with bounded ones sharing one budget."""

    def __init__(self, budget: int) -> None:
        super().__init__()
        self.budget = _Budget(budget)

    def extendMarkdown(self, md: md.Markdown) -> None:  # noqa: N802
        for name, _, priority in _SCANNING:
            processor = _BOUNDED[name](md.inlinePatterns[name].pattern, md)
            processor.budget = self.budget
            md.inlinePatterns.register(processor, name, priority)


def _convert(text: str) -> tuple[str, list[dict]]:
    budget = SCAN_BUDGET_BASE + SCAN_BUDGET_PER_CHAR * len(text)
    converter = md.Markdown(
        extensions=[*EXTENSIONS, BoundedLinks(budget)], extension_configs=EXTENSION_CONFIGS
    )
    html = converter.convert(text)
    return html, list(getattr(converter, "toc_tokens", []))


def _plain(text: str) -> str:
    """`text` escaped, as paragraphs: what is shown of Markdown that cannot be rendered."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def _safely(text: str) -> tuple[str, list[dict]]:
    try:
        return _convert(text)
    except RecursionError:
        log.warning("Markdown of %d characters nested too deeply; shown as plain text", len(text))
    except Exception as e:  # noqa: BLE001 (a text that cannot be rendered is shown as typed)
        log.warning(
            "Markdown of %d characters cannot be rendered (%s); shown as plain text",
            len(text),
            type(e).__name__,
        )
    return _plain(text), []


def problem(text: str) -> str | None:
    """Why `text` cannot be rendered (the exception's name), or None when it can."""
    try:
        _convert(text or "")
    except RecursionError:
        return "RecursionError"
    except Exception as e:  # noqa: BLE001
        return type(e).__name__
    return None


def render(text: str, *, trusted: bool = False) -> str:
    """HTML for `text`; untrusted input is sanitized after rendering."""
    html, _ = _safely(text or "")
    if trusted:
        return html
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
    )


def render_page(text: str, *, strict: bool = False) -> tuple[str, list[dict]]:
    """Trusted HTML for a repo page, and its headings as a table-of-contents tree.

    The tokens are Python-Markdown's `toc_tokens`: dicts with level, id, name, children.
    `strict` raises what the renderer raised (for `flask pages check`) instead of falling
    back to plain text.
    """
    return _convert(text or "") if strict else _safely(text or "")
