"""Public views of the database: news, products, the contact form, and site search."""

from flask import Blueprint
from flask import Flask
from flask import Response

from .. import i18n

bp = Blueprint("public", __name__, url_prefix=i18n.URL_PREFIX)
i18n.use_url_prefix(bp)


@bp.after_request
def content_language(response: Response) -> Response:
    response.headers.setdefault("Content-Language", i18n.current())
    return response


from . import contact  # noqa: E402,F401
from . import news  # noqa: E402,F401
from . import products  # noqa: E402,F401
from . import search  # noqa: E402,F401


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
