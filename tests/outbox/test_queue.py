"""One queue for everything the instance sends: a priority per kind, one
per-act cap for acknowledgements, and a handler per kind that the owning
app registers."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from hamsada.organizations.roles import Role
from hamsada.outbox import actions as outbox
from hamsada.outbox.models import Message
from hamsada.participation.actions import announce_event, confirm_act
from hamsada.participation.models import Act
from tests.factories import confirmed_signature, organiser, pending_signature
from tests.helpers import log_in, send_due

pytestmark = pytest.mark.django_db


def test_a_confirmation_goes_before_updates_queued_earlier(petition):
    event = petition.events.get()  # the launch
    for n in range(3):
        act = confirmed_signature(petition, email=f"s{n}@example.org")
        Act.objects.filter(pk=act.pk).update(wants_updates=True)
    Message.objects.update(status=Message.Status.SENT)
    announce_event(event, timezone.now() - timedelta(minutes=5))
    pending_signature(petition, email="new@example.org")
    claimed = outbox.claim_due_messages(timezone.now(), limit=2)
    assert [m.kind for m in claimed] == ["confirm", "update"]


def test_acknowledgements_count_against_the_cap_but_receipts_and_updates_do_not(petition, settings):
    settings.MAX_EMAILS_PER_ACT = 2
    act = pending_signature(petition)  # the confirmation: 1
    pending_signature(petition)  # already signed: 2
    pending_signature(petition)  # over the cap: nothing queued
    assert Message.objects.filter(act=act).count() == 2
    confirm_act(act.pk, timezone.now())
    Act.objects.filter(pk=act.pk).update(wants_updates=True)
    announce_event(petition.events.get(), timezone.now())
    kinds = sorted(Message.objects.filter(act=act).values_list("kind", flat=True))
    assert kinds == ["already_signed", "confirm", "receipt", "update"]


def test_a_renderer_can_skip_a_message_and_its_reason_is_kept(petition):
    act = pending_signature(petition)
    Act.objects.filter(pk=act.pk).update(email_encrypted="")
    send_due()
    message = Message.objects.get(act=act)
    assert (message.status, message.last_error) == ("failed", "address erased before sending")
    assert mail.outbox == []


def test_a_kind_no_app_registered_fails_with_a_reason_instead_of_stopping_the_queue(
    petition, monkeypatch
):
    monkeypatch.delitem(outbox.HANDLERS, Message.Kind.CONFIRM)
    pending_signature(petition, email="a@example.org")
    send_due()
    message = Message.objects.get()
    assert (message.status, message.last_error) == ("failed", "nothing sends confirm")


def test_another_transport_registers_its_own_send(petition, monkeypatch):
    sent = []

    class Webhook:
        def send(self, items):
            sent.extend(items)

        def close(self):
            sent.append("closed")

    monkeypatch.setitem(
        outbox.HANDLERS,
        Message.Kind.CONFIRM,
        outbox.Handler(render=lambda message: f"call for {message.pk}", transport=Webhook),
    )
    pending_signature(petition)
    send_due()
    message = Message.objects.get()
    assert sent == [f"call for {message.pk}", "closed"] and message.status == "sent"


def test_organisers_see_the_queue_its_oldest_message_and_failures_by_reason(
    client, petition, django_user_model
):
    for n in range(3):
        pending_signature(petition, email=f"w{n}@example.org")
    act = pending_signature(petition, email="gone@example.org")
    Act.objects.filter(pk=act.pk).update(email_encrypted="")
    Message.objects.filter(act=act).update(created_at=timezone.now() - timedelta(hours=2))
    send_due()  # sends the three, fails the fourth
    for n in range(2):
        pending_signature(petition, email=f"later{n}@example.org")
    Message.objects.filter(status="queued").update(created_at=timezone.now() - timedelta(hours=3))
    summary = outbox_summary()
    assert (summary["waiting"], summary["sent_last_day"], summary["failed_last_day"]) == (2, 3, 1)
    assert summary["failures_by_reason"] == [("address erased before sending", 1)]
    assert summary["waiting_by_kind"] == {"confirm": 2}

    log_in(client, organiser("watcher", petition.organization, Role.CAMPAIGNER))
    page = client.get("/fa/admin/outbox/message/").content.decode()
    assert 'data-testid="waiting">۲<' in page and 'data-testid="failed">۱<' in page
    assert "address erased before sending" in page
    english = client.get("/en/admin/outbox/message/").content.decode()
    assert "Oldest waiting since" in english and "3\xa0hours" in english


def outbox_summary():
    from hamsada.outbox.models import queue_summary

    return queue_summary(timezone.now())
