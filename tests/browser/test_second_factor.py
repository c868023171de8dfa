"""In Chromium, as an organiser: setting up an authenticator app (codes computed
here, as a phone would) and a passkey (Chromium's virtual authenticator, through
the DevTools WebAuthn domain), logging in with each, in English and Dari; and an
export that asks for the second factor again."""

import re
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from hamsada.organizations.roles import Role
from hamsada.web.views.accounts import VERIFIED_AT
from tests.factories import confirmed_signature, open_petition, organiser
from tests.helpers import totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def owner(transactional_db):
    petition = open_petition()
    keen = confirmed_signature(petition, email="keen@example.org")
    keen.wants_updates = True
    keen.save(update_fields=["wants_updates"])
    return organiser("owner", petition.organization, Role.OWNER, password="a long pass phrase")


@pytest.fixture
def passkey_site(settings, live_server):
    """Passkeys are bound to a name: the live server is reached as localhost."""
    url = live_server.url.replace("127.0.0.1", "localhost")
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [url]
    return url


def password(page, base, language):
    page.goto(f"{base}/{language}/admin/login/")
    page.locator("#id_username").fill("owner")
    page.locator("#id_password").fill("a long pass phrase")
    page.locator("input[type=submit]").click()


def set_up_app(page, base, language):
    """Password, then the app: returns its key, as the page shows it."""
    password(page, base, language)
    expect(page).to_have_url(re.compile(r"/admin/account/second-factor/"))
    secret = page.locator("code[dir=ltr]").inner_text()
    page.locator("#id_code").fill(totp(secret))
    page.locator("input[type=submit][class=default]").click()
    expect(page.locator("ol.recovery-codes li")).to_have_count(10)
    page.locator("a.button").click()
    return secret


@pytest.mark.parametrize("language", ["en", "fa"])
def test_an_owner_sets_up_an_app_and_logs_in_with_its_code(browser, live_server, owner, language):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    secret = set_up_app(page, live_server.url, language)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "fa" else "ltr")
    expect(page.locator("#site-name")).to_be_visible()  # the admin's index
    context.clear_cookies()
    password(page, live_server.url, language)
    expect(page).to_have_url(re.compile(r"/admin/account/verify/"))
    page.locator("#id_code").fill("000000")
    page.locator("input[type=submit]").click()
    expect(page.locator(".errornote")).to_be_visible()
    time.sleep(1.1)  # a wrong code makes the next wait a second
    page.locator("#id_code").fill(totp(secret, time.time() + 30))  # the next step's code
    page.locator("input[type=submit]").click()
    expect(page.locator("#site-name")).to_be_visible()
    context.close()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_an_owner_adds_a_passkey_and_logs_in_with_it(browser, passkey_site, owner, language):
    context = browser.new_context()
    page = context.new_page()
    devtools = context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    added = devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    set_up_app(page, passkey_site, language)
    page.goto(f"{passkey_site}/{language}/admin/account/second-factor/")
    page.locator("#passkey-register-button").click()
    expect(page.locator("#passkey-register-status-message")).to_have_text(
        {"en": "Registration successful!", "fa": "ثبت انجام شد."}[language]
    )
    held = devtools.send("WebAuthn.getCredentials", {"authenticatorId": added["authenticatorId"]})
    assert len(held["credentials"]) == 1
    context.clear_cookies()
    password(page, passkey_site, language)
    expect(page).to_have_url(re.compile(r"/admin/account/verify/"))
    page.locator("#passkey-verification-button").click()
    expect(page.locator("#site-name")).to_be_visible()
    context.close()


def test_an_export_asks_for_the_second_factor_again_once_it_is_old(browser, live_server, owner):
    context = browser.new_context()
    page = context.new_page()
    secret = set_up_app(page, live_server.url, "fa")
    export = f"{live_server.url}/fa/delivery/exports/free-the-teachers/supporters.csv"
    session = SessionStore(next(c["value"] for c in context.cookies() if c["name"] == "sessionid"))
    session[VERIFIED_AT] = time.time() - 11 * 60  # as if verified eleven minutes ago
    session.save()
    page.goto(f"{live_server.url}/fa/admin/")
    page.goto(export)
    expect(page).to_have_url(
        re.compile(r"/fa/admin/account/verify/\?next=%2Ffa%2Fdelivery%2Fexports%2F")
    )
    page.locator("#id_code").fill(totp(secret, time.time() + 30))
    with page.expect_download() as download:
        page.locator("input[type=submit]").click()
    assert "keen@example.org" in download.value.path().read_text(encoding="utf-8-sig")
    context.close()
