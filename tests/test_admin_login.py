"""Staff login and logout: CSRF, one generic error, safe `next`, fresh session, rate limit."""

import pytest
from admin_helpers import PASSWORD
from admin_helpers import token_of
from sqlalchemy import select

from atrium.extensions import db as _db
from atrium.models import User


def _post_login(client, **data):
    page = client.get("/admin/login")
    return client.post("/admin/login", data={"csrf_token": token_of(page.text), **data})


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/product/", "/admin/product/edit/?id=1", "/admin/user/"]
)
def test_anonymous_is_sent_to_login_and_back(client, staff, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.location.startswith("/admin/login?next=")
    page = client.get(response.location)
    assert page.status_code == 200
    assert "csrf_token" in page.text
    email = staff.email_of(staff.create("admin"))
    done = client.post(
        "/admin/login",
        data={
            "email": email,
            "password": PASSWORD,
            "next": path,
            "csrf_token": token_of(page.text),
        },
    )
    assert done.status_code == 302
    assert done.location == path


@pytest.mark.parametrize(
    "target", ["https://evil.example/admin/", "//evil.example/admin", "/en/", "/\\evil.example"]
)
def test_login_never_redirects_off_the_admin(client, staff, target):
    email = staff.email_of(staff.create("editor"))
    response = _post_login(client, email=email, password=PASSWORD, next=target)
    assert response.status_code == 302
    assert response.location == "/admin/"


@pytest.mark.parametrize(
    ("email", "password"),
    [("nobody@example.com", PASSWORD), ("known@example.com", "wrong password")],
)
def test_bad_email_or_password_get_the_same_generic_error(client, staff, email, password):
    staff.create("editor", email="known@example.com")
    response = _post_login(client, email=email, password=password)
    assert response.status_code == 400
    assert "Wrong email or password." in response.text
    assert 'value="' + email + '"' in response.text  # what was typed is kept
    assert client.get("/admin/").status_code == 302


def test_inactive_account_cannot_log_in(client, staff):
    staff.create("admin", email="gone@example.com", active=False)
    response = _post_login(client, email="gone@example.com", password=PASSWORD)
    assert response.status_code == 400
    assert "Wrong email or password." in response.text


def test_login_without_csrf_token_is_refused(client, staff):
    staff.create("admin", email="a@example.com")
    response = client.post("/admin/login", data={"email": "a@example.com", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_login_starts_a_fresh_session_and_records_last_login(app, client, staff):
    user_id = staff.create("editor", email="e@example.com")
    page = client.get("/admin/login")
    before = token_of(page.text)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.post(
        "/admin/login",
        data={"email": "e@example.com", "password": PASSWORD, "csrf_token": before},
    )
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("_user_id") == str(user_id)
    assert token_of(client.get("/admin/profile/").text) != before
    with app.app_context():
        assert _db.session.get(User, user_id).last_login_at is not None


def test_remember_me_sets_a_remember_cookie(client, staff):
    email = staff.email_of(staff.create("viewer"))
    response = _post_login(client, email=email, password=PASSWORD, remember="y")
    assert response.status_code == 302
    assert "remember_token=" in " ".join(response.headers.getlist("Set-Cookie"))


def test_logout_is_a_post_with_csrf(staff):
    client = staff.login(role="viewer")
    assert client.get("/admin/logout").status_code == 405
    assert client.post("/admin/logout").status_code == 400  # no CSRF token
    assert client.get("/admin/").status_code == 200
    response = client.post("/admin/logout", data={"csrf_token": staff.token(client)})
    assert response.status_code == 302
    assert response.location == "/admin/login"
    assert "You are logged out." in client.get("/admin/login").text
    assert client.get("/admin/").status_code == 302


def test_login_attempts_are_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, ADMIN_LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [
        _post_login(client, email="x@example.com", password="nope").status_code for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]
    response = _post_login(client, email="x@example.com", password="nope")
    assert response.status_code == 429
    assert "Retry-After" in response.headers


def test_login_page_speaks_the_visitors_language(client):
    response = client.get("/admin/login", headers={"Accept-Language": "ar"})
    assert 'dir="rtl"' in response.text
    assert 'lang="ar"' in response.text


def test_user_lookup_is_case_insensitive(app, client, staff):
    staff.create("editor", email="mixed@example.com")
    response = _post_login(client, email="MIXED@Example.com", password=PASSWORD)
    assert response.status_code == 302
    with app.app_context():
        query = select(User.last_login_at).where(User.email == "mixed@example.com")
        assert _db.session.scalar(query) is not None
