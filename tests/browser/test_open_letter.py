"""Organisations and individuals co-sign the demo open letter, an organiser
reviews in the admin, and the timelines tell what the targets answered, in a
real Chromium, with and without JavaScript."""

import io
import re

import pytest
from django.core.management import call_command
from PIL import Image
from playwright.sync_api import expect

from hamsada.campaigns.models import Target
from hamsada.ops.demo.open_letter import SLUG
from hamsada.participation.models import Act, OrganisationSignature
from tests.helpers import confirm_from_email, log_in_browser, watch_hosts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("demo", stdout=io.StringIO())


def logo_png():
    out = io.BytesIO()
    Image.new("RGB", (400, 200), (200, 30, 60)).save(out, "PNG")
    return {"name": "logo.png", "mimeType": "image/png", "buffer": out.getvalue()}


def sign_for_organisation(page, letter_url, names, email):
    page.goto(letter_url)
    page.locator("a[href$='/organisations/sign/']").click()
    for field, name in names.items():
        page.locator(f"#id_{field}").fill(name)
    page.locator("#id_country").select_option("AF")
    page.locator("#id_website").fill("kabul-lawyers.example.org")
    page.locator("#id_logo").set_input_files(logo_png())
    page.locator("#id_contact_name").fill("Sahar")
    page.locator("#id_email").fill(email)
    page.locator("#id_consent").check()
    page.locator("main form button[type=submit]").click()


def approve_in_admin(page, base_url, language, signature):
    log_in_browser(page, base_url, language, "letters")
    page.goto(f"{base_url}/{language}/admin/participation/organisationsignature/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language != "en" else "ltr")
    page.goto(
        f"{base_url}/{language}/admin/participation/organisationsignature/{signature.pk}/change/"
    )
    page.locator("#id_decision").select_option("approved")
    page.locator("input[name=_save]").click()


def cosign(page, letter_url, name, email, affiliation="", public=False):
    page.goto(letter_url)
    page.locator("#id_name").fill(name)
    page.locator("#id_affiliation").fill(affiliation)
    page.locator("#id_email").fill(email)
    page.locator("#id_country").select_option("AF")
    if public:
        page.locator("#id_show_name").check()
    page.locator("#id_consent").check()
    page.locator("main form button[type=submit]").click()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_an_organisation_signs_in_dari_confirms_and_is_listed_once_approved(
    browser, live_server, worker, smtp_server, demo, javascript
):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    hosts = watch_hosts(page)
    letter_url = f"{live_server.url}/fa/c/{SLUG}/"
    names = {"name_fa": "انجمن وکلای کابل", "name_en": "Kabul Lawyers' Association"}
    sign_for_organisation(page, letter_url, names, "sahar@example.org")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    signature = OrganisationSignature.objects.get(name_en=names["name_en"])
    assert signature.act.language == "fa"
    assert names["name_fa"] not in page.goto(letter_url).text()
    confirm_from_email(page, smtp_server, 1)
    expect(page.locator("main h1")).to_be_visible()
    assert names["name_fa"] not in page.goto(letter_url).text()  # waiting for review
    approve_in_admin(page, live_server.url, "fa", signature)
    signature.refresh_from_db()
    assert signature.review == OrganisationSignature.Review.APPROVED
    page.goto(letter_url)
    organisations = page.get_by_test_id("organisations")
    expect(organisations).to_contain_text(names["name_fa"])
    expect(organisations.locator("img").last).to_have_js_property("naturalWidth", 240)
    # Organisations come first, then individuals.
    lists = page.locator("[data-testid=organisations], [data-testid=individuals]")
    assert lists.first.get_attribute("data-testid") == "organisations"
    expect(page.get_by_test_id("signatory-counts")).to_contain_text("۵")
    assert hosts == {live_server.url.split("//")[1]}
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_one_person_cosigns_publicly_and_another_privately(
    browser, live_server, worker, smtp_server, demo, javascript
):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    letter_url = f"{live_server.url}/en/c/{SLUG}/"
    cosign(page, letter_url, "Nadia Karimi", "nadia@example.org", "Journalist, Herat", public=True)
    confirm_from_email(page, smtp_server, 1)
    cosign(page, letter_url, "Quiet Supporter", "quiet@example.org", "Ministry official")
    confirm_from_email(page, smtp_server, 2)
    assert Act.objects.filter(kind="cosignature", status="confirmed").count() == 8
    page.goto(letter_url + "signatories/")
    individuals = page.get_by_test_id("individuals")
    expect(individuals).to_contain_text("Nadia Karimi")
    expect(individuals).to_contain_text("Journalist, Herat")
    expect(page.locator("main")).not_to_contain_text("Quiet Supporter")
    expect(page.locator("main")).not_to_contain_text("Ministry official")
    expect(page.get_by_test_id("signatory-counts")).to_contain_text(
        "8 individuals (5 named, 3 chose not to be named)"
    )
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
@pytest.mark.parametrize("language", ["en", "fa"])
def test_timelines_show_responses_and_silence(browser, live_server, demo, language, javascript):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{live_server.url}/{language}/c/ua-defender-detained/")
    events = page.get_by_test_id("event")
    acknowledged = events.filter(has=page.locator(".stance-acknowledged"))
    expect(acknowledged).to_contain_text("We have received your letters")
    silent = events.filter(has=page.locator(".stance-no_response"))
    expect(silent).to_contain_text("President of the Republic (demo)")
    if language == "fa":
        assert re.search("[۰-۹]", silent.locator("time").inner_text())
    page.goto(f"{live_server.url}/{language}/c/{SLUG}/")
    for stance in ["denied", "no_comment"]:
        expect(events.filter(has=page.locator(f".stance-{stance}"))).to_have_count(1)
    expect(page.locator(".event-statement")).to_have_count(2)  # a joint statement, a report
    # A target's record across campaigns.
    page.locator(".stance-denied").first.locator("xpath=ancestor::li").locator(
        "a[href*='/targets/']"
    ).click()
    expect(page.locator("[data-testid=stance-row] .stance-denied")).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("lang", language)
    context.close()


@pytest.mark.parametrize("language", ["en", "fa", "ps"])
def test_open_letter_pages_fit_a_phone_screen(browser, live_server, demo, language):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    prosecutor = Target.objects.get(name__startswith="The Prosecutor")
    for path in [
        f"/{language}/c/{SLUG}/",
        f"/{language}/c/{SLUG}/signatories/",
        f"/{language}/c/{SLUG}/organisations/sign/",
        f"/{language}/targets/{prosecutor.pk}/",
    ]:
        page.goto(live_server.url + path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("html")).to_have_attribute("dir", "ltr" if language == "en" else "rtl")
        expect(page.locator("main h1")).to_have_count(1)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (path, overflow)
    context.close()
