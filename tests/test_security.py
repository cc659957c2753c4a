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
