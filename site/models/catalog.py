"""Products and their categories; names and descriptions per locale.

The row holds the source-locale text (name, description); translations to other
locales are child rows, so the list view sorts and searches one indexed column.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Numeric
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import func
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship
from sqlalchemy.orm import validates

from ..extensions import db
from .base import Versioned


class Translatable:
    """Looks up a field in the best translation, falling back to the source row."""

    translations: list

    def translated(self, field: str, locale: str | None) -> tuple[str, str | None]:
        """(value, locale of the translation used, or None for the source text)."""
        for translation in self.translations:
            if translation.locale == locale and getattr(translation, field):
                return getattr(translation, field), translation.locale
        return getattr(self, field), None


class Category(Translatable, Versioned, db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # RESTRICT: a category with subcategories or products is not deleted (services.catalog
    # says so in a sentence first; the database refuses too, on every backend).
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )

    parent: Mapped[Category | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Category]] = relationship(back_populates="parent")
    translations: Mapped[list[CategoryTranslation]] = relationship(
        back_populates="category", cascade="all, delete-orphan", lazy="selectin"
    )

    def __str__(self) -> str:
        return self.name


class CategoryTranslation(Versioned, db.Model):
    __tablename__ = "category_translations"
    __version_parent__ = "category"
    __table_args__ = (UniqueConstraint("category_id", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(35))
    name: Mapped[str] = mapped_column(String(200))

    category: Mapped[Category] = relationship(back_populates="translations")

    def __str__(self) -> str:
        return f"{self.locale}: {self.name}"


class Product(Translatable, Versioned, db.Model):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        Index("ix_products_published_category", "published", "category_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2), index=True)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    stock: Mapped[int] = mapped_column(default=0)
    published: Mapped[bool] = mapped_column(default=False)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )

    category: Mapped[Category | None] = relationship()
    translations: Mapped[list[ProductTranslation]] = relationship(
        back_populates="product", cascade="all, delete-orphan", lazy="selectin"
    )

    @validates("sku")
    def _normalise_sku(self, key: str, value: str) -> str:
        """Stored in capitals, so `mug-1` and `MUG-1` are one SKU (and one unique key)."""
        return value.strip().upper() if isinstance(value, str) else value

    def __str__(self) -> str:
        return self.name


class ProductTranslation(Versioned, db.Model):
    __tablename__ = "product_translations"
    __version_parent__ = "product"
    __table_args__ = (UniqueConstraint("product_id", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(35))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    product: Mapped[Product] = relationship(back_populates="translations")

    def __str__(self) -> str:
        return f"{self.locale}: {self.name}"


# The back-office lists a million products: its sort and search need these.
# `lower(name)`: a case-insensitive name prefix search is a range scan on this index.
Index("ix_products_name_lower", func.lower(Product.name))
Index("ix_products_created_at", Product.created_at)
# The API sorts by these too (and filters `updated_at`: what changed since a sync).
Index("ix_products_updated_at", Product.updated_at)
Index("ix_products_stock", Product.stock)
