"""Version 1 of the API, at /api/v1: one module per resource, all on this blueprint."""

from flask import Blueprint
from flask import Response

bp = Blueprint("api_v1", __name__)


@bp.after_request
def _announce_version_deprecation(response: Response) -> Response:
    from .http import announce
    from .http import version_deprecation

    deprecation = version_deprecation("v1")
    if deprecation:
        announce(response, [deprecation])
    return response


from . import categories  # noqa: E402,F401
from . import inquiries  # noqa: E402,F401
from . import locales  # noqa: E402,F401
from . import openapi  # noqa: E402,F401
from . import pages  # noqa: E402,F401
from . import products  # noqa: E402,F401
from . import posts  # noqa: E402,F401
