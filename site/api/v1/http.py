"""HTTP plumbing shared by the resources: request bodies, links, validators, deprecation."""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from typing import Any

from flask import Response
from flask import current_app
from flask import jsonify
from flask import request
from flask_babel import gettext as _
from werkzeug.http import http_date

from ...conditional import NotModified
from ...conditional import conditional
from ...conditional import is_fresh
from ...errors import ApiError
from ...extensions import cache

JSON = "application/json"
MERGE_PATCH = "application/merge-patch+json"


def json_body(*, merge_patch: bool = False) -> dict[str, Any]:
    """The request's JSON object: 415 for another media type, 400 when it does not parse."""
    accepted = (JSON, MERGE_PATCH) if merge_patch else (JSON,)
    if request.mimetype not in accepted:
        headers = {"Accept-Patch": MERGE_PATCH} if merge_patch else {}
        raise ApiError(
            415,
            _("Send the body as %(types)s.", types=" or ".join(accepted)),
            headers=headers,
        )
    raw = request.get_data(cache=True)  # over MAX_CONTENT_LENGTH: 413 from Werkzeug
    try:
        data = json.loads(raw)
    except UnicodeDecodeError:
        raise ApiError(400, _("The body is not UTF-8."), title=_("Malformed JSON")) from None
    except RecursionError:
        raise ApiError(
            400, _("The body is nested too deeply."), title=_("Malformed JSON")
        ) from None
    except json.JSONDecodeError as e:
        raise ApiError(
            400,
            _(
                "The body is not valid JSON: %(problem)s at line %(line)d, column %(column)d.",
                problem=e.msg,
                line=e.lineno,
                column=e.colno,
            ),
            title=_("Malformed JSON"),
        ) from None
    except ValueError:  # an integer of more than 4300 digits (sys.get_int_max_str_digits)
        raise ApiError(
            400, _("The body holds a number with too many digits."), title=_("Malformed JSON")
        ) from None
    if not isinstance(data, dict):
        raise ApiError(400, _("The body must be a JSON object."), title=_("Malformed JSON"))
    if _has_nul(data):  # PostgreSQL text cannot hold one
        raise ApiError(400, _("The body must not contain NUL characters."))
    return data


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON Merge Patch."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def link_header(links: dict[str, str]) -> str:
    """RFC 8288: `<url>; rel="next", …`."""
    return ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if url)


def cache_control(private: bool) -> str:
    # A token holder may see more (drafts): such answers must not sit in shared caches.
    return (
        "private, max-age=0, must-revalidate" if private else "public, max-age=0, must-revalidate"
    )


#: How long a built representation stays in the shared cache (keys change with content).
CACHE_SECONDS = 600


def validated_response(
    etag: str,
    build: Callable[[], tuple[Any, dict[str, str]]],
    *,
    last_modified: datetime | None,
    private: bool,
) -> Response:
    """304 when the client's copy is current (without building the body), else 200.

    `build` returns the JSON body and the headers that go with it (Content-Language, Link…).
    Public representations are kept in the shared cache (Redis, when configured) under their
    ETag: every worker serves what one built, and a changed record has a new ETag, so a
    change is never served stale and needs no explicit invalidation.
    """
    vary = ("Accept-Language", "Authorization")
    if is_fresh(etag, last_modified):
        return NotModified(etag, cache_control(private), vary)
    key = None if private else f"api:{etag}"
    stored = cache.get(key) if key else None
    if stored is not None:
        body_bytes, headers = stored
        response = Response(body_bytes, mimetype="application/json")
    else:
        body, headers = build()
        response = jsonify(body)
        if key:
            cache.set(key, (response.get_data(), dict(headers)), timeout=CACHE_SECONDS)
    response.headers.update(headers)
    return conditional(
        response,
        etag=etag,
        last_modified=last_modified,
        cache_control=cache_control(private),
        vary=vary,
    )


@dataclass(frozen=True)
class Deprecation:
    """A deprecated field or version: since when, until when it works, where to read more."""

    since: date
    sunset: date
    note: str = ""


def _moment(value: date) -> datetime:
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def announce(response: Response, deprecations: Iterable[Deprecation]) -> None:
    """Deprecation (RFC 9745) and Sunset (RFC 8594) for the earliest of `deprecations`."""
    found = sorted(deprecations, key=lambda d: d.sunset)
    if not found:
        return
    first = found[0]
    response.headers["Deprecation"] = f"@{int(_moment(first.since).timestamp())}"
    response.headers["Sunset"] = http_date(_moment(first.sunset))


def version_deprecation(version: str) -> Deprecation | None:
    """A version marked deprecated in API_DEPRECATED_VERSIONS ({"v1": {"since", "sunset"}})."""
    entry = (current_app.config.get("API_DEPRECATED_VERSIONS") or {}).get(version)
    if not entry:
        return None
    return Deprecation(
        since=date.fromisoformat(entry["since"]), sunset=date.fromisoformat(entry["sunset"])
    )
