"""/healthz, for a monitor: the database, the worker's heartbeat, the oldest
queued email, and forwarded headers from a peer that is not trusted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hamsada.ops.health import STALE_SECONDS, beat
from hamsada.ops.models import Heartbeat
from hamsada.outbox.models import Message
from tests.factories import pending_signature
from tests.helpers import wait_for

pytestmark = pytest.mark.django_db


def test_without_a_worker_the_instance_is_not_well(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker_heartbeat_age_seconds"] is None
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_recent_heartbeat_and_the_oldest_queued_email(client, petition):
    beat(timezone.now() - timedelta(seconds=5))
    pending_signature(petition)
    Message.objects.update(created_at=timezone.now() - timedelta(minutes=3))
    figures = client.get("/healthz").json()
    assert figures["ok"] and figures["database"]
    assert 5 <= figures["worker_heartbeat_age_seconds"] < 15
    assert 180 <= figures["oldest_queued_email_age_seconds"] < 190


def test_a_silent_worker_makes_it_unwell(client):
    Heartbeat.objects.create(
        worker="gone:1", beat_at=timezone.now() - timedelta(seconds=STALE_SECONDS + 1)
    )
    assert client.get("/healthz").status_code == 503


def test_forwarded_headers_from_an_untrusted_peer_are_flagged(client, settings):
    settings.TRUSTED_PROXIES = ()
    assert not client.get("/healthz").json()["untrusted_forwarding_seen"]
    client.get("/en/", HTTP_X_FORWARDED_FOR="198.51.100.7")
    client.post("/en/c/nothing/sign/", {}, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client.get("/healthz").json()["untrusted_forwarding_seen"]


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_beats(client, worker):
    wait_for(lambda: client.get("/healthz").status_code == 200, timeout=30)
