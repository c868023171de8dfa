"""A supporter in Dari, without JavaScript, reads, signs, confirms, checks the
receipt and withdraws, and Chromium holds no cookie for the site afterwards;
a form posted to the site from another origin is refused."""

import re

import pytest
from playwright.sync_api import expect

from hamsada.participation.models import Act
from hamsada.tally.models import totals
from tests.factories import open_petition
from tests.helpers import confirm_from_email, link_in, text_of, wait_for
from tests.helpers import sign_in_browser as sign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_dari_supporter_without_javascript_leaves_no_cookie(
    browser, live_server, worker, smtp_server
):
    petition = open_petition()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    url = f"{live_server.url}/fa/c/free-the-teachers/"
    page.goto(f"{live_server.url}/fa/")
    page.goto(url)
    expect(page.locator(".retention")).to_contain_text("پاک می‌شوند")
    sign(page, url, "maryam@example.org", name="مریم")
    expect(page.locator("h1")).to_contain_text("ایمیل")
    confirm_from_email(page, smtp_server, 1)
    receipt = page.get_by_test_id("receipt").inner_text()
    assert totals(petition.pk)["confirmed"] == 1

    page.goto(f"{url}verify/")
    page.get_by_label("کد رسید شما").fill(receipt)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("receipt-result")).to_be_visible()

    [receipt_email] = wait_for(lambda: [m for m in smtp_server.messages if receipt in text_of(m)])
    page.goto(link_in(receipt_email, "withdraw"))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("پاک")
    assert Act.objects.get().status == Act.Status.WITHDRAWN
    assert totals(petition.pk)["confirmed"] == 0

    page.goto(f"{live_server.url}/fa/privacy/")
    page.goto(f"{live_server.url}/fa/my-signatures/")
    page.get_by_label("ایمیل").fill("maryam@example.org")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("status")).to_be_visible()
    assert context.cookies() == []
    context.close()


def test_a_form_posted_from_another_origin_is_refused(browser, live_server):
    open_petition()
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/en/c/free-the-teachers/")
    token = page.locator("input[name=form_token]").first.get_attribute("value")
    # Another site carries a copy of the form with a genuine token.
    form = f"""<form method="post" action="{live_server.url}/en/c/free-the-teachers/sign/">
        <input name="form_token" value="{token}"><input name="name" value="Bot">
        <input name="email" value="bot@example.org"><input name="country" value="AF">
        <input name="consent" value="on"><button>Send</button></form>"""
    page.route(
        "http://campaign-copy.example/",
        lambda route: route.fulfill(body=form, content_type="text/html"),
    )
    page.goto("http://campaign-copy.example/")
    page.locator("button").click()
    expect(page.locator("h1")).to_have_text("Sent from another website")
    assert re.search(r"/sign/$", page.url)
    assert not Act.objects.exists()
    context.close()
