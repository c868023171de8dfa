"""From signatures to a delivered, verifiable count, through the real web
views, the real worker (its own processes) and the real mail server."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from hamsada.delivery.models import Package
from hamsada.lib.crypto import public_key
from hamsada.snapshots.actions import take_snapshot
from hamsada.tally.models import Snapshot
from tests.factories import open_petition, sign_data
from tests.helpers import hamsada_verify, link_in, text_of, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = [("مریم رحیمی", "AF"), ("زرغونه یوسفزۍ", "PK"), ("Ada Lovelace", "GB")]


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


def test_signatures_to_a_verified_delivery(worker, smtp_server, tmp_path):
    petition = open_petition()
    receipts = []
    for number, (name, country) in enumerate(PEOPLE):
        client = Client()
        email = f"person{number}@example.org"
        data = sign_data(name=name, email=email, country=country, show_name="on")
        assert client.post("/fa/c/free-the-teachers/sign/", data).status_code == 302
        message = wait_for(lambda e=email: next(
            (m for m in smtp_server.messages if m["To"] == e and "/confirm/" in text_of(m)), None
        ))  # fmt: skip
        page = client.post(path_of(link_in(message, "confirm"))).content.decode()
        receipts.append(page.split('data-testid="receipt">')[1].split("<")[0])
    withdraw_link = link_in(message, "withdraw")  # Ada's

    package = Package.objects.create(campaign=petition, language="fa", requested_at=timezone.now())
    built = wait_for(
        lambda: Package.objects.filter(pk=package.pk, status__in=["ready", "failed"]).first()
    )
    assert built.status == "ready", built.error
    path = tmp_path / "delivery.json"
    path.write_bytes(built.json)
    status, output = hamsada_verify(path, "--receipt", receipts[0], "--key", public_key())
    assert status == 0 and "This receipt is counted" in output, output

    page = Client().post("/fa/c/free-the-teachers/verify/", {"receipt": receipts[1]})
    assert "رسید شما در سند شمارش" in page.content.decode()

    assert Client().post(path_of(withdraw_link)).status_code == 200
    after = take_snapshot(petition, Snapshot.Reason.REQUESTED, timezone.now())
    assert after.statement["receipts"]["removed"] == {"withdrawn": 1, "invalidated": 0}
    assert after.statement["receipts"]["count"] == 2
    assert after.statement["previous"] == built.snapshot.digest
