"""Bearer tokens: who is calling, and whether the token carries the scope asked for.

Only the Authorization header counts: a browser's session cookie never authorises
anything in the API. A request that sends a token gets it checked even when the endpoint
is public, so a bad token is always a 401 (RFC 6750).
"""

from __future__ import annotations

from datetime import timedelta

from flask import g
from flask import request
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy import update

from ... import audit
from ...errors import ApiError
from ...extensions import db
from ...models import ApiToken
from ...models import Role
from ...models import User
from ...models.base import utcnow

REALM = "atrium"
#: Every scope a token may carry; the CLI refuses others.
SCOPES = (
    "products:write",
    "categories:write",
    "posts:write",
    "inquiries:read",
    "inquiries:write",
)
#: What a role's tokens may do: no more than the role may do in the back-office. Checked
#: when a token is issued and again on every use, so demoting its owner narrows a token.
ROLE_SCOPES = {
    Role.ADMIN.value: frozenset(SCOPES),
    Role.EDITOR.value: frozenset(SCOPES),
    Role.VIEWER.value: frozenset({"inquiries:read"}),
    Role.TRANSLATOR.value: frozenset(),
}
#: last_used_at is written at most this often per token (a write per request is waste).
TOUCH_EVERY = timedelta(minutes=1)


def _challenge(error: str | None = None, description: str | None = None, scope: str = "") -> str:
    parts = [f'Bearer realm="{REALM}"']
    if error:
        parts.append(f'error="{error}"')
    if description:
        parts.append(f'error_description="{description}"')
    if scope:
        parts.append(f'scope="{scope}"')
    return ", ".join(parts)


def unauthorized(detail: str, error: str | None = "invalid_token") -> ApiError:
    # The challenge's description stays ASCII English (a header); the detail is translated.
    description = {"invalid_token": "The token is unknown, expired or revoked."}.get(error or "")
    return ApiError(401, detail, headers={"WWW-Authenticate": _challenge(error, description)})


def bearer_secret() -> str | None:
    """The secret of the Authorization header, None when there is none; 401 if malformed."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _sep, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip() or " " in secret.strip():
        raise unauthorized(
            _("Send the token as: Authorization: Bearer <token>."), error="invalid_request"
        )
    return secret.strip()


def current_token() -> ApiToken | None:
    """The caller's valid token, or None when none was sent; 401 for a bad one."""
    if "api_token" in g:
        return g.api_token
    secret = bearer_secret()
    token = None
    if secret is not None:
        token = db.session.scalar(
            select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(secret))
        )
        if token is None or not token.usable():
            raise unauthorized(_("The token is unknown, expired or revoked."))
        now = utcnow()
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            # A Core update: no version bump, no audit entry, its own short transaction.
            db.session.execute(
                update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now)
            )
            db.session.commit()
        audit.set_actor(token.owner, "api")
    g.api_token = token
    return token


def scope_problem(owner: User | None, scopes: list[str]) -> str | None:
    """Why a token for `owner` may not carry `scopes` (one sentence), or None."""
    if not scopes:
        return _("Give at least one scope: %(scopes)s.", scopes=", ".join(SCOPES))
    for scope in scopes:
        if scope not in SCOPES:
            return _(
                "Unknown scope %(scope)s; use %(scopes)s.", scope=scope, scopes=", ".join(SCOPES)
            )
    allowed = ROLE_SCOPES.get(owner.role, frozenset()) if owner else frozenset(SCOPES)
    for scope in scopes:
        if scope not in allowed:
            return _(
                "The owner's role (%(role)s) does not allow the scope %(scope)s.",
                role=owner.role,
                scope=scope,
            )
    return None


def _granted(token: ApiToken, scope: str) -> bool:
    return scope in token.scopes and scope in ROLE_SCOPES.get(token.owner.role, frozenset())


def has_scope(scope: str) -> bool:
    token = current_token()
    return token is not None and _granted(token, scope)


def require_scope(scope: str) -> ApiToken:
    """The caller's token if it carries `scope`: 401 without a token, 403 without the scope."""
    token = current_token()
    if token is None:
        raise ApiError(
            401,
            _("This request needs a token: Authorization: Bearer <token>."),
            headers={"WWW-Authenticate": _challenge()},
        )
    if not _granted(token, scope):
        if scope in token.scopes:
            detail = _("The token's owner may no longer use the scope %(scope)s.", scope=scope)
        else:
            detail = _("The token lacks the scope %(scope)s.", scope=scope)
        raise ApiError(
            403,
            detail,
            headers={"WWW-Authenticate": _challenge("insufficient_scope", scope=scope)},
            scope=scope,
        )
    return token
