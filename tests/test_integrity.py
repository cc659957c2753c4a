"""Data integrity and the domain rules, on every face: each test walks what a user did.

Deleting a category that has products or subcategories is refused (PROTECT) by the admin,
the API and the database itself; the other rules (workflow, tree, ranges, unique e-mail)
say the same sentence whether an admin form, an API request or a CLI command broke them.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import factories
import pytest
import sqlalchemy as sa
from admin_helpers import edit_data
from api import apihelp
from flask_migrate import upgrade
from sqlalchemy import select

from atrium.extensions import db as _db
from atrium.models import AuditEntry
from atrium.models import Category
from atrium.models import Inquiry
from atrium.models import Product
from atrium.models import User


def _ids(app):
    with app.app_context():
        category = factories.category(slug="mugs", name="Mugs")
        child = factories.category(slug="tea-mugs", name="Tea mugs", parent=category)
        product = factories.product(slug="blue-mug", sku="MUG-BLUE", category=category)
        _db.session.commit()
        return category.id, child.id, product.id


def test_sqlite_connections_enforce_foreign_keys_and_write_ahead(app, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    connection = db.session.connection()
    assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_the_database_refuses_a_dead_reference(app, db):
    db.session.add(Product(sku="X-1", slug="x-1", name="X", price=1, category_id=999))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()


def test_admin_refuses_to_delete_a_category_that_has_products(app, staff):
    category_id, child_id, product_id = _ids(app)
    client = staff.login(role="editor")
    listing = client.get("/admin/category/")
    response = client.post(
        "/admin/category/delete/",
        data={"id": category_id, "csrf_token": staff.token(client, "/admin/category/")},
        follow_redirects=True,
    )
    assert listing.status_code == 200
    assert (
        "The category “Mugs” still has 1 product and 1 subcategory, so it was not deleted."
        in response.text
    )
    with app.app_context():
        assert _db.session.get(Category, category_id) is not None
        assert _db.session.get(Product, product_id).category_id == category_id
    # An empty category goes, and takes nothing along.
    client.post(
        "/admin/category/delete/",
        data={"id": child_id, "csrf_token": staff.token(client, "/admin/category/")},
    )
    with app.app_context():
        assert _db.session.get(Category, child_id) is None


def test_api_refuses_to_delete_a_category_that_has_products(app, client, db):
    category_id, _child, product_id = _ids(app)
    writer = apihelp.bearer(apihelp.token(db, "categories:write"))
    url = f"/api/v1/categories/{category_id}"
    etag = client.get(url).headers["ETag"]
    response = client.delete(url, headers={**writer, "If-Match": etag})
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert "still has 1 product and 1 subcategory" in response.json["detail"]
    assert db.session.get(Product, product_id).category_id == category_id


def test_a_new_category_never_takes_over_a_deleted_ones_products(app, db):
    category = factories.category(slug="old")
    product = factories.product(slug="mug-9", sku="M-9", category=category)
    db.session.commit()
    # Even a plain DELETE (no domain rule in the way) cannot leave the product a dead id,
    # which the next category (the same id on SQLite) would silently take over.
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.delete(Category).where(Category.id == category.id))
    db.session.rollback()
    assert db.session.get(Product, product.id).category_id == category.id


@contextmanager
def _migrated_to(make_app, tmp_path, revision):
    """A SQLite database at an older revision, inside its app's context; yields its URL and
    the migrations folder, then closes what it opened."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = make_app(SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision=revision)
        yield url, directory
        _db.session.remove()
        _db.engine.dispose()


def test_migration_repairs_rows_orphaned_while_foreign_keys_were_off(make_app, tmp_path):
    with _migrated_to(make_app, tmp_path, "2156bb773019") as (url, directory):
        raw = sa.create_engine(url)  # as before: foreign keys off
        with raw.begin() as connection:
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            now = "'2026-01-01 00:00:00'"
            connection.exec_driver_sql(
                "INSERT INTO categories (id, slug, name, parent_id, version, created_at,"
                f" updated_at) VALUES (1, 'a', 'A', 2, 1, {now}, {now}),"
                f" (2, 'b', 'B', 1, 1, {now}, {now}), (3, 'c', 'C', 9, 1, {now}, {now})"
            )
            connection.exec_driver_sql(
                "INSERT INTO products (id, sku, slug, name, description, price, currency,"
                " stock, published, category_id, version, created_at, updated_at) VALUES"
                f" (1, 'S1', 's1', 'Mug', '', 1, 'EUR', 0, 1, 7, 1, {now}, {now}),"
                f" (2, 'S2', 's2', 'Cup', '', 1, 'EUR', 0, 1, 2, 1, {now}, {now})"
            )
            connection.exec_driver_sql(
                "INSERT INTO product_translations (id, product_id, locale, name, description,"
                f" version, created_at, updated_at) VALUES (1, 5, 'de', 'T', '', 1, {now}, {now})"
            )
        raw.dispose()
        upgrade(directory=directory)
        connection = _db.session.connection()
        parents = dict(connection.execute(sa.text("SELECT id, parent_id FROM categories")).all())
        assert parents == {1: None, 2: 1, 3: None}  # the loop broken, the dead parent gone
        products = dict(connection.execute(sa.text("SELECT id, category_id FROM products")).all())
        assert products == {1: None, 2: 2}
        assert (
            connection.execute(sa.text("SELECT count(*) FROM product_translations")).scalar() == 0
        )
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []


def test_audit_log_and_history_render_after_an_erasure_and_a_purge(app, staff, runner):
    with app.app_context():
        _db.session.add(Inquiry(name="Ada", email="ada@example.com", message="Hi", locale="en"))
        _db.session.commit()
        inquiry_id = _db.session.scalar(select(Inquiry.id))
    editor = staff.login(role="editor")
    staff.submit(editor, "/admin/erase/", {"email": "ada@example.com"})
    assert runner.invoke(args=["inquiries", "purge", "--older-than", "0d"]).exit_code == 0
    admin = staff.login(role="admin")
    for url in (
        "/admin/audit/",
        "/admin/audit/?model=Inquiry",
        f"/admin/audit/?model=Inquiry&pk={inquiry_id}",
        "/admin/",
    ):
        response = admin.get(url)
        assert response.status_code == 200, url
    listing = admin.get("/admin/audit/?model=Inquiry").text
    assert "<b>count</b>: 1" in listing and "<b>older_than_days</b>: 0" in listing
    with app.app_context():
        entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "erase"))
    assert admin.get(f"/admin/audit/details/?id={entry.id}").status_code == 200


def test_one_edit_conflict_leaves_later_forms_clean(app, staff):
    _category, _child, product_id = _ids(app)
    url = f"/admin/product/edit/?id={product_id}"
    first, second = staff.login(role="editor"), staff.login(role="editor")
    page_one, page_two = first.get(url).text, second.get(url).text
    second.post(url, data=edit_data(page_two, description="Second's"))
    refused = first.post(url, data=edit_data(page_one, description="First's"))
    assert "Someone else saved this record" in refused.text
    for client in (first, second, staff.login(role="editor")):
        page = client.get(url).text
        textarea = re.search(r"<textarea[^>]*id=\"description\"[^>]*>", page).group(0)
        assert "is-invalid" not in textarea
    new_form = second.get("/admin/product/new/").text
    assert "is-invalid" not in new_form


def test_an_edit_posted_without_its_version_is_refused(app, staff):
    _category, _child, product_id = _ids(app)
    url = f"/admin/product/edit/?id={product_id}"
    client = staff.login(role="editor")
    data = edit_data(client.get(url).text, name="No version")
    del data["version"]
    response = client.post(url, data=data)
    assert response.status_code == 200
    assert "The form was sent without the version it was opened with" in response.text
    with app.app_context():
        assert _db.session.get(Product, product_id).name == "Blue mug"


def test_inquiry_workflow_holds_in_the_api(app, client, db):
    db.session.add(Inquiry(name="Ada", email="a@example.com", message="Hi", locale="en"))
    db.session.commit()
    inquiry_id = db.session.scalar(select(Inquiry.id))
    writer = apihelp.bearer(apihelp.token(db, "inquiries:read", "inquiries:write"))
    url = f"/api/v1/inquiries/{inquiry_id}"
    for status, expected in (("handled", 200), ("spam", 422)):
        etag = client.get(url, headers=writer).headers["ETag"]
        response = client.patch(url, json={"status": status}, headers={**writer, "If-Match": etag})
        assert response.status_code == expected, response.json
    assert response.json["errors"] == [
        {"field": "status", "message": "An inquiry cannot go from handled to spam."}
    ]
    db.session.expire_all()
    assert db.session.get(Inquiry, inquiry_id).status == "handled"


def test_admin_refuses_a_category_loop_and_the_api_can_still_edit_it(app, staff, client):
    category_id, child_id, _product = _ids(app)
    editor = staff.login(role="editor")
    url = f"/admin/category/edit/?id={category_id}"
    page = editor.get(url).text
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = editor.post(
        url,
        data={
            "csrf_token": staff.token(editor, url),
            "version": version,
            "slug": "mugs",
            "name": "Mugs",
            "parent": str(child_id),
        },
    )
    assert response.status_code == 200
    assert "A category cannot be inside itself." in response.text
    with app.app_context():  # (no `db` fixture: its app context would join the requests')
        assert _db.session.get(Category, category_id).parent_id is None
        writer = apihelp.bearer(apihelp.token(_db, "categories:write"))
    api_url = f"/api/v1/categories/{category_id}"
    etag = client.get(api_url).headers["ETag"]
    renamed = client.patch(api_url, json={"name": "Cups"}, headers={**writer, "If-Match": etag})
    assert renamed.status_code == 200
    etag = renamed.headers["ETag"]
    looped = client.patch(
        api_url, json={"parent_id": child_id}, headers={**writer, "If-Match": etag}
    )
    assert looped.status_code == 422
    assert looped.json["errors"] == [
        {"field": "parent_id", "message": "A category cannot be inside itself."}
    ]


@pytest.mark.parametrize("price", ["12345678901.00", "99999999999999999999", "1.234"])
def test_admin_refuses_a_price_its_column_cannot_hold(app, staff, price):
    _category, _child, product_id = _ids(app)
    url = f"/admin/product/edit/?id={product_id}"
    client = staff.login(role="editor")
    response = client.post(url, data=edit_data(client.get(url).text, price=price))
    assert response.status_code == 200
    assert "A price is between 0 and 9,999,999,999.99." in response.text or (
        "At most two decimal places." in response.text
    )
    with app.app_context():
        assert str(_db.session.get(Product, product_id).price) == "12.50"


def test_email_uniqueness_ignores_case_in_the_admin(app, staff):
    staff.create(role="viewer", email="mary@example.com")
    admin = staff.login(role="admin")
    response = staff.submit(
        admin,
        "/admin/user/new/",
        {"email": "Mary@Example.COM", "role": "viewer", "new_password": "long enough pw"},
    )
    assert response.status_code == 200
    assert "A staff account with the e-mail address mary@example.com already exists." in (
        response.text
    )
    with app.app_context():
        assert _db.session.scalar(select(sa.func.count()).select_from(User)) == 2


def test_an_etag_names_its_resource(app, client, db):
    with app.app_context():
        product = factories.product(slug="mug-1", sku="M-1")
        post = factories.post(slug="news-1", status="published")
        db.session.commit()
        assert product.id == post.id  # the same id and version: only the name differs
    writer = apihelp.bearer(apihelp.token(db, "products:write", "posts:write"))
    post_etag = client.get(f"/api/v1/posts/{post.id}", headers=writer).headers["ETag"]
    response = client.patch(
        f"/api/v1/products/{product.id}",
        json={"name": "Taken over"},
        headers={**writer, "If-Match": post_etag},
    )
    assert response.status_code == 412


def test_if_match_star_is_not_a_version(app, client, db):
    _category, _child, product_id = _ids(app)
    writer = apihelp.bearer(apihelp.token(db, "products:write"))
    response = client.patch(
        f"/api/v1/products/{product_id}", json={"name": "X"}, headers={**writer, "If-Match": "*"}
    )
    assert response.status_code == 428
    assert "If-Match: * does not say which version you read" in response.json["detail"]


def test_an_id_is_never_given_twice(app, client, db):
    """A deleted record's id, history and ETag never pass to the next record."""
    writer = apihelp.bearer(apihelp.token(db, "products:write"))
    body = {"sku": "REUSE-A", "slug": "reuse-a", "name": "A", "price": "7.00"}
    created = client.post("/api/v1/products", json=body, headers=writer)
    old_etag, old_id = created.headers["ETag"], created.json["id"]
    client.delete(f"/api/v1/products/{old_id}", headers={**writer, "If-Match": old_etag})
    body = {"sku": "REUSE-B", "slug": "reuse-b", "name": "B", "price": "7.00"}
    again = client.post("/api/v1/products", json=body, headers=writer)
    assert again.json["id"] != old_id
    stale = client.patch(
        f"/api/v1/products/{old_id}",
        json={"price": "0.01"},
        headers={**writer, "If-Match": old_etag},
    )
    assert stale.status_code == 404


def test_migration_starts_ids_past_every_id_the_audit_log_names(make_app, tmp_path):
    with _migrated_to(make_app, tmp_path, "7c1e5a9d2f40") as (_url, directory):
        connection = _db.session.connection()
        connection.execute(
            sa.text(
                "INSERT INTO audit_entries (at, actor, source, action, model, pk, changes)"
                " VALUES ('2026-01-01 00:00:00', 'x', 'admin', 'delete', 'Product', '9', '{}')"
            )
        )
        _db.session.commit()
        upgrade(directory=directory)
        product = factories.product(slug="after", sku="AFTER")
        _db.session.commit()
        assert product.id == 10


@pytest.mark.parametrize("slug", ["has spaces/and?", "Garden", "12"])
def test_a_slug_is_checked_on_every_face(app, staff, client, slug):
    client_ = staff.login(role="editor")
    response = staff.submit(
        client_,
        "/admin/product/new/",
        {"sku": "S-1", "slug": slug, "name": "Mug", "price": "1.00", "currency": "EUR"},
    )
    message = "Use lower-case letters, digits and hyphens, e.g. blue-mug (not only digits)."
    assert response.status_code == 200 and message in response.text
    assert f'value="{slug}"' in response.text  # what was typed is kept
    with app.app_context():
        assert _db.session.scalar(select(sa.func.count()).select_from(Product)) == 0
        writer = apihelp.bearer(apihelp.token(_db, "categories:write"))
    refused = client.post(
        "/api/v1/categories", json={"slug": slug, "name": "Garden"}, headers=writer
    )
    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"] == "slug"


def test_a_category_deleted_while_a_form_was_open_is_not_dropped_silently(app, staff):
    _category, child_id, product_id = _ids(app)
    url = f"/admin/product/edit/?id={product_id}"
    editor = staff.login(role="editor")
    page = editor.get(url).text
    with app.app_context():
        _db.session.delete(_db.session.get(Category, child_id))
        _db.session.commit()
    response = editor.post(url, data=edit_data(page, category=str(child_id), name="Moved"))
    assert response.status_code == 200
    assert "The chosen record no longer exists; choose another." in response.text
    for typed in ("99999999999999999999", "abc"):  # never a record, never SQL
        response = editor.post(url, data=edit_data(page, category=typed, name="Moved"))
        assert "The chosen record no longer exists; choose another." in response.text
    with app.app_context():
        product = _db.session.get(Product, product_id)
        assert product.name == "Blue mug" and product.category_id is not None


def test_a_sku_is_one_whatever_its_case(app, staff):
    _ids(app)  # MUG-BLUE
    editor = staff.login(role="editor")
    response = staff.submit(
        editor,
        "/admin/product/new/",
        {"sku": "mug-blue", "slug": "mug-2", "name": "Mug", "price": "1.00", "currency": "EUR"},
    )
    assert response.status_code == 200
    assert "This value is already used by another record; choose another one." in response.text
    found = editor.get("/admin/product/?search=mug-blue").text
    assert "MUG-BLUE" in found


def test_a_translation_description_that_cannot_render_is_refused(app, client, db):
    _category, _child, product_id = _ids(app)
    writer = apihelp.bearer(apihelp.token(db, "products:write"))
    url = f"/api/v1/products/{product_id}"
    etag = client.get(url).headers["ETag"]
    deep = {"translations": {"de": {"name": "Tasse", "description": "- " * 3000 + "x"}}}
    response = client.patch(url, json=deep, headers={**writer, "If-Match": etag})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "description"
