"""Staff actions in flaskr's style: `staff.login(role="editor")` logs in through the form."""

from __future__ import annotations

import re
from typing import Any

import factories
from flask import Flask
from flask.testing import FlaskClient
from support import csrf_token as token_of

from atrium.extensions import db

PASSWORD = "correct horse"


class Staff:
    def __init__(self, app: Flask) -> None:
        self.app = app

    def create(self, role: str = "editor", email: str | None = None, **fields: Any) -> int:
        """A staff account; returns its id."""
        with self.app.app_context():
            user = factories.user(email=email, role=role, password=PASSWORD, **fields)
            db.session.commit()
            return user.id

    def email_of(self, user_id: int) -> str:
        from atrium.models import User

        with self.app.app_context():
            return db.session.get(User, user_id).email

    def login(
        self, role: str = "editor", email: str | None = None, password: str = PASSWORD
    ) -> FlaskClient:
        """A new client, logged in through the real login form as a new (or given) user."""
        if email is None:
            email = self.email_of(self.create(role))
        client = self.app.test_client()
        page = client.get("/admin/login")
        response = client.post(
            "/admin/login",
            data={"email": email, "password": password, "csrf_token": token_of(page.text)},
        )
        assert response.status_code == 302, response.text
        return client

    @staticmethod
    def token(client: FlaskClient, url: str = "/admin/profile/") -> str:
        """A CSRF token valid for this client's session."""
        return token_of(client.get(url).text)

    @staticmethod
    def submit(client: FlaskClient, url: str, data: dict[str, Any], **kwargs: Any):
        """Open the form at `url`, then post `data` with the page's CSRF token."""
        page = client.get(url)
        assert page.status_code == 200, page.status_code
        return client.post(url, data={"csrf_token": token_of(page.text), **data}, **kwargs)


def edit_data(page_html: str, **changes: Any) -> dict[str, Any]:
    """A product's edit form as the browser sends it: every field as loaded, plus changes."""
    data = {"csrf_token": token_of(page_html)}
    version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', page_html)
    data["version"] = version.group(1)
    opened = re.search(r'name="opened_at" type="hidden" value="([^"]+)"', page_html)
    data["opened_at"] = opened.group(1)
    for name in ("sku", "slug", "name", "price", "currency", "stock"):
        match = re.search(rf'<input[^>]* name="{name}"[^>]*value="([^"]*)"', page_html)
        data[name] = match.group(1) if match else ""
    data["description"] = ""
    data["published"] = "y"
    data.update(changes)
    return data
