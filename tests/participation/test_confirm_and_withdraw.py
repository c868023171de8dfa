import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from hamsada.campaigns.actions import close_campaign
from hamsada.participation.actions import confirm_act
from hamsada.participation.models import Act
from hamsada.participation.recount import recount
from hamsada.participation.tokens import make_token
from hamsada.tally.models import Tally, totals
from tests.factories import confirmed_signature, open_petition, pending_signature, sign_data
from tests.helpers import confirm_url, withdraw_url

pytestmark = pytest.mark.django_db


def test_opening_the_link_only_asks_mail_scanners_cannot_confirm(client, petition):
    act = pending_signature(petition)
    response = client.get(confirm_url(act))
    assert response.status_code == 200
    assert "Confirm my signature" in response.content.decode()
    act.refresh_from_db()
    assert act.status == Act.Status.PENDING


def test_confirming_counts_the_signature_and_thanks(client, petition):
    act = pending_signature(petition, country="AF")
    response = client.post(confirm_url(act))
    assert response.status_code == 200  # not a redirect: the receipt is shown this once
    page = response.content.decode()
    assert "your signature is confirmed and counted" in page
    assert "https://t.me/share/url?url=" in page
    act.refresh_from_db()
    assert act.status == Act.Status.CONFIRMED
    assert totals(petition.pk) == {"confirmed": 1, "pending": 0}
    assert Tally.objects.get(campaign=petition, country="AF").confirmed == 1


def test_confirming_twice_counts_once(client, petition):
    act = pending_signature(petition)
    client.post(confirm_url(act))
    response = client.post(confirm_url(act), follow=True)
    assert response.status_code == 200
    assert totals(petition.pk) == {"confirmed": 1, "pending": 0}
    assert recount(repair=False) == []


def test_confirm_action_changes_the_row_only_once(petition):
    act = pending_signature(petition)
    now = timezone.now()
    assert confirm_act(act.pk, now)[1] is True
    assert confirm_act(act.pk, now)[1] is False
    assert totals(petition.pk)["confirmed"] == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_confirmations_count_once():
    petition = open_petition()
    act = pending_signature(petition)
    url = confirm_url(act)
    start = threading.Barrier(6)
    statuses = []

    def click():
        start.wait()
        statuses.append(Client().post(url).status_code)
        connection.close()

    threads = [threading.Thread(target=click) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # One request confirmed (and shows the receipt); the others find it done.
    assert sorted(statuses) == [200] + [302] * 5
    assert totals(petition.pk) == {"confirmed": 1, "pending": 0}
    assert recount(repair=False) == []


def test_a_forged_link_changes_nothing(client, petition):
    act = pending_signature(petition)
    token = make_token(act, "confirm")
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for url in [f"/en/confirm/{forged}/", "/en/confirm/1/", f"/en/confirm/{'x' * 400}/"]:
        response = client.post(url)
        assert response.status_code == 400
        assert "does not work" in response.content.decode()
    assert totals(petition.pk)["confirmed"] == 0


def test_a_withdraw_link_cannot_confirm(client, petition):
    act = pending_signature(petition)
    response = client.post(f"/en/confirm/{make_token(act, 'withdraw')}/")
    assert response.status_code == 400
    assert totals(petition.pk)["confirmed"] == 0


def test_an_expired_link_says_so_and_changes_nothing(client, petition, settings):
    act = pending_signature(petition)
    url = confirm_url(act)
    settings.CONFIRM_LINK_MAX_AGE = -1
    response = client.post(url)
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert totals(petition.pk)["confirmed"] == 0


def test_withdrawing_uncounts_and_erases_personal_data(client, petition):
    act = confirmed_signature(petition, name="Ada", country="AF", show_name=True)
    assert client.get(withdraw_url(act)).status_code == 200
    act.refresh_from_db()
    assert act.status == Act.Status.CONFIRMED  # opening the link alone changes nothing
    response = client.post(withdraw_url(act))
    assert "Your signature is withdrawn" in response.content.decode()
    act.refresh_from_db()
    assert act.status == Act.Status.WITHDRAWN
    assert (act.name, act.email_encrypted, act.email_digest, act.country, act.show_name) == (
        "",
        "",
        None,
        "",
        False,
    )
    assert act.withdrawn_at is not None
    assert totals(petition.pk) == {"confirmed": 0, "pending": 0}
    assert recount(repair=False) == []


def test_withdrawing_a_pending_signature_uncounts_it_from_pending(client, petition):
    act = pending_signature(petition)
    client.post(withdraw_url(act))
    assert totals(petition.pk) == {"confirmed": 0, "pending": 0}


def test_withdrawing_twice_uncounts_once(client, petition):
    act = confirmed_signature(petition)
    confirmed_signature(petition, email="other@example.org")
    client.post(withdraw_url(act))
    client.post(withdraw_url(act))
    assert totals(petition.pk)["confirmed"] == 1


def test_a_withdrawn_signature_cannot_be_confirmed_but_the_address_can_sign_again(client, petition):
    act = pending_signature(petition)
    client.post(withdraw_url(act))
    response = client.post(confirm_url(act))
    assert response.status_code == 410
    assert totals(petition.pk)["confirmed"] == 0
    client.post("/en/c/free-the-teachers/sign/", sign_data(email="ada@example.org"))
    assert Act.objects.filter(status=Act.Status.PENDING).count() == 1


def test_links_keep_working_after_the_petition_closes(client, petition):
    act = pending_signature(petition)
    close_campaign(petition, timezone.now() + timedelta(seconds=1))
    client.post(confirm_url(act))
    assert totals(petition.pk)["confirmed"] == 1
