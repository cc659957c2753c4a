"""The back-office at /admin: Flask-Admin views over the shared models, staff login, roles.

One `Admin` per app (made in `init_app`, never at import: tests build many apps).
"""

from __future__ import annotations

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from .. import errors
from ..models import CategoryTranslation
from ..models import ProductTranslation
from . import auth
from . import catalogs
from . import error_pages
from . import password_reset  # noqa: F401  (its routes join the admin_auth blueprint)
from .home import DashboardView
from .home import EraseView
from .home import ProfileView
from .translations import TranslationDashboard
from .views import ApiTokenView
from .views import AuditView
from .views import CategoryTranslationView
from .views import CategoryView
from .views import InquiryView
from .views import PostView
from .views import ProductTranslationView
from .views import ProductView
from .views import UserView


def init_app(app: Flask) -> None:
    if "atrium.admin" in app.extensions:
        raise RuntimeError("the back-office is already set up for this app")
    locales = app.extensions["atrium.locales"]
    admin = Admin(
        name="Atrium",
        theme=Bootstrap4Theme(base_template="admin/atrium/base.html"),
        translations_path=catalogs.fallback_directory(app),
        index_view=DashboardView(name=_l("Home"), url="/admin", endpoint="admin"),
    )
    admin.init_app(app)
    catalog, content, people = _l("Catalog"), _l("Content"), _l("Staff")
    admin.add_view(ProductView(locales, name=_l("Products"), category=catalog, endpoint="product"))
    admin.add_view(
        CategoryView(locales, name=_l("Categories"), category=catalog, endpoint="category")
    )
    admin.add_view(
        ProductTranslationView(
            ProductTranslation,
            locales,
            name=_l("Product translations"),
            category=catalog,
            endpoint="producttranslation",
        )
    )
    admin.add_view(
        CategoryTranslationView(
            CategoryTranslation,
            locales,
            name=_l("Category translations"),
            category=catalog,
            endpoint="categorytranslation",
        )
    )
    admin.add_view(PostView(locales, name=_l("News"), category=content, endpoint="post"))
    admin.add_view(InquiryView(name=_l("Inquiries"), category=content, endpoint="inquiry"))
    admin.add_view(
        EraseView(name=_l("Erase personal data"), category=content, endpoint="erase", url="erase")
    )
    admin.add_view(
        TranslationDashboard(name=_l("Translations"), endpoint="translations", url="translations")
    )
    admin.add_view(UserView(locales, name=_l("Users"), category=people, endpoint="user"))
    admin.add_view(ApiTokenView(name=_l("API tokens"), category=people, endpoint="apitoken"))
    admin.add_view(AuditView(name=_l("Audit log"), category=people, endpoint="audit"))
    admin.add_view(ProfileView(name=_l("My profile"), endpoint="profile", url="profile"))
    app.register_blueprint(auth.bp)
    app.extensions["atrium.admin"] = admin
    errors.add_page_renderer(app, "/admin", error_pages.render)
