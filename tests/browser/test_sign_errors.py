"""The sign form's error flow on a 360 px phone, in English and Dari, with and
without JavaScript: a way to the form on the first screen, the answer opens at
the error summary and says so in its title, focus goes there when scripts
run, and axe-core finds no serious or critical violation on the error page."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.factories import open_petition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
ERROR_TITLE = {"en": "Error:", "fa": "خطا:"}


def in_view(page, locator):
    box = locator.bounding_box()
    return box is not None and 0 <= box["y"] < PHONE["height"]


@pytest.mark.parametrize("language", ["en", "fa"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_supporter_who_forgets_a_field_is_shown_what_to_fix(
    browser, live_server, language, javascript
):
    open_petition()
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{live_server.url}/{language}/c/free-the-teachers/")
    to_form = page.locator(".to-sign a")
    assert in_view(page, to_form)
    to_form.click()
    page.locator("#id_name").fill("مریم" if language == "fa" else "Mariam")
    page.locator("#sign form button[type=submit]").click()
    summary = page.locator("#errors")
    expect(summary).to_be_visible()
    assert page.url.endswith("/sign/#sign")
    assert page.title().startswith(ERROR_TITLE[language])
    assert in_view(page, summary)
    if javascript:
        expect(summary).to_be_focused()
    switcher = page.locator(
        "header nav a[hreflang=en]" if language == "fa" else "header nav a[hreflang=fa]"
    )
    assert switcher.get_attribute("href").endswith("/c/free-the-teachers/")
    if javascript:  # axe runs in the page; the markup is the same without scripts
        results = Axe().run(page)
        serious = [
            violation["id"]
            for violation in results.response["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        assert serious == [], results.generate_report()
    context.close()
