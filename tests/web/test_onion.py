"""The onion service: plain http that Tor encrypts, so no HTTPS redirect and no
HSTS there; the clearnet site names it for Tor Browser (Onion-Location)."""

import re

import pytest
from django.core import mail

from hamsada.outbox.models import Message
from tests.factories import sign_data
from tests.helpers import send_due

pytestmark = pytest.mark.django_db
ONION = "hamsadaexamplexxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion"


@pytest.fixture
def production_with_onion(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ONION_URL = f"http://{ONION}"
    settings.ONION_HOST = ONION
    settings.ALLOWED_HOSTS = ["petitions.example.org", ONION]


def test_the_clearnet_site_redirects_to_https_and_names_its_onion(
    client, petition, production_with_onion
):
    plain = client.get("/en/c/free-the-teachers/", HTTP_HOST="petitions.example.org")
    assert plain.status_code == 301
    secure = client.get(
        "/en/c/free-the-teachers/?x=1",
        HTTP_HOST="petitions.example.org",
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
    assert secure["Onion-Location"] == f"http://{ONION}/en/c/free-the-teachers/?x=1"


def test_the_onion_site_is_served_over_http_without_hsts(client, petition, production_with_onion):
    response = client.get("/en/c/free-the-teachers/", HTTP_HOST=ONION)
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response
    assert "Onion-Location" not in response


def test_without_an_onion_address_no_page_names_one(client, petition, settings):
    settings.ONION_URL = ""
    settings.ONION_HOST = ""
    assert "Onion-Location" not in client.get("/en/c/free-the-teachers/")


def test_a_supporter_who_signs_over_the_onion_service_gets_onion_links(
    client, petition, production_with_onion
):
    client.post("/en/c/free-the-teachers/sign/", sign_data(), HTTP_HOST=ONION)
    message = Message.objects.get()
    assert message.onion
    send_due()
    [email] = mail.outbox
    links = re.findall(r"https?://[^\s]+", email.body)
    assert links and all(link.startswith(f"http://{ONION}/") for link in links)
    assert not Message.objects.get().onion  # not kept once sent
    # Confirmed over the onion service too: the receipt's links lead there.
    confirm = re.search(rf"http://{ONION}(/en/confirm/\S+/)", email.body)[1]
    client.post(confirm, HTTP_HOST=ONION)
    send_due()
    receipt = mail.outbox[-1]
    assert f"http://{ONION}/en/c/free-the-teachers/verify/" in receipt.body


def test_a_supporter_on_the_clearnet_site_gets_clearnet_links(
    client, petition, production_with_onion, settings
):
    client.post(
        "/en/c/free-the-teachers/sign/",
        sign_data(),
        HTTP_HOST="petitions.example.org",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_REFERER="https://petitions.example.org/en/c/free-the-teachers/",
    )
    send_due()
    [email] = mail.outbox
    assert ONION not in email.body
    assert settings.SITE_URL in email.body
