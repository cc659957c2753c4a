"""Hand-typed or hostile input to the back-office: a clear page or a 4xx, never a 500."""

import base64
import csv
import io
import json

import factories
import pytest
from admin_helpers import PASSWORD
from admin_helpers import token_of

from atrium.admin.base import neutralise
from atrium.extensions import db as _db

CRLF_TARGETS = ["/admin/product/\r\nX-Evil: 1", "/admin/\r\n", "/admin/\n/evil.example", "\r\n"]


@pytest.mark.parametrize("target", CRLF_TARGETS)
def test_login_with_a_crlf_next_lands_on_the_dashboard(client, staff, target):
    email = staff.email_of(staff.create("editor"))
    page = client.get("/admin/login", query_string={"next": target})
    assert page.status_code == 200
    response = client.post(
        "/admin/login",
        data={
            "email": email,
            "password": PASSWORD,
            "next": target,
            "csrf_token": token_of(page.text),
        },
    )
    assert response.status_code == 302
    assert response.location == "/admin/"
    assert "X-Evil" not in response.headers


@pytest.mark.parametrize("target", CRLF_TARGETS)
def test_a_logged_in_visit_to_login_with_a_crlf_next_goes_home(staff, target):
    client = staff.login(role="editor")
    response = client.get("/admin/login", query_string={"next": target})
    assert response.status_code == 302
    assert response.location == "/admin/"


def _products(app, *names, category=None) -> list[int]:
    with app.app_context():
        if category is not None:
            category = factories.category(slug=category)
        rows = [factories.product(name=name, category=category) for name in names]
        _db.session.commit()
        return [row.category_id for row in rows]


@pytest.mark.parametrize(
    "page", ["99999999999999999999", str(2**62), "-1", "-99999999999999999999", "x"]
)
def test_a_typed_page_number_shows_a_list_page(app, staff, page):
    _products(app, "Blue mug")
    client = staff.login(role="viewer")
    response = client.get(f"/admin/product/?page={page}")
    assert response.status_code == 200
    assert ("Blue mug" in response.text) == page.startswith(("-", "x"))  # first page, or empty


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("/admin/product/?sort=6", "Blue mug"),  # `category`, a relation: not sortable
        ("/admin/product/?sort=6&desc=1", "Blue mug"),
        ("/admin/product/?sort=99", "Blue mug"),
        ("/admin/product/?sort=-1", "Blue mug"),
        ("/admin/producttranslation/?sort=1", "Tasse"),  # `product`, a relation
        ("/admin/categorytranslation/?sort=1&desc=1", "Dinge"),  # `category`
        ("/admin/product/export/csv/?sort=6", "Blue mug"),
    ],
)
def test_a_typed_sort_on_a_relation_keeps_the_default_order(app, staff, url, shown):
    from atrium.models import CategoryTranslation
    from atrium.models import ProductTranslation

    with app.app_context():
        category = factories.category()
        product = factories.product(name="Blue mug", category=category)
        _db.session.add(ProductTranslation(product=product, locale="de", name="Tasse"))
        _db.session.add(CategoryTranslation(category=category, locale="de", name="Dinge"))
        _db.session.commit()
    client = staff.login(role="editor")
    response = client.get(url)
    assert response.status_code == 200
    assert shown in response.get_data(as_text=True)
    response.close()


def _cursor(*parts) -> str:
    text = json.dumps(list(parts))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


BIG = 99999999999999999999999


@pytest.mark.parametrize("direction", ["after", "before"])
@pytest.mark.parametrize(
    ("query", "cursor"),
    [
        ("", ["::", BIG, BIG]),  # past 64 bits: OverflowError
        ("", ["::", 2**31, 2**31]),  # past PostgreSQL's int4
        ("", ["::", 1, True]),  # a boolean id: ArgumentError
        ("", ["::", True, 1]),
        ("sort=3", ["3::", {"d": "cheap"}, 1]),  # price: InvalidOperation
        ("sort=3", ["3::", {"d": "1e999999"}, 1]),  # past numeric(12, 2)
        ("sort=3", ["3::", {"d": "NaN"}, 1]),
        ("sort=3", ["3::", {"x": 1}, 1]),
        ("sort=7", ["7::", {"t": "2026-01-01T00:00:00"}, 1]),  # created_at, naive
        ("sort=7", ["7::", {"t": "0001-01-01T00:00:00+05:00"}, 1]),  # before year 1 in UTC
        ("sort=7&desc=1", ["7:1:", {"t": "9999-12-31T23:00:00-05:00"}, 1]),
        ("sort=7", ["7::", {"t": "yesterday"}, 1]),
        ("sort=2", ["2::", "a\u0000b", 1]),  # name: PostgreSQL text holds no NUL
        ("sort=2", ["2::", "\ud800", 1]),  # not UTF-8
        ("search=blue", ["::blue", "a\u0000b", 1]),  # lower(name)
        ("search=blue", ["::blue", 5, 1]),
    ],
)
def test_a_forged_list_cursor_shows_the_first_page(app, staff, direction, query, cursor):
    _products(app, "Blue mug")
    client = staff.login(role="viewer")
    response = client.get(f"/admin/product/?{query}&{direction}={_cursor(*cursor)}")
    assert response.status_code == 200
    assert "Blue mug" in response.text


def test_the_category_filter_lists_and_exports_that_categorys_products(app, staff):
    [category_id, _] = _products(app, "Mug in the category", "Its twin", category="mugs")
    _products(app, "Mug elsewhere")
    client = staff.login(role="editor")
    page = client.get(f"/admin/product/?flt1_1={category_id}")
    assert page.status_code == 200
    assert "Mug in the category" in page.text and "Mug elsewhere" not in page.text
    export = client.get(f"/admin/product/export/csv/?flt1_1={category_id}")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    export.close()
    assert export.status_code == 200
    assert sorted(row[3] for row in rows[1:]) == ["Its twin", "Mug in the category"]


def test_a_category_filter_that_is_not_a_number_is_refused_politely(app, staff):
    _products(app, "Blue mug")
    response = staff.login(role="editor").get("/admin/product/?flt1_1=mugs")
    assert response.status_code == 200
    assert "Blue mug" in response.text  # the filter is not applied


@pytest.mark.parametrize("value", ["99999999999999999999", str(2**31), str(-(2**31) - 1)])
def test_a_category_filter_beyond_any_id_is_not_applied(app, staff, value):
    _products(app, "Blue mug")
    client = staff.login(role="editor")
    response = client.get(f"/admin/product/?flt1_1={value}")
    assert response.status_code == 200
    assert "Blue mug" in response.text  # an invalid filter value: the filter is skipped
    export = client.get(f"/admin/product/export/csv/?flt1_1={value}")
    assert export.status_code == 200
    assert "Blue mug" in export.get_data(as_text=True)
    export.close()


@pytest.mark.parametrize("ident", ["99999999999999999999", str(2**31), "-99999999999999999999"])
@pytest.mark.parametrize("action", ["edit", "details"])
def test_an_id_beyond_any_record_does_not_exist(app, staff, action, ident):
    _products(app, "Blue mug")
    client = staff.login(role="editor")
    response = client.get(f"/admin/product/{action}/?id={ident}", follow_redirects=True)
    assert response.status_code == 200
    assert "Record does not exist." in response.text


@pytest.mark.parametrize(
    ("endpoint", "action"),
    [("product", "delete"), ("post", "publish"), ("inquiry", "handled"), ("apitoken", "revoke")],
)
def test_a_bulk_action_on_ids_beyond_any_record_changes_nothing(app, staff, endpoint, action):
    _products(app, "Blue mug")
    client = staff.login(role="admin")
    rowids = ["99999999999999999999", str(2**31), "x", "-99999999999999999999"]
    response = client.post(
        f"/admin/{endpoint}/action/",
        data={"action": action, "rowid": rowids, "csrf_token": staff.token(client)},
    )
    assert response.status_code == 302
    assert "Blue mug" in client.get("/admin/product/").text


#: What a spreadsheet would take for a formula: OWASP's list, after blanks, full-width forms.
FORMULAS = [
    "=1+1",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\tTab",
    "\rReturn",
    "\nNewline",
    " =1+1",
    "   +1",
    "\u00a0=1+1",
    " \u00a0 @SUM(A1)",
    "\uff1d1+1",
    "\uff0b1",
    "\uff0d1",
    "\uff20SUM(A1)",
    ";=1+1",
    "|calc",
    '=HYPERLINK("http://evil.example","x")',
]
#: Harmless cells, left alone.
PLAIN = ["Plain", "", "  Plain", "a=b", "1-2", "x@example.com", "'quoted", "\u00a0Plain"]


@pytest.mark.parametrize("cell", FORMULAS)
def test_a_formula_cell_is_shown_as_text(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", PLAIN)
def test_a_plain_cell_is_left_alone(cell):
    assert neutralise(cell) == cell


def test_none_and_numbers_are_cells_too():
    assert neutralise(None) == ""
    assert neutralise(-5) == "'-5"  # a negative number reads as a formula start
    assert neutralise(12) == "12"


def test_the_csv_export_neutralises_every_formula_start(app, staff):
    _products(app, *FORMULAS, *PLAIN[:1])
    response = staff.login(role="editor").get("/admin/product/export/csv/")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))
    response.close()
    assert response.status_code == 200
    assert sorted(row[3] for row in rows[1:]) == sorted(["'" + f for f in FORMULAS] + ["Plain"])
