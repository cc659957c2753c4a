"""Slugs: the part of a public address that names a record (`/en/products/blue-mug`)."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _

from . import RuleBroken
from . import changed

#: Lower-case words of letters and digits joined by single hyphens.
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def is_slug(value: str | None) -> bool:
    """A slug made only of digits would be read as an id (`/api/v1/products/12`)."""
    return bool(value and SLUG.match(value) and not value.isdigit())


def check_slug(obj: Any) -> None:
    """A new record's slug, or a changed one (older rows keep theirs until edited)."""
    if changed(obj, "slug"):
        if not is_slug(obj.slug):
            raise RuleBroken(
                _("Use lower-case letters, digits and hyphens, e.g. blue-mug (not only digits)."),
                "slug",
            )
