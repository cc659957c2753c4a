"""axe-core finds no serious or critical violation on the pages people use most."""

import pytest

SERIOUS = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => ["serious", "critical"].includes(v.impact))
    .map(v => `${v.id}: ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | ")}`);
}"""


def violations(page, axe_source) -> list[str]:
    page.add_script_tag(content=axe_source)  # the context bypasses CSP for this tool only
    return page.evaluate(SERIOUS)


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("path", ["/{lang}/", "/{lang}/docs/install", "/{lang}/contact"])
def test_site_pages(live, new_context, axe_source, lang, path):
    page = new_context(bypass_csp=True, locale=lang).new_page()
    page.goto(live.url + path.format(lang=lang))
    assert violations(page, axe_source) == []


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("view", ["list", "edit"])
def test_admin_views(live, new_context, as_staff, axe_source, lang, view):
    page = new_context(bypass_csp=True, locale=lang).new_page()
    as_staff(page, live, "editor")
    page.goto(live.url + "/admin/product/")
    if view == "edit":
        page.click("table.model-list tbody tr >> nth=0 >> a[href*='/edit/']")
        page.wait_for_url("**/edit/**")
    assert violations(page, axe_source) == []
