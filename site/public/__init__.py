"""Public views of the database: news, products, the contact form, and site search."""

from flask import Blueprint
from flask import Flask
from flask import Response
from flask import request
from flask import url_for

from .. import i18n

bp = Blueprint("public", __name__, url_prefix=i18n.URL_PREFIX)
i18n.use_url_prefix(bp)


def list_alternates(endpoint: str) -> list[tuple[str, str]]:
    """hreflang alternates of a list view: the same list in every locale, plus x-default."""
    alternates = [
        (tag, url_for(endpoint, lang=tag, _external=True, **request.args))
        for tag in i18n.supported()
    ]
    return [*alternates, ("x-default", alternates[0][1])]


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
