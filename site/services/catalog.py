"""Catalog rules: a category tree without loops, deletes that take nothing along unseen,
prices and stock that fit their columns on every database, descriptions that render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from flask_sqlalchemy.session import Session
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import inspect
from sqlalchemy import select

from .. import markdown
from ..models import Category
from ..models import CategoryTranslation
from ..models import Product
from ..models import ProductTranslation
from . import RuleBroken
from . import changed
from .slugs import check_slug

#: Numeric(12, 2): ten digits before the point, two after.
MAX_PRICE = Decimal("9999999999.99")
#: The largest INTEGER of PostgreSQL (SQLite's is larger): the same bound everywhere.
MAX_STOCK = 2**31 - 1


def _parent(session: Session, category: Category) -> Category | None:
    """The parent as this flush will store it: the relationship when a form set it,
    else the foreign key (the API sets `parent_id`)."""
    if inspect(category).attrs.parent.history.has_changes():
        return category.parent
    if category.parent_id is None:
        return None
    return session.get(Category, category.parent_id)


def check_tree(session: Session, category: Category) -> None:
    """A category cannot be its own ancestor (nor its own parent)."""
    seen = {id(category)}
    parent = _parent(session, category)
    while parent is not None:
        if id(parent) in seen:
            raise RuleBroken(_("A category cannot be inside itself."), "parent_id")
        seen.add(id(parent))
        parent = _parent(session, parent)


def check_delete(session: Session, category: Category) -> None:
    """PROTECT, as Django calls it: a category that still has products or subcategories
    is not deleted (nothing is moved or left without a category unseen)."""
    products = session.scalar(
        select(func.count()).select_from(Product).where(Product.category_id == category.id)
    )
    children = session.scalar(
        select(func.count()).select_from(Category).where(Category.parent_id == category.id)
    )
    name = category.name
    if products and children:
        message = _(
            "The category “%(name)s” still has %(products)s and %(subcategories)s, so it was "
            "not deleted. Move or delete them first.",
            name=name,
            products=ngettext("%(num)d product", "%(num)d products", products),
            subcategories=ngettext("%(num)d subcategory", "%(num)d subcategories", children),
        )
    elif products:
        message = ngettext(
            "The category “%(name)s” still has %(num)d product, so it was not deleted. Move "
            "or delete it first.",
            "The category “%(name)s” still has %(num)d products, so it was not deleted. Move "
            "or delete them first.",
            products,
            name=name,
        )
    elif children:
        message = ngettext(
            "The category “%(name)s” still has %(num)d subcategory, so it was not deleted. "
            "Move or delete it first.",
            "The category “%(name)s” still has %(num)d subcategories, so it was not deleted. "
            "Move or delete them first.",
            children,
            name=name,
        )
    else:
        return
    raise RuleBroken(message, status=409)


def check_product(product: Product) -> None:
    price = product.price
    if price is not None:
        price = Decimal(str(price))
        if not price.is_finite() or price < 0 or price > MAX_PRICE:
            raise RuleBroken(_("A price is between 0 and %(max)s.", max=f"{MAX_PRICE:,}"), "price")
        if price != price.quantize(Decimal("0.01")):
            raise RuleBroken(_("At most two decimal places."), "price")
    if product.stock is not None and not 0 <= product.stock <= MAX_STOCK:
        raise RuleBroken(_("Stock is between 0 and %(max)s.", max=f"{MAX_STOCK:,}"), "stock")
    check_description(product)


def check_description(row: Product | ProductTranslation) -> None:
    """A new or changed description must render (one rendering, linear in its length): Markdown
    nested thousands of levels deep would be shown as plain text only."""
    if not changed(row, "description"):
        return
    if markdown.problem(row.description or ""):
        raise RuleBroken(_("This Markdown is nested too deeply to be shown."), "description")


def check_translation(session: Session, translation: Any) -> None:
    """One translation per language of a product or category."""
    parent = getattr(translation, "product", None) or getattr(translation, "category", None)
    if parent is None or not changed(translation, "locale"):
        return
    for other in parent.translations:
        if (
            other is not translation
            and other.locale == translation.locale
            and other not in session.deleted
        ):
            raise RuleBroken(
                _(
                    "There are two %(locale)s translations; keep one and edit it.",
                    locale=translation.locale,
                ),
                "locale",
            )


@event.listens_for(Session, "before_flush")
def _catalog(session: Session, flush_context: Any, instances: Any) -> None:
    with session.no_autoflush:
        for obj in [*session.new, *session.dirty]:
            if isinstance(obj, Category):
                check_slug(obj)
                if changed(obj, "parent", "parent_id"):  # only a new parent makes a loop
                    check_tree(session, obj)
            elif isinstance(obj, Product):
                check_slug(obj)
                check_product(obj)
            elif isinstance(obj, ProductTranslation | CategoryTranslation):
                check_translation(session, obj)
                if isinstance(obj, ProductTranslation):
                    check_description(obj)
        for obj in session.deleted:
            if isinstance(obj, Category):
                check_delete(session, obj)
