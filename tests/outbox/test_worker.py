"""Sign, receive the email from a real SMTP server, follow its link, see the count:
with the real worker process in between."""

import re

import pytest
from django.test import Client

from hamsada.keys.digests import act_digest
from hamsada.participation.models import Act
from hamsada.tally.models import totals
from tests.factories import open_petition, sign_data
from tests.helpers import link_in, text_of, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_receive_email_confirm_and_see_the_count(worker, smtp_server):
    petition = open_petition()
    client = Client()
    assert client.post("/en/c/free-the-teachers/sign/", sign_data()).status_code == 302
    [message] = wait_for(lambda: smtp_server.messages)
    assert "Please confirm your signature" in message["Subject"]
    confirm = link_in(message, "confirm")
    path = re.sub(r"^https?://[^/]+", "", confirm)
    confirmed = client.post(path)
    assert confirmed.status_code == 200
    receipt = confirmed.content.decode().split('data-testid="receipt">')[1].split("<")[0]
    assert totals(petition.pk) == {"confirmed": 1, "pending": 0}
    [_, receipt_email] = wait_for(lambda: len(smtp_server.messages) == 2 and smtp_server.messages)
    assert receipt in text_of(receipt_email)
    page = client.get("/en/c/free-the-teachers/").content.decode()
    assert 'data-testid="confirmed-total">1<' in page


def test_the_worker_stops_cleanly_on_sigterm(worker):
    worker.terminate()
    assert worker.wait(timeout=20) == 0


def test_an_address_refused_for_good_is_marked_by_the_real_worker(worker, smtp_server):
    petition = open_petition()
    smtp_server.refuse_recipient("gone@example.org", "550 5.1.1 <gone@example.org>: no such user")
    client = Client()
    client.post("/en/c/free-the-teachers/sign/", sign_data(email="gone@example.org"))
    client.post("/en/c/free-the-teachers/sign/", sign_data(email="ada@example.org"))
    gone = Act.objects.get(email_digest=act_digest(petition.pk, "gone@example.org"))
    wait_for(lambda: Act.objects.filter(pk=gone.pk, undeliverable="bounced").exists())
    wait_for(lambda: smtp_server.messages)
    assert [to for to, _raw in smtp_server.received] == [["ada@example.org"]]
    # Signing again later sends nothing to it: the address is suppressed.
    other = open_petition(slug="another")
    client.post(f"/en/c/{other.slug}/sign/", sign_data(email="gone@example.org"))
    again = Act.objects.get(campaign=other)
    wait_for(lambda: Act.objects.filter(pk=again.pk, undeliverable="bounced").exists())
    assert len(smtp_server.received) == 1
