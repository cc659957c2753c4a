"""Absolute links for mail: built on PUBLIC_URL, never on the request's `Host`.

A client chooses the `Host` header. `url_for(..., _external=True)` takes it, so a reset
link asked for with `Host: evil.example` would carry the victim's genuine token to the
attacker's host. Mail templates use `config.PUBLIC_URL` for the same reason.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    """`endpoint`'s absolute URL under PUBLIC_URL, in a request or outside one (jobs)."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    current_app.inject_url_defaults(endpoint, values)
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)
