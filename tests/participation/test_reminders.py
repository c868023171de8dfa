"""One reminder to confirm, a day after signing: once, never after
confirmation or withdrawal, within the per-act cap."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from hamsada.outbox.models import Message
from hamsada.participation import intake
from hamsada.participation.actions import confirm_act, send_reminders, withdraw_act
from hamsada.participation.models import Act
from tests.factories import ambassador, open_urgent_action, pending_signature
from tests.helpers import send_due

pytestmark = pytest.mark.django_db

A_DAY_LATER = timedelta(hours=24, minutes=1)


def signed(petition, email, hours_ago=0):
    act = pending_signature(petition, email=email)
    Act.objects.filter(pk=act.pk).update(created_at=timezone.now() - timedelta(hours=hours_ago))
    return act


def test_an_unconfirmed_signer_is_reminded_once_after_a_day(petition):
    act = signed(petition, "ada@example.org")
    assert send_reminders(timezone.now()) == 0  # not yet
    later = timezone.now() + A_DAY_LATER
    assert send_reminders(later) == 1
    assert send_reminders(later + timedelta(days=1)) == 0  # once
    send_due(later)
    reminder = next(m for m in mail.outbox if "reminder" in m.subject.lower())
    assert reminder.subject == "A reminder to confirm: Free the teachers"
    assert "/en/confirm/" in reminder.body and reminder.to == ["ada@example.org"]
    assert "A reminder, sent once" in reminder.body
    assert "A reminder, sent once" in reminder.alternatives[0].content
    assert Act.objects.get(pk=act.pk).reminded_at == later


def test_no_reminder_after_confirming_or_withdrawing(petition):
    confirmed = signed(petition, "yes@example.org")
    withdrawn = signed(petition, "no@example.org")
    confirm_act(confirmed.pk, timezone.now())
    withdraw_act(withdrawn.pk, timezone.now())
    assert send_reminders(timezone.now() + A_DAY_LATER) == 0


def test_a_reminder_queued_but_not_yet_sent_when_the_supporter_confirms_is_dropped(petition):
    act = signed(petition, "ada@example.org")
    later = timezone.now() + A_DAY_LATER
    send_reminders(later)
    confirm_act(act.pk, later)
    send_due(later)
    reminder = Message.objects.get(act=act, kind=Message.Kind.REMINDER)
    assert reminder.status == "failed"
    assert reminder.last_error == "confirmed or withdrawn before the reminder was sent"


def test_the_reminder_counts_against_the_cap(petition, settings):
    settings.MAX_EMAILS_PER_ACT = 2
    act = signed(petition, "ada@example.org")
    pending_signature(petition, email="ada@example.org")  # already signed: the cap is reached
    assert send_reminders(timezone.now() + A_DAY_LATER) == 0
    assert not Message.objects.filter(act=act, kind=Message.Kind.REMINDER).exists()


def test_reports_and_long_forgotten_signatures_get_no_reminder(petition):
    open_urgent_action()
    intake.submit(
        intake.REPORT,
        "ua-defender-detained",
        {"actions": [f"{ambassador().pk}:email"], "email": "r@example.org", "consent": "on"},
        language="en",
        now=timezone.now(),
        client="x",
    )
    signed(petition, "old@example.org", hours_ago=24 * 30)
    assert sorted(Act.objects.values_list("kind", flat=True)) == ["report", "signature"]
    assert send_reminders(timezone.now() + A_DAY_LATER) == 0
