"""Records in the back-office: export, tokens, users, inquiries, news, large lists."""

import csv
import io
import re
from datetime import timedelta

import factories
import pytest
from admin_helpers import token_of
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import select

from atrium.extensions import db as _db
from atrium.models import ApiToken
from atrium.models import AuditEntry
from atrium.models import Inquiry
from atrium.models import Post
from atrium.models.base import utcnow


def _add(app, make):
    with app.app_context():
        row = make()
        _db.session.commit()
        return row.id


def test_csv_export_streams_and_neutralises_formulas(app, staff):
    for name in ('=HYPERLINK("http://evil")', "+1+1", "-2", "@SUM(A1)", "\tTab", "Plain"):
        _add(app, lambda name=name: factories.product(name=name))
    client = staff.login(role="editor")
    response = client.get("/admin/product/export/csv/")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    response.close()  # ends the streamed response's context (and its transaction)
    names = {row[3] for row in rows[1:]}
    assert names == {
        '\'=HYPERLINK("http://evil")',
        "'+1+1",
        "'-2",
        "'@SUM(A1)",
        "'\tTab",
        "Plain",
    }


def test_export_is_permission_checked(app, staff):
    _add(app, factories.product)
    assert staff.login(role="viewer").get("/admin/product/export/csv/").status_code == 403
    assert staff.login(role="editor").get("/admin/user/export/csv/").status_code == 403


def test_product_list_runs_no_count(app, staff):
    for n in range(25):
        _add(app, lambda n=n: factories.product(name=f"Item {n:02d}"))
    client = staff.login(role="viewer")
    statements = []
    with app.app_context():
        engine = _db.engine

    def remember(conn, cursor, statement, *args):
        statements.append(statement.lower())

    event.listen(engine, "before_cursor_execute", remember)
    try:
        page = client.get("/admin/product/")
        second = client.get("/admin/product/?page=1")
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert page.status_code == 200 and second.status_code == 200
    assert not [s for s in statements if "count(" in s and "products" in s]
    assert "Item 24" in page.text and "Item 04" not in page.text  # newest first, 20 a page
    assert "Item 04" in second.text


def test_product_search_by_name_prefix_or_sku(app, staff):
    _add(app, lambda: factories.product(name="Blue mug", sku="MUG-BLUE"))
    _add(app, lambda: factories.product(name="Red lamp", sku="LAMP-RED"))
    client = staff.login(role="viewer")
    by_name = client.get("/admin/product/?search=blue").text
    assert "Blue mug" in by_name and "Red lamp" not in by_name
    by_sku = client.get("/admin/product/?search=lamp-").text
    assert "Red lamp" in by_sku and "Blue mug" not in by_sku


def test_product_sort_by_name(app, staff):
    for name in ("Cup", "Apple", "Bowl"):
        _add(app, lambda name=name: factories.product(name=name))
    client = staff.login(role="viewer")
    html = client.get("/admin/product/?sort=2").text  # column 2 of the sortable list: name
    assert html.index("Apple") < html.index("Bowl") < html.index("Cup")


def test_token_secret_is_shown_once_then_only_its_prefix(app, staff):
    owner = staff.create("editor", email="owner@example.com")
    client = staff.login(role="admin")
    response = staff.submit(
        client,
        "/admin/apitoken/new/",
        {"name": "CI", "owner": str(owner), "scope_list": "inquiries:read products:write"},
    )
    assert response.status_code == 200
    secret = re.search(r'<code class="token-secret">(atr_[^<]+)</code>', response.text).group(1)
    with app.app_context():
        token = _db.session.scalar(select(ApiToken))
        assert token.token_hash == ApiToken.hash(secret)
        assert token.scopes == ["inquiries:read", "products:write"]
        prefix = token.prefix
    for url in ("/admin/apitoken/", f"/admin/apitoken/details/?id={token.id}"):
        page = client.get(url).text
        assert prefix in page
        assert secret not in page
        assert token.token_hash not in page


@pytest.mark.parametrize(
    ("role", "scopes", "error"),
    [
        ("editor", "products:read", "Unknown scope products:read"),
        ("viewer", "inquiries:read products:write", "does not allow the scope products:write"),
        ("translator", "inquiries:read", "does not allow the scope inquiries:read"),
    ],
)
def test_a_token_carries_only_scopes_its_owners_role_allows(app, staff, role, scopes, error):
    owner = staff.create(role, email="owner@example.com")
    client = staff.login(role="admin")
    response = staff.submit(
        client,
        "/admin/apitoken/new/",
        {"name": "Reporting", "owner": str(owner), "scope_list": scopes},
    )
    assert response.status_code == 200
    assert error in response.text
    assert 'value="Reporting"' in response.text  # what was typed is kept
    with app.app_context():
        assert _db.session.scalar(select(ApiToken)) is None


def test_user_pages_never_show_the_password_hash(app, staff):
    client = staff.login(role="admin")
    other = staff.create("viewer", email="v@example.com")
    with app.app_context():
        from atrium.models import User

        digest = _db.session.get(User, other).password_hash
    for url in (
        "/admin/user/",
        f"/admin/user/details/?id={other}",
        f"/admin/user/edit/?id={other}",
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert digest not in page.text
        assert "password_hash" not in page.text


def test_admin_sets_a_users_password(app, staff):
    client = staff.login(role="admin")
    other = staff.create("viewer", email="v@example.com")
    url = f"/admin/user/edit/?id={other}"
    response = staff.submit(
        client,
        url,
        {
            "email": "v@example.com",
            "role": "viewer",
            "active": "y",
            "version": "1",
            "new_password": "brand new pass",
        },
    )
    assert response.status_code == 302
    assert staff.login(email="v@example.com", password="brand new pass")


def test_inquiry_workflow_and_mark_handled(app, staff):
    first = _add_inquiry(app, 1, "ada@example.com")
    second = _add_inquiry(app, 2, "bob@example.com")
    client = staff.login(role="editor")
    listing = client.get("/admin/inquiry/")
    assert 'href="mailto:ada@example.com?subject=' in listing.text
    response = client.post(
        "/admin/inquiry/action/",
        data={"action": "handled", "rowid": [first], "csrf_token": token_of(listing.text)},
    )
    assert response.status_code == 302
    with app.app_context():
        assert _db.session.get(Inquiry, first).status == "handled"
        assert _db.session.get(Inquiry, first).handled_at is not None
        assert _db.session.get(Inquiry, second).status == "new"
    refused = staff.submit(
        client, f"/admin/inquiry/edit/?id={second}", {"status": "new", "version": "1"}
    )
    assert refused.status_code == 302
    moved = staff.submit(
        client, f"/admin/inquiry/edit/?id={first}", {"status": "spam", "version": "2"}
    )
    assert moved.status_code == 200
    assert "An inquiry cannot go from handled to spam." in moved.text


def test_posts_publish_action(app, staff):
    post = _add(app, lambda: factories.post(title="Hello"))
    client = staff.login(role="editor")
    listing = client.get("/admin/post/")
    client.post(
        "/admin/post/action/",
        data={"action": "publish", "rowid": [post], "csrf_token": token_of(listing.text)},
    )
    with app.app_context():
        row = _db.session.get(Post, post)
        assert row.status == "published" and row.published_at is not None


def test_viewer_cannot_run_actions(app, staff):
    post = _add(app, lambda: factories.post(title="Hello"))
    client = staff.login(role="viewer")
    response = client.post(
        "/admin/post/action/",
        data={"action": "publish", "rowid": [post], "csrf_token": staff.token(client)},
    )
    assert response.status_code == 403
    with app.app_context():
        assert _db.session.get(Post, post).status == "draft"


def _inquiry(days_old, email="ada@example.com"):
    return Inquiry(
        name="Ada",
        email=email,
        message="Please call me",
        locale="en",
        created_at=utcnow() - timedelta(days=days_old),
    )


def _add_inquiry(app, days_old, email="ada@example.com"):
    def make():
        row = _inquiry(days_old, email)
        _db.session.add(row)
        return row

    return _add(app, make)


def test_purge_command_deletes_old_inquiries_and_audits_without_data(app, runner):
    _add_inquiry(app, 200)
    keep = _add_inquiry(app, 10)
    result = runner.invoke(args=["inquiries", "purge", "--older-than", "180d"])
    assert result.exit_code == 0, result.output
    assert "Purged 1 inquiries older than 180 days." in result.output
    with app.app_context():
        assert _db.session.scalars(select(Inquiry.id)).all() == [keep]
        entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "purge"))
        assert (entry.source, entry.changes) == ("cli", {"count": 1, "older_than_days": 180})
        everything = " ".join(str(e.changes) for e in _db.session.scalars(select(AuditEntry)))
        assert "ada@example.com" not in everything and "Please call me" not in everything


def test_purge_uses_the_configured_retention(make_app):
    app = make_app(INQUIRY_RETENTION_DAYS=5)
    _add_inquiry(app, 6)
    result = app.test_cli_runner().invoke(args=["inquiries", "purge"])
    assert "Purged 1 inquiries older than 5 days." in result.output


def test_purge_refuses_a_bad_age(runner):
    result = runner.invoke(args=["inquiries", "purge", "--older-than", "six months"])
    assert result.exit_code != 0
    assert "is not a number of days such as 180d." in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("age", ["99999999999d", "36501", "9" * 5000])
def test_purge_refuses_an_age_over_a_hundred_years(runner, age):
    result = runner.invoke(args=["inquiries", "purge", "--older-than", age])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)  # not OverflowError or ValueError
    assert result.output.endswith(
        "Error: Invalid value: The age is at most 36500 days (a hundred years).\n"
    )


def test_erase_one_persons_inquiries(app, staff):
    _add_inquiry(app, 1, "ada@example.com")
    _add_inquiry(app, 2, "ADA@example.com")
    other = _add_inquiry(app, 3, "bob@example.com")
    client = staff.login(role="editor")
    response = staff.submit(
        client, "/admin/erase/", {"email": "ada@example.com"}, follow_redirects=True
    )
    assert "2 inquiries erased." in response.text
    with app.app_context():
        assert _db.session.scalars(select(Inquiry.id)).all() == [other]
        entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "erase"))
        assert entry.source == "admin" and entry.changes == {"count": 2}
        assert "ada@" not in str(entry.changes) + entry.pk


def test_erase_needs_a_valid_email(staff):
    client = staff.login(role="editor")
    response = staff.submit(client, "/admin/erase/", {"email": "not an email"})
    assert response.status_code == 400
    assert "Invalid email address." in response.text
    assert 'value="not an email"' in response.text


def test_dashboard_shows_counts_recent_inquiries_and_changes(app, staff):
    _add_inquiry(app, 0, "ada@example.com")
    _add(app, factories.product)
    client = staff.login(role="admin")
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "Recent inquiries" in page.text and "#1 Ada" in page.text
    assert "Recent changes" in page.text and "Product" in page.text
    assert "New inquiries" in page.text


def test_admin_pages_load_nothing_from_a_cdn(staff, app):
    _add(app, factories.product)
    client = staff.login(role="admin")
    for url in ("/admin/", "/admin/product/", "/admin/product/edit/?id=1", "/admin/login"):
        html = client.get(url).text
        external = re.findall(r'(?:src|href)="((?:https?:)?//[^"]+)"', html)
        assert external == [], (url, external)


@pytest.mark.parametrize(("locale", "direction"), [("ar", "rtl"), ("de", "ltr")])
def test_admin_speaks_the_preferred_language(staff, locale, direction):
    client = staff.login(role="viewer")
    response = staff.submit(
        client, "/admin/profile/", {"preferred_locale": locale}, follow_redirects=True
    )
    assert response.status_code == 200
    page = client.get("/admin/", headers={"Accept-Language": "fr"}).text
    assert f'<html lang="{locale}" dir="{direction}">' in page


def test_profile_password_change_needs_the_current_one(staff):
    client = staff.login(role="viewer", email=None)
    wrong = staff.submit(
        client,
        "/admin/profile/",
        {
            "preferred_locale": "",
            "current_password": "nope",
            "new_password": "another pass",
            "confirm": "another pass",
        },
    )
    assert wrong.status_code == 400
    assert "This is not your current password." in wrong.text


def test_cheap_counts(app):
    from atrium.admin.home import estimated_rows
    from atrium.models import Product

    with app.app_context():
        for _ in range(3):
            factories.product()
        _db.session.commit()
        assert (
            estimated_rows(Product)
            == 3
            == _db.session.scalar(select(func.count()).select_from(Product))
        )


def test_admin_pages_have_no_inline_script(staff, app):
    """A nonce-based CSP blocks inline handlers: Flask-Admin's are replaced by admin.js."""
    _add(app, factories.product)
    _add(app, lambda: factories.post(title="Hello"))
    client = staff.login(role="admin")
    for url in ("/admin/product/", "/admin/product/edit/?id=1", "/admin/post/", "/admin/"):
        html = client.get(url).text
        assert not re.findall(r"\son[a-z]+=\"", html), url
        assert not re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
    list_page = client.get("/admin/post/").text
    assert 'data-model-action="publish"' in list_page
    assert "data-confirm=" in list_page
    assert "data-inline-add=" in client.get("/admin/product/edit/?id=1").text


@pytest.mark.parametrize(
    ("locale", "text"), [("zh-Hant", "資料列表"), ("de", "Liste"), ("pt-BR", "Lista")]
)
def test_flask_admin_strings_follow_the_staff_locale(staff, locale, text):
    """zh-Hant reaches Flask-Admin's zh_Hant_TW catalog through the fallback chain."""
    user = staff.create("viewer", preferred_locale=locale)
    client = staff.login(email=staff.email_of(user))
    page = client.get("/admin/post/")
    assert page.status_code == 200
    assert text in page.text


@pytest.mark.parametrize(
    "query", ["", "?sort=2", "?sort=2&desc=1", "?sort=3", "?search=item", "?sort=7&desc=1"]
)
def test_next_and_previous_walk_every_row_once(app, staff, query):
    """Keyset links: forward through all pages and back, each row exactly once, in order."""
    for n in range(45):
        price = f"{n % 7}.00"  # ties in the sort key
        _add(app, lambda n=n, price=price: factories.product(name=f"Item {n % 9}", price=price))
    client = staff.login(role="viewer")

    def ids(html):
        return re.findall(r'name="rowid" value="(\d+)"', html) or re.findall(
            r"/admin/product/details/\?id=(\d+)", html
        )

    def link(html, label):
        pager = html[html.index('class="pagination') :]
        found = re.search(
            rf'<li class="page-item">\s*<a class="page-link" href="([^"]+)">{label}</a>', pager
        )
        return found.group(1).replace("&amp;", "&") if found else None

    pages, url = [], "/admin/product/" + query
    while url:
        html = client.get(url).text
        pages.append(ids(html))
        url = link(html, "&gt;")
        assert url is None or "after=" in url  # keyset, not OFFSET
    seen = [i for page in pages for i in page]
    assert len(pages) == 3
    assert len(seen) == len(set(seen)) == 45
    back = []
    while True:
        previous = link(html, "&lt;")
        if not previous:
            break
        html = client.get(previous).text
        back.append(ids(html))
    assert back == pages[-2::-1]


@pytest.mark.parametrize("cursor", ["garbage", "WyJ4IiwxLDFd", "", "%00"])
def test_a_foreign_or_broken_cursor_is_ignored(staff, app, cursor):
    _add(app, factories.product)
    response = staff.login(role="viewer").get(f"/admin/product/?page=1&after={cursor}")
    assert response.status_code == 200
