"""Exact query counts on the paths a spike runs: signing, confirming, the
campaign page and the list. Exact, so that a change shows in either direction."""

import pytest

from hamsada.participation.models import Act
from tests.factories import confirmed_signature, open_petition, pending_signature, sign_data
from tests.helpers import confirm_url, exactly

pytestmark = pytest.mark.django_db

SIGN = "/en/c/free-the-teachers/sign/"


def test_a_new_signature_takes_a_fixed_number_of_queries(client, petition):
    # The campaign; the savepoint; the act (its confirmation counted against
    # the email cap as it is stored); the confirmation email; the counter; the
    # savepoint's release.
    with exactly(6):
        response = client.post(SIGN, sign_data(email="one@example.org"))
    assert response.status_code == 302


def test_signing_again_takes_a_fixed_number_of_queries(client, petition):
    client.post(SIGN, sign_data(email="one@example.org"))
    # The campaign; the savepoint; the act refused; the act read; its email
    # allowance and the "already signed" email; the savepoint's release.
    with exactly(7):
        response = client.post(SIGN, sign_data(email="one@example.org"))
    assert response.status_code == 302
    assert Act.objects.count() == 1


def test_confirming_takes_a_fixed_number_of_queries(client, petition):
    url = confirm_url(pending_signature(petition))
    with exactly(13):
        response = client.post(url)
    assert response.status_code == 200  # the thanks page, with the receipt


def test_the_campaign_page_takes_a_fixed_number_of_queries(client, petition):
    confirmed_signature(petition, show_name=True)
    with exactly(8):
        response = client.get("/en/c/free-the-teachers/")
    assert response.status_code == 200


def test_the_list_takes_a_fixed_number_of_queries_however_many_campaigns(client, db):
    for n in range(5):
        confirmed_signature(open_petition(slug=f"petition-{n}"), email=f"{n}@example.org")
    # The campaigns, their texts, all their totals at once.
    with exactly(3):
        page = client.get("/en/").content.decode()
    assert page.count("1 signature") == 5
