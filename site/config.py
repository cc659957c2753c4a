"""Settings: defaults, then instance/config.py, then the environment, then overrides.

Nothing here runs at import time, so one process can build many isolated apps (tests).
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Config
from flask import Flask
from werkzeug.sansio.utils import host_is_trusted

log = logging.getLogger(__name__)

#: The repository root: pages/ and translations/ live beside the package folder.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, Any] = {
    "ENV_NAME": "development",
    "PAGES_ROOT": str(PROJECT_ROOT / "pages"),
    "TRANSLATIONS_ROOT": str(PROJECT_ROOT / "translations"),
    "DEFAULT_LOCALE": "en",
    "LOCALES": None,  # None: the folders found in PAGES_ROOT
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "REDIS_URL": None,
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SECURE": None,  # None: secure in production (Flask's own default is False)
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SECURE": None,  # None: secure in production
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "RATELIMIT_HEADERS_ENABLED": True,
    "INQUIRY_RETENTION_DAYS": 180,
    "PROXY_FIX": None,  # proxies to trust, e.g. "x_for=1,x_proto=1,x_host=1" (security.py)
    # The base of every link in mail, never the request's Host (which a client chooses).
    # None: http://127.0.0.1:5000 (what run.py serves) in development; required in production.
    "PUBLIC_URL": None,
    "TRUSTED_HOSTS": None,  # Flask's: other Host headers get 400; required in production
    "RETRY_AFTER_SECONDS": 30,  # sent with a 503 while the database is unreachable
    "MAIL_SERVER": None,  # none: mail is written to the log instead of sent (mail.py)
    "MAIL_PORT": 25,
    "MAIL_DEFAULT_SENDER": "Atrium <noreply@example.com>",
    "INQUIRY_NOTIFY_TO": None,  # None: every active admin and editor
}


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message is one sentence for the operator."""


def configure(app: Flask, overrides: Mapping[str, Any] | None = None) -> None:
    """Fill app.config in order: defaults, instance file, environment, overrides."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("ATRIUM")
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        if os.environ.get(name):
            app.config["SQLALCHEMY_DATABASE_URI" if name == "DATABASE_URL" else name] = os.environ[
                name
            ]
    if os.environ.get("ATRIUM_ENV"):
        app.config["ENV_NAME"] = os.environ["ATRIUM_ENV"]
    if overrides:
        app.config.from_mapping(overrides)
    _derive(app)


def _derive(app: Flask) -> None:
    """Settings that follow from others, then the one check that stops start-up."""
    config = app.config
    production = config["ENV_NAME"] == "production"
    if not config.get("SECRET_KEY"):
        if production:
            raise ConfigError("SECRET_KEY must be set when ATRIUM_ENV=production.")
        config["SECRET_KEY"] = _development_secret(Path(app.instance_path))
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(
            Path(app.instance_path) / "atrium.db"
        )
    config["SQLALCHEMY_DATABASE_URI"] = _driver_url(config["SQLALCHEMY_DATABASE_URI"])
    redis_url = config.get("REDIS_URL")
    # An explicit storage URI: Flask-Limiter warns at start-up without one.
    config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    if redis_url:
        # Redis down must not take the site down: short timeouts, a cache that answers
        # "miss", and rate limits that fall back to this process's memory (logged once).
        timeouts = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
        config.setdefault("CACHE_TYPE", "atrium.caching.ResilientRedisCache")
        config.setdefault("CACHE_REDIS_URL", redis_url)
        config.setdefault("CACHE_OPTIONS", timeouts)
        config.setdefault("RATELIMIT_STORAGE_OPTIONS", timeouts)
        config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
        config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    else:
        config.setdefault("CACHE_TYPE", "SimpleCache")
    config.setdefault("CACHE_DEFAULT_TIMEOUT", 300)
    # Flask defines SESSION_COOKIE_SECURE = False, so a setdefault here would never take.
    for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if config.get(name) is None:
            config[name] = production
    _public_address(config, production)


def _public_address(config: Config, production: bool) -> None:
    """PUBLIC_URL (links in mail) and TRUSTED_HOSTS (the Host headers answered)."""
    hosts = config.get("TRUSTED_HOSTS")
    if isinstance(hosts, str):  # ATRIUM_TRUSTED_HOSTS="example.com www.example.com"
        hosts = config["TRUSTED_HOSTS"] = hosts.replace(",", " ").split()
    if production and not hosts:
        raise ConfigError(
            "TRUSTED_HOSTS must be set when ATRIUM_ENV=production "
            '(the host names the site answers to, e.g. ATRIUM_TRUSTED_HOSTS="www.example.com").'
        )
    url = config.get("PUBLIC_URL")
    if not url:
        if production:
            raise ConfigError(
                "PUBLIC_URL must be set when ATRIUM_ENV=production "
                "(the address links in mail lead to, e.g. https://www.example.com)."
            )
        url = "http://127.0.0.1:5000"
        config["PUBLIC_URL_DERIVED"] = True  # `python run.py --port P` puts its own address
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"PUBLIC_URL {url!r} is not an http:// or https:// address.")
    if hosts and not host_is_trusted(parts.netloc, hosts):
        raise ConfigError(f"PUBLIC_URL {url!r} names a host that is not in TRUSTED_HOSTS.")
    config["PUBLIC_URL"] = url.rstrip("/")


def _driver_url(url: str) -> str:
    """Use psycopg 3 for plain postgres:// and postgresql:// URLs (what hosts hand out)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _development_secret(instance: Path) -> str:
    """A random key made once and kept in instance/, so sessions survive restarts."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    log.info("generated a development secret key in %s", path)
    return key
