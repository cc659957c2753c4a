"""Everything a page loads comes from the package: no CDN, so the app works offline."""

import re

import pytest

#: What a browser fetches by itself when it renders a page.
LOADED = re.compile(
    r"<(?:script|img|iframe|source)\b[^>]*\bsrc=\"([^\"]+)\"|<link\b[^>]*\bhref=\"([^\"]+)\""
    r"|url\(['\"]?([^'\")]+)"
)


def fetched(html: str) -> list[str]:
    return [next(g for g in m.groups() if g) for m in LOADED.finditer(html)]


def off_site(urls: list[str]) -> list[str]:
    return [u for u in urls if re.match(r"(?:[a-z]+:)?//", u) and "//localhost" not in u]


@pytest.mark.parametrize(
    "path", ["/en/", "/ar/docs/install", "/de/contact", "/en/products", "/api/v1/docs"]
)
def test_public_pages_load_nothing_from_elsewhere(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert fetched(response.text), "the pattern should see the page's own assets"
    assert off_site(fetched(response.text)) == []


@pytest.mark.parametrize("path", ["/admin/", "/admin/product/", "/admin/product/new/"])
def test_admin_pages_load_nothing_from_elsewhere(staff, path):
    client = staff.login(role="editor")
    response = client.get(path)
    assert response.status_code == 200
    assert off_site(fetched(response.text)) == []
    for asset in fetched(response.text):  # and every asset is really there
        if asset.startswith("/"):
            assert client.get(asset).status_code == 200, asset
