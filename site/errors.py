"""One error decision for the whole app: HTML pages for the site, problem+json for the API.

Routing errors (unknown path, wrong method) never reach a blueprint's handlers, so the
choice is made here, by path prefix. Exception text never reaches a user. An area may
render its own pages for its prefix (the admin, inside its layout: `add_page_renderer`).

A database that refuses connections is a 503 with `Retry-After`, logged on one line per
request, on every face: the page itself needs no database (the user loader notes the
failure and answers "anonymous", see auth.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask import Response
from flask import current_app
from flask import g
from flask import jsonify
from flask import render_template
from flask import request
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError
from werkzeug.exceptions import ServiceUnavailable

from .extensions import db
from .requestlog import printable

log = logging.getLogger(__name__)

PROBLEM = "application/problem+json"

#: Titles and explanations shown on error pages, in the visitor's language.
MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    401: (_l("Login required"), _l("You need to log in to see this page.")),
    403: (_l("Forbidden"), _l("You are not allowed to see this page.")),
    404: (_l("Page not found"), _l("There is no page at this address.")),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    410: (_l("Gone"), _l("This page has been removed.")),
    412: (_l("Precondition failed"), _l("The record changed since you read it.")),
    413: (_l("Too large"), _l("What you sent is too large.")),
    415: (_l("Unsupported media type"), _l("What you sent is in a format we do not accept.")),
    422: (_l("Unprocessable content"), _l("What you sent could not be processed.")),
    428: (_l("Precondition required"), _l("Send the version you read with If-Match.")),
    429: (_l("Too many requests"), _l("Too many requests: please wait a moment and retry.")),
    500: (_l("Server error"), _l("Something went wrong on our side. It has been logged.")),
    503: (_l("Service unavailable"), _l("The service is unavailable: please retry shortly.")),
}


class ApiError(HTTPException):
    """An error the API raises; rendered as a problem document by `handle_http_error`."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        *,
        title: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(description=detail)
        self.code = status
        self.title = title
        self.errors = errors
        self.extra_headers = headers or {}
        self.extra = extra

    def get_headers(self, environ=None, scope=None) -> list[tuple[str, str]]:
        return list(self.extra_headers.items())


class DatabaseUnavailable(ServiceUnavailable):
    """The database refused or timed out: retry later (the delay is RETRY_AFTER_SECONDS)."""

    def __init__(self) -> None:
        super().__init__(retry_after=current_app.config.get("RETRY_AFTER_SECONDS", 30))


#: What a database that is down or unreachable raises (a refused connection, an unreadable
#: SQLite file, a pool that gave no connection in time).
UNAVAILABLE = (OperationalError, PoolTimeout)


def database_unavailable(e: Exception) -> DatabaseUnavailable:
    """The 503 for `e`, logged once per request on one line (no traceback: the cause is
    outside the code, and a traceback per request would bury the log)."""
    if not g.get("database_unavailable"):
        g.database_unavailable = True
        reason = str(getattr(e, "orig", None) or e).strip().splitlines()
        where = f"{request.method} {printable(request.path)}" if request else "outside a request"
        log.error(
            "database unavailable on %s: %s: %s",
            where,
            type(getattr(e, "orig", None) or e).__name__,
            reason[0] if reason else "",
        )
    return DatabaseUnavailable()


def database_was_unavailable() -> bool:
    """Whether this request already found the database down (then a view must not take
    the anonymous user the loader answered for a logged-out one)."""
    return bool(g.get("database_unavailable"))


def add_page_renderer(app: Flask, prefix: str, renderer: Callable[[HTTPException], Response]):
    """Error pages under `prefix` come from `renderer` (e.g. inside the admin's layout)."""
    app.extensions.setdefault("atrium.error_pages", {})[prefix] = renderer


def problem(status: int, title: str, detail: str | None = None, **extra: Any) -> Response:
    """An RFC 9457 problem document."""
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update({k: v for k, v in extra.items() if v is not None})
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM
    return response


def _title(code: int, fallback: str) -> str:
    return str(MESSAGES[code][0]) if code in MESSAGES else fallback


def _without_host() -> None:
    """A `Host` outside TRUSTED_HOSTS leaves the request without a URL adapter (Flask
    refuses to bind to it): error pages build their links on PUBLIC_URL's instead."""
    context = request_ctx._get_current_object()
    if context.url_adapter is None:
        base = urlsplit(current_app.config["PUBLIC_URL"])
        context.url_adapter = current_app.url_map.bind(
            base.netloc, script_name=request.script_root or "/", url_scheme=base.scheme
        )


def render_error_page(e: HTTPException) -> Response:
    code = e.code or 500
    _without_host()
    for prefix, renderer in current_app.extensions.get("atrium.error_pages", {}).items():
        if request.path == prefix or request.path.startswith(prefix + "/"):
            try:
                return renderer(e)
            except Exception:  # the site's plain page rather than no page at all
                log.exception("the error page of %s failed; the site's page is shown", prefix)
    title, message = MESSAGES.get(code, (e.name, ""))
    response = Response(
        render_template("errors/error.html", code=code, title=title, message=message),
        status=code,
    )
    return response


def handle_http_error(e: HTTPException) -> Response:
    code = e.code or 500
    if e.response is not None and not request.path.startswith("/api/"):
        # A view made its own page for this error (the contact form over its limit).
        response = e.response
        response.headers.extend(h for h in e.get_headers() if h[0].lower() != "content-type")
        return response
    if code >= 500:
        try:  # nothing half-written stays in the session
            db.session.rollback()
        except SQLAlchemyError:  # a connection that is gone has nothing to roll back
            pass
    if request.path.startswith("/api/") or request.path in ("/api", "/healthz", "/readyz"):
        if isinstance(e, ApiError):
            response = problem(
                code,
                e.title or _title(code, e.name),
                e.description,
                errors=e.errors,
                **e.extra,
            )
        else:
            # Werkzeug's own description is English boilerplate; ours is translated.
            detail = str(MESSAGES[code][1]) if code in MESSAGES else e.description
            response = problem(code, _title(code, e.name), detail)
    else:
        response = render_error_page(e)
    # Keep Allow (405), Retry-After (429, 503), WWW-Authenticate (401)…
    response.headers.extend(h for h in e.get_headers() if h[0].lower() != "content-type")
    if code == 503:  # a shared cache must not keep serving the outage
        response.headers["Cache-Control"] = "no-store"
    return response


def handle_database_unavailable(e: Exception) -> Response:
    return handle_http_error(database_unavailable(e))


def handle_exception(e: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, printable(request.path))
    return handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_exception)
    for error in UNAVAILABLE:
        app.register_error_handler(error, handle_database_unavailable)
