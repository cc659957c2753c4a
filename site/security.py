"""Security headers for every response (site, admin, API), and trust in the reverse proxy.

The Content-Security-Policy allows scripts from our own origin and inline scripts that
carry this request's nonce (`<script nonce="{{ csp_nonce() }}">`), nothing else: no CDN,
no inline event handlers. Inline *styles* stay allowed (Flask-Admin's widgets set them;
they cannot run code). Pages cached whole must not embed the nonce: ours have no inline
script. HSTS and secure cookies follow the scheme the client used, which behind a proxy
is known only when `PROXY_FIX` says how many proxies to trust (e.g. "x_for=1,x_proto=1").
"""

from __future__ import annotations

import secrets

from flask import Flask
from flask import Response
from flask import g
from flask import request
from flask.sessions import SecureCookieSessionInterface
from jinja2 import BaseLoader
from werkzeug.middleware.proxy_fix import ProxyFix

POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
HSTS = "max-age=31536000; includeSubDomains"


def csp_nonce() -> str:
    """This request's nonce, made on first use."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is `Secure` whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or request.is_secure


def _add_headers(response: Response) -> Response:
    headers = response.headers
    # One pass over the names: Headers.setdefault raises (and catches) an exception per
    # missing name, which costs more than the rest of a cached page's answer.
    present = {name.lower() for name, _ in headers.items()}
    for name, value in HEADERS.items():
        if name.lower() not in present:
            headers.add(name, value)
    if "content-security-policy" not in present:
        headers.add("Content-Security-Policy", POLICY.format(nonce=csp_nonce()))
    environ = request.environ
    if environ.get("wsgi.url_scheme") == "https" and "strict-transport-security" not in present:
        headers.add("Strict-Transport-Security", HSTS)
    if environ.get("PATH_INFO", "").startswith("/admin"):  # never in a shared or disk cache
        headers["Cache-Control"] = "private, no-store"
    return response


class _NoJavascriptURLs(BaseLoader):
    """Template sources with `href="javascript:void(0)"` made CSP-safe, once, at load time.

    Flask-Admin's templates use such links for dropdown toggles, pagers and tabs; the CSP
    blocks running them (and logs a violation on every click). `#` plus
    `data-prevent-default` (handled by static/admin/admin.js) does the same without script.
    """

    def __init__(self, loader: BaseLoader) -> None:
        self.loader = loader

    def get_source(self, environment, template):
        source, filename, uptodate = self.loader.get_source(environment, template)
        return source.replace(_JS_VOID, _SAFE_VOID), filename, uptodate

    def list_templates(self):
        return self.loader.list_templates()


_JS_VOID = 'href="javascript:void(0)"'
_SAFE_VOID = 'href="#" data-prevent-default'


def _proxy_fix(setting: str | dict) -> dict[str, int]:
    """`"x_for=1,x_proto=1"` (environment) or a mapping (instance/config.py)."""
    if isinstance(setting, dict):
        return {k: int(v) for k, v in setting.items()}
    pairs = (item.split("=", 1) for item in setting.replace(" ", "").split(",") if item)
    return {k: int(v) for k, v in pairs}


def init_app(app: Flask) -> None:
    if app.config.get("PROXY_FIX"):
        app.wsgi_app = ProxyFix(app.wsgi_app, **_proxy_fix(app.config["PROXY_FIX"]))
    app.session_interface = SessionInterface()
    app.after_request(_add_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.jinja_env.loader = _NoJavascriptURLs(app.jinja_env.loader)
