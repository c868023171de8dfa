"""A supporter in Dari, on a phone without JavaScript, confirms, keeps the
receipt, and later checks on the verification page and offline that it is
counted; the real worker sends the emails and takes the scheduled snapshot."""

import pytest
from playwright.sync_api import expect

from hamsada.lib.crypto import public_key
from hamsada.tally.models import Snapshot
from tests.factories import open_petition
from tests.helpers import (
    OVERFLOW,
    confirm_from_email,
    hamsada_verify,
    text_of,
    wait_for,
    watch_hosts,
)
from tests.helpers import sign_in_browser as sign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [False, True])
def test_a_supporter_keeps_a_receipt_and_finds_it_counted(
    browser, live_server, worker, smtp_server, tmp_path, javascript
):
    petition = open_petition()
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        java_script_enabled=javascript,
        accept_downloads=True,
    )
    page = context.new_page()
    hosts = watch_hosts(page)
    url = f"{live_server.url}/fa/c/free-the-teachers/"
    sign(page, url, "maryam@example.org", name="مریم")
    confirm_from_email(page, smtp_server, 1)
    receipt = page.get_by_test_id("receipt").inner_text()
    assert len(receipt) == 24 and page.evaluate(OVERFLOW) <= 0
    [_, email] = wait_for(lambda: len(smtp_server.messages) == 2 and smtp_server.messages)
    assert receipt in text_of(email) and "/fa/c/free-the-teachers/verify/" in text_of(email)
    snapshot = wait_for(lambda: Snapshot.objects.filter(campaign=petition).first())

    page.goto(f"{url}verify/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.get_by_label("کد رسید شما").fill(receipt.lower().replace("-", " "))
    page.locator("main form button[type=submit]").click()
    result = page.get_by_test_id("receipt-result")
    expect(result).to_contain_text("رسید شما در سند شمارش ۱ شمرده شده است: شمارهٔ ۱ از ۱.")
    assert page.evaluate(OVERFLOW) <= 0
    with page.expect_download() as download:
        page.get_by_role("link", name="دانلود این سند").click()
    path = tmp_path / "snapshot.json"
    download.value.save_as(path)
    status, output = hamsada_verify(path, "--receipt", receipt, "--key", public_key())
    assert status == 0 and f"snapshot {snapshot.number}" in output, output
    assert hosts == {live_server.url.split("//")[1]}
    context.close()
