"""Request bodies over MAX_CONTENT_LENGTH are refused with 413, chunked ones too.

With a `Content-Length`, Werkzeug refuses a body over the limit before reading it. A
chunked body has none: Werkzeug (3.1) reads it up to the limit and then stops, so the
view gets the first MiB as if it were the whole body, and a form or JSON document cut in
the middle fails as a 400 ("malformed"), or worse, parses. Here the stream looks one byte
past the limit: if the body goes on, it answers 413 (a problem document under /api/, see
errors.py), whichever face reads it (form parsing, CSRF check, `get_data`, `get_json`).
"""

from __future__ import annotations

from typing import IO

from flask import Flask
from flask import Request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream


class BoundedStream(LimitedStream):
    """A body without Content-Length, read up to `limit` bytes: more than that is a 413."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        super().__init__(stream, limit, is_max=True)
        self._source = stream

    def on_exhausted(self) -> None:
        """At the limit: the end of the body, or a 413 if a byte is left."""
        if self._source.read(1):
            raise RequestEntityTooLarge()

    def readall(self) -> bytes:
        data = super().readall()  # stops at the limit without asking whether more follows
        if self.is_exhausted:
            self.on_exhausted()
        return data


class BoundedRequest(Request):
    @cached_property
    def stream(self) -> IO[bytes]:
        limit = self.max_content_length
        if (
            limit is None
            or self.shallow
            or self.content_length is not None
            or "wsgi.input_terminated" not in self.environ  # else Werkzeug reads nothing
        ):
            return super().stream
        return BoundedStream(self.environ["wsgi.input"], limit)


def init_app(app: Flask) -> None:
    app.request_class = BoundedRequest
