"""A visitor's journeys through the site in a real browser."""

import time

from playwright.sync_api import expect


def test_german_visitor_switches_to_arabic_and_meets_a_missing_translation(live, new_context):
    page = new_context(locale="de-DE").new_page()
    page.goto(live.url + "/")
    expect(page).to_have_url(live.url + "/de/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.click(".main-nav >> text=Über Atrium Works")  # a German page from the navigation
    expect(page).to_have_url(live.url + "/de/about")

    page.click(".language-switcher summary")
    page.click(".language-switcher a[hreflang=ar]")
    expect(page).to_have_url(live.url + "/ar/about")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"

    page.goto(live.url + "/ar/legal")  # no Arabic translation: the English text, with a notice
    expect(page.locator("aside.notice")).to_be_visible()
    expect(page.locator("article[lang=en]")).to_be_visible()


def test_contact_form_error_kept_then_sent_and_staff_get_mail(live, page, smtp):
    page.goto(live.url + "/en/contact")
    page.fill("input[name=name]", "Grace Hopper")
    page.fill("input[name=email]", "grace@invalid")
    page.fill("textarea[name=message]", "Do you ship compilers to Arlington?")
    page.click("button[type=submit]")
    expect(page.locator(".field-error")).to_contain_text("valid email address")
    expect(page.locator("input[name=name]")).to_have_value("Grace Hopper")
    expect(page.locator("textarea[name=message]")).to_have_value(
        "Do you ship compilers to Arlington?"
    )

    page.fill("input[name=email]", "grace@example.com")
    page.click("button[type=submit]")
    expect(page).to_have_url(live.url + "/en/contact/thanks")

    def mine():  # the demo content's own inquiry was mailed too, when it was seeded
        return [m for m in smtp.inbox.messages if "Grace Hopper" in m["Subject"]]

    deadline = time.monotonic() + 10
    while not mine() and time.monotonic() < deadline:
        time.sleep(0.1)
    [message] = mine()
    assert "Do you ship compilers to Arlington?" in message.get_body(("plain",)).get_content()
