"""Mail keeps pace: connections are reused across messages, a worker sends
over several at once, and any number of workers take disjoint batches."""

import asyncio
import collections
import socket
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from hamsada.ops.mailsink import Recorder, SMTPServer
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
def test_a_connection_that_went_away_is_replaced_at_once(smtp_mailer, monkeypatch):
    sign_up(open_petition(), 3)
    sent = []
    real_send = outbox.EmailTransport.send

    def drop_the_second(self, emails):
        sent.append(emails[0].to[0])
        if len(sent) == 2:
            # The relay hangs up mid-session (an idle timeout, a restart).
            self.mailer.connection.sock.shutdown(socket.SHUT_RDWR)
        return real_send(self, emails)

    monkeypatch.setattr(outbox.EmailTransport, "send", drop_the_second)
    now = timezone.now()
    outbox.send_claimed(outbox.claim_due_messages(now), now)
    # The second is sent again at once over a new connection, which the third uses too.
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    assert len(smtp_mailer.messages) == 3
    assert smtp_mailer.greetings == 2


@pytest.mark.django_db
def test_connections_stay_open_between_batches_until_the_queue_has_been_idle(smtp_mailer):
    petition = open_petition()
    senders = outbox.Senders(1)
    try:
        for n in range(3):
            pending_signature(petition, email=f"s{n}@example.org")
            now = timezone.now()
            senders.send(outbox.claim_due_messages(now), now)
            senders.send([], now)  # a poll that finds nothing
        assert smtp_mailer.greetings == 1
        senders.busy_at -= outbox.IDLE_SECONDS + 1
        senders.send([], timezone.now())
        assert senders.transports == [{}]
    finally:
        senders.stop()


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


class UnreliableRelay(Recorder):
    """A relay that says "try later" to every tenth recipient, hangs up during
    every 25th message (before accepting it), once hangs up just after keeping
    a message (the reply is lost: the one case where a message arrives twice),
    and takes its time over every 15th."""

    def __init__(self):
        super().__init__()
        self.recipients = self.data = 0
        self.kept_then_hung_up = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.recipients += 1
        if self.recipients % 10 == 0:
            return "451 4.3.0 Try again later"
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server, session, envelope):
        self.data += 1
        if self.data % 15 == 0:
            await asyncio.sleep(2)
        if self.data % 25 == 0:
            server.transport.close()
            return "421 4.4.2 Closing"
        if self.data == 7:
            await super().handle_DATA(server, session, envelope)
            self.kept_then_hung_up += 1
            server.transport.close()
            return "421 4.4.2 Closing"
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.django_db(transaction=True)
def test_an_unreliable_relay_loses_nothing_and_duplicates_only_what_it_kept_silently(
    live_server,
):
    with SMTPServer(UnreliableRelay()) as relay:
        sign_up(open_petition(), 80)
        worker = start_worker(relay, live_server, HAMSADA_OUTBOX_RETRY_SECONDS="1")
        try:
            wait_for(lambda: not Message.objects.exclude(status="sent").exists(), timeout=180)
        finally:
            stop_worker(worker)
    ids = collections.Counter(message["Message-ID"] for message in relay.messages)
    assert len(ids) == 80  # every message arrived
    duplicates = sum(n - 1 for n in ids.values())
    assert duplicates == relay.recorder.kept_then_hung_up == 1


@pytest.mark.django_db
def test_pacing_holds_back_a_busy_domain_and_lets_the_others_go(smtp_mailer, settings):
    settings.MAIL_DOMAIN_LIMITS = {"busy.example": 2}
    petition = open_petition()
    for n in range(4):
        pending_signature(petition, email=f"s{n}@busy.example")
    pending_signature(petition, email="ada@quiet.example")
    now = timezone.now()
    outbox.send_claimed(outbox.claim_due_messages(now), now)
    sent_to = sorted(to[0].split("@")[1] for to, _raw in smtp_mailer.received)
    assert sent_to == ["busy.example", "busy.example", "quiet.example"]
    held = Message.objects.filter(status=Message.Status.QUEUED)
    assert held.count() == 2
    assert all(m.next_attempt_at > now and m.attempts == 0 and not m.last_error for m in held)
    # Nothing due before the pause is over; then the minute's count starts again.
    assert outbox.claim_due_messages(now + timedelta(seconds=5)) == []
    cache.clear()
    later = now + timedelta(seconds=20)
    outbox.send_claimed(outbox.claim_due_messages(later), later)
    assert len(smtp_mailer.received) == 5


@pytest.mark.django_db
def test_a_refused_recipient_does_not_cost_the_connection(smtp_mailer):
    smtp_mailer.refuse_recipient("s1@example.org", "451 4.3.0 Try again later")
    sign_up(open_petition(), 3)
    now = timezone.now()
    outbox.send_claimed(outbox.claim_due_messages(now), now)
    assert len(smtp_mailer.messages) == 2
    assert smtp_mailer.greetings == 1
