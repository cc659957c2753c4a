"""Editing in the back-office: CSRF, lost updates, errors next to fields, audit history."""

import re

import factories
import pytest
from admin_helpers import edit_data
from sqlalchemy import select

from atrium.extensions import db as _db
from atrium.models import AuditEntry
from atrium.models import Category
from atrium.models import Product
from atrium.models import ProductTranslation

PRODUCT = {
    "sku": "MUG-1",
    "slug": "mug",
    "name": "Mug",
    "description": "A *mug*",
    "price": "12.50",
    "currency": "EUR",
    "stock": "3",
    "published": "y",
}


@pytest.fixture
def product_id(app):
    with app.app_context():
        row = factories.product(slug="blue-mug", name="Blue mug", sku="MUG-BLUE", stock=5)
        factories.product(slug="taken", name="Taken", sku="TAKEN")
        _db.session.commit()
        return row.id


def _product(app, product_id):
    with app.app_context():
        return _db.session.get(Product, product_id)


def test_editor_creates_a_product_and_the_audit_says_who(app, staff):
    client = staff.login(role="editor")
    response = staff.submit(client, "/admin/product/new/", PRODUCT)
    assert response.status_code == 302
    with app.app_context():
        product = _db.session.scalar(select(Product).where(Product.sku == "MUG-1"))
        entry = _db.session.scalar(
            select(AuditEntry).where(AuditEntry.model == "Product", AuditEntry.action == "create")
        )
    assert product.name == "Mug"
    assert entry.source == "admin"
    assert entry.actor.endswith("@example.com")
    assert entry.pk == str(product.id)
    assert entry.changes["name"] == [None, "Mug"]


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/admin/product/new/", PRODUCT),
        ("/admin/product/edit/?id={id}", {**PRODUCT, "name": "Hacked", "version": "1"}),
        ("/admin/product/delete/", {"id": "{id}"}),
        ("/admin/product/action/", {"action": "delete", "rowid": "{id}"}),
        ("/admin/category/ajax/update/", {"list_form_pk": "{id}", "name": "Hacked"}),
    ],
)
def test_writes_without_csrf_token_are_refused(app, staff, product_id, url, data):
    client = staff.login(role="editor")
    data = {k: v.format(id=product_id) for k, v in data.items()}
    response = client.post(url.format(id=product_id), data=data)
    assert response.status_code == 400
    assert "CSRF" in response.text or "Bad request" in response.text
    product = _product(app, product_id)
    assert (product.name, product.stock, product.version) == ("Blue mug", 5, 1)
    with app.app_context():
        assert _db.session.scalar(select(Product).where(Product.sku == "MUG-1")) is None


def test_every_admin_form_carries_a_csrf_token(staff, product_id):
    client = staff.login(role="admin")
    for url in (
        "/admin/product/",
        "/admin/product/new/",
        f"/admin/product/edit/?id={product_id}",
        "/admin/post/",
        "/admin/user/new/",
        "/admin/apitoken/new/",
        "/admin/profile/",
        "/admin/erase/",
    ):
        html = client.get(url).text
        forms = re.findall(r"<form[^>]*method=\"(?:POST|post)\".*?</form>", html, re.S)
        assert forms, url
        for form in forms:
            assert 'name="csrf_token"' in form, (url, form[:200])


def test_two_editors_saving_the_same_record(app, staff, product_id):
    first, second = staff.login(role="editor"), staff.login(role="editor")
    url = f"/admin/product/edit/?id={product_id}"
    page_one, page_two = first.get(url).text, second.get(url).text

    saved = second.post(url, data=edit_data(page_two, name="Second's name", stock="7"))
    assert saved.status_code == 302

    refused = first.post(url, data=edit_data(page_one, name="First's name", price="1.00"))
    assert refused.status_code == 200
    assert "Someone else saved this record while you were editing it" in refused.text
    assert "Second&#39;s name" in refused.text or "Second's name" in refused.text  # theirs
    assert "First&#39;s name" in refused.text or "First's name" in refused.text  # yours, kept
    # Their changes are marked (from the audit log since the form was opened), not yours.
    assert "it is now: 7" in refused.text  # the stock: only they changed it
    assert "it is now: 12.50" not in refused.text  # the price: only you changed it
    product = _product(app, product_id)
    assert (product.name, product.stock, str(product.price)) == ("Second's name", 7, "12.50")
    assert product.version == 2


def test_duplicate_slug_is_explained_next_to_the_field(app, staff, product_id):
    client = staff.login(role="editor")
    url = f"/admin/product/edit/?id={product_id}"
    response = client.post(url, data=edit_data(client.get(url).text, slug="taken"))
    assert response.status_code == 200
    assert "This value is already used by another record; choose another one." in response.text
    assert "UNIQUE" not in response.text and "IntegrityError" not in response.text
    assert 'value="taken"' in response.text  # what was typed is kept
    assert _product(app, product_id).slug == "blue-mug"


def test_duplicate_sku_on_create_is_explained(staff, product_id):
    client = staff.login(role="editor")
    response = staff.submit(client, "/admin/product/new/", {**PRODUCT, "sku": "TAKEN"})
    assert response.status_code == 200
    assert "This value is already used by another record" in response.text
    assert "constraint" not in response.text.lower()


def test_negative_price_is_a_field_error(staff):
    client = staff.login(role="editor")
    response = staff.submit(client, "/admin/product/new/", {**PRODUCT, "price": "-1"})
    assert response.status_code == 200
    assert "Number must be at least 0" in response.text


def test_edit_page_links_to_the_records_history(app, staff, product_id):
    client = staff.login(role="editor")
    url = f"/admin/product/edit/?id={product_id}"
    client.post(url, data=edit_data(client.get(url).text, name="Renamed"))
    page = client.get(url).text
    link = f"/admin/audit/?model=Product&amp;pk={product_id}"
    assert link in page
    history = client.get(link.replace("&amp;", "&"))
    assert history.status_code == 200
    assert "Renamed" in history.text
    assert "update" in history.text


def test_ajax_update_needs_edit_rights(app, staff):
    """Flask-Admin's /ajax/update/ does not check can_edit; ours refuses before it runs."""
    with app.app_context():
        category = factories.category(name="Kitchen")
        _db.session.commit()
        category_id = category.id
    url = "/admin/category/ajax/update/"
    data = {"list_form_pk": str(category_id), "name": "Hacked"}
    for role in ("viewer", "translator"):
        client = staff.login(role=role)
        response = client.post(url, data={**data, "csrf_token": staff.token(client)})
        assert response.status_code == 403
    with app.app_context():
        assert _db.session.get(Category, category_id).name == "Kitchen"

    editor = staff.login(role="editor")
    token = staff.token(editor)
    data["list_form_pk"] = _inline_key(editor, category_id)
    response = editor.post(url, data={**data, "name": "Cuisine", "csrf_token": token})
    assert response.status_code == 200
    assert response.json["message"] == "Record was successfully saved."
    bad = editor.post(url, data={**data, "name": "x" * 300, "csrf_token": token})
    assert bad.status_code == 400
    assert "Field cannot be longer than 200 characters." in bad.text
    with app.app_context():
        assert _db.session.get(Category, category_id).name == "Cuisine"


def _inline_key(client, category_id: int) -> str:
    """The key of a category's inline edit, as the list page gives it to x-editable."""
    html = client.get("/admin/category/").text
    return re.search(rf'data-pk="({category_id}:\d+)"', html).group(1)


def test_inline_edit_of_a_row_changed_since_the_list_was_loaded_is_refused(app, staff):
    with app.app_context():
        category = factories.category(name="Kitchen")
        _db.session.commit()
        category_id = category.id
    editor = staff.login(role="editor")
    token = staff.token(editor)
    loaded = _inline_key(editor, category_id)
    assert loaded == f"{category_id}:1"
    url = "/admin/category/ajax/update/"
    saved = editor.post(url, data={"list_form_pk": loaded, "name": "Cuisine", "csrf_token": token})
    assert saved.json["pk"] == f"{category_id}:2"  # the page edits the row again with this
    # Another editor's list still shows version 1: their edit would undo "Cuisine".
    other = staff.login(role="editor")
    stale = other.post(
        url, data={"list_form_pk": loaded, "name": "Küche", "csrf_token": staff.token(other)}
    )
    assert stale.status_code == 409
    assert stale.text == "Someone changed this record since the list was loaded: reload the page."
    keyless = other.post(
        url,
        data={"list_form_pk": str(category_id), "name": "Küche", "csrf_token": staff.token(other)},
    )
    assert keyless.status_code == 409
    again = editor.post(
        url, data={"list_form_pk": saved.json["pk"], "name": "Kitchen", "csrf_token": token}
    )
    assert again.status_code == 200
    with app.app_context():
        assert _db.session.get(Category, category_id).name == "Kitchen"


def test_translator_edits_translations_not_products(app, staff, product_id):
    client = staff.login(role="translator")
    assert client.get(f"/admin/product/edit/?id={product_id}").status_code == 403
    response = staff.submit(
        client,
        "/admin/producttranslation/new/",
        {"product": str(product_id), "locale": "de", "name": "Blaue Tasse", "description": ""},
    )
    assert response.status_code == 302
    with app.app_context():
        product = _db.session.get(Product, product_id)
        assert product.translated("name", "de") == ("Blaue Tasse", "de")


def test_inline_translations_are_saved_with_the_product(app, staff, product_id):
    client = staff.login(role="editor")
    url = f"/admin/product/edit/?id={product_id}"
    data = edit_data(
        client.get(url).text,
        **{
            "translations-0-locale": "fr",
            "translations-0-name": "Tasse bleue",
            "translations-0-description": "",
        },
    )
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        assert _db.session.get(Product, product_id).translated("name", "fr")[0] == "Tasse bleue"


def test_markdown_preview_is_sanitised(staff):
    client = staff.login(role="editor")
    response = client.post(
        "/admin/product/preview/",
        data={"text": "*hi* <script>alert(1)</script>"},
        headers={"X-CSRFToken": staff.token(client)},
    )
    assert response.status_code == 200
    assert "<em>hi</em>" in response.json["html"]
    assert "<script>" not in response.json["html"]


def test_rule_broken_on_save_is_a_sentence(app, staff):
    client = staff.login(role="admin")
    response = staff.submit(
        client,
        f"/admin/user/edit/?id={_own_id(app, client)}",
        {"email": "me@example.com", "role": "viewer", "active": "y", "version": "1"},
    )
    assert response.status_code == 200
    assert "You cannot remove your own admin rights or deactivate yourself." in response.text
    assert "Traceback" not in response.text


def _own_id(app, client):
    with client.session_transaction() as session:
        return int(session["_user_id"])


def test_database_error_text_never_reaches_the_page(app, staff, product_id):
    """Two translations in one locale: the domain says so in a sentence, no trace."""
    client = staff.login(role="editor")
    url = f"/admin/product/edit/?id={product_id}"
    twice = {}
    for n in (0, 1):
        twice.update(
            {
                f"translations-{n}-locale": "fr",
                f"translations-{n}-name": f"Tasse {n}",
                f"translations-{n}-description": "",
            }
        )
    response = client.post(url, data=edit_data(client.get(url).text, **twice))
    assert response.status_code == 200
    assert "There are two fr translations; keep one and edit it." in response.text
    for leak in ("UNIQUE", "IntegrityError", "duplicate key", "Traceback", "INSERT"):
        assert leak not in response.text


def test_a_row_changed_since_the_list_was_loaded_is_not_deleted(app, staff, product_id):
    editor = staff.login(role="editor")
    listing = editor.get("/admin/product/?search=Blue").text
    form = re.search(
        r'<form class="icon" method="POST" action="/admin/product/delete/">.*?</form>',
        listing,
        re.S,
    ).group(0)
    fields = dict(re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', form))
    assert fields["id"] == str(product_id) and fields["version"] == "1"
    with app.app_context():
        _db.session.get(Product, product_id).stock = 9  # another editor saves meanwhile
        _db.session.commit()
    refused = editor.post("/admin/product/delete/", data=fields, follow_redirects=True)
    assert "Someone changed this record since the list was loaded" in refused.text
    assert _product(app, product_id) is not None
    fields["version"] = "2"  # after a reload
    deleted = editor.post("/admin/product/delete/", data=fields, follow_redirects=True)
    assert "Record was successfully deleted." in deleted.text
    assert _product(app, product_id) is None


def test_a_conflict_names_only_what_others_changed_not_my_translations(app, staff, product_id):
    with app.app_context():
        product = _db.session.get(Product, product_id)
        product.translations.append(ProductTranslation(locale="de", name="Blaue Tasse"))
        _db.session.commit()
        de_id = product.translations[0].id
    url = f"/admin/product/edit/?id={product_id}"
    admin, editor = staff.login(role="admin"), staff.login(role="editor")
    page_admin, page_editor = admin.get(url).text, editor.get(url).text
    rows = {
        "translations-0-id": str(de_id),
        "translations-0-locale": "de",
        "translations-0-description": "",
    }
    theirs = edit_data(page_admin, stock="62", **rows, **{"translations-0-name": "Blaue Tasse"})
    assert admin.post(url, data=theirs).status_code == 302
    mine = edit_data(page_editor, name="Watering can", **rows, **{"translations-0-name": "Kanne"})
    refused = editor.post(url, data=mine)
    warning = re.search(r'<div class="alert alert-warning".*?</div>', refused.text, re.S).group(0)
    assert "62" in warning
    assert "Kanne" not in warning and "Translations" not in warning
