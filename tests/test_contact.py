"""The contact form: validation keeps input, CSRF, honeypot, post/redirect/get, rate limit."""

from __future__ import annotations

import pytest
from pagetree import write_tree
from sqlalchemy import select
from support import csrf_token

from atrium.extensions import db
from atrium.models import Inquiry

GOOD = {"name": "Ana Silva", "email": "Ana@Example.com", "message": "Please call me back soon."}


@pytest.fixture
def app(make_app, page_tree):
    return make_app(PAGES_ROOT=str(page_tree))


def _inquiries(app) -> list[Inquiry]:
    with app.app_context():
        return list(db.session.scalars(select(Inquiry)))


def _send(client, lang="en", **fields):
    token = csrf_token(client.get(f"/{lang}/contact").text)
    return client.post(f"/{lang}/contact", data={"csrf_token": token, **fields})


def test_form_has_labelled_fields_and_a_hidden_honeypot(client):
    text = client.get("/en/contact").text
    for field in ("name", "email", "message"):
        assert f'<label for="{field}">' in text
    assert '<div class="hp" aria-hidden="true">' in text
    assert 'name="website"' in text and 'tabindex="-1"' in text


def test_valid_message_is_stored_then_redirected_to_thanks(app, client):
    response = _send(client, lang="de", **GOOD)
    assert response.status_code == 303
    assert response.headers["Location"] == "/de/contact/thanks"
    thanks = client.get("/de/contact/thanks")
    assert "Vielen Dank für Ihre Nachricht" in thanks.text
    [inquiry] = _inquiries(app)
    assert (inquiry.name, inquiry.email, inquiry.locale) == ("Ana Silva", "ana@example.com", "de")


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("name", "", "Please enter your name."),
        ("email", "not-an-address", "Please enter a valid email address."),
        ("email", "", "Please enter your email address."),
        ("message", "short", "Please write between 10 and 5000 characters."),
        ("name", "   ", "Please enter your name."),
        ("message", "   \n\t ", "Please write a message."),
        ("message", "Hi" + " " * 20, "Please write between 10 and 5000 characters."),  # "Hi"
    ],
)
def test_errors_are_shown_and_input_is_kept(app, client, field, value, error):
    response = _send(client, **{**GOOD, field: value})
    assert response.status_code == 422
    assert error in response.text
    assert 'aria-invalid="true"' in response.text
    for name, typed in GOOD.items():
        if name != field:
            assert typed in response.text
    assert _inquiries(app) == []


def test_surrounding_blanks_are_not_stored(app, client):
    sent = {"name": "  Ana Silva ", "email": " Ana@Example.com ", "message": GOOD["message"] + " "}
    assert _send(client, **sent).status_code == 303
    [inquiry] = _inquiries(app)
    assert (inquiry.name, inquiry.email) == ("Ana Silva", "ana@example.com")
    assert inquiry.message == GOOD["message"]


def test_missing_or_wrong_csrf_token_is_rejected_keeping_input(app, client):
    client.get("/en/contact")
    response = client.post("/en/contact", data={**GOOD, "csrf_token": "forged"})
    assert response.status_code == 400
    assert "The form expired" in response.text
    assert "Please call me back soon." in response.text
    assert client.post("/en/contact", data=GOOD).status_code == 400
    assert _inquiries(app) == []


def test_honeypot_gets_thanks_but_stores_nothing(app, client):
    response = _send(client, **GOOD, website="http://spam.example")
    assert response.status_code == 303
    assert _inquiries(app) == []


def test_contact_form_is_rate_limited(make_app, tmp_path):
    app = make_app(PAGES_ROOT=str(write_tree(tmp_path)), RATELIMIT_ENABLED=True)
    client = app.test_client()
    statuses = [_send(client, **GOOD).status_code for _ in range(6)]
    assert statuses == [303] * 5 + [429]
    blocked = _send(client, **{**GOOD, "message": "My sixth message, kept for me."})
    assert blocked.status_code == 429
    assert "You have sent several messages in a short time." in blocked.text
    assert "My sixth message, kept for me." in blocked.text  # nothing typed is lost
    assert "Retry-After" in blocked.headers
    assert len(_inquiries(app)) == 5


def test_a_form_sent_back_does_not_count_against_the_limit(make_app, tmp_path):
    app = make_app(PAGES_ROOT=str(write_tree(tmp_path)), RATELIMIT_ENABLED=True)
    client = app.test_client()
    for _ in range(5):
        assert _send(client, **{**GOOD, "message": "short"}).status_code == 422
    assert _send(client, **GOOD).status_code == 303
    assert client.get("/en/contact").status_code == 200  # reading is never limited
