"""Errors: localized HTML pages for the site, problem documents for the API, no tracebacks."""

import pytest


@pytest.fixture
def app(make_app):
    app = make_app()

    @app.get("/boom")
    @app.get("/api/v1/boom")
    def boom():
        raise RuntimeError("secret detail")

    return app


def test_unknown_page_is_an_html_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Page not found" in response.text


def test_unknown_api_path_is_a_problem_document(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 404
    assert response.json["title"] == "Page not found"


def test_wrong_method_keeps_allow_header(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("path", ["/boom", "/api/v1/boom"])
def test_crash_shows_no_traceback(client, path):
    response = client.get(path)
    assert response.status_code == 500
    assert "secret detail" not in response.text
    assert "Traceback" not in response.text


def test_request_id_is_echoed_or_made(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == (
        "abc-123"
    )
    made = client.get("/healthz", headers={"X-Request-ID": "bad id; <script>"}).headers[
        "X-Request-ID"
    ]
    assert len(made) == 32
