"""The three kinds of campaign page in each language, at phone width: right
direction and language, no sideways scrolling, Persian digits on Dari and
Pashto pages. Each is saved as a picture (var/screenshots/, or
HAMSADA_SCREENSHOTS), which CI keeps and the README shows."""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent.parent
PAGES = {
    "petition": "reopen-girls-schools",
    "urgent-action": "ua-defender-detained",
    "open-letter": "open-letter-gender-persecution",
}


@pytest.mark.parametrize("language", ["en", "fa", "ps"])
@pytest.mark.parametrize("kind", list(PAGES))
def test_campaign_pages_at_phone_width(browser, live_server, language, kind, tmp_path):
    call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    folder = Path(os.environ.get("HAMSADA_SCREENSHOTS", ROOT / "var" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/{language}/c/{PAGES[kind]}/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "ltr" if language == "en" else "rtl")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    dates = " ".join(page.locator("main time").all_inner_texts())
    digits = "[۰-۹]" if language != "en" else "[0-9]"
    assert re.search(digits, dates), dates
    if language != "en":
        assert not re.search("[0-9]", dates), dates
    page.screenshot(path=folder / f"{kind}-{language}.jpeg", type="jpeg", quality=70)
    context.close()
