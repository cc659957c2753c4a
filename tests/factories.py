"""Row factories: small functions that add a valid row and return it (the caller commits)."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from atrium.extensions import db
from atrium.models import Category
from atrium.models import Post
from atrium.models import Product
from atrium.models import User

_seq = itertools.count(1)


def user(
    email: str | None = None, role: str = "editor", password: str = "correct horse", **fields: Any
) -> User:
    row = User(email=email or f"staff{next(_seq)}@example.com", role=role, **fields)
    row.set_password(password)
    db.session.add(row)
    return row


def category(slug: str | None = None, name: str = "Things", **fields: Any) -> Category:
    row = Category(slug=slug or f"category-{next(_seq)}", name=name, **fields)
    db.session.add(row)
    return row


def product(slug: str | None = None, name: str = "Blue mug", **fields: Any) -> Product:
    n = next(_seq)
    fields.setdefault("price", Decimal("12.50"))
    fields.setdefault("published", True)
    row = Product(
        sku=fields.pop("sku", f"SKU-{n}"), slug=slug or f"product-{n}", name=name, **fields
    )
    db.session.add(row)
    return row


def post(slug: str | None = None, locale: str = "en", title: str = "News", **fields: Any) -> Post:
    row = Post(slug=slug or f"post-{next(_seq)}", locale=locale, title=title, **fields)
    db.session.add(row)
    return row
