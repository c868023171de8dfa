"""Mail keeps pace: connections are reused across messages, a worker sends
over several at once, and any number of workers take disjoint batches."""

import collections
import socket
from datetime import timedelta

import pytest
from django.utils import timezone

from hamsada.outbox import actions as outbox
from hamsada.outbox.models import Message
from tests.conftest import start_worker, stop_worker
from tests.factories import open_petition, pending_signature
from tests.helpers import wait_for


def sign_up(campaign, count):
    return [pending_signature(campaign, email=f"s{n}@example.org") for n in range(count)]


@pytest.mark.django_db
def test_one_sender_keeps_one_connection_for_its_whole_batch(petition, smtp_mailer):
    sign_up(petition, 6)
    now = timezone.now()
    outbox.send_claimed(outbox.claim_due_messages(now), now)
    assert len(smtp_mailer.messages) == 6
    assert smtp_mailer.greetings == 1


@pytest.mark.django_db(transaction=True)
def test_several_senders_share_a_batch_each_over_its_own_connection(smtp_mailer):
    sign_up(open_petition(), 9)
    now = timezone.now()
    outbox.send_claimed(outbox.claim_due_messages(now), now, senders=3)
    assert sorted(m["To"] for m in smtp_mailer.messages) == sorted(
        f"s{n}@example.org" for n in range(9)
    )
    assert smtp_mailer.greetings == 3
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db(transaction=True)
def test_a_connection_that_failed_is_not_used_for_the_next_message(smtp_mailer, monkeypatch):
    sign_up(open_petition(), 3)
    sent = []
    real_send = outbox.EmailTransport.send

    def drop_the_second(self, emails):
        sent.append(emails[0].to[0])
        if len(sent) == 2:
            # The relay hangs up mid-session.
            self.mailer.connection.sock.shutdown(socket.SHUT_RDWR)
        return real_send(self, emails)

    monkeypatch.setattr(outbox.EmailTransport, "send", drop_the_second)
    now = timezone.now()
    outbox.send_claimed(outbox.claim_due_messages(now), now)
    statuses = list(Message.objects.order_by("pk").values_list("status", flat=True))
    # The second goes back to the queue with the rest of the batch, nothing lost,
    # and the next batch opens a new connection.
    assert statuses == ["sent", "queued", "queued"]
    later = timezone.now() + timedelta(minutes=5)
    outbox.send_claimed(outbox.claim_due_messages(later), later)
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    assert smtp_mailer.greetings == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_every_message_exactly_once(smtp_server, live_server):
    campaign = open_petition()
    sign_up(campaign, 120)
    workers = [start_worker(smtp_server, live_server) for _ in range(2)]
    try:
        wait_for(lambda: len(smtp_server.messages) >= 120, timeout=120)
        wait_for(lambda: not Message.objects.exclude(status="sent").exists(), timeout=60)
    finally:
        for process in workers:
            stop_worker(process)
    ids = collections.Counter(message["Message-ID"] for message in smtp_server.messages)
    assert len(ids) == 120 and set(ids.values()) == {1}
    # Each kept its connections open: far fewer greetings than messages.
    assert smtp_server.greetings <= 2 * 4 * 6
