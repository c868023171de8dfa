"""No public output tells whether an address has signed: signing with a new
address and with one that already signed leave every public figure, page and
file the same (what was measured: only a new address raised the pending count
in count.json)."""

import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from hamsada.snapshots.actions import take_snapshot
from tests.factories import (
    ambassador,
    confirmed_signature,
    open_petition,
    open_urgent_action,
    sign_data,
)
from tests.helpers import report_on

pytestmark = pytest.mark.django_db
TOKEN = re.compile(rb'(?<=name="form_token" value=")[^"]+')


def public_outputs(client, campaign, summary=False):
    base = f"/en/c/{campaign.slug}/"
    urls = [base, f"{base}count.json", f"{base}verify/", "/en/", "/fa/"]
    if summary:
        urls += [f"{base}summary/", f"{base}summary/?format=csv"]
    # The form token says only when the page was made (to the second).
    return {url: TOKEN.sub(b"", client.get(url).content) for url in urls}


def assert_snapshot_counts_only_confirmed(campaign):
    body = json.loads(take_snapshot(campaign, "requested", timezone.now()).body)
    assert body["counts"] == {"confirmed": 1, "countries": {"AF": 1}}


@pytest.fixture
def outputs(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    return lambda campaign, **kw: public_outputs(client, campaign, **kw)


@pytest.mark.parametrize("address", ["known@example.org", "new@example.org"])
def test_signing_with_any_address_changes_no_public_output(client, outputs, address):
    campaign = open_petition()
    confirmed_signature(campaign, email="known@example.org", country="AF")
    before = outputs(campaign)
    response = Client().post(f"/en/c/{campaign.slug}/sign/", sign_data(email=address, country="IR"))
    assert response.status_code == 302
    after = outputs(campaign)
    for url in before:
        assert before[url] == after[url], url
    assert_snapshot_counts_only_confirmed(campaign)
    assert json.loads(after["/en/c/free-the-teachers/count.json"]) == {
        "campaign": campaign.slug,
        "confirmed": 1,
    }


@pytest.mark.parametrize("address", ["known@example.org", "new@example.org"])
def test_an_urgent_actions_summary_and_days_move_only_on_confirmation(client, outputs, address):
    campaign = open_urgent_action()
    confirmed_signature(campaign, email="known@example.org", country="AF")
    before = outputs(campaign, summary=True)
    assert (
        Client().post(f"/en/c/{campaign.slug}/sign/", sign_data(email=address)).status_code == 302
    )
    after = outputs(campaign, summary=True)
    for url in before:
        assert before[url] == after[url], url
    assert_snapshot_counts_only_confirmed(campaign)


def test_reports_are_not_deduplicated_so_their_reported_figures_reveal_no_address(client):
    campaign = open_urgent_action()
    url = f"/en/c/{campaign.slug}/report/"
    for _ in range(2):
        report_on(client, url, (ambassador(), "email"), **sign_data(email="known@example.org"))
    page = client.get(f"/en/c/{campaign.slug}/summary/").content.decode()
    assert 'data-testid="reported">2<' in page
