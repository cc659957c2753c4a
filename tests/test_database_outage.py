"""The database refusing connections: a localized 503 with Retry-After on every face, one
log line per failure, Markdown pages still served, nothing half-written, and commands that
say one sentence."""

import pytest
from admin_helpers import PASSWORD
from support import csrf_token

#: Two ways a database is unreachable: nothing listens on the port; the SQLite file's
#: folder does not exist.
DEAD = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:1/atrium",
    "sqlite": "sqlite:///{tmp}/no/such/folder/atrium.db",
}


@pytest.fixture(params=sorted(DEAD))
def dead_url(request, tmp_path):
    return DEAD[request.param].format(tmp=tmp_path)


@pytest.fixture
def down(make_app, page_tree, dead_url):
    """An app whose database refuses every connection, on the small page tree."""
    return make_app(SQLALCHEMY_DATABASE_URI=dead_url, PAGES_ROOT=str(page_tree))


def problems(caplog):
    """What the operator's log shows above INFO (the access log is INFO)."""
    return [r for r in caplog.records if r.levelname in ("WARNING", "ERROR", "CRITICAL")]


def assert_unavailable(response, caplog):
    assert response.status_code == 503, response.status
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] in ("no-store", "private, no-store")
    assert "Content-Security-Policy" in response.headers
    assert "Traceback" not in response.text and "OperationalError" not in response.text
    [record] = problems(caplog)  # exactly one line, and no traceback with it
    assert record.exc_info is None and "\n" not in record.getMessage()
    assert "database unavailable" in record.getMessage()


@pytest.mark.parametrize("path", ["/de/news", "/de/products", "/de/search?q=mug", "/sitemap.xml"])
def test_database_pages_answer_a_localized_503(down, caplog, path):
    response = down.test_client().get(path, headers={"Accept-Language": "de"})
    assert_unavailable(response, caplog)
    assert response.mimetype == "text/html"
    assert "Dienst nicht verfügbar" in response.text


def test_api_answers_a_503_problem_document(down, caplog):
    response = down.test_client().get("/api/v1/products", headers={"Accept-Language": "de"})
    assert_unavailable(response, caplog)
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 503
    assert response.json["title"] == "Dienst nicht verfügbar"


def test_contact_form_answers_503(down, caplog):
    client = down.test_client()
    form = client.get("/de/contact")
    assert form.status_code == 200  # the form itself needs no database
    response = client.post(
        "/de/contact",
        data={
            "name": "Ada",
            "email": "ada@example.com",
            "message": "Hello, is anybody there?",
            "csrf_token": csrf_token(form.text),
        },
    )
    assert_unavailable(response, caplog)
    assert "Dienst nicht verfügbar" in response.text


@pytest.mark.parametrize("path", ["/en/about", "/de/about", "/en/docs/install"])
def test_markdown_pages_keep_serving(down, caplog, path):
    response = down.test_client().get(path)
    assert response.status_code == 200
    assert problems(caplog) == []


def test_admin_login_answers_503_inside_the_admin_layout(down, caplog):
    client = down.test_client()
    form = client.get("/admin/login")
    response = client.post(
        "/admin/login",
        data={"email": "a@example.com", "password": PASSWORD, "csrf_token": csrf_token(form.text)},
        headers={"Accept-Language": "de"},
    )
    assert_unavailable(response, caplog)
    assert 'class="navbar-brand" href="/admin"' in response.text  # the admin's layout
    assert "Dienst nicht verfügbar" in response.text
    assert 'href="/admin/"' in response.text  # a way back


def test_logged_in_staff_get_503_not_the_login_page(app, staff, down, caplog):
    """Who is logged in cannot be looked up: not a 500, not "please log in again", and the
    Markdown pages still serve them."""
    session = staff.login(role="editor").get_cookie("session").value
    client = down.test_client()
    client.set_cookie("session", session)
    for path in ("/admin/", "/admin/product/", "/admin/product/new/"):
        caplog.clear()
        response = client.get(path, headers={"Accept-Language": "de"})
        assert_unavailable(response, caplog)
        assert 'class="navbar-brand"' in response.text
    assert client.get("/en/about").status_code == 200


def test_an_admin_save_that_meets_the_outage_is_a_503(app, staff, down, caplog):
    """The edit form was opened before the outage; saving it answers 503 and no flash
    message carries exception text."""
    editor = staff.login(role="editor")
    form = editor.get("/admin/product/new/")
    client = down.test_client()
    client.set_cookie("session", editor.get_cookie("session").value)
    response = client.post(
        "/admin/product/new/",
        data={"csrf_token": csrf_token(form.text), "sku": "MUG-1", "slug": "mug", "name": "Mug",
              "price": "9.50", "currency": "EUR", "stock": "1"},
    )  # fmt: skip
    assert response.status_code == 503
    assert "OperationalError" not in response.text


@pytest.mark.parametrize(
    "args",
    [
        ["seed"],
        ["users", "list"],
        ["users", "create", "new@example.com", "--role", "editor", "--password-stdin"],
        ["inquiries", "purge"],
        ["tokens", "list"],  # the API's group
        ["db", "upgrade"],  # Flask-Migrate's
    ],
)
def test_commands_say_one_sentence_and_fail(down, args):
    result = down.test_cli_runner().invoke(args=args, input="a long password\n")
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert line.startswith("Error: The database is unreachable (")
    assert line.endswith("check DATABASE_URL and that the database server is running.")
