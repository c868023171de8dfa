"""A person is not taken for a script: in Dari, with and without JavaScript, a
supporter reads the page, fills the form in and signs, with every defence
against scripts on and the campaign asking for a proof of work. With
JavaScript the browser computes the proof (tests/web/test_bots.py shows a
script refused or slowed by the same defences)."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from hamsada.campaigns.models import Campaign
from hamsada.participation.models import Act
from tests.factories import open_petition
from tests.helpers import watch_hosts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def defences(settings):
    settings.FORM_MIN_SECONDS = 3
    settings.FORM_HONEYPOT = True
    settings.PROOF_OF_WORK = "on"
    settings.PROOF_OF_WORK_MAX_NUMBER = 100_000  # as an instance has it
    return settings


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_person_signing_in_dari_is_not_taken_for_a_script(
    browser, live_server, defences, javascript
):
    open_petition(proof_of_work=Campaign.ProofOfWork.ALWAYS)
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    hosts = watch_hosts(page)
    sent = []
    page.on("request", lambda request: request.method == "POST" and sent.append(request))
    page.goto(f"{live_server.url}/fa/c/free-the-teachers/")
    page.locator(".to-sign a").click()
    expect(page.locator(".trap input")).not_to_be_in_viewport()
    page.locator("#id_name").fill("مریم احمدی")
    page.locator("#id_email").fill("maryam@example.org")
    page.locator("#id_country").select_option("AF")
    page.wait_for_timeout(3000)  # a person reads the consent sentence before ticking it
    page.locator("#id_consent").check()
    page.locator("#sign form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/fa/c/free-the-teachers/check-your-email/"))
    assert Act.objects.filter(status=Act.Status.PENDING).count() == 1
    fields = dict(sent[0].post_data_json)
    assert fields["homepage"] == ""
    if javascript:
        assert fields["proof"].count(":") == 2  # computed in the browser
        assert not cache.get("metrics:refused-form:unproven")
    else:
        assert fields.get("proof", "") == ""  # taken within the stricter limits
    assert hosts == {live_server.url.split("//")[1]}
    context.close()
