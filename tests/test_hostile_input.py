"""Hostile input to the site, the API and the page files: a clear answer, never a 500."""

import http.client
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import factories
import pytest
from pagetree import write_tree
from smtp import SMTPServer
from sqlalchemy import select
from support import csrf_token
from werkzeug.serving import make_server

from atrium import jobs
from atrium.extensions import db as _db
from atrium.models import Inquiry

EVIL_NAME = "Eve\r\nBcc: everyone@example.com\r\n\r\nHi"


def _contact_form(client) -> None:
    token = csrf_token(client.get("/en/contact").text)
    message = "Please call me back soon."
    data = {"csrf_token": token, "name": EVIL_NAME, "email": "eve@example.com", "message": message}
    assert client.post("/en/contact", data=data).status_code == 303


def _api(client) -> None:
    body = {"name": EVIL_NAME, "email": "eve@example.com", "message": "Please call me back soon."}
    assert client.post("/api/v1/inquiries", json=body).status_code == 201


@pytest.mark.parametrize("send", [_contact_form, _api], ids=["contact form", "API"])
def test_staff_hear_of_an_inquiry_whose_name_has_line_breaks(make_app, tmp_path, send):
    with SMTPServer() as smtp:
        app = make_app(PAGES_ROOT=str(write_tree(tmp_path)), **smtp.config())
        with app.app_context():
            factories.user("editor@example.com", role="editor")
            _db.session.commit()
        send(app.test_client())
        jobs.wait(app)
    [message] = smtp.inbox.messages
    assert message["Subject"] == "New message from Eve Bcc: everyone@example.com Hi"
    assert message["Bcc"] is None
    assert message["To"] == "editor@example.com"
    lines = message.get_body(("plain",)).get_content().splitlines()
    assert "Name: Eve Bcc: everyone@example.com Hi" in lines  # one line: no faked lines


@contextmanager
def served(app) -> Iterator[int]:
    """`app` behind Werkzeug's server in a thread (it decodes chunked bodies); its port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.port
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def post_chunked(port: int, path: str, body: bytes, content_type: str):
    """POST `body` with `Transfer-Encoding: chunked` (no Content-Length); (status, type, text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    chunks = (body[i : i + 65536] for i in range(0, len(body), 65536))
    try:
        connection.request(
            "POST", path, body=chunks, headers={"Content-Type": content_type}, encode_chunked=True
        )
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type"), response.read().decode()
    finally:
        connection.close()


MIB = 1024 * 1024
FORM = "application/x-www-form-urlencoded"


def _inquiry_json(size: int) -> bytes:
    body = {"name": "Ana", "email": "ana@example.com", "message": "x" * size}
    return json.dumps(body).encode()


@pytest.mark.parametrize(
    ("path", "content_type", "body"),
    [
        ("/api/v1/inquiries", "application/json", _inquiry_json(MIB + 100)),
        ("/en/contact", FORM, b"name=Ana&email=ana%40example.com&message=" + b"x" * (MIB + 100)),
        ("/admin/login", FORM, b"email=ana%40example.com&password=" + b"x" * (MIB + 100)),
    ],
    ids=["API", "contact form", "admin login"],
)
def test_a_chunked_body_over_the_limit_is_refused_with_413(
    make_app, tmp_path, path, content_type, body
):
    app = make_app(PAGES_ROOT=str(write_tree(tmp_path)))
    with served(app) as port:
        status, mimetype, text = post_chunked(port, path, body, content_type)
    assert status == 413
    if path.startswith("/api/"):
        assert mimetype == "application/problem+json"
        assert json.loads(text)["status"] == 413
    else:
        assert mimetype.startswith("text/html")
        assert "What you sent is too large." in text


def test_a_chunked_body_under_the_limit_is_read_whole(make_app, tmp_path):
    app = make_app(PAGES_ROOT=str(write_tree(tmp_path)))
    with served(app) as port:
        status, mimetype, text = post_chunked(
            port, "/api/v1/inquiries", _inquiry_json(4000), "application/json"
        )
    assert (status, mimetype) == (201, "application/json")
    with app.app_context():
        assert _db.session.scalar(select(Inquiry.message)) == "x" * 4000
