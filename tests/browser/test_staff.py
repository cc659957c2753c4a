"""Staff at work in the back-office, in a real browser, under the Content-Security-Policy."""

import shutil
from pathlib import Path

from playwright.sync_api import expect

PAGES = Path(__file__).resolve().parents[2] / "pages"


def save(page) -> None:
    """Submit the edit form (Flask-Admin's Save button)."""
    page.click("input[type=submit][value=Save], button[type=submit]:has-text('Save')")


def edit_url(live, page, name: str) -> str:
    page.goto(f"{live.url}/admin/product/?search={name}")
    page.click(f"tr:has-text('{name}') a[title='Edit Record']")
    return page.url


def test_editor_edits_a_product_and_sees_it_on_the_site_and_in_history(live, page, as_staff):
    as_staff(page, live, "editor")
    edit_url(live, page, "Blue mug")
    page.fill("input[name=name]", "Bright blue mug")
    save(page)
    expect(page.locator(".alert")).to_contain_text("saved")

    page.goto(live.url + "/en/products/blue-mug")
    expect(page.locator("h1")).to_have_text("Bright blue mug")

    edit_url(live, page, "Bright blue mug")
    page.click("text=History of this record")
    expect(page.locator("table.model-list")).to_contain_text("Bright blue mug")
    expect(page.locator("table.model-list")).to_contain_text("editor@example.com")


def test_two_editors_the_second_is_told_and_nothing_is_lost(live, new_context, as_staff):
    first, second = new_context().new_page(), new_context().new_page()
    for page in (first, second):
        as_staff(page, live, "editor")
    url = edit_url(live, first, "Desk lamp")
    second.goto(url)

    first.fill("input[name=name]", "Desk lamp (first)")
    save(first)
    expect(first.locator(".alert")).to_contain_text("saved")

    second.fill("input[name=stock]", "99")
    save(second)
    expect(second.locator(".alert-danger, .alert-error").first).to_contain_text(
        "Someone else saved this record"
    )
    expect(second.locator("input[name=stock]")).to_have_value("99")  # what was typed is kept

    second.goto(live.url + "/en/products/desk-lamp")
    expect(second.locator("h1")).to_have_text("Desk lamp (first)")


def test_translator_follows_a_stale_page_to_its_source(serve, page, as_staff, tmp_path):
    pages = tmp_path / "pages"
    shutil.copytree(PAGES, pages)
    about = pages / "en" / "about.md"
    about.write_text(about.read_text() + "\nWe opened a second office in Porto.\n")
    live = serve(PAGES_ROOT=str(pages))
    as_staff(page, live, "translator")
    page.goto(f"{live.url}/admin/translations/")
    stale = page.locator("#locale-de .pages-stale-list li:has-text('about')")
    expect(stale).to_be_visible()
    stale.locator("text=source").click()
    expect(page).to_have_url(live.url + "/en/about")
    expect(page.locator("main")).to_contain_text("second office in Porto")


def test_delete_through_the_confirmation_and_a_bulk_action_under_csp(live, page, as_staff):
    violations = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    as_staff(page, live, "editor")

    page.goto(live.url + "/admin/product/?search=Fountain")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("tr:has-text('Fountain pen') button[title='Delete Record']")
    expect(page.locator(".alert")).to_contain_text("deleted")
    expect(page.locator("table.model-list")).not_to_contain_text("Fountain pen")

    page.goto(live.url + "/admin/post/")
    page.check("input.action-checkbox >> nth=0")
    page.click("text=With selected")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(".dropdown-menu >> text=Back to draft")
    expect(page.locator(".alert")).to_be_visible()
    assert violations == []


def test_inline_list_edit_twice_then_a_stale_one_is_refused(live, new_context, as_staff):
    first, second = new_context().new_page(), new_context().new_page()
    for page in (first, second):
        as_staff(page, live, "editor")
        page.goto(live.url + "/admin/category/")
    cell = "tr:has-text('kitchen') td.col-name a[data-role='x-editable']"

    def rename(page, name: str) -> None:
        page.click(cell)
        page.fill(".editable-input input", name)
        page.click(".editable-submit")

    rename(first, "Kitchen and dining")
    expect(first.locator(cell)).to_have_text("Kitchen and dining")
    expect(first.locator(".editable-error-block")).to_have_count(0)
    rename(first, "Kitchenware")  # the same row again: the page took the new version
    expect(first.locator(cell)).to_have_text("Kitchenware")

    rename(second, "Cookware")  # this list still shows the first version
    expect(second.locator(".editable-error-block")).to_contain_text(
        "Someone changed this record since the list was loaded"
    )
    second.goto(live.url + "/en/products")
    expect(second.locator("main")).to_contain_text("Kitchenware")


def test_a_translators_edit_meanwhile_stops_the_product_form(live, new_context, as_staff):
    editor, translator = new_context().new_page(), new_context().new_page()
    as_staff(editor, live, "editor")
    as_staff(translator, live, "translator")
    edit_url(live, editor, "Blue mug")

    translator.goto(live.url + "/admin/producttranslation/?search=Blaue")
    translator.click("tr:has-text('Blaue Tasse') a[title='Edit Record']")
    translator.fill("input[name=name]", "Blauer Becher")
    save(translator)
    expect(translator.locator(".alert")).to_contain_text("saved")

    editor.fill("input[name=stock]", "42")
    save(editor)
    expect(editor.locator(".alert-danger, .alert-error").first).to_contain_text(
        "Someone else saved this record"
    )
    # The translations are marked with what they are now.
    expect(editor.locator("form.admin-form")).to_contain_text("de: Blauer Becher")
    expect(editor.locator("form.admin-form")).not_to_contain_text("it is now: 140")  # own edit
    expect(editor.locator("input[name=stock]")).to_have_value("42")  # what was typed is kept
    editor.goto(live.url + "/de/products/blue-mug")
    expect(editor.locator("h1")).to_have_text("Blauer Becher")
