"""Who may do what in the back-office: roles, checked on the server for every request.

Buttons are hidden too, but hiding is cosmetic: `AccessMixin._handle_view` runs before
every exposed Flask-Admin endpoint (list, details, create, edit, delete, actions, export,
ajax lookup and update), so a crafted request meets the same rule as a click.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import redirect
from flask import request
from flask import url_for
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from .. import errors
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


class RoleRequired(Forbidden):
    """A 403 that knows which roles would be let in: the admin's error page names them."""

    def __init__(self, roles: frozenset[str] | None = None) -> None:
        super().__init__()
        self.roles = frozenset(roles or ())


def to_login():
    """Anonymous visitors go to the login page and come back where they were.

    Unless the database is down: then the loader could not tell who is logged in, and a
    login form would only fail again."""
    if errors.database_was_unavailable():
        raise errors.DatabaseUnavailable()
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
        raise RoleRequired(self.read_roles)

    def roles_for(self, permission: str) -> frozenset[str]:
        """The roles a `can_*` permission is open to (none when the view forbids it)."""
        if permission == "can_write_any":
            return frozenset(self.write_roles)
        if not getattr(self, "allow_" + permission.removeprefix("can_"), True):
            return frozenset()
        if permission == "can_export" and self.export_roles is not None:
            return frozenset(self.export_roles)
        return frozenset(self.write_roles)

    def _handle_view(self, name, **kwargs):
        if not current_user.is_authenticated:
            return to_login()
        if not self.is_accessible():
            raise RoleRequired(self.read_roles)
        permission = WRITE_ENDPOINTS.get(name)
        if permission and not getattr(self, permission, False):
            raise RoleRequired(self.roles_for(permission))
        return None

    def is_action_allowed(self, name: str) -> bool:
        return self._writer() and super().is_action_allowed(name)
