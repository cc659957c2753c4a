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
