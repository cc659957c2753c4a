"""One log line per request, tagged with a request id (taken from the proxy or made).

What a visitor sent (a path, a name, a message) is logged through `printable`: control,
format (bidi) and line-separator characters are written as escapes, so it cannot colour a
terminal, reverse a line or start a line of its own that looks like the server's.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
import uuid

from flask import Flask
from flask import Response
from flask import g
from flask import request

log = logging.getLogger("atrium.request")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
#: Unicode categories written as escapes: controls (ESC, BEL, CR, LF…), format characters
#: (the bidi overrides U+202A–U+202E and isolates, zero-width ones), line and paragraph
#: separators.
_UNPRINTABLE = frozenset({"Cc", "Cf", "Zl", "Zp"})


def printable(text: str) -> str:
    """`text` for one log line: unprintable characters as Python escapes (`\\x1b`, `\\u202e`,
    `\\n`); the rest as it was."""
    return "".join(
        c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in _UNPRINTABLE else c
        for c in str(text)
    )


def _start() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id", "")
    elapsed = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000
    log.info(
        "%s %s %s %.1fms id=%s",
        request.method,
        printable(request.full_path.rstrip("?")),
        response.status_code,
        elapsed,
        g.get("request_id", "-"),
    )
    return response


def init_app(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_finish)
    if not logging.getLogger().handlers:  # gunicorn or a test runner may have set one up
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
