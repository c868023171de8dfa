"""Every public page and the main admin pages, in Dari and Pashto, at phone
width: right to left, in the right language, without sideways scrolling, with
counts and dates in Persian digits and arrows pointing the reader's way."""

import os

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from hamsada.campaigns.models import Campaign, Target
from hamsada.outbox.actions import claim_due_messages, send_claimed
from hamsada.participation.tokens import make_token
from tests.factories import pending_signature
from tests.helpers import OVERFLOW, log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PETITION = "reopen-girls-schools"
ACTION = "ua-defender-detained"
LETTER = "open-letter-gender-persecution"

# Text nodes with Western digits, outside what is rightly left to right (links,
# codes, text marked as English), what is shown as the organiser typed it
# (postal addresses, notes), and what cannot be seen.
WESTERN_DIGITS = """() => {
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  const found = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const element = node.parentElement;
    const text = node.data.replace(/SHA-256/g, "");  // a name, not a number
    if (!/[0-9]/.test(text) || !element.checkVisibility()) continue;
    const exempt = '[dir="ltr"], code, script, style, :lang(en), address, .as-typed';
    if (element.closest(exempt)) continue;
    found.push(node.data.trim());
  }
  return found;
}"""


def public_pages():
    """Each public page, with whether it shows a count or a date."""
    action = Campaign.objects.get(slug=ACTION)
    target = action.targets.first()
    act = pending_signature(Campaign.objects.get(slug=PETITION), email="reader@example.org")
    return [
        ("", True),
        (f"c/{PETITION}/", True),
        (f"c/{PETITION}/check-your-email/", False),
        (f"c/{PETITION}/thanks/", True),
        (f"c/{ACTION}/", True),
        (f"c/{ACTION}/write/?target={target.pk}&name=Mariam&city=Herat", False),
        (f"c/{ACTION}/summary/", True),
        (f"c/{ACTION}/report/", False),
        (f"c/{ACTION}/thanks/", True),
        (f"c/{LETTER}/", True),
        (f"c/{LETTER}/signatories/", True),
        (f"c/{LETTER}/organisations/sign/", False),
        (f"c/{LETTER}/verify/", True),
        (f"c/{ACTION}/verify/", True),
        (f"targets/{Target.objects.filter(campaigns__slug=LETTER).first().pk}/", True),
        (f"confirm/{make_token(act, 'confirm')}/", False),
        (f"withdraw/{make_token(act, 'withdraw')}/", False),
        (f"stop-updates/{make_token(act, 'stop_updates')}/", False),
        ("confirm/not-a-token/", False),
        ("c/no-such-campaign/", False),
    ]


def check_reads_right_to_left(page, language, headings=True):
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl")
    assert page.evaluate(OVERFLOW) <= 0, page.url
    assert page.locator("main").count() == 1, page.url
    assert page.locator("h1").count() >= 1 or not headings, page.url


@pytest.mark.parametrize("language", ["fa", "ps"])
def test_every_public_page_reads_right_to_left(browser, live_server, language):
    call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    for path, has_figures in public_pages():
        page.goto(f"{live_server.url}/{language}/{path}")
        check_reads_right_to_left(page, language)
        assert page.evaluate(WESTERN_DIGITS) == [], page.url
        if has_figures:
            assert any("۰" <= c <= "۹" for c in page.locator("main").inner_text()), page.url
    context.close()


@pytest.mark.parametrize("language", ["fa", "ps"])
def test_phone_numbers_read_in_persian_digits_and_dial_in_western(browser, live_server, language):
    call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    page = browser.new_page()
    page.goto(f"{live_server.url}/{language}/c/{ACTION}/")
    phone = page.locator('a[href^="tel:"]').first
    assert any("۰" <= c <= "۹" for c in phone.inner_text())
    assert not any("0" <= c <= "9" for c in phone.inner_text())
    assert phone.get_attribute("href")[4:].lstrip("+").isascii()
    page.close()


@pytest.mark.parametrize(("language", "back", "next"), [("en", "←", "→"), ("fa", "→", "←")])
def test_arrows_point_the_way_the_page_reads(browser, live_server, language, back, next):
    call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    page = browser.new_page()
    page.goto(f"{live_server.url}/{language}/c/{PETITION}/check-your-email/")
    arrow = page.evaluate("getComputedStyle(document.querySelector('a.back'), '::before').content")
    assert back in arrow
    campaign = Campaign.objects.get(slug=LETTER)
    for number in range(201):
        act = pending_signature(campaign, email=f"s{number}@example.org", show_name=True)
        act.status = "confirmed"
        act.save(update_fields=["status"])
    page.goto(f"{live_server.url}/{language}/c/{LETTER}/signatories/")
    arrow = page.evaluate(
        "getComputedStyle(document.querySelector('a[rel=next]'), '::after').content"
    )
    assert next in arrow
    page.close()


def test_the_development_outbox_shows_each_line_in_its_direction(browser, live_server, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "hamsada.outbox.backends.OutboxDirectoryBackend",
            "OPTIONS": {"directory": str(settings.OUTBOX_DIR)},
        }
    }
    call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    pending_signature(Campaign.objects.get(slug=PETITION), name="Mariam", language="fa")
    now = timezone.now()
    send_claimed(claim_due_messages(now), now)
    settings.DEV_OUTBOX = True
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fa")
    page = context.new_page()
    page.goto(f"{live_server.url}/dev/outbox/")  # staff only: the login page first
    page.locator("#id_username").fill("organiser")
    page.locator("#id_password").fill("hamsada-demo")
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/dev/outbox/")
    check_reads_right_to_left(page, "fa")
    page.locator("main table a").first.click()
    check_reads_right_to_left(page, "fa")
    lines = page.get_by_test_id("email-text").locator("div")
    directions = lines.evaluate_all(
        "lines => lines.filter(l => l.textContent.trim())"
        ".map(l => [l.textContent.trim().slice(0, 5), getComputedStyle(l).direction])"
    )
    assert [d for text, d in directions if text.startswith("http")] == ["ltr", "ltr"]
    assert {d for text, d in directions if not text.startswith("http")} == {"rtl"}
    context.close()


ADMIN_PAGES = [
    "",
    "campaigns/campaign/",
    "campaigns/campaign/{petition}/change/",
    "campaigns/event/",
    "campaigns/event/add/",
    "campaigns/target/",
    "campaigns/target/{target}/change/",
    "participation/act/",
    "participation/organisationsignature/",
    "tally/snapshot/",
    "delivery/package/",
    "delivery/package/add/",
    "delivery/delivery/add/",
    "delivery/export/",
    "account/second-factor/",
    "account/sessions/",
]


@pytest.mark.parametrize("language", ["fa", "ps"])
def test_the_main_admin_pages_read_right_to_left(browser, live_server, language):
    call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    ids = {
        "petition": Campaign.objects.get(slug=PETITION).pk,
        "target": Campaign.objects.get(slug=ACTION).targets.first().pk,
    }
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/{language}/admin/login/")
    check_reads_right_to_left(page, language, headings=False)  # Django's own login page
    log_in_browser(page, live_server.url, language)
    for path in ADMIN_PAGES:
        response = page.goto(f"{live_server.url}/{language}/admin/{path.format(**ids)}")
        assert response.status == 200, path
        check_reads_right_to_left(page, language)
    context.close()
