"""A person signs and confirms in a real Chromium, with the real worker sending
real email to a loopback SMTP server."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from hamsada.tally.models import totals
from tests.factories import open_petition
from tests.helpers import confirm_from_email, link_in, wait_for, watch_hosts, without_csrf_token
from tests.helpers import sign_in_browser as sign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_and_confirm_in_english(page, live_server, worker, smtp_server):
    petition = open_petition(goal=100)
    hosts = watch_hosts(page)
    url = f"{live_server.url}/en/c/free-the-teachers/"
    sign(page, url, "ada@example.org")
    expect(page.locator("h1")).to_have_text("Check your email")
    assert totals(petition.pk) == {"confirmed": 0, "pending": 1}
    confirm_from_email(page, smtp_server, 1)
    expect(page.locator("h1")).to_contain_text("Thank you")
    page.goto(url)
    expect(page.get_by_test_id("confirmed-total")).to_have_text("1")
    assert hosts == {urlsplit(live_server.url).netloc}


@pytest.mark.parametrize(("language", "check_email"), [("fa", "ایمیل"), ("ps", "برېښنالیک")])
def test_sign_and_confirm_right_to_left(
    page, live_server, worker, smtp_server, language, check_email
):
    petition = open_petition()
    hosts = watch_hosts(page)
    url = f"{live_server.url}/{language}/c/free-the-teachers/"
    page.goto(url)
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert font.startswith('"Vazirmatn"') or font.startswith("Vazirmatn"), font
    # Fonts load lazily: wait for this one rather than race it.
    assert page.evaluate(
        "document.fonts.load('16px Vazirmatn', 'ښ')"
        ".then(() => document.fonts.check('16px Vazirmatn', 'ښ'))"
    )
    expect(html).to_have_attribute("lang", language)
    sign(page, url, "dari@example.org", name="مریم\u200cجان")
    expect(page.locator("h1")).to_contain_text(check_email)
    [message] = wait_for(lambda: smtp_server.messages)
    assert f"/{language}/confirm/" in link_in(message, "confirm")
    confirm_from_email(page, smtp_server, 1)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.goto(url)
    expect(page.get_by_test_id("confirmed-total")).to_have_text("۱")
    assert totals(petition.pk)["confirmed"] == 1
    assert hosts == {urlsplit(live_server.url).netloc}


def test_sign_and_confirm_without_javascript(browser, live_server, worker, smtp_server):
    petition = open_petition()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    url = f"{live_server.url}/fa/c/free-the-teachers/"
    sign(page, url, "nojs@example.org")
    confirm_from_email(page, smtp_server, 1)
    page.goto(url)
    expect(page.get_by_test_id("confirmed-total")).to_have_text("۱")
    assert totals(petition.pk)["confirmed"] == 1
    context.close()


def test_a_duplicate_signature_shows_the_same_page(page, live_server, worker, smtp_server):
    open_petition()
    url = f"{live_server.url}/en/c/free-the-teachers/"
    sign(page, url, "twice@example.org")
    first = without_csrf_token(page.locator("main").inner_html())
    first_url = page.url
    sign(page, url, "Twice@Example.org", name="Someone")
    assert without_csrf_token(page.locator("main").inner_html()) == first
    assert page.url == first_url
    messages = wait_for(lambda: len(smtp_server.messages) >= 2 and smtp_server.messages)
    assert "already signed" in messages[1]["Subject"]


def test_form_errors_are_shown_beside_the_fields(page, live_server):
    open_petition()
    page.goto(f"{live_server.url}/fa/c/free-the-teachers/")
    page.locator("#id_email").fill("not an address")
    page.locator("form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")


@pytest.mark.parametrize("language", ["en", "fa", "ps"])
def test_petition_page_fits_a_phone_screen(browser, live_server, language):
    open_petition(goal=1000)
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    for path in [f"/{language}/", f"/{language}/c/free-the-teachers/"]:
        page.goto(live_server.url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (path, overflow)
    context.close()
