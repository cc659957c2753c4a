"""The REST API: one blueprint per version under /api/, and what they all share.

Shared here: the version index at /api/, a 404 that names the versions for an unknown one,
exemption from the site's CSRF protection (the API takes Bearer tokens, never cookies),
X-HTTP-Method-Override (POST only, to PUT, PATCH or DELETE), rate limits on writes and
token use, and CORS for the configured origins only.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint
from flask import Flask
from flask import current_app
from flask import jsonify
from flask import request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from ..errors import ApiError
from ..extensions import csrf
from ..extensions import limiter
from .v1 import bp as v1

#: Every version served, newest last: URL segment → blueprint.
VERSIONS = {"v1": v1}
OVERRIDABLE = ("PUT", "PATCH", "DELETE")
WRITES = ["POST", "PUT", "PATCH", "DELETE"]
DEFAULTS: dict[str, Any] = {
    "API_WRITE_LIMIT": "60 per minute",  # per token (or address), all writes together
    "API_TOKEN_LIMIT": "600 per minute",  # every request that sends a token, per token
    "API_INQUIRY_LIMIT": "5 per minute",  # public contact messages, per address
    "API_AUTH_FAILURE_LIMIT": "20 per minute",  # rejected tokens, per address (guessing)
    "API_DEPRECATED_VERSIONS": {},  # {"v1": {"since": "2027-01-01", "sunset": "2027-12-31"}}
    "CORS_ORIGINS": [],  # origins allowed to call the API from a browser
}

index = Blueprint("api", __name__)


@index.get("/api/")
def list_versions():
    versions = []
    for name in VERSIONS:
        deprecated = (current_app.config["API_DEPRECATED_VERSIONS"] or {}).get(name)
        versions.append(
            {
                "version": name,
                "status": "deprecated" if deprecated else "current",
                "links": {
                    "self": f"/api/{name}/",
                    "openapi": f"/api/{name}/openapi.json",
                    "docs": f"/api/{name}/docs",
                },
            }
        )
    return jsonify(data=versions)


def _unknown_version() -> None:
    """A 404 under /api/ for a version that does not exist names those that do."""
    parts = request.path.split("/")
    if len(parts) > 2 and parts[1] == "api" and parts[2] and parts[2] not in VERSIONS:
        raise ApiError(
            404,
            _(
                "There is no API version %(version)s; the versions are: %(versions)s.",
                version=parts[2],
                versions=", ".join(VERSIONS),
            ),
            title=_("Unknown API version"),
            versions=list(VERSIONS),
        )


class MethodOverride:
    """WSGI middleware: X-HTTP-Method-Override turns an API POST into PUT, PATCH or DELETE.

    It must act before routing, hence middleware; a refused override is only marked here,
    and `_check_api_request` answers it with a 400 problem.
    """

    def __init__(self, wsgi_app: Any) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Any) -> Any:
        wanted = environ.get("HTTP_X_HTTP_METHOD_OVERRIDE")
        if wanted is not None and environ.get("PATH_INFO", "").startswith("/api/"):
            wanted = wanted.strip().upper()
            if environ.get("REQUEST_METHOD") == "POST" and wanted in OVERRIDABLE:
                environ["REQUEST_METHOD"] = wanted
            else:
                environ["atrium.refused_override"] = wanted
        return self.wsgi_app(environ, start_response)


def _refuse_bad_override() -> None:
    if "atrium.refused_override" in request.environ:
        raise ApiError(
            400,
            _(
                "X-HTTP-Method-Override is honoured on POST only, to %(methods)s.",
                methods=", ".join(OVERRIDABLE),
            ),
        )


def _check_api_request(endpoint: str | None, values: dict | None) -> None:
    # An app-level URL preprocessor runs before any blueprint's (the site's `/<lang>/…`
    # routes would otherwise take `/api/v9/…` for a page and 404 on the language).
    if request.path.startswith("/api/"):
        _unknown_version()
        _refuse_bad_override()


def client_key() -> str:
    """Limits count per token when one is sent (hashed: no secret in the store), else per
    address."""
    header = request.headers.get("Authorization")
    if header:
        return "token:" + hashlib.sha256(header.encode()).hexdigest()[:24]
    return "addr:" + (get_remote_address() or "unknown")


def _limit(name: str):
    return lambda: current_app.config[name]


# Writes, all endpoints together, per caller; every request carrying a token, per token.
limiter.shared_limit(_limit("API_WRITE_LIMIT"), "api-writes", key_func=client_key, methods=WRITES)(
    v1
)
limiter.shared_limit(
    _limit("API_TOKEN_LIMIT"),
    "api-token",
    key_func=client_key,
    exempt_when=lambda: "Authorization" not in request.headers,
)(v1)
# Guessing tokens: each try has a new token, so rejected ones are counted per address.
limiter.shared_limit(
    _limit("API_AUTH_FAILURE_LIMIT"),
    "api-auth-failures",
    key_func=lambda: "addr:" + (get_remote_address() or "unknown"),
    exempt_when=lambda: "Authorization" not in request.headers,
    deduct_when=lambda response: response.status_code == 401,
)(v1)


def _cors(app: Flask) -> None:
    origins = app.config.get("CORS_ORIGINS") or []
    if isinstance(origins, str):
        origins = origins.replace(",", " ").split()
    if not origins:
        return
    from flask_cors import CORS

    CORS(
        app,
        resources={r"/api/*": {"origins": list(origins)}},
        supports_credentials=False,  # tokens, never cookies
        allow_headers=[
            "Authorization",
            "Content-Type",
            "If-Match",
            "If-None-Match",
            "Accept-Language",
            "X-HTTP-Method-Override",
        ],
        expose_headers=[
            "ETag",
            "Last-Modified",
            "Location",
            "Link",
            "Content-Language",
            "Deprecation",
            "Sunset",
            "Retry-After",
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
        ],
        max_age=600,
    )


def init_app(app: Flask) -> None:
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    app.register_blueprint(index)
    for name, blueprint in VERSIONS.items():
        csrf.exempt(blueprint)
        app.register_blueprint(blueprint, url_prefix=f"/api/{name}")
    csrf.exempt(index)
    app.url_value_preprocessor(_check_api_request)
    app.wsgi_app = MethodOverride(app.wsgi_app)
    _cors(app)
