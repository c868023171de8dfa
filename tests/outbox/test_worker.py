"""Sign, receive the email from a real SMTP server, follow its link, see the count:
with the real worker process in between."""

import re

import pytest
from django.test import Client

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
