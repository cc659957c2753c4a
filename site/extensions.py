"""Extension objects, created unbound and bound to each app in `init_app`."""

import sqlite3

from flask import Flask
from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so that migrations can alter them on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


@event.listens_for(Engine, "connect")
def _sqlite_settings(connection, record) -> None:
    """Every SQLite connection enforces foreign keys (SQLite's default is off, so no
    `ON DELETE` rule would fire), and writes through a write-ahead log with a busy timeout:
    several threads and workers read while one writes, and a writer waits its turn."""
    if isinstance(connection, sqlite3.Connection):
        cursor = connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.execute("PRAGMA synchronous = NORMAL")  # durable at each checkpoint, in WAL
        cursor.close()


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login = LoginManager()
limiter = Limiter(key_func=get_remote_address)
cache = Cache()
mail = Mail()


def init_app(app: Flask) -> None:
    """Bind the extensions that need nothing but configuration (Babel: see i18n)."""
    db.init_app(app)
    migrate.init_app(app, db, directory=app.root_path + "/migrations", render_as_batch=True)
    csrf.init_app(app)
    login.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    mail.init_app(app)
