"""`/<lang>/products`: published products by category, with localized names and prices."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import abort
from flask import render_template
from flask import request
from flask import url_for
from sqlalchemy import select

from .. import i18n
from ..conditional import validated
from ..extensions import db
from ..markdown import render
from ..models import Category
from ..models import Product
from . import bp
from . import list_alternates


@dataclass
class ProductView:
    """A product as a visitor of one locale sees it."""

    product: Product
    name: str
    description: str
    name_locale: str
    price: Decimal
    currency: str
    slug: str


def localized(product: Product, locale: str) -> ProductView:
    name, name_locale = product.translated("name", locale)
    description, _ = product.translated("description", locale)
    return ProductView(
        product=product,
        name=name,
        description=description or "",
        name_locale=name_locale or i18n.default(),
        price=product.price,
        currency=product.currency,
        slug=product.slug,
    )


def category_name(category: Category | None, locale: str) -> str:
    if category is None:
        return ""
    return category.translated("name", locale)[0]


@bp.get("/products", endpoint="product_list")
@validated()
def product_list():
    lang = i18n.current()
    query = select(Product).where(Product.published.is_(True))
    selected = None
    if slug := request.args.get("category"):
        selected = db.session.scalar(select(Category).where(Category.slug == slug))
        if selected is None:
            abort(404)
        query = query.where(Product.category_id == selected.id)
    products = db.session.scalars(query.order_by(Product.name)).all()
    groups: dict[int | None, list[ProductView]] = {}
    categories: dict[int | None, Category | None] = {}
    for product in products:
        groups.setdefault(product.category_id, []).append(localized(product, lang))
        categories[product.category_id] = product.category
    sections = sorted(
        (
            (category_name(categories[key], lang), categories[key], items)
            for key, items in groups.items()
        ),
        key=lambda section: (section[1] is None, section[0].casefold()),
    )
    for _name, _category, items in sections:
        items.sort(key=lambda item: item.name.casefold())
    all_categories = db.session.scalars(select(Category).order_by(Category.name)).all()
    return render_template(
        "public/product_list.html",
        sections=sections,
        selected=selected,
        categories=[(c, category_name(c, lang)) for c in all_categories],
        alternates=list_alternates("public.product_list"),
    )


@bp.get("/products/<slug>", endpoint="product_item")
@validated()
def product_item(slug: str):
    lang = i18n.current()
    product = db.session.scalar(
        select(Product).where(Product.slug == slug, Product.published.is_(True))
    )
    if product is None:
        abort(404)
    view = localized(product, lang)
    alternates = [
        (tag, url_for("public.product_item", lang=tag, slug=slug, _external=True))
        for tag in i18n.supported()
    ]
    alternates.append(("x-default", alternates[0][1]))
    return render_template(
        "public/product_item.html",
        item=view,
        body=render(view.description),
        category=category_name(product.category, lang),
        alternates=alternates,
    )
