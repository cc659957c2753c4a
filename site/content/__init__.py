"""Localized Markdown pages: `/`, `/<lang>/…`, the sitemap, robots.txt and search."""

from flask import Blueprint
from flask import Flask

from .. import i18n
from . import pages

bp = Blueprint("content", __name__)
site = Blueprint("content_site", __name__, url_prefix=i18n.URL_PREFIX)
i18n.use_url_prefix(site)

from . import navigation  # noqa: E402
from . import seo  # noqa: E402,F401
from . import views  # noqa: E402,F401


def init_app(app: Flask) -> None:
    pages.init_app(app)
    app.context_processor(navigation.template_context)
    app.register_blueprint(bp)
    app.register_blueprint(site)
