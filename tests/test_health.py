"""Liveness and readiness, as a load balancer sees them."""

from flask_migrate import upgrade


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_needs_migrations_at_head(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'fresh.db'}")
    client = app.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert "flask db upgrade" in response.json["detail"]
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"] == {"database": "ok", "redis": "ok"}


def test_readyz_reports_unreachable_database(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"] == "The database is unreachable."


def test_readyz_reports_unreachable_redis(make_app, tmp_path):
    app = make_app(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'fresh.db'}",
        REDIS_URL="redis://127.0.0.1:1/0",
    )
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"] == {"redis": "Redis is unreachable."}


def test_readyz_with_redis(make_app, tmp_path, redis_url):
    app = make_app(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'fresh.db'}", REDIS_URL=redis_url
    )
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
    assert app.test_client().get("/readyz").json["checks"]["redis"] == "ok"
