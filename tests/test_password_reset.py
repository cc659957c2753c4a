"""Forgotten passwords: a mailed, time-limited, single-use link; no hint who has an account."""

import re

import pytest
from admin_helpers import PASSWORD
from admin_helpers import Staff
from smtp import SMTPServer
from support import csrf_token

from atrium import jobs

NEW = "a brand new secret"


@pytest.fixture
def smtp():
    with SMTPServer() as server:
        yield server


@pytest.fixture
def app(make_app, smtp):
    return make_app(**smtp.config())


def ask_for_link(client, email):
    token = csrf_token(client.get("/admin/reset").text)
    return client.post("/admin/reset", data={"email": email, "csrf_token": token})


#: Where links in mail lead in development (PUBLIC_URL unset), whatever the request's Host.
PUBLIC = "http://127.0.0.1:5000"


def link_in(message, base=PUBLIC) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(re.escape(base) + r"(/admin/reset/\S+)", text).group(1)


def choose(client, path, password=NEW, confirm=NEW):
    token = csrf_token(client.get(path).text)
    return client.post(path, data={"password": password, "confirm": confirm, "csrf_token": token})


def test_reset_by_mailed_link_then_log_in(app, client, staff, smtp):
    email = staff.email_of(staff.create("editor", preferred_locale="de"))
    response = ask_for_link(client, email.upper())
    assert response.status_code == 302 and response.headers["Location"] == "/admin/login"
    jobs.wait(app)
    [message] = smtp.inbox.messages
    assert message["To"] == email
    assert message["Subject"] == "Ihr Atrium-Passwort zurücksetzen"
    path = link_in(message)

    mismatch = choose(client, path, confirm="something else")
    assert mismatch.status_code == 400 and "The passwords differ." in mismatch.text
    assert choose(client, path).headers["Location"] == "/admin/login"
    staff.login(email=email, password=NEW)  # asserts the login succeeds

    again = client.get(path)  # the link works once
    assert again.headers["Location"] == "/admin/reset"
    assert "expired or was already used" in client.get("/admin/reset").text


def test_unknown_address_gets_the_same_answer_and_no_mail(app, client, smtp):
    response = ask_for_link(client, "nobody@example.com")
    assert response.status_code == 302
    assert "If an account uses that address" in client.get("/admin/login").text
    jobs.wait(app)
    assert smtp.inbox.messages == []


def test_expired_link_is_refused(make_app, smtp, staff):
    app = make_app(PASSWORD_RESET_MAX_AGE=-1, **smtp.config())
    client = app.test_client()
    email = staff.email_of(staff.create("viewer"))
    ask_for_link(client, email)
    jobs.wait(app)
    path = link_in(smtp.inbox.messages[0])
    assert client.get(path).headers["Location"] == "/admin/reset"
    staff.login(email=email, password=PASSWORD)  # the old password still works


def test_tampered_link_is_refused(client):
    assert client.get("/admin/reset/not-a-token").headers["Location"] == "/admin/reset"


def test_without_a_mail_server_the_link_is_written_to_the_log(make_app, caplog):
    """A developer's machine has no SMTP server: the mail goes to the log, once, and the
    link in it works."""
    app = make_app()  # no MAIL_SERVER
    staff = Staff(app)
    email = staff.email_of(staff.create("editor"))
    client = app.test_client()
    ask_for_link(client, email)
    jobs.wait(app)
    [record] = [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")]
    assert record.name == "atrium.mail" and email in record.getMessage()
    path = re.search(re.escape(PUBLIC) + r"(/admin/reset/\S+)", record.getMessage()).group(1)
    assert choose(client, path).headers["Location"] == "/admin/login"


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1:5000"])
def test_reset_link_is_on_the_public_url_whatever_the_host_header(make_app, smtp, host):
    """A reset asked for with a forged Host mails the victim a link on PUBLIC_URL, not on
    the attacker's host (which would receive the genuine token when it is clicked)."""
    app = make_app(PUBLIC_URL="https://www.example.com/atrium/", **smtp.config())
    staff = Staff(app)
    email = staff.email_of(staff.create("editor"))
    client = app.test_client()
    token = csrf_token(client.get("/admin/reset", headers={"Host": host}).text)
    client.post("/admin/reset", data={"email": email, "csrf_token": token}, headers={"Host": host})
    jobs.wait(app)
    [message] = smtp.inbox.messages
    text = message.get_body(("plain",)).get_content()
    assert "evil.example" not in text and "127.0.0.1" not in text
    path = link_in(message, base="https://www.example.com/atrium")
    assert choose(client, path).headers["Location"] == "/admin/login"  # and it works
