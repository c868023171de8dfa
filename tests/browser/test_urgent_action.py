"""Supporters write to the officials and report what they did, in a real
Chromium, with the real worker emailing a loopback SMTP server."""

from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from playwright.sync_api import expect

from hamsada.tally.models import ActionTally
from tests.factories import ambassador, open_urgent_action, president
from tests.helpers import confirm_from_email, pdf_text, watch_hosts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PATH = "/{language}/c/ua-defender-detained/"


def mail_link(page):
    href = page.get_by_test_id("mailto").first.get_attribute("href")
    parts = urlsplit(href)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    return unquote(parts.path), query


def write_to(page, base, target, name, city):
    page.goto(base)
    page.get_by_role("link", name=target.name).first.click()
    page.locator("#id_name").fill(name)
    page.locator("#id_city").fill(city)
    page.locator("form.choose button[type=submit]").click()


def report(page, base, actions, email=None):
    page.goto(base + "report/")
    for target, channel in actions:
        page.locator(f"input[name=actions][value='{target.pk}:{channel}']").check()
    if email:
        page.locator("#id_email").fill(email)
        page.locator("#id_consent").check()
    page.locator("main form button[type=submit]").click()


def figures(target, channel):
    tally = ActionTally.objects.get(target=target, channel=channel)
    return tally.intended, tally.reported, tally.confirmed


@pytest.mark.parametrize(
    ("language", "salutations", "done"),
    [
        ("en", {"President": "Dear President,", "Ambassador": "Dear Ambassador,"}, "Thank you"),
        ("fa", {"President": "جناب رئیس جمهور،", "Ambassador": "محترم سفیر،"}, "تشکر"),
    ],
)
def test_a_supporter_writes_to_each_official_reports_and_confirms(
    page, live_server, worker, smtp_server, language, salutations, done
):
    open_urgent_action()
    hosts = watch_hosts(page)
    base = live_server.url + PATH.format(language=language)
    for target, email in [(president(), "president@"), (ambassador(), "ambassador@")]:
        salutation = salutations[target.title]
        write_to(page, base, target, "Mariam", "Herat")
        expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "fa" else "ltr")
        letter = page.locator("#letter")
        assert letter.input_value().startswith(salutation)
        assert letter.input_value().endswith("Mariam\nHerat")
        address, query = mail_link(page)
        assert address == email + "example.org"
        assert query["body"] == letter.input_value().replace("\r\n", "\n")
        assert query["subject"] == page.locator("#subject").input_value()
        letter.fill(letter.input_value() + "\nP.S. In my own words.")
        assert mail_link(page)[1]["body"].endswith("In my own words.")
        with page.expect_download() as download:
            page.get_by_test_id("download-pdf").click()
        printed = pdf_text(download.value.path().read_bytes())
        assert salutation.rstrip(",،") in printed and "In my own words." in printed
        assert target.channels.get(kind="postal").value.splitlines()[1] in printed
    expect(page.get_by_test_id("phone-script")).to_contain_text("Mariam")
    assert "@EmbassyExample" in page.get_by_test_id("social-post").input_value()

    report(page, base, [(ambassador(), "email"), (president(), "postal")], "m@example.org")
    expect(page.locator("h1")).to_be_visible()
    assert figures(ambassador(), "email") == (0, 1, 0)
    confirm_from_email(page, smtp_server, 1)
    expect(page.locator("h1")).to_contain_text(done)
    assert figures(ambassador(), "email") == (0, 1, 1)
    assert figures(president(), "postal") == (0, 1, 1)
    assert figures(ambassador(), "")[0] == 1  # the letter page, opened once

    page.goto(base + "summary/")
    row = page.get_by_test_id(f"row-{ambassador().pk}-email")
    expect(row.get_by_test_id("reported")).to_have_text("1" if language == "en" else "۱")
    expect(row.get_by_test_id("confirmed")).to_have_text("1" if language == "en" else "۱")
    assert hosts == {urlsplit(live_server.url).netloc}


def test_writing_and_reporting_work_without_javascript(browser, live_server):
    open_urgent_action()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    base = live_server.url + PATH.format(language="ps")
    write_to(page, base, president(), "", "")
    assert page.locator("#letter").input_value().startswith("ښاغلی ولسمشر،")
    assert (
        page.get_by_test_id("mailto")
        .get_attribute("href")
        .startswith("mailto:president@example.org?subject=")
    )
    expect(page.locator("button.copy").first).to_be_hidden()  # it needs JavaScript
    with page.expect_download() as download:
        page.get_by_test_id("download-pdf").click()
    assert "ښاغلی ولسمشر" in pdf_text(download.value.path().read_bytes())
    report(page, base, [(president(), "email")])
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert figures(president(), "email") == (0, 1, 0)
    page.goto(base)
    expect(page.get_by_test_id(f"target-figures-{president().pk}")).to_contain_text("۱")
    context.close()


def test_a_report_with_mistakes_is_explained_next_to_the_fields(page, live_server):
    open_urgent_action()
    base = live_server.url + PATH.format(language="fa")
    page.goto(base + "report/")
    page.locator("#id_email").fill("ada@example.org")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator(".error-summary")).to_contain_text("تیک")
    assert not ActionTally.objects.exists()


@pytest.mark.parametrize("language", ["en", "fa", "ps"])
def test_urgent_action_pages_fit_a_phone_screen(browser, live_server, language):
    open_urgent_action()
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    base = PATH.format(language=language)
    for path in [
        base,
        f"{base}write/?target={ambassador().pk}",
        f"{base}report/",
        f"{base}summary/",
    ]:
        page.goto(live_server.url + path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (path, overflow)
    context.close()
