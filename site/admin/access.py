"""Who may do what in the back-office: roles, checked on the server for every request.

Buttons are hidden too, but hiding is cosmetic: `AccessMixin._handle_view` runs before
every exposed Flask-Admin endpoint (list, details, create, edit, delete, actions, export,
ajax lookup and update), so a crafted request meets the same rule as a click.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort
from flask import redirect
from flask import request
from flask import url_for
from flask_login import current_user

from ..models import Role

ADMIN = Role.ADMIN.value
EDITOR = Role.EDITOR.value
TRANSLATOR = Role.TRANSLATOR.value
VIEWER = Role.VIEWER.value
STAFF = frozenset({ADMIN, EDITOR, TRANSLATOR, VIEWER})

#: Flask-Admin endpoints that change data, and the permission each needs.
WRITE_ENDPOINTS = {
    "create_view": "can_create",
    "edit_view": "can_edit",
    "delete_view": "can_delete",
    "ajax_update": "can_edit",
    "ajax_lookup": "can_write_any",
    "action_view": "can_write_any",
    "export": "can_export",
    "preview": "can_write_any",
}


def role() -> str | None:
    """The logged-in staff member's role, or None for anonymous visitors."""
    if not current_user.is_authenticated:
        return None
    return current_user.role


def safe_next(target: str | None) -> str | None:
    """A local path under /admin, or None: `next` must never lead off the site.

    A control character (CR, LF, tab…) is refused outright, not stripped: it cannot go into
    a `Location` header, and browsers drop tabs and newlines from URLs (stripped, `/<LF>/x`
    would be the other host `//x`)."""
    if not target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/admin"):
        return None
    if target.startswith("//") or "\\" in target:
        return None
    return target


def to_login():
    """Anonymous visitors go to the login page and come back where they were."""
    target = request.full_path if request.query_string else request.path
    return redirect(url_for("admin_auth.login", next=safe_next(target)))


class AccessMixin:
    """Role sets per view; `can_*` are computed from the current user on each request."""

    read_roles: frozenset[str] = frozenset({ADMIN, EDITOR, VIEWER})
    write_roles: frozenset[str] = frozenset({ADMIN, EDITOR})
    export_roles: frozenset[str] | None = None  # None: the write roles
    allow_create = True
    allow_edit = True
    allow_delete = True
    allow_export = False

    def _writer(self) -> bool:
        return role() in self.write_roles

    @property
    def can_create(self) -> bool:
        return self.allow_create and self._writer()

    @property
    def can_edit(self) -> bool:
        return self.allow_edit and self._writer()

    @property
    def can_delete(self) -> bool:
        return self.allow_delete and self._writer()

    @property
    def can_export(self) -> bool:
        roles = self.export_roles if self.export_roles is not None else self.write_roles
        return self.allow_export and role() in roles

    @property
    def can_write_any(self) -> bool:
        return self._writer()

    def is_accessible(self) -> bool:
        return role() in self.read_roles

    def is_visible(self) -> bool:
        return self.is_accessible()

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return to_login()
        abort(403)

    def _handle_view(self, name, **kwargs):
        if not current_user.is_authenticated:
            return to_login()
        if not self.is_accessible():
            abort(403)
        permission = WRITE_ENDPOINTS.get(name)
        if permission and not getattr(self, permission, False):
            abort(403)
        return None

    def is_action_allowed(self, name: str) -> bool:
        return self._writer() and super().is_action_allowed(name)
