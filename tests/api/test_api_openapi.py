"""The OpenAPI document: valid 3.1, what the API does (checked by schemathesis), its docs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance
from schemathesis.specs.openapi.checks import response_schema_conformance
from schemathesis.specs.openapi.checks import status_code_conformance

import atrium

from . import apihelp

ALL_SCOPES = (
    "products:write",
    "categories:write",
    "posts:write",
    "inquiries:read",
    "inquiries:write",
)


def test_document_is_valid_openapi_31(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"] == "3.1.0"
    validate(document)
    assert {"/products", "/products/{ref}", "/pages/{path}", "/locales"} <= set(document["paths"])
    assert (
        client.get(
            "/api/v1/openapi.json", headers={"If-None-Match": response.headers["ETag"]}
        ).status_code
        == 304
    )


def test_output_schemas_require_nothing_that_fields_may_drop(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    for name in ("Product", "Category", "Post", "Inquiry", "Locale", "Page", "CategoryRef"):
        assert "required" not in schemas[name], name
    assert schemas["ProductInput"]["required"]  # inputs do require
    assert schemas["Product"]["properties"]["category_slug"]["deprecated"] is True


def test_documented_filters_and_sort_keys_are_the_real_ones(client):
    operation = client.get("/api/v1/openapi.json").json["paths"]["/products"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"price[gte]", "category", "published", "q", "sort", "fields", "limit"} <= names
    samples = {"boolean": "true", "date-time": "2026-01-01T00:00:00Z"}
    for parameter in operation["parameters"]:
        name = parameter["name"]
        if name in {"page", "cursor", "limit", "fields", "lang", "sort", "q"}:
            continue
        value = samples.get(parameter["schema"].get("format", parameter["schema"]["type"]), "1")
        assert client.get(f"/api/v1/products?{name}={value}").status_code == 200, name


def test_reference_page_works_offline(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "Atrium API reference" in page.text
    assert "http" not in page.text.split("<body>")[0].replace("http-equiv", "")
    for asset in ("/static/api/docs.js", "/static/api/docs.css"):
        assert asset in page.text
        response = client.get(asset)
        assert response.status_code == 200 and response.data
        response.close()


def test_reference_page_script_renders_every_operation(client, tmp_path):
    """The page's own script, run by Node against a stand-in DOM (skipped without Node)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    document = client.get("/api/v1/openapi.json").json
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(document))
    script = Path(atrium.__file__).parent / "static" / "api" / "docs.js"
    shown = subprocess.run(
        [node, str(Path(__file__).parent / "render_docs.js"), str(script), str(spec)],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert "FAILED" not in shown
    for path, item in document["paths"].items():
        assert "/api/v1" + path in shown
        for method in item:
            assert method.upper() in shown
    assert "category_slug" in shown and "Deprecated." in shown


def _explore(operation, headers, checks, seen):
    """25 generated requests to one operation, each response checked against the document."""

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case):
        response = case.call_and_validate(headers=headers, checks=checks)
        seen.add((operation.label, response.status_code))

    check()


def test_schemathesis_finds_no_server_error_and_no_schema_violation(app, db):
    apihelp.seed_demo(db)
    headers = apihelp.bearer(apihelp.token(db, *ALL_SCOPES))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    checks = [
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
        content_type_conformance,
    ]
    seen: set = set()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        _explore(operation, headers, checks, seen)
    # The run reached past the errors: items read, made, changed and refused.
    statuses = {status for _label, status in seen}
    assert {200, 201, 400, 404} <= statuses, sorted(seen)
