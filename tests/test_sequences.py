"""Random sequences of real user actions, checked after every step (Hypothesis stateful).

A `RuleBasedStateMachine` plays staff in the back-office (two sessions: an admin and an
editor, logged in through the real form, CSRF tokens and the `version` field as a browser
sends them), API clients (tokens made with `flask tokens create`, fresh and stale ETags in
`If-Match`), visitors (the contact form) and operators (`flask inquiries purge`, `flask
tokens revoke`) against one app and a real database: no mocks.

Each Hypothesis example gets its own app on a clean database: a new SQLite file, or, with
`ATRIUM_TEST_DATABASE_URL`, the PostgreSQL tables emptied (TRUNCATE) before and after.

After every step:
- the pages of what the step touched answer below 500: its admin list, details, edit form
  and history (the audit list filtered to the record), the whole audit list, its public
  pages (news, products) and its API item; a freshly opened form marks no field invalid;
- no row references a missing row (SQL over every foreign key in `db.metadata`) and no
  category is its own ancestor;
- versions only grow, and only on the records the step wrote;
- every record holds what its last accepted write saved: nothing a refused write (a
  conflict, a stale ETag, a broken rule) or another session saved was overwritten;
- every accepted write left its audit entry, and a refused one left none.

Runs:
    pytest tests/test_sequences.py                          # short: 10 examples x 12 steps
    ATRIUM_SEQUENCES=long pytest tests/test_sequences.py    # long: 200 examples x 40 steps
    ATRIUM_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/atrium_h3 pytest …

On a failure Hypothesis prints the shrunk sequence of steps (`state.edit_product(...)`) and
an `@reproduce_failure` blob (`print_blob`); the run is random, and
`pytest tests/test_sequences.py --hypothesis-seed=N` replays the seed of a run (the example
database in `.hypothesis/` also replays the last failure first).
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import tempfile
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import sqlalchemy as sa
from admin_helpers import Staff
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle
from hypothesis.stateful import RuleBasedStateMachine
from hypothesis.stateful import invariant
from hypothesis.stateful import multiple
from hypothesis.stateful import precondition
from hypothesis.stateful import rule
from hypothesis.stateful import run_state_machine_as_test
from support import PG_URL
from support import clear_atrium_env
from support import csrf_token

from atrium import create_app
from atrium import jobs
from atrium.extensions import db
from atrium.models import ApiToken
from atrium.models import AuditEntry
from atrium.models import Category
from atrium.models import CategoryTranslation
from atrium.models import Inquiry
from atrium.models import Post
from atrium.models import Product
from atrium.models import ProductTranslation

LONG = os.environ.get("ATRIUM_SEQUENCES", "short") == "long"
SETTINGS = settings(
    max_examples=200 if LONG else 10,
    stateful_step_count=40 if LONG else 12,
    deadline=None,  # one step is a dozen requests; their time is not the property
    print_blob=True,
    # An example builds an app and logs two people in before its first step: slow to
    # "generate" by Hypothesis' measure, which is all this health check would say.
    suppress_health_check=[HealthCheck.too_slow],
)

MODELS = {
    "Product": Product,
    "Category": Category,
    "Post": Post,
    "Inquiry": Inquiry,
    "ProductTranslation": ProductTranslation,
    "CategoryTranslation": CategoryTranslation,
    "ApiToken": ApiToken,
}
ENDPOINTS = {
    "Product": "product",
    "Category": "category",
    "Post": "post",
    "Inquiry": "inquiry",
    "ProductTranslation": "producttranslation",
    "CategoryTranslation": "categorytranslation",
    "ApiToken": "apitoken",
}
API = {"Product": "products", "Category": "categories", "Post": "posts", "Inquiry": "inquiries"}
TRACKED = {
    "Product": ("sku", "slug", "name", "price", "stock", "published", "category_id"),
    "Category": ("slug", "name", "parent_id"),
    "Post": ("locale", "slug", "title", "status"),
    "Inquiry": ("email", "status"),
    "ProductTranslation": ("product_id", "locale", "name"),
    "CategoryTranslation": ("category_id", "locale", "name"),
    "ApiToken": ("revoked",),
}
#: The inquiry workflow as staff are told it: which status may follow which.
INQUIRY_NEXT = {
    "new": {"open", "handled", "spam"},
    "open": {"handled", "spam"},
    "handled": {"open"},
    "spam": {"new"},
}
LOCALES = ("de", "fr", "es", "pt-BR")
SCOPES = "products:write,categories:write,posts:write,inquiries:read,inquiries:write"

CONFLICT = "Someone else saved this record while you were editing it"
MISSING_VERSION = "sent without the version it was opened with"
DUPLICATE = "lready used by another record"  # "This value is…" or "Already used…"
LOOP = "A category cannot be inside itself."
NOT_DELETED = ("so it was not deleted", "cannot be deleted", "not deleted")

words = st.text(alphabet="abcdXYZ éü&'", min_size=1, max_size=10).map(lambda s: s.strip() or "x")
slugs = st.sampled_from(["mug", "vase", "lamp", "desk"])
admin_or_editor = st.sampled_from(["admin", "editor"])
etag_kinds = st.sampled_from(["fresh", "stale", "none", "star", "other-resource"])


class FormParser(HTMLParser):
    """The fields of the back-office's edit form as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.depth = 0  # inside <form class="admin-form">
        self.select: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "admin-form" in a.get("class", ""):
            self.depth = 1
        if not self.depth:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "checkbox":
                if "checked" in a:
                    self.fields[name] = a.get("value") or "y"
            elif kind not in ("submit", "button"):
                self.fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self.select, self.first_option = name, None
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if self.first_option is None:
                self.first_option = value
                self.fields.setdefault(self.select, value)
            if "selected" in a:
                self.fields[self.select] = value
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.depth = 0
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            if self.textarea:  # as a browser reads it: CRLF is LF, a first LF is dropped
                text = self.fields[self.textarea].replace("\r\n", "\n")
                self.fields[self.textarea] = text.removeprefix("\n")
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.fields[self.textarea] += data


def form_fields(html: str) -> dict[str, str]:
    parser = FormParser()
    parser.feed(html)
    return parser.fields


def _build_app(url: str, instance: str) -> Flask:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "INSTANCE_PATH": instance,
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        if PG_URL:  # the tables exist (pg_schema): start from empty ones
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            db.create_all()
    return app


class Sequences(RuleBasedStateMachine):
    products = Bundle("products")
    categories = Bundle("categories")
    posts = Bundle("posts")
    inquiries = Bundle("inquiries")
    tokens = Bundle("tokens")

    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.mkdtemp(prefix="atrium-seq-")
        url = PG_URL or f"sqlite:///{self.tmp}/test.db"
        self.app = _build_app(url, os.path.join(self.tmp, "instance"))
        staff = Staff(self.app)
        self.emails = {r: staff.email_of(staff.create(r)) for r in ("admin", "editor")}
        self.staff = {r: staff.login(email=e) for r, e in self.emails.items()}
        self.runner = self.app.test_cli_runner()
        self.visitor = self.app.test_client()
        self.api = self.app.test_client()
        self.n = itertools.count(1)
        # The shadow: what each record holds after the writes that were accepted.
        self.rows: dict[tuple[str, int], dict[str, Any]] = {}
        self.versions: dict[tuple[str, int], int] = {}
        self.secrets: dict[int, str] = {}  # token id -> secret
        self.etags: dict[tuple[str, int], tuple[str, int]] = {}  # (etag, version read)
        self.touched: set[tuple[str, int]] = set()
        self.audit_mark = 0
        self.reader = self._issue_token()  # for the invariants' API reads
        self._snapshot()

    def teardown(self) -> None:
        jobs.wait(self.app, timeout=10)
        with self.app.app_context():
            if PG_URL:
                names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
                with db.engine.begin() as connection:
                    connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            db.engine.dispose()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- helpers --------------------------------------------------------------------------

    def _get(self, client: FlaskClient, url: str, **kwargs: Any):
        response = client.get(url, **kwargs)
        assert response.status_code < 500, f"GET {url} answered {response.status_code}"
        return response

    def _open_form(self, client: FlaskClient, url: str) -> dict[str, str]:
        page = self._get(client, url)
        assert page.status_code == 200, f"GET {url} answered {page.status_code}"
        invalid = re.findall(
            r'<(?:input|textarea|select)[^>]*is-invalid[^>]*name="([^"]+)"', page.text
        )
        assert not invalid, f"a freshly opened form {url} marks {invalid} invalid"
        return form_fields(page.text)

    def _post(self, client: FlaskClient, url: str, data: dict[str, Any], **kwargs: Any):
        response = client.post(url, data=data, **kwargs)
        assert response.status_code < 500, f"POST {url} answered {response.status_code}"
        return response

    def _issue_token(self) -> int:
        result = self.runner.invoke(
            args=["tokens", "create", self.emails["admin"], "--scopes", SCOPES, "--name", "seq"]
        )
        assert result.exit_code == 0, result.output
        secret = result.output.strip().splitlines()[-1]
        with self.app.app_context():
            token = db.session.scalar(
                sa.select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(secret))
            )
            token_id = token.id
            db.session.remove()
        self.secrets[token_id] = secret
        self.rows[("ApiToken", token_id)] = {"revoked": False}
        self.touched.add(("ApiToken", token_id))
        return token_id

    def _bearer(self, token_id: int, **headers: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secrets[token_id]}", **headers}

    def _db(self, fn):
        with self.app.app_context():
            try:
                return fn(db.session)
            finally:
                db.session.remove()

    def _row(self, model: str, pk: int) -> dict[str, Any] | None:
        def read(session):
            obj = session.get(MODELS[model], pk)
            if obj is None:
                return None
            values = {"version": obj.version}
            for name in TRACKED[model]:
                if name == "revoked":
                    values[name] = obj.revoked_at is not None
                elif name == "price":
                    values[name] = str(obj.price)
                else:
                    values[name] = getattr(obj, name)
            return values

        return self._db(read)

    def _audit(self, model: str, pk: int | str | None = None, action: str | None = None) -> list:
        def read(session):
            query = sa.select(AuditEntry.model, AuditEntry.pk, AuditEntry.action).where(
                AuditEntry.id > self.audit_mark, AuditEntry.model == model
            )
            if pk is not None:
                query = query.where(AuditEntry.pk == str(pk))
            if action is not None:
                query = query.where(AuditEntry.action == action)
            return session.execute(query).all()

        return self._db(read)

    def _expect_audit(self, model: str, pk: int | str, action: str) -> None:
        assert self._audit(model, pk, action), f"no audit entry for {action} {model} {pk}"

    def _expect_unchanged(self, model: str, pk: int, before: dict | None, why: str) -> None:
        assert self._row(model, pk) == before, f"{why}, yet {model} {pk} changed"
        assert not self._audit(model, pk), f"{why}, yet an audit entry for {model} {pk}"

    def _saved(self, model: str, pk: int, before: dict | None, **fields: Any) -> None:
        """An accepted write of `fields`: the shadow follows; the version moved; audited."""
        after = self._row(model, pk)
        assert after is not None, f"{model} {pk} was saved but is gone"
        if before is not None:
            assert after["version"] > before["version"], f"{model} {pk}: version did not move"
        self.rows[(model, pk)] = {**self.rows.get((model, pk), {}), **fields}
        self.touched.add((model, pk))
        self._expect_audit(model, pk, "create" if before is None else "update")

    def _gone(self, model: str, pk: int) -> None:
        assert self._row(model, pk) is None, f"{model} {pk} was deleted but is still there"
        self._expect_audit(model, pk, "delete")
        self.rows.pop((model, pk), None)
        self.touched.add((model, pk))
        for key in [k for k, v in self.rows.items() if v.get(_parent_key(model)) == pk]:
            if key[0].endswith("Translation"):  # deleted along (cascade)
                self.rows.pop(key)
                self.touched.add(key)

    def _products_in(self, category_id: int) -> list[int]:
        return [
            k[1]
            for k, v in self.rows.items()
            if k[0] == "Product" and v["category_id"] == category_id
        ]

    def _ancestors(self, category_id: int | None) -> list[int]:
        seen: list[int] = []
        while category_id is not None and category_id not in seen:
            seen.append(category_id)
            category_id = self.rows.get(("Category", category_id), {}).get("parent_id")
        return seen

    def _slug_taken(self, model: str, slug: str, but: int | None = None, **same: Any) -> bool:
        return any(
            k[0] == model
            and k[1] != but
            and v["slug"] == slug
            and all(v[n] == x for n, x in same.items())
            for k, v in self.rows.items()
        )

    def _edit(self, role: str, model: str, pk: int, changes: dict[str, str], drop=()):
        """Open the edit form as `role`, change some fields, save; the response."""
        url = f"/admin/{ENDPOINTS[model]}/edit/?id={pk}"
        fields = self._open_form(self.staff[role], url)
        fields.update(changes)
        for name in drop:
            fields.pop(name, None)
        return self._post(self.staff[role], url, fields)

    def _snapshot(self) -> None:
        def read(session):
            found = {}
            for name, model in MODELS.items():
                for pk, version in session.execute(sa.select(model.id, model.version)):
                    found[(name, pk)] = version
            mark = session.scalar(sa.select(sa.func.max(AuditEntry.id))) or 0
            return found, mark

        self.versions, self.audit_mark = self._db(read)

    # -- products -------------------------------------------------------------------------

    @rule(
        target=products,
        role=admin_or_editor,
        slug=slugs,
        name=words,
        price=st.decimals(0, 500, places=2),
        category=st.none() | categories,
    )
    def create_product(self, role, slug, name, price, category):
        client = self.staff[role]
        fields = self._open_form(client, "/admin/product/new/")
        fields.update(
            sku=slug.upper(),
            slug=slug,
            name=name,
            price=str(price),
            currency="EUR",
            stock="1",
            published="y",
            category=str(category or ""),
        )
        response = self._post(client, "/admin/product/new/", fields)
        taken = self._slug_taken("Product", slug)
        if taken:
            assert response.status_code == 200 and DUPLICATE in response.text, response.status_code
            assert not self._audit("Product", action="create"), "a refused create was audited"
            return multiple()  # nothing created: nothing for the bundle
        assert response.status_code == 302, f"create product answered {response.status_code}"
        pk = self._db(lambda s: s.scalar(sa.select(Product.id).where(Product.slug == slug)))
        if category is not None and ("Category", category) not in self.rows:
            category = None  # a deleted category is not offered; the field stays empty
        self._saved(
            "Product",
            pk,
            None,
            sku=slug.upper(),
            slug=slug,
            name=name,
            price=str(price),
            stock=1,
            published=True,
            category_id=category,
        )
        return pk

    @rule(
        product=products,
        role=admin_or_editor,
        name=words,
        stock=st.integers(0, 50),
        published=st.booleans(),
        category=st.none() | categories,
    )
    def edit_product(self, product, role, name, stock, published, category):
        before = self._row("Product", product)
        if before is None:
            return self._stale_tab("Product", product)
        name = f"{name} {next(self.n)}"
        if category is not None and ("Category", category) not in self.rows:
            category = None
        changes = {"name": name, "stock": str(stock), "category": str(category or "")}
        if published:
            changes["published"] = "y"
        # An unticked checkbox is not sent at all.
        response = self._edit(
            role, "Product", product, changes, drop=() if published else ("published",)
        )
        assert response.status_code == 302, f"edit product answered {response.status_code}"
        self._saved(
            "Product",
            product,
            before,
            name=name,
            stock=stock,
            published=published,
            category_id=category,
        )

    @rule(product=products, role=admin_or_editor, stale=st.booleans())
    def delete_product(self, product, role, stale):
        before = self._row("Product", product)
        if before is None:
            return self._stale_tab("Product", product)
        version = before["version"] - 1 if stale and before["version"] > 1 else before["version"]
        client = self.staff[role]
        token = csrf_token(self._get(client, "/admin/product/").text)
        response = self._post(
            client,
            "/admin/product/delete/",
            follow_redirects=True,
            data={"id": product, "url": "/admin/product/", "version": version, "csrf_token": token},
        )
        if version != before["version"]:
            assert "Someone changed this record since the list was loaded" in response.text
            return self._expect_unchanged("Product", product, before, "a stale delete")
        self._gone("Product", product)

    @rule(picked=st.lists(products, min_size=1, max_size=3, unique=True))
    def bulk_delete_products(self, picked):
        before = {p: self._row("Product", p) for p in picked}
        offered = self._bulk("editor", "product", "delete", picked)
        for product, old in before.items():
            if old is None:
                continue
            if offered:
                self._gone("Product", product)
            else:  # not in the list's menu: a crafted request must change nothing
                self._expect_unchanged("Product", product, old, "no bulk delete is offered")

    def _bulk(self, role: str, endpoint: str, action: str, ids: list[int]) -> bool:
        """Tick `ids` in the list and run `action`; whether the list offers that action."""
        client = self.staff[role]
        page = self._get(client, f"/admin/{endpoint}/")
        offered = f'data-model-action="{action}"' in page.text
        data = {"action": action, "rowid": ids, "csrf_token": csrf_token(page.text)}
        response = self._post(client, f"/admin/{endpoint}/action/", data=data)
        assert response.status_code == 302, f"bulk {action} answered {response.status_code}"
        return offered

    @rule(
        product=products,
        role=st.sampled_from(["editor", "admin"]),
        locale=st.sampled_from(LOCALES),
        name=words,
        inline=st.booleans(),
    )
    def translate_product(self, product, role, locale, name, inline):
        before = self._row("Product", product)
        if before is None:
            return self._stale_tab("Product", product)
        name = f"{name} {next(self.n)}"
        existing = next(
            (
                k[1]
                for k, v in self.rows.items()
                if k[0] == "ProductTranslation"
                and v["product_id"] == product
                and v["locale"] == locale
            ),
            None,
        )
        client = self.staff[role]
        if inline:
            url = f"/admin/product/edit/?id={product}"
            fields = self._open_form(client, url)
            rows = sorted({int(m) for m in re.findall(r"translations-(\d+)-", " ".join(fields))})
            if existing is None:
                index = (max(rows) + 1) if rows else 0
                fields.update(
                    {
                        f"translations-{index}-locale": locale,
                        f"translations-{index}-name": name,
                        f"translations-{index}-description": "",
                    }
                )
            else:
                index = next(i for i in rows if fields[f"translations-{i}-id"] == str(existing))
                fields[f"translations-{index}-name"] = name
            response = self._post(client, url, fields)
        elif existing is None:
            url = "/admin/producttranslation/new/"
            fields = self._open_form(client, url)
            fields.update(product=str(product), locale=locale, name=name)
            response = self._post(client, url, fields)
        else:
            response = self._edit(role, "ProductTranslation", existing, {"name": name})
        assert response.status_code == 302, f"translating answered {response.status_code}"
        old = self.rows.get(("ProductTranslation", existing)) and self.versions.get(
            ("ProductTranslation", existing)
        )
        if existing is None:
            existing = self._db(
                lambda s: s.scalar(
                    sa.select(ProductTranslation.id).where(
                        ProductTranslation.product_id == product,
                        ProductTranslation.locale == locale,
                    )
                )
            )
            self._saved(
                "ProductTranslation", existing, None, product_id=product, locale=locale, name=name
            )
        else:
            self._saved("ProductTranslation", existing, {"version": old}, name=name)
        after = self._row("Product", product)
        assert after["version"] > before["version"], "a translation did not move its product"
        self.touched.add(("Product", product))

    # -- categories -----------------------------------------------------------------------

    @rule(target=categories, name=words, parent=st.none() | categories)
    def create_category(self, name, parent):
        slug = f"cat-{next(self.n)}"
        if parent is not None and ("Category", parent) not in self.rows:
            parent = None
        fields = self._open_form(self.staff["editor"], "/admin/category/new/")
        fields.update(slug=slug, name=name, parent=str(parent or ""))
        response = self._post(self.staff["editor"], "/admin/category/new/", fields)
        assert response.status_code == 302, f"create category answered {response.status_code}"
        pk = self._db(lambda s: s.scalar(sa.select(Category.id).where(Category.slug == slug)))
        self._saved("Category", pk, None, slug=slug, name=name, parent_id=parent)
        return pk

    @rule(
        category=categories,
        parent=st.none() | categories,
        role=admin_or_editor,
        via_api=st.booleans(),
    )
    def move_category(self, category, parent, role, via_api):
        """A parent change (admin form or API); a loop must be refused with a sentence."""
        before = self._row("Category", category)
        if before is None:
            return self._stale_tab("Category", category)
        if parent is not None and ("Category", parent) not in self.rows:
            parent = None
        loop = parent is not None and category in self._ancestors(parent)
        if via_api:
            response = self._api_write(
                "PATCH", "Category", category, self.reader, "fresh", {"parent_id": parent}
            )
            refused = response.status_code == 422
            if not loop:
                assert response.status_code == 200, f"API move answered {response.status_code}"
        else:
            response = self._edit(role, "Category", category, {"parent": str(parent or "")})
            refused = response.status_code == 200 and LOOP in response.text
            if not loop:
                assert response.status_code == 302, f"move answered {response.status_code}"
        if loop:
            assert refused, f"category {category} was put inside {parent}, its own descendant"
            return self._expect_unchanged("Category", category, before, "a loop was refused")
        if parent == before["parent_id"]:
            return None  # nothing to change: nothing written
        self._saved("Category", category, before, parent_id=parent)

    @rule(category=categories, locale=st.sampled_from(LOCALES), name=words)
    def translate_category(self, category, locale, name):
        before = self._row("Category", category)
        if before is None:
            return self._stale_tab("Category", category)
        name = f"{name} {next(self.n)}"
        url = f"/admin/category/edit/?id={category}"
        fields = self._open_form(self.staff["editor"], url)
        rows = sorted({int(m) for m in re.findall(r"translations-(\d+)-", " ".join(fields))})
        index = next((i for i in rows if fields[f"translations-{i}-locale"] == locale), None)
        if index is None:
            index = (max(rows) + 1) if rows else 0
            fields[f"translations-{index}-locale"] = locale
        fields[f"translations-{index}-name"] = name
        response = self._post(self.staff["editor"], url, fields)
        assert response.status_code == 302, f"translating answered {response.status_code}"
        pk = self._db(
            lambda s: s.scalar(
                sa.select(CategoryTranslation.id).where(
                    CategoryTranslation.category_id == category,
                    CategoryTranslation.locale == locale,
                )
            )
        )
        known = ("CategoryTranslation", pk) in self.rows
        old = {"version": self.versions[("CategoryTranslation", pk)]} if known else None
        self._saved("CategoryTranslation", pk, old, category_id=category, locale=locale, name=name)
        assert self._row("Category", category)["version"] > before["version"]
        self.touched.add(("Category", category))

    @rule(category=categories, role=admin_or_editor)
    def delete_category(self, category, role):
        """Deleted, or refused with a sentence when it still has products (PROTECT)."""
        before = self._row("Category", category)
        if before is None:
            return self._stale_tab("Category", category)
        client = self.staff[role]
        token = csrf_token(self._get(client, "/admin/category/").text)
        response = self._post(
            client,
            "/admin/category/delete/",
            follow_redirects=True,
            data={
                "id": category,
                "url": "/admin/category/",
                "version": before["version"],
                "csrf_token": token,
            },
        )
        if self._row("Category", category) is not None:
            assert any(s in response.text for s in NOT_DELETED), "refused without a sentence"
            return self._expect_unchanged("Category", category, before, "a delete was refused")
        self._gone("Category", category)
        for key, values in self.rows.items():
            if key[0] == "Product" and values["category_id"] == category:
                values["category_id"] = None  # ON DELETE SET NULL
                self.touched.add(key)
            if key[0] == "Category" and values["parent_id"] == category:
                values["parent_id"] = None
                self.touched.add(key)

    # -- news -----------------------------------------------------------------------------

    @rule(
        target=posts,
        role=admin_or_editor,
        locale=st.sampled_from(("en",) + LOCALES),
        slug=slugs,
        title=words,
        published=st.booleans(),
    )
    def create_post(self, role, locale, slug, title, published):
        client = self.staff[role]
        fields = self._open_form(client, "/admin/post/new/")
        status = "published" if published else "draft"
        fields.update(
            locale=locale,
            slug=slug,
            title=title,
            body="Some *news*.",
            status=status,
            published_at="",
            translation_group="",
        )
        response = self._post(client, "/admin/post/new/", fields)
        if self._slug_taken("Post", slug, locale=locale):
            assert response.status_code == 200 and (
                DUPLICATE in response.text or "conflicts with another record" in response.text
            ), f"a duplicate slug answered {response.status_code}"
            assert not self._audit("Post", action="create"), "a refused create was audited"
            return multiple()
        assert response.status_code == 302, f"create post answered {response.status_code}"
        pk = self._db(
            lambda s: s.scalar(sa.select(Post.id).where(Post.slug == slug, Post.locale == locale))
        )
        self._saved("Post", pk, None, locale=locale, slug=slug, title=title, status=status)
        return pk

    @rule(post=posts, role=admin_or_editor, title=words, published=st.booleans())
    def edit_post(self, post, role, title, published):
        before = self._row("Post", post)
        if before is None:
            return self._stale_tab("Post", post)
        title = f"{title} {next(self.n)}"
        status = "published" if published else "draft"
        response = self._edit(role, "Post", post, {"title": title, "status": status})
        assert response.status_code == 302, f"edit post answered {response.status_code}"
        self._saved("Post", post, before, title=title, status=status)

    @rule(
        picked=st.lists(posts, min_size=1, max_size=3, unique=True),
        action=st.sampled_from(["publish", "draft"]),
    )
    def bulk_publish(self, picked, action):
        before = {p: self._row("Post", p) for p in picked}
        assert self._bulk("editor", "post", action, picked), f"the news list offers no {action}"
        status = "published" if action == "publish" else "draft"
        for post, old in before.items():
            if old is None:
                continue
            if old["status"] == status:
                self._expect_unchanged("Post", post, old, "the post already had that status")
            else:
                self._saved("Post", post, old, status=status)

    @rule(post=posts, token=tokens, etag=etag_kinds, title=words)
    def api_edit_post(self, post, token, etag, title):
        title = f"{title} {next(self.n)}"
        self._api_write("PATCH", "Post", post, token, etag, {"title": title})

    # -- conflicts ------------------------------------------------------------------------

    @rule(
        model=st.sampled_from(["Product", "Post", "Category"]),
        pick=st.integers(0, 99),
        drop_version=st.booleans(),
        first=admin_or_editor,
    )
    def conflicting_edits(self, model, pick, drop_version, first):
        """Both open the form; one saves; the other's save must be refused, theirs kept."""
        ids = sorted(k[1] for k in self.rows if k[0] == model)
        if not ids:
            return None
        pk = ids[pick % len(ids)]
        second = "editor" if first == "admin" else "admin"
        url = f"/admin/{ENDPOINTS[model]}/edit/?id={pk}"
        late = self._open_form(self.staff[first], url)
        early = self._open_form(self.staff[second], url)
        field = {"Product": "name", "Post": "title", "Category": "name"}[model]
        theirs, mine = f"theirs {next(self.n)}", f"mine {next(self.n)}"
        before = self._row(model, pk)
        saved = self._post(self.staff[second], url, {**early, field: theirs})
        assert saved.status_code == 302, f"the first save answered {saved.status_code}"
        self._saved(model, pk, before, **{field: theirs})
        self._snapshot_audit()
        kept = self._row(model, pk)
        late[field] = mine
        if drop_version:  # a client that does not send the version it opened
            late.pop("version", None)
        refused = self._post(self.staff[first], url, late)
        assert refused.status_code == 200, (
            f"the second save over a newer version answered {refused.status_code}"
            + (" (sent without version)" if drop_version else "")
        )
        assert CONFLICT in refused.text or MISSING_VERSION in refused.text, "refused silently"
        self._expect_unchanged(model, pk, kept, "the second save was refused")

    def _snapshot_audit(self) -> None:
        self.audit_mark = self._db(lambda s: s.scalar(sa.select(sa.func.max(AuditEntry.id))) or 0)

    # -- API ------------------------------------------------------------------------------

    @rule(target=tokens)
    def create_token(self):
        return self._issue_token()

    @rule(token=tokens, via_cli=st.booleans())
    def revoke_token(self, token, via_cli):
        before = self._row("ApiToken", token)
        if via_cli:
            prefix = self._db(lambda s: s.get(ApiToken, token).prefix)
            result = self.runner.invoke(args=["tokens", "revoke", prefix])
            if before["revoked"]:
                assert result.exit_code != 0 and "already revoked" in result.output
                return self._expect_unchanged("ApiToken", token, before, "already revoked")
            assert result.exit_code == 0, result.output
        else:
            assert self._bulk("admin", "apitoken", "revoke", [token]), "no revoke offered"
            if before["revoked"]:
                return self._expect_unchanged("ApiToken", token, before, "already revoked")
        self._saved("ApiToken", token, before, revoked=True)

    @rule(target=products, token=tokens, slug=slugs, name=words)
    def api_create_product(self, token, slug, name):
        body = {
            "sku": f"API-{slug}".upper(),
            "slug": slug,
            "name": name,
            "price": "9.90",
            "published": True,
        }
        response = self.api.post("/api/v1/products", json=body, headers=self._bearer(token))
        assert response.status_code < 500, f"POST /api/v1/products {response.status_code}"
        if self.rows[("ApiToken", token)]["revoked"]:
            assert response.status_code == 401, f"a revoked token wrote: {response.status_code}"
            return multiple()
        taken = self._slug_taken("Product", slug) or any(
            v.get("sku") == body["sku"] for k, v in self.rows.items() if k[0] == "Product"
        )
        if taken:
            assert response.status_code in (409, 422), f"duplicate: {response.status_code}"
            assert not self._audit("Product", action="create"), "a refused create was audited"
            return multiple()
        assert response.status_code == 201, f"API create answered {response.status_code}"
        pk = response.json["id"]
        self._saved(
            "Product",
            pk,
            None,
            sku=body["sku"],
            slug=slug,
            name=name,
            price="9.90",
            stock=0,
            published=True,
            category_id=None,
        )
        return pk

    @rule(product=products, token=tokens, etag=etag_kinds, name=words, stock=st.integers(0, 9))
    def api_edit_product(self, product, token, etag, name, stock):
        name = f"{name} {next(self.n)}"
        self._api_write("PATCH", "Product", product, token, etag, {"name": name, "stock": stock})

    @rule(product=products, token=tokens, etag=etag_kinds)
    def api_delete_product(self, product, token, etag):
        self._api_write("DELETE", "Product", product, token, etag, None)

    @rule(inquiry=inquiries, token=tokens, status=st.sampled_from(sorted(INQUIRY_NEXT)))
    def api_inquiry_status(self, inquiry, token, status):
        self._api_write("PATCH", "Inquiry", inquiry, token, "fresh", {"status": status})

    def _if_match(self, model: str, pk: int, kind: str) -> dict[str, str]:
        if kind == "none":
            return {}
        if kind == "star":
            return {"If-Match": "*"}
        if kind == "other-resource":  # the ETag of another kind of record, same id if any
            other = "posts" if model != "Post" else "products"
            response = self.api.get(f"/api/v1/{other}/{pk}", headers=self._bearer(self.reader))
            if response.status_code != 200:
                response = self.api.get(f"/api/v1/{other}", headers=self._bearer(self.reader))
            return {"If-Match": response.headers.get("ETag", '"none"')}
        if kind == "stale" and (model, pk) in self.etags:
            return {"If-Match": self.etags[(model, pk)][0]}
        self._read_api(model, pk)
        return {"If-Match": self.etags.get((model, pk), ('"gone"', 0))[0]}

    def _api_write(self, method: str, model: str, pk: int, token: int, kind: str, body):
        before = self._row(model, pk)
        read_at = self.etags.get((model, pk), (None, None))[1]
        headers = self._bearer(token, **self._if_match(model, pk, kind))
        url = f"/api/v1/{API[model]}/{pk}"
        response = self.api.open(url, method=method, json=body, headers=headers)
        code = response.status_code
        assert code < 500, f"{method} {url} answered {code}"
        if self.rows[("ApiToken", token)]["revoked"]:
            assert code == 401, f"a revoked token was accepted: {method} {url} {code}"
            return response
        if before is None:
            assert code == 404, f"{method} {url} of a missing record answered {code}"
            return response
        expected = {"none": 428, "star": 428, "other-resource": 412}.get(kind)
        if kind == "stale" and read_at is not None and read_at != before["version"]:
            expected = 412
        if expected is not None:
            assert code == expected, (
                f"{method} {url} with If-Match {headers.get('If-Match')!r} ({kind}) answered "
                f"{code}, not {expected}"
            )
            self._expect_unchanged(model, pk, before, f"the write was refused ({code})")
            return response
        if model == "Inquiry":
            old, new = before["status"], body["status"]
            if old != new and new not in INQUIRY_NEXT[old]:
                assert code == 422, f"the API let an inquiry go from {old} to {new} ({code})"
                self._expect_unchanged(model, pk, before, "a forbidden status change")
                return response
            if old == new:
                assert code == 200, code
                return response
        if method == "DELETE":
            assert code == 204, f"DELETE {url} answered {code}"
            self._gone(model, pk)
            return response
        if code == 422 and model == "Category":
            return response  # a loop: the caller knows
        if all(before.get(name) == value for name, value in body.items()):
            assert code == 200, f"{method} {url} changing nothing answered {code}"
            self._expect_unchanged(model, pk, before, "the write changed nothing")
            return response
        assert code == 200, f"{method} {url} answered {code}: {response.text[:300]}"
        self._saved(model, pk, before, **body)
        return response

    def _read_api(self, model: str, pk: int):
        response = self._get(
            self.api, f"/api/v1/{API[model]}/{pk}", headers=self._bearer(self.reader)
        )
        exists = (model, pk) in self.rows
        assert response.status_code == (200 if exists else 404), (
            f"GET /api/v1/{API[model]}/{pk} answered {response.status_code}"
        )
        if exists:
            self.etags[(model, pk)] = (response.headers["ETag"], response.json["version"])
        return response

    # -- inquiries ------------------------------------------------------------------------

    @rule(
        target=inquiries,
        email=st.sampled_from(["ann@example.org", "bob@example.org"]),
        lang=st.sampled_from(("en",) + LOCALES),
    )
    def send_inquiry(self, email, lang):
        page = self._get(self.visitor, f"/{lang}/contact")
        response = self._post(
            self.visitor,
            f"/{lang}/contact",
            data={
                "name": "A visitor",
                "email": email,
                "message": "Hello, a question about mugs.",
                "csrf_token": csrf_token(page.text),
            },
        )
        assert response.status_code == 303, f"the contact form answered {response.status_code}"
        pk = self._db(lambda s: s.scalar(sa.select(sa.func.max(Inquiry.id))))
        self._saved("Inquiry", pk, None, email=email, status="new")
        return pk

    @rule(email=st.sampled_from(["ann@example.org", "bob@example.org"]), role=admin_or_editor)
    def erase_personal_data(self, email, role):
        client = self.staff[role]
        page = self._get(client, "/admin/erase/")
        response = self._post(
            client, "/admin/erase/", data={"email": email, "csrf_token": csrf_token(page.text)}
        )
        assert response.status_code == 302, f"erase answered {response.status_code}"
        assert self._audit("Inquiry", action="erase"), "the erasure left no audit entry"
        for key in [k for k, v in self.rows.items() if k[0] == "Inquiry" and v["email"] == email]:
            assert self._row(*key) is None, f"{key} survived its erasure"
            self.rows.pop(key)
            self.touched.add(key)
        self.touched.add(("Inquiry", 0))

    @rule()
    def purge_inquiries(self):
        result = self.runner.invoke(args=["inquiries", "purge", "--older-than", "0d"])
        assert result.exit_code == 0, result.output
        assert self._audit("Inquiry", action="purge"), "the purge left no audit entry"
        for key in [k for k in self.rows if k[0] == "Inquiry"]:
            assert self._row(*key) is None, f"{key} survived the purge"
            self.rows.pop(key)
            self.touched.add(key)
        self.touched.add(("Inquiry", 0))

    @precondition(lambda self: any(k[0] == "Inquiry" for k in self.rows))
    @rule(inquiry=inquiries)
    def mark_handled(self, inquiry):
        before = self._row("Inquiry", inquiry)
        assert self._bulk("editor", "inquiry", "handled", [inquiry]), "no 'mark handled' offered"
        if before is None:
            return None
        if before["status"] in ("new", "open"):
            self._saved("Inquiry", inquiry, before, status="handled")
        else:
            self._expect_unchanged("Inquiry", inquiry, before, "not new or open")

    # -- a tab left open on a deleted record ----------------------------------------------

    def _stale_tab(self, model: str, pk: int) -> None:
        for role in ("admin", "editor"):
            self._get(self.staff[role], f"/admin/{ENDPOINTS[model]}/edit/?id={pk}")
        self.touched.add((model, pk))

    # -- invariants -----------------------------------------------------------------------

    @invariant()
    def after_every_step(self):
        """In this order, so that the first broken one is the one reported."""
        self._check_references()
        self._check_tree()
        self._check_records()
        self._check_pages()

    def _check_pages(self):
        admin = self.staff["admin"]
        self._get(admin, "/admin/audit/")
        for model in sorted({m for m, _pk in self.touched}):
            self._get(admin, f"/admin/{ENDPOINTS[model]}/")
            if model in ("Product", "Category"):
                self._get(self.visitor, "/en/products")
            if model == "Post":
                self._get(self.visitor, "/en/news")
            if model == "Inquiry":
                self._get(admin, "/admin/audit/?model=Inquiry")
                self._get(self.staff["editor"], "/admin/audit/?model=Inquiry")
        for model, pk in sorted(self.touched):
            if not pk:
                continue
            endpoint = ENDPOINTS[model]
            self._get(admin, f"/admin/{endpoint}/details/?id={pk}")
            edit = self._get(admin, f"/admin/{endpoint}/edit/?id={pk}")
            if edit.status_code == 200:
                assert "is-invalid" not in edit.text, f"the edit form of {model} {pk} shows errors"
            self._get(admin, f"/admin/audit/?model={model}&pk={pk}")
            if model in API:
                self._read_api(model, pk)
            values = self.rows.get((model, pk))
            if model == "Product" and values:
                page = self._get(self.visitor, f"/en/products/{values['slug']}")
                assert page.status_code == (200 if values["published"] else 404), page.status_code
            if model == "Category" and values:
                self._get(self.visitor, f"/en/products?category={values['slug']}")
            if model == "Post" and values:
                page = self._get(self.visitor, f"/{values['locale']}/news/{values['slug']}")
                if values["status"] == "published":
                    assert page.status_code == 200, f"published post {pk}: {page.status_code}"
        self.touched.clear()

    def _check_references(self):
        def dangling(session):
            found = []
            for table in db.metadata.sorted_tables:
                for fk in table.foreign_key_constraints:
                    local = [c for c in fk.columns]
                    remote = [e.column for e in fk.elements]
                    target = remote[0].table.alias("target")
                    match = sa.and_(
                        *(target.c[r.name] == c for c, r in zip(local, remote, strict=True))
                    )
                    query = (
                        sa.select(sa.func.count())
                        .select_from(table)
                        .where(
                            sa.and_(*(c.is_not(None) for c in local)),
                            ~sa.exists().where(match),
                        )
                    )
                    if count := session.scalar(query):
                        found.append(
                            f"{table.name}.{local[0].name} → {remote[0].table.name}: {count}"
                        )
            return found

        assert not (found := self._db(dangling)), f"rows reference missing rows: {found}"

    def _check_tree(self):
        parents = dict(
            self._db(lambda s: s.execute(sa.select(Category.id, Category.parent_id)).all())
        )
        for start in parents:
            seen, node = set(), start
            while node is not None:
                assert node not in seen, f"category {start} is inside itself (via {node})"
                seen.add(node)
                node = parents.get(node)

    def _check_records(self):
        for key, expected in self.rows.items():
            row = self._row(*key)
            assert row is not None, f"{key[0]} {key[1]} disappeared without a delete"
            for name, value in expected.items():
                stored = row[name]
                if name == "price":
                    stored, value = Decimal(stored), Decimal(str(value))
                assert stored == value, (
                    f"{key[0]} {key[1]}.{name} is {stored!r}, but the last accepted write "
                    f"saved {value!r} (another session's change overwritten?)"
                )
        previous = self.versions
        self._snapshot()
        for key, version in self.versions.items():
            if key in previous:
                assert version >= previous[key], f"{key}: version went back"
                assert version == previous[key] or key in self.touched, (
                    f"{key[0]} {key[1]}: its version moved, but this step did not write it"
                )


def _parent_key(model: str) -> str:
    return {"Product": "product_id", "Category": "category_id"}.get(model, "-")


def test_random_sequences_of_user_actions(pg_schema, monkeypatch):
    clear_atrium_env(monkeypatch)
    run_state_machine_as_test(Sequences, settings=SETTINGS)
