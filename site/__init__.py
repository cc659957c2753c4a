"""Atrium: a company's localized website, back-office and REST API in one Flask app."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build an app: settings, extensions, locales, the three faces, errors, CLI."""
    from . import admin
    from . import api
    from . import audit  # noqa: F401  (its session listeners write the audit log)
    from . import auth
    from . import bodysize
    from . import cli
    from . import content
    from . import errors
    from . import extensions
    from . import health
    from . import i18n
    from . import jobs
    from . import notifications  # noqa: F401  (mails staff about new inquiries)
    from . import public
    from . import requestlog
    from . import security
    from . import services  # noqa: F401  (its session listeners hold the domain rules)
    from .config import configure

    # The instance folder (SQLite file, secret key, config.py) may be moved: tests, containers.
    instance = (config or {}).get("INSTANCE_PATH") or os.environ.get("ATRIUM_INSTANCE_PATH")
    app = Flask(__name__, instance_relative_config=True, instance_path=instance or None)
    configure(app, overrides=config)
    requestlog.init_app(app)
    bodysize.init_app(app)
    security.init_app(app)
    extensions.init_app(app)
    jobs.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    for area in (health, content, public, admin, api):
        area.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app
