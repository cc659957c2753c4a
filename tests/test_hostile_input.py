"""Hostile input to the site, the API and the page files: a clear answer, never a 500."""

import http.client
import json
import logging
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

import factories
import pytest
from api import apihelp
from markdown.inlinepatterns import LinkInlineProcessor
from pagetree import SITE
from pagetree import write_tree
from smtp import SMTPServer
from sqlalchemy import select
from sqlalchemy import update
from support import csrf_token
from werkzeug.serving import make_server

from atrium import jobs
from atrium import mail
from atrium import markdown
from atrium.extensions import db as _db
from atrium.models import Inquiry
from atrium.models import Product

EVIL_NAME = "Eve\r\nBcc: everyone@example.com\r\n\r\nHi"


def _contact_form(client) -> None:
    token = csrf_token(client.get("/en/contact").text)
    message = "Please call me back soon."
    data = {"csrf_token": token, "name": EVIL_NAME, "email": "eve@example.com", "message": message}
    assert client.post("/en/contact", data=data).status_code == 303


def _api(client) -> None:
    body = {"name": EVIL_NAME, "email": "eve@example.com", "message": "Please call me back soon."}
    assert client.post("/api/v1/inquiries", json=body).status_code == 201


@pytest.mark.parametrize("send", [_contact_form, _api], ids=["contact form", "API"])
def test_staff_hear_of_an_inquiry_whose_name_has_line_breaks(make_app, tmp_path, send):
    with SMTPServer() as smtp:
        app = make_app(PAGES_ROOT=str(write_tree(tmp_path)), **smtp.config())
        with app.app_context():
            factories.user("editor@example.com", role="editor")
            _db.session.commit()
        send(app.test_client())
        jobs.wait(app)
    [message] = smtp.inbox.messages
    assert message["Subject"] == "New message from Eve Bcc: everyone@example.com Hi"
    assert message["Bcc"] is None
    assert message["To"] == "editor@example.com"
    lines = message.get_body(("plain",)).get_content().splitlines()
    assert "Name: Eve Bcc: everyone@example.com Hi" in lines  # one line: no faked lines


@contextmanager
def served(app) -> Iterator[int]:
    """`app` behind Werkzeug's server in a thread (it decodes chunked bodies); its port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.port
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def post_chunked(port: int, path: str, body: bytes, content_type: str):
    """POST `body` with `Transfer-Encoding: chunked` (no Content-Length); (status, type, text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    chunks = (body[i : i + 65536] for i in range(0, len(body), 65536))
    try:
        connection.request(
            "POST", path, body=chunks, headers={"Content-Type": content_type}, encode_chunked=True
        )
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type"), response.read().decode()
    finally:
        connection.close()


MIB = 1024 * 1024
FORM = "application/x-www-form-urlencoded"


def _inquiry_json(size: int) -> bytes:
    body = {"name": "Ana", "email": "ana@example.com", "message": "x" * size}
    return json.dumps(body).encode()


@pytest.mark.parametrize(
    ("path", "content_type", "body"),
    [
        ("/api/v1/inquiries", "application/json", _inquiry_json(MIB + 100)),
        ("/en/contact", FORM, b"name=Ana&email=ana%40example.com&message=" + b"x" * (MIB + 100)),
        ("/admin/login", FORM, b"email=ana%40example.com&password=" + b"x" * (MIB + 100)),
    ],
    ids=["API", "contact form", "admin login"],
)
def test_a_chunked_body_over_the_limit_is_refused_with_413(
    make_app, tmp_path, path, content_type, body
):
    app = make_app(PAGES_ROOT=str(write_tree(tmp_path)))
    with served(app) as port:
        status, mimetype, text = post_chunked(port, path, body, content_type)
    assert status == 413
    if path.startswith("/api/"):
        assert mimetype == "application/problem+json"
        assert json.loads(text)["status"] == 413
    else:
        assert mimetype.startswith("text/html")
        assert "What you sent is too large." in text


def test_a_chunked_body_under_the_limit_is_read_whole(make_app, tmp_path):
    app = make_app(PAGES_ROOT=str(write_tree(tmp_path)))
    with served(app) as port:
        status, mimetype, text = post_chunked(
            port, "/api/v1/inquiries", _inquiry_json(4000), "application/json"
        )
    assert (status, mimetype) == (201, "application/json")
    with app.app_context():
        assert _db.session.scalar(select(Inquiry.message)) == "x" * 4000


def _laughs(levels: int) -> str:
    """A 'billion laughs' header: each level repeats the one before nine times, by alias."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 9) + "]")
    return "---\ntitle: Laughs\n" + "\n".join(lines) + "\n---\n# Laughs\n\nHa.\n"


ALIASED = {
    "en/laughs.md": _laughs(5),  # 9**5 strings once loaded, from 400 bytes
    "de/about.md": "---\ntitle: &t Über uns\ndescription: *t\n---\n# Über uns\n\nWir.\n",
    "en/long.md": "---\ndescription: " + "x" * 20_000 + "\n---\n# Long\n",
}


@pytest.fixture
def aliased(make_app, tmp_path):
    from pagetree import SITE

    return make_app(PAGES_ROOT=str(write_tree(tmp_path, {**SITE, **ALIASED})))


def test_pages_check_names_a_header_with_aliases_or_too_long(aliased):
    result = aliased.test_cli_runner().invoke(args=["pages", "check"])
    assert result.exit_code == 1
    out = result.output
    assert "pages/en/laughs.md:3: the YAML header uses an anchor or alias" in out
    assert "pages/de/about.md:2: the YAML header uses an anchor or alias" in out
    assert "pages/en/long.md:2: the YAML header is longer than 16384 characters" in out
    assert "Traceback" not in out


def test_a_page_with_aliases_in_its_header_is_served_as_broken(aliased):
    client = aliased.test_client()
    assert client.get("/en/laughs").status_code == 404  # no other locale has it
    about = client.get("/de/about")  # the source page instead, with its notice
    assert about.status_code == 200
    assert "We are a team." in about.text and "Über uns" not in about.text
    listing = client.get("/api/v1/pages?lang=en")
    assert listing.status_code == 200
    assert len(listing.data) < 50_000
    assert "laughs" not in {page["path"] for page in listing.json["data"]}
    assert client.get("/api/v1/pages/laughs").status_code == 404


@pytest.fixture
def undecodable(make_app, tmp_path):
    """The translator project, plus a German page and an English source page that are not
    UTF-8 (Latin-1 bytes)."""
    from translate_fixtures import make_project

    project = make_project(tmp_path)
    pages = tmp_path / "pages"
    (pages / "en" / "about.md").write_text("---\ntitle: About\n---\n# About\n\nWe are a team.\n")
    (pages / "de" / "about.md").write_bytes("# Über uns\n\nWir sind ein Team.\n".encode("latin-1"))
    (pages / "en" / "legacy.md").write_bytes("# Café\n".encode("latin-1"))
    return make_app(**project)


def _unreadable(entry: dict) -> list[tuple[str, str]]:
    """(path, file) of a locale's unreadable pages, the file as pages/<tag>/<name>.md."""
    return [(i["path"], "/".join(i["file"].split("/")[-3:])) for i in entry["pages"]["unreadable"]]


def test_translate_status_reports_a_page_it_cannot_read_and_the_rest(undecodable):
    runner = undecodable.test_cli_runner()
    result = runner.invoke(args=["translate", "status", "--format", "json"])
    assert result.exit_code == 0, result.output
    english, german = json.loads(result.output)["locales"]
    assert _unreadable(english) == [("legacy", "pages/en/legacy.md")]
    assert _unreadable(german) == [
        ("about", "pages/de/about.md"),
        ("legacy", "pages/en/legacy.md"),  # its source: no translation can follow it
    ]
    assert german["pages"]["missing"] == ["docs/api", "index"] and german["pages"]["total"] == 4
    table = runner.invoke(args=["translate", "status"])
    assert table.exit_code == 0, table.output
    assert "unreadable page about: " in table.output
    assert "pages/de/about.md is not valid UTF-8 text, so its status is unknown." in table.output
    assert table.output.count("\nde ") == 1  # the other rows are still there
    marked = runner.invoke(args=["translate", "mark", "de", "about"])
    assert marked.exit_code == 1
    assert "pages/de/about.md is not valid UTF-8 (byte 2)." in marked.output
    assert "Traceback" not in marked.output


def test_the_dashboard_and_the_site_cope_with_a_page_they_cannot_read(undecodable):
    from admin_helpers import Staff

    client = Staff(undecodable).login(role="translator")
    dashboard = client.get("/admin/translations/")
    assert dashboard.status_code == 200
    assert "2 unreadable pages" in dashboard.text
    assert "pages/de/about.md is not valid UTF-8 text, so its status is unknown." in dashboard.text
    site = undecodable.test_client()
    about = site.get("/de/about")  # the source page instead, with its notice
    assert about.status_code == 200 and "We are a team." in about.text
    assert site.get("/en/legacy").status_code == 404
    assert site.get("/api/v1/pages?lang=de").status_code == 200


# --- Markdown that Python-Markdown cannot render, or renders in quadratic time ----------

DEEP = "- " * 3000 + "x"  # 3000 nested lists: RecursionError in Python-Markdown


def test_a_description_nested_too_deeply_is_a_field_error(client, db):
    writer = apihelp.bearer(apihelp.token(db, "products:write"))
    body = {"sku": "DEEP-1", "slug": "deep", "name": "Deep", "price": "1.00", "description": DEEP}
    response = client.post("/api/v1/products", json=body, headers=writer)
    assert response.status_code == 422
    assert response.json["errors"] == [
        {"field": "description", "message": "This Markdown is nested too deeply to be shown."}
    ]
    assert db.session.scalar(select(Product).filter_by(slug="deep")) is None


def test_a_stored_description_that_cannot_render_is_shown_as_text(app, client, db, caplog):
    factories.product(slug="deep", name="Deep mug", description="fine")
    db.session.commit()
    # Stored before the rule existed: a Core UPDATE passes no flush rule.
    db.session.execute(update(Product).where(Product.slug == "deep").values(description=DEEP))
    db.session.commit()
    for url in ("/api/v1/products", "/api/v1/products/deep", "/en/products/deep"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "- - - x" in response.text
    assert client.get("/en/search?q=deep").status_code == 200
    assert "nested too deeply; shown as plain text" in caplog.text


def test_a_page_that_cannot_render_is_served_as_text_and_checked(make_app, tmp_path):
    root = write_tree(tmp_path, {**SITE, "en/deep.md": "# Deep\n\n" + DEEP + "\n"})
    app = make_app(PAGES_ROOT=str(root))
    response = app.test_client().get("/en/deep")
    assert response.status_code == 200
    assert "<p># Deep</p>" in response.text and "- - - x" in response.text
    result = app.test_cli_runner().invoke(args=["pages", "check"])
    assert result.exit_code != 0
    assert "pages/en/deep.md: the Markdown cannot be rendered" in result.output


@pytest.fixture
def scanned(monkeypatch) -> list[int]:
    """Characters Python-Markdown's link and image patterns scan, one entry per scan."""
    counts: list[int] = []
    get_text, get_link = LinkInlineProcessor.getText, LinkInlineProcessor.getLink

    def counting_text(self, data, index):
        found = get_text(self, data, index)
        counts.append(found[1] - index)
        return found

    def counting_link(self, data, index):
        found = get_link(self, data, index)
        counts.append(found[2] - index)
        return found

    monkeypatch.setattr(LinkInlineProcessor, "getText", counting_text)
    monkeypatch.setattr(LinkInlineProcessor, "getLink", counting_link)
    return counts


@pytest.mark.parametrize("text", ["[x](" * 4000, "![" * 2000, "[" * 8000, "[x][" * 4000])
def test_bracket_scans_are_linear_in_the_text(scanned, text):
    html = markdown.render(text)
    assert html == f"<p>{text}</p>"  # shown as typed
    assert sum(scanned) <= 10 * len(text) + 70_000  # unbounded, "[x](" * 4000 scans 32 million


def test_links_still_render_before_and_after_unclosed_brackets(scanned):
    html = markdown.render("[a](https://a.example) [x]( " * 50 + "\n\n[b](https://b.example)")
    assert html.count('<a href="https://a.example"') == 50
    assert '<a href="https://b.example"' in html


# --- What a visitor typed, in the server log ----------------------------------------------

HOSTILE_NAME = "\u202eevil\u0007\u001b[31m"
FORGED = "Hi\n2026-12-01 00:00:00,000 ERROR atrium: disk full\r\u001b[2Kgone\u2028bye"


def _unprintable(text: str) -> set[str]:
    return {c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")}


def test_a_mail_written_to_the_log_is_one_record_with_escaped_lines(make_app, tmp_path, caplog):
    app = make_app(PAGES_ROOT=str(write_tree(tmp_path)))  # no MAIL_SERVER: mail goes to the log
    with app.app_context():
        factories.user("editor@example.com", role="editor")
        _db.session.commit()
    body = {"name": HOSTILE_NAME, "email": "eve@example.com", "message": FORGED}
    assert app.test_client().post("/api/v1/inquiries", json=body).status_code == 201
    jobs.wait(app)
    [record] = [r for r in caplog.records if r.name == "atrium.mail"]
    first, *lines = record.getMessage().split("\n")
    assert _unprintable(first) == set() and "\\u202eevil" in first
    assert lines and all(line.startswith(mail.LOG_MARGIN) for line in lines)
    assert _unprintable("".join(lines)) == set()
    assert f"{mail.LOG_MARGIN}2026-12-01 00:00:00,000 ERROR atrium: disk full" in lines
    # CR and U+2028 end a line too: each line after them is prefixed as well.
    assert f"{mail.LOG_MARGIN}\\x1b[2Kgone" in lines and f"{mail.LOG_MARGIN}bye" in lines


def test_a_request_path_is_logged_escaped(client, caplog):
    caplog.set_level(logging.INFO, "atrium.request")
    client.get("/en/%1b%5b31m%0a2026-12-01%20ERROR%20forged%e2%80%ae")
    [record] = [r for r in caplog.records if r.name == "atrium.request"]
    assert _unprintable(record.getMessage()) == set()
    assert "/en/\\x1b[31m\\n2026-12-01 ERROR forged\\u202e 404" in record.getMessage()
