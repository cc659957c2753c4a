"""The back-office's error pages: inside its layout (menu, who is logged in), saying why.

A 403 names the roles that would be let in; every page links back to the dashboard. The
page needs no database: with it down, the user loader has answered "nobody".
"""

from __future__ import annotations

from flask import Response
from flask import current_app
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.exceptions import HTTPException

from .. import errors
from .access import RoleRequired
from .access import role


def _explanation(e: HTTPException, code: int) -> str:
    if isinstance(e, RoleRequired) and e.roles and role():
        return ngettext(
            "This needs the role %(roles)s; you are logged in as %(role)s.",
            "This needs one of the roles %(roles)s; you are logged in as %(role)s.",
            len(e.roles),
            roles=", ".join(sorted(e.roles)),
            role=role(),
        )
    if isinstance(e, RoleRequired):
        return _("Nobody can do this here: this part of the back-office is read-only.")
    if code == 404:
        return _("There is no page or record at this address in the back-office.")
    return str(errors.MESSAGES[code][1]) if code in errors.MESSAGES else ""


def render(e: HTTPException) -> Response:
    code = e.code or 500
    title = errors.MESSAGES[code][0] if code in errors.MESSAGES else e.name
    view = current_app.extensions["atrium.admin"].index_view
    html = view.render(
        "admin/atrium/error.html",
        code=code,
        title=title,
        message=_explanation(e, code),
        back=url_for("admin.index"),
    )
    return Response(html, status=code)
