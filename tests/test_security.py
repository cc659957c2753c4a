"""Security headers on every face of the app; HTTPS-only ones behind a trusted proxy."""

import pytest


@pytest.mark.parametrize("path", ["/", "/healthz", "/no/such/page", "/api/v1/nothing"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers


def test_each_request_gets_its_own_nonce(client):
    first = client.get("/healthz").headers["Content-Security-Policy"]
    second = client.get("/healthz").headers["Content-Security-Policy"]
    assert first != second


def test_https_gets_hsts_and_a_secure_session_cookie(app):
    @app.get("/touch-session")
    def touch_session():
        from flask import session

        session["seen"] = True
        return "ok"

    client = app.test_client()
    response = client.get("/touch-session", base_url="https://atrium.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Secure" in response.headers["Set-Cookie"]
    plain = app.test_client().get("/touch-session")
    assert "Secure" not in plain.headers["Set-Cookie"]


def test_forwarded_proto_is_trusted_only_when_configured(make_app):
    forwarded = {"X-Forwarded-Proto": "https"}
    untrusted = make_app().test_client().get("/healthz", headers=forwarded)
    assert "Strict-Transport-Security" not in untrusted.headers
    trusted = make_app(PROXY_FIX="x_for=1,x_proto=1").test_client()
    assert "Strict-Transport-Security" in trusted.get("/healthz", headers=forwarded).headers


PRODUCTION = {
    "ENV_NAME": "production",
    "PUBLIC_URL": "https://www.example.com",
    "TRUSTED_HOSTS": ["www.example.com"],
}


def _cookies(response) -> dict:
    """The cookies a browser receives, by name: each Set-Cookie header parsed on its own."""
    from http.cookies import SimpleCookie

    received = {}
    for header in response.headers.getlist("Set-Cookie"):
        jar = SimpleCookie()
        jar.load(header)
        received.update(jar)
    return received


def test_production_login_cookies_are_secure_httponly_and_samesite(make_app):
    """Behind a proxy that terminates TLS (no PROXY_FIX), the app sees plain HTTP: the
    cookies must still be Secure in production, or a browser sends them over HTTP too."""
    from admin_helpers import PASSWORD
    from admin_helpers import Staff
    from support import csrf_token

    app = make_app(**PRODUCTION)
    email = Staff(app).email_of(Staff(app).create("editor"))
    client = app.test_client()
    base = "http://www.example.com"
    token = csrf_token(client.get("/admin/login", base_url=base).text)
    response = client.post(
        "/admin/login",
        base_url=base,
        data={"email": email, "password": PASSWORD, "remember": "y", "csrf_token": token},
    )
    assert response.status_code == 302
    cookies = _cookies(response)
    for name in ("session", "remember_token"):
        assert cookies[name]["secure"] is True, name
        assert cookies[name]["httponly"] is True, name
        assert cookies[name]["samesite"] == "Lax", name


@pytest.mark.parametrize("path", ["/en/", "/", "/sitemap.xml", "/admin/login", "/api/v1/"])
def test_production_answers_a_forged_host_with_400(make_app, path):
    """No canonical, hreflang, sitemap or Location link can be built on a forged Host, so
    none can reach a shared cache."""
    client = make_app(**PRODUCTION).test_client()
    forged = client.get(path, headers={"Host": "evil.example"})
    assert forged.status_code == 400
    assert "evil.example" not in forged.text
    assert "Content-Security-Policy" in forged.headers
    genuine = client.get(path, headers={"Host": "www.example.com"})
    assert genuine.status_code in (200, 302)
    assert "evil.example" not in genuine.headers.get("Location", "")
