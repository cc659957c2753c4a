"""The models shared by site, admin and API."""

from .audit import AuditEntry
from .catalog import Category
from .catalog import CategoryTranslation
from .catalog import Product
from .catalog import ProductTranslation
from .inquiry import Inquiry
from .inquiry import InquiryStatus
from .news import Post
from .news import PostStatus
from .user import ApiToken
from .user import Role
from .user import User

# SQLite gives a new row the largest id + 1, so the id of the last row deleted comes back:
# its audit history, its cached pages and an ETag or form read from it would then name
# another record. AUTOINCREMENT never hands an id out twice (PostgreSQL's sequences don't).
_NEVER_REUSED = (ApiToken, Category, CategoryTranslation, Inquiry, Post, Product)
for _model in (*_NEVER_REUSED, ProductTranslation, User):
    _model.__table__.dialect_kwargs["sqlite_autoincrement"] = True

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Category",
    "CategoryTranslation",
    "Inquiry",
    "InquiryStatus",
    "Post",
    "PostStatus",
    "Product",
    "ProductTranslation",
    "Role",
    "User",
]
