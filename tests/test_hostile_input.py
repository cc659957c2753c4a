"""Hostile input to the site, the API and the page files: a clear answer, never a 500."""

import factories
import pytest
from pagetree import write_tree
from smtp import SMTPServer
from support import csrf_token

from atrium import jobs
from atrium.extensions import db as _db

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
