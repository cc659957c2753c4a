"""Version 1 of the API, at /api/v1: one module per resource, all on this blueprint."""

from flask import Blueprint
from flask import Response
from flask import g
from flask import request

bp = Blueprint("api_v1", __name__)


@bp.before_request
def _fresh_request_state() -> None:
    # An app context may outlive one request (tests, scripts): the caller's token and
    # language are found anew for each request.
    for name in ("api_token", "locale", "audit_actor"):
        g.pop(name, None)
    from .query import check_no_nul

    check_no_nul()
    if "Authorization" in request.headers:
        from .auth import current_token

        current_token()  # a bad token is a 401 on every endpoint, public ones too (RFC 6750)


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
from . import posts  # noqa: E402,F401
from . import products  # noqa: E402,F401
