"""/api/v1/products: the catalogue, localized; writes need `products:write`."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import lazyload
from sqlalchemy.orm import load_only

from ... import i18n
from ...extensions import db
from ...models import Category
from ...models import Product
from ...models import ProductTranslation
from . import auth
from . import bp
from .query import MAX_INT
from .query import Filter
from .query import parse_bool
from .query import parse_datetime
from .query import parse_decimal
from .query import parse_int
from .query import parse_text
from .resource import Resource
from .resource import filter_on
from .resource import register
from .schemas import ProductInput
from .schemas import ProductSchema
from .writes import invalid
from .writes import set_translations
from .writes import unique

ORDERED = ("eq", "ne", "lt", "lte", "gt", "gte")


def _category_clause(operator: str, value: str) -> Any:
    if value.isascii() and value.isdigit() and int(value) <= MAX_INT:
        return Product.category_id == int(value)
    return Product.category_id.in_(select(Category.id).where(Category.slug == value))


def _search(text: str) -> Any:
    needle = text.lower()
    return or_(
        func.lower(Product.name).contains(needle, autoescape=True),
        func.lower(Product.sku).contains(needle, autoescape=True),
        func.lower(Product.description).contains(needle, autoescape=True),
        exists().where(
            ProductTranslation.product_id == Product.id,
            func.lower(ProductTranslation.name).contains(needle, autoescape=True),
        ),
    )


def _stamp() -> list[Any]:
    """What else a product's representation shows: its category (name, slug). Its own
    translations, and the category's, move the version of their parent (models/base.py),
    which the validators already hold."""
    return [
        select(Category.updated_at).where(Category.id == Product.category_id).scalar_subquery(),
    ]


LOCALIZED = frozenset({"name", "description", "description_html", "lang", "locales"})


COLUMNS = frozenset(
    {"id", "sku", "slug", "name", "description", "price", "currency", "stock", "published"}
    | {"version", "created_at", "updated_at"}
)


def _load_options(only: tuple[str, ...] | None) -> tuple[Any, ...]:
    """Load what the fields asked for show, no more: only their columns, the category when
    it is shown, translations when a localized field is shown in another language."""
    if only is None:
        return _options(None, True)
    return _options(only, i18n.current() != i18n.default())


@lru_cache(maxsize=256)
def _options(only: tuple[str, ...] | None, other_language: bool) -> tuple[Any, ...]:
    """Made once per field list (loader options are immutable and reusable)."""
    if only is None:
        return (joinedload(Product.category),)
    shown = {name.split(".")[0] for name in only}
    columns = {"id", "version", "updated_at"} | (shown & COLUMNS)
    if "description_html" in shown:
        columns.add("description")
    options = []
    if shown & {"category", "category_slug"}:
        columns.add("category_id")
        options.append(joinedload(Product.category))
    options.append(load_only(*(getattr(Product, name) for name in sorted(columns))))
    localized = LOCALIZED & shown
    if not localized or (not other_language and "locales" not in localized):
        options.append(lazyload(Product.translations))
    return tuple(options)


def _visible() -> Any:
    return None if auth.has_scope("products:write") else Product.published.is_(True)


def _to_input(p: Product) -> dict:
    return {
        "sku": p.sku,
        "slug": p.slug,
        "name": p.name,
        "description": p.description,
        "price": str(p.price),
        "currency": p.currency,
        "stock": p.stock,
        "published": p.published,
        "category_id": p.category_id,
        "translations": {
            t.locale: {"name": t.name, "description": t.description} for t in p.translations
        },
    }


def _apply(p: Product, data: dict, creating: bool) -> None:
    errors = unique(Product, p, sku=data["sku"], slug=data["slug"])
    if data["category_id"] is not None and db.session.get(Category, data["category_id"]) is None:
        errors.append({"field": "category_id", "message": _("There is no such category.")})
    if errors:
        raise invalid(errors)
    for name in ("sku", "slug", "name", "description", "price", "currency", "stock", "published"):
        if creating or getattr(p, name) != data[name]:
            setattr(p, name, data[name])
    if p.category_id != data["category_id"]:
        p.category_id = data["category_id"]
    set_translations(p, data["translations"], ProductTranslation, "translations")


PRODUCTS = Resource(
    name="products",
    singular="product",
    model=Product,
    schema=ProductSchema,
    sort_columns={
        "id": Product.id,
        "name": Product.name,
        "sku": Product.sku,
        "price": Product.price,
        "stock": Product.stock,
        "created_at": Product.created_at,
        "updated_at": Product.updated_at,
    },
    filters={
        "category": Filter(
            "category", _category_clause, parse_text, description="A category id or slug."
        ),
        "published": Filter(
            "published",
            filter_on(Product.published),
            parse_bool,
            kind="boolean",
            description="Unpublished products are seen only with products:write.",
        ),
        "price": Filter("price", filter_on(Product.price), parse_decimal, ORDERED, "number"),
        "stock": Filter("stock", filter_on(Product.stock), parse_int, ORDERED, "integer"),
        "sku": Filter("sku", filter_on(Product.sku), parse_text),
        "currency": Filter("currency", filter_on(Product.currency), parse_text),
        "updated_at": Filter(
            "updated_at",
            filter_on(Product.updated_at),
            parse_datetime,
            ("lt", "lte", "gt", "gte"),
            "date-time",
        ),
    },
    default_sort=("name",),
    search=_search,
    stamp=_stamp,
    load_options=_load_options,
    visible=_visible,
    write_scope="products:write",
    lookup_slug=lambda slug: Product.slug == slug,
    input_schema=ProductInput,
    to_input=_to_input,
    apply=_apply,
)

register(bp, PRODUCTS)
