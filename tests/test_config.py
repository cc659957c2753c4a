"""Settings: defaults, instance file, environment, overrides, and the production check."""

import pytest

from atrium import create_app
from atrium.config import ConfigError


@pytest.fixture
def clean_env(monkeypatch):
    from support import clear_atrium_env

    clear_atrium_env(monkeypatch)
    return monkeypatch


def test_production_refuses_to_start_without_secret_key(clean_env, tmp_path):
    clean_env.setenv("ATRIUM_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_development_secret_is_generated_once_and_kept(clean_env, tmp_path):
    first = create_app({"INSTANCE_PATH": str(tmp_path)})
    second = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert len(first.secret_key) == 64
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").read_text() == first.secret_key


def test_default_database_is_sqlite_in_instance(clean_env, tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'atrium.db'}"
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert app.config["CACHE_TYPE"] == "SimpleCache"


def test_environment_overrides_instance_file(clean_env, tmp_path):
    (tmp_path / "config.py").write_text("DEFAULT_LOCALE = 'fr'\nINQUIRY_RETENTION_DAYS = 30\n")
    clean_env.setenv("ATRIUM_INQUIRY_RETENTION_DAYS", "90")
    clean_env.setenv("DATABASE_URL", "postgres://u@db.example:5433/atrium")
    clean_env.setenv("REDIS_URL", "redis://cache.example:6379/0")
    clean_env.setenv("SECRET_KEY", "from-env")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["DEFAULT_LOCALE"] == "fr"
    assert app.config["INQUIRY_RETENTION_DAYS"] == 90
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example:5433/atrium"
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://cache.example:6379/0"
    assert app.config["CACHE_TYPE"] == "atrium.caching.ResilientRedisCache"
    assert app.secret_key == "from-env"


def test_overrides_win_over_environment(clean_env, tmp_path):
    clean_env.setenv("ATRIUM_DEFAULT_LOCALE", "de")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DEFAULT_LOCALE": "es"})
    assert app.config["DEFAULT_LOCALE"] == "es"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"PUBLIC_URL": "https://www.example.com"}, "TRUSTED_HOSTS must be set"),
        ({"TRUSTED_HOSTS": ["www.example.com"]}, "PUBLIC_URL must be set"),
        (
            {"PUBLIC_URL": "https://other.example", "TRUSTED_HOSTS": ["www.example.com"]},
            "not in TRUSTED_HOSTS",
        ),
    ],
)
def test_production_needs_its_public_address(clean_env, tmp_path, settings, message):
    clean_env.setenv("ATRIUM_ENV", "production")
    clean_env.setenv("SECRET_KEY", "from-env")
    with pytest.raises(ConfigError, match=message):
        create_app({"INSTANCE_PATH": str(tmp_path), **settings})


def test_trusted_hosts_from_the_environment(clean_env, tmp_path):
    clean_env.setenv("ATRIUM_ENV", "production")
    clean_env.setenv("SECRET_KEY", "from-env")
    clean_env.setenv("ATRIUM_PUBLIC_URL", "https://www.example.com/")
    clean_env.setenv("ATRIUM_TRUSTED_HOSTS", "www.example.com, example.com")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["TRUSTED_HOSTS"] == ["www.example.com", "example.com"]
    assert app.config["PUBLIC_URL"] == "https://www.example.com"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_development_links_in_mail_default_to_the_local_server(clean_env, tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["PUBLIC_URL"] == "http://127.0.0.1:5000"
    assert app.config["TRUSTED_HOSTS"] is None
    assert app.config["SESSION_COOKIE_SECURE"] is False
