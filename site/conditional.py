"""Conditional requests, in one place for pages and API alike.

Reads: a strong ETag per representation, Last-Modified and Cache-Control; a matching
If-None-Match (or an If-Modified-Since not older than the content) answers 304.
Writes: If-Match must be sent (428), name a version (not `*`: 428) and match the current
ETag (412).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import lru_cache
from functools import wraps

from flask import Response
from flask import make_response
from flask import request
from flask_babel import gettext as _
from werkzeug.datastructures import Headers
from werkzeug.exceptions import PreconditionFailed
from werkzeug.exceptions import PreconditionRequired
from werkzeug.http import http_date
from werkzeug.http import quote_etag
from werkzeug.http import remove_entity_headers

from .errors import ApiError

#: Request headers that need Werkzeug's full conditional handling.
_GENERAL = frozenset({"HTTP_RANGE", "HTTP_IF_RANGE", "HTTP_IF_MATCH", "HTTP_IF_MODIFIED_SINCE"})


@lru_cache(maxsize=4096)
def _http_date(moment: datetime) -> str:
    return http_date(moment.replace(microsecond=0))


def etag_for(*parts: object) -> str:
    """A strong validator from whatever identifies a representation (ids, versions, args)."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()
    return digest[:32]


def conditional(
    response: Response,
    *,
    etag: str | None = None,
    last_modified: datetime | None = None,
    cache_control: str = "public, max-age=0, must-revalidate",
    vary: tuple[str, ...] = (),
) -> Response:
    """Add validators and caching headers, then answer 304 when the client is current."""
    headers = response.headers
    if etag:
        headers["ETag"] = quote_etag(etag)
    else:
        response.add_etag()  # a hash of the body
    if last_modified:
        headers["Last-Modified"] = _http_date(last_modified)
    headers["Cache-Control"] = cache_control
    if vary:
        response.vary.update(vary)
    req = request._get_current_object()  # one proxy look-up: pages are hot
    environ = req.environ
    if etag and environ["REQUEST_METHOD"] in ("GET", "HEAD") and _GENERAL.isdisjoint(environ):
        # The common cases (no validator, or If-None-Match alone) without Werkzeug's
        # general machinery: cached pages answer in a few microseconds.
        if is_fresh(etag):
            response.status_code = 304
        return response
    return response.make_conditional(req)


#: Werkzeug strips these from a 304 (RFC 9110 15.4.5 keeps Expires and Content-Location).
_ENTITY_HEADERS = frozenset(
    {
        "allow",
        "content-encoding",
        "content-language",
        "content-length",
        "content-md5",
        "content-range",
        "content-type",
        "last-modified",
    }
)


class NotModified(Response):
    """A 304 made before any body is built: only the validator and caching headers.

    Werkzeug strips entity headers from every 304 by rebuilding the header list, which
    re-validates each value and costs more than the rest of a cached page's answer. This
    response is born without them, so the strip runs only if a hook added one.
    """

    default_mimetype = None  # no Content-Type

    def __init__(self, etag: str, cache_control: str, vary: tuple[str, ...] = ()) -> None:
        super().__init__(status=304)
        self.headers.add("ETag", quote_etag(etag))
        self.headers.add("Cache-Control", cache_control)
        if vary:
            self.vary.update(vary)

    def get_wsgi_headers(self, environ) -> Headers:
        headers = Headers(self.headers)
        if not _ENTITY_HEADERS.isdisjoint(key.lower() for key, _ in headers):
            remove_entity_headers(headers)
        return headers


def validated(cache_control: str = "public, max-age=0, must-revalidate"):
    """A view decorator: the rendered body's hash is its strong ETag, so a client or proxy
    revalidates with If-None-Match and gets a 304 without the body."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            return conditional(make_response(view(*args, **kwargs)), cache_control=cache_control)

        return wrapper

    return decorate


def is_fresh(etag: str, last_modified: datetime | None = None) -> bool:
    """Whether the client's cached copy is current, so a 304 can be answered before the
    body is built. If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2)."""
    req = request._get_current_object()
    sent = req.environ.get("HTTP_IF_NONE_MATCH")
    if sent:  # the exact tag a browser sends back first, without parsing the list
        return sent == f'"{etag}"' or req.if_none_match.contains_weak(etag)
    since = req.if_modified_since
    return bool(since and last_modified and last_modified.replace(microsecond=0) <= since)


def require_match(current_etag: str, *, prefix: str | None = None) -> None:
    """Refuse a write unless If-Match names the current representation (no lost update).

    With `prefix`, any ETag starting with it matches: a resource whose representations
    (per language, per fields=) all carry its version in that prefix. The error handler
    explains 428 and 412 in the client's language. `If-Match: *` names no version, so it
    cannot stop a lost update: it is a 428 too, which says so.
    """
    if not request.if_match:
        raise PreconditionRequired()
    if request.if_match.star_tag:
        raise ApiError(
            428,
            _(
                "If-Match: * does not say which version you read. Send the ETag you read, "
                "so that no one else's change is overwritten."
            ),
            title=_("Precondition required"),
        )
    if request.if_match.contains(current_etag):
        return
    if prefix and any(tag and tag.startswith(prefix) for tag in request.if_match.as_set()):
        return
    raise PreconditionFailed()
