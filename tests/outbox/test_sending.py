from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from hamsada.lib.text import isolate
from hamsada.outbox.actions import claim_due_messages, send_claimed
from hamsada.outbox.models import Message
from hamsada.participation.actions import withdraw_act
from tests.factories import pending_signature
from tests.helpers import html_of, link_in, send_due, text_of

pytestmark = pytest.mark.django_db


def test_the_confirmation_email_is_in_the_signer_language_and_direction(petition):
    pending_signature(petition, language="fa", name="Ada")
    send_due()
    [email] = mail.outbox
    assert email.to == ["ada@example.org"]
    assert "معلمان را آزاد کنید" in email.subject
    html = email.alternatives[0].content
    assert '<html lang="fa" dir="rtl">' in html
    assert "/fa/confirm/" in email.body
    assert "/fa/withdraw/" in email.body


def test_pashto_email_is_right_to_left(petition):
    pending_signature(petition, language="ps")
    send_due()
    assert 'dir="rtl"' in mail.outbox[0].alternatives[0].content
    assert "ښوونکي خوشې کړئ" in mail.outbox[0].subject


def test_a_message_is_claimed_by_one_worker_only(petition):
    pending_signature(petition)
    now = timezone.now()
    assert len(claim_due_messages(now)) == 1
    assert claim_due_messages(now) == []


def test_a_message_left_by_a_dead_worker_is_claimed_again_after_its_lease(petition):
    pending_signature(petition)
    now = timezone.now()
    claim_due_messages(now)  # this worker dies before sending
    assert claim_due_messages(now + timedelta(minutes=1)) == []
    [message] = claim_due_messages(now + timedelta(minutes=6))
    send_claimed([message], now + timedelta(minutes=6))
    assert len(mail.outbox) == 1
    assert Message.objects.get().attempts == 2


def test_sent_over_real_smtp_with_a_stable_message_id(smtp_mailer, petition):
    pending_signature(petition)
    send_due()
    [received] = smtp_mailer.messages
    message = Message.objects.get()
    assert message.status == Message.Status.SENT
    assert received["Message-ID"] == message.message_id
    assert "/en/confirm/" in link_in(received, "confirm")
    assert "Confirm my signature" in html_of(received)
    assert "ada@example.org" in received["To"]
    assert text_of(received)


def test_a_temporary_smtp_failure_is_retried_with_back_off(smtp_mailer, petition):
    pending_signature(petition)
    smtp_mailer.refuse("451 4.3.0 Mailbox busy, try again later")
    now = timezone.now()
    send_due(now)
    message = Message.objects.get()
    assert message.status == Message.Status.QUEUED
    assert message.next_attempt_at == now + timedelta(seconds=30)
    assert "451" in message.last_error
    send_due(now + timedelta(seconds=10))  # not due yet
    assert Message.objects.get().attempts == 1
    send_due(now + timedelta(seconds=31))
    assert Message.objects.get().next_attempt_at == now + timedelta(seconds=31 + 60)
    smtp_mailer.refuse(None)
    send_due(now + timedelta(seconds=92))
    assert Message.objects.get().status == Message.Status.SENT
    assert len(smtp_mailer.messages) == 1


def test_a_permanent_smtp_failure_is_recorded_and_not_retried(smtp_mailer, petition):
    pending_signature(petition)
    smtp_mailer.refuse("550 5.1.1 <ada@example.org>: No such mailbox")
    send_due()
    message = Message.objects.get()
    assert message.status == Message.Status.FAILED
    assert "550" in message.last_error
    assert "ada@example.org" not in message.last_error
    assert claim_due_messages(timezone.now() + timedelta(days=1)) == []


def test_an_unreachable_server_is_a_temporary_failure(settings, petition):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    pending_signature(petition)
    send_due()
    assert Message.objects.get().status == Message.Status.QUEUED


def test_an_unreachable_server_is_tried_once_per_batch(settings, petition):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    for n in range(3):
        pending_signature(petition, email=f"s{n}@example.org")
    now = timezone.now()
    send_claimed(claim_due_messages(now), now)
    messages = Message.objects.order_by("pk")
    assert [m.status for m in messages] == ["queued"] * 3
    assert [m.attempts for m in messages] == [1, 0, 0]
    assert [bool(m.last_error) for m in messages] == [True, False, False]
    assert all(m.next_attempt_at > now for m in messages)


def test_no_email_goes_to_an_address_erased_before_sending(petition):
    act = pending_signature(petition)
    withdraw_act(act.pk, timezone.now())
    send_due()
    assert mail.outbox == []
    assert Message.objects.get().status == Message.Status.FAILED


@pytest.mark.parametrize("language", ["en", "fa", "ps"])
def test_the_email_reads_in_its_language_and_direction_in_both_parts(
    smtp_mailer, petition, language
):
    text = petition.texts.get(language=language)
    text.title = f"UA 118.20: {text.title}"  # a title that begins with Latin letters
    text.save()
    pending_signature(petition, language=language, name="Mariam Ahmadi")
    send_due()
    [received] = smtp_mailer.messages
    assert received["Content-Language"] == language
    body, html = text_of(received), html_of(received)
    with translation.override(language):
        greeting = gettext("Hello %(name)s,") % {"name": isolate("Mariam Ahmadi")}
        withdraw = gettext("To withdraw your signature at any time, open this link:")
        direction = "rtl" if translation.get_language_bidi() else "ltr"
    title = isolate(text.title)
    in_order = [greeting, title, f"/{language}/confirm/", withdraw, f"/{language}/withdraw/"]
    positions = [body.find(part) for part in in_order]
    assert -1 not in positions and positions == sorted(positions), body
    lines = [line for line in body.splitlines() if line.strip()]
    links = [line for line in lines if line.startswith("http")]
    assert len(links) == 2  # links stay left to right, alone on their lines
    others = [line for line in lines if line not in links]
    assert all(line.startswith("\u200f") == (direction == "rtl") for line in others), others
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert f'<body dir="{direction}"' in html
    assert f"<bdi>{text.title}</bdi>" in html and "<bdi>Mariam Ahmadi</bdi>" in html
    assert html.find(gettext_in(language, "Confirm my signature")) > html.find(text.title)


def gettext_in(language, message):
    with translation.override(language):
        return gettext(message)
