"""/api/v1/categories: product categories, localized; writes need `categories:write`."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import or_

from ...extensions import db
from ...models import Category
from ...models import CategoryTranslation
from . import bp
from .query import Filter
from .query import parse_int
from .resource import Resource
from .resource import filter_on
from .resource import register
from .schemas import CategoryInput
from .schemas import CategorySchema
from .writes import invalid
from .writes import set_translations
from .writes import unique


def _search(text: str) -> Any:
    needle = text.lower()
    return or_(
        func.lower(Category.name).contains(needle, autoescape=True),
        func.lower(Category.slug).contains(needle, autoescape=True),
        exists().where(
            CategoryTranslation.category_id == Category.id,
            func.lower(CategoryTranslation.name).contains(needle, autoescape=True),
        ),
    )


def _to_input(c: Category) -> dict:
    return {
        "slug": c.slug,
        "name": c.name,
        "parent_id": c.parent_id,
        "translations": {t.locale: {"name": t.name} for t in c.translations},
    }


def _apply(c: Category, data: dict, creating: bool) -> None:
    errors = unique(Category, c, slug=data["slug"])
    parent_id = data["parent_id"]
    # A loop in the tree is refused by the domain rule (services.catalog) at the commit.
    if parent_id is not None and db.session.get(Category, parent_id) is None:
        errors.append({"field": "parent_id", "message": _("There is no such category.")})
    if errors:
        raise invalid(errors)
    for name in ("slug", "name", "parent_id"):
        if creating or getattr(c, name) != data[name]:
            setattr(c, name, data[name])
    set_translations(c, data["translations"], CategoryTranslation, "translations")


CATEGORIES = Resource(
    name="categories",
    singular="category",
    model=Category,
    schema=CategorySchema,
    sort_columns={
        "id": Category.id,
        "name": Category.name,
        "slug": Category.slug,
        "updated_at": Category.updated_at,
    },
    filters={
        "parent": Filter(
            "parent",
            filter_on(Category.parent_id),
            parse_int,
            kind="integer",
            description="The id of the parent category.",
        ),
    },
    default_sort=("name",),
    search=_search,
    write_scope="categories:write",
    lookup_slug=lambda slug: Category.slug == slug,
    input_schema=CategoryInput,
    to_input=_to_input,
    apply=_apply,
)

register(bp, CATEGORIES)
