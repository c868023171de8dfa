"""Queueing and sending email. The outbox table is the queue."""

import logging
import re
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.db.models import F, Q

from hamsada.outbox.emails import render_delivery, render_message
from hamsada.outbox.models import Message
from hamsada.participation.models import Act

log = logging.getLogger(__name__)
ADDRESS = re.compile(r"[^\s<>'\"]+@[^\s<>'\"]+")
MAX_ATTEMPTS = 10
# The server is not there at all, as opposed to refusing one message.
UNREACHABLE = (
    ConnectionError,
    TimeoutError,
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
)


def queue_email(act, kind, now):
    """Queues one email about act, unless the act already had its share.

    Call inside the act's transaction: the message commits with the act or not
    at all. Counts against MAX_EMAILS_PER_ACT with a conditional UPDATE, so no
    address gets more than that many emails for one act, however often it signs.
    Returns the Message, or None when the limit is reached.
    """
    allowed = Act.objects.filter(pk=act.pk, emails_sent__lt=settings.MAX_EMAILS_PER_ACT).update(
        emails_sent=F("emails_sent") + 1
    )
    if not allowed:
        return None
    return Message.objects.create(
        act=act, kind=kind, language=act.language, next_attempt_at=now, created_at=now
    )


def claim_due_messages(now, limit=20):
    """Claims up to limit messages that are due, each for exactly one worker.

    Also reclaims messages whose lease ran out (a worker died while sending).
    """
    due = Message.objects.filter(
        Q(status=Message.Status.QUEUED) | Q(status=Message.Status.SENDING),
        next_attempt_at__lte=now,
    ).order_by("next_attempt_at")[:limit]
    claimed = []
    # One short write transaction for the batch: on SQLite, writes outside a
    # transaction would contend with signers in SQLite's busy loop.
    with transaction.atomic():
        for message in due:
            won = Message.objects.filter(
                pk=message.pk, status=message.status, next_attempt_at=message.next_attempt_at
            ).update(
                status=Message.Status.SENDING,
                next_attempt_at=now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS),
                attempts=F("attempts") + 1,
            )
            if won:
                message.attempts += 1
                claimed.append(message)
    return claimed


def is_permanent(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _text in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def send_claimed(messages, now):
    """Sends claimed messages in turn. When the mail server cannot be reached,
    the rest go back to the queue untried, instead of each failing in turn."""
    for index, message in enumerate(messages):
        if not send_message(message, now):
            rest = [later.pk for later in messages[index + 1 :]]
            with transaction.atomic():
                Message.objects.filter(pk__in=rest).update(
                    status=Message.Status.QUEUED,
                    next_attempt_at=now + timedelta(seconds=settings.OUTBOX_RETRY_SECONDS),
                    attempts=F("attempts") - 1,  # claimed, but not tried
                )
            return


def send_message(message, now):
    """Sends one claimed message; records success, a retry with back-off, or failure.

    Returns False when the mail server could not be reached at all.
    """
    if message.kind == Message.Kind.DELIVERY:
        return deliver(message, now, render_delivery(message))
    act = Act.objects.select_related("campaign").get(pk=message.act_id)
    if not act.email_encrypted:
        finish(message, Message.Status.FAILED, now, error="address erased before sending")
        return True
    if message.kind == Message.Kind.UPDATE and not act.wants_updates:
        finish(message, Message.Status.FAILED, now, error="updates stopped before sending")
        return True
    return deliver(message, now, render_message(message, act))


def deliver(message, now, email):
    """Hands one rendered email to the mail server and records what happened."""
    try:
        mailers.default.send_messages([email])
    except (smtplib.SMTPException, OSError) as error:
        # Servers quote the address back ("550 <ada@…>: no such user"); it must
        # not end up in the database unencrypted.
        text = ADDRESS.sub("<address>", f"{type(error).__name__}: {error}")[:300]
        if is_permanent(error) or message.attempts >= MAX_ATTEMPTS:
            log.warning("email %s failed for good: %s", message.pk, type(error).__name__)
            finish(message, Message.Status.FAILED, now, error=text)
        else:
            first = settings.OUTBOX_RETRY_SECONDS
            delay = timedelta(seconds=min(first * 2 ** (message.attempts - 1), 6 * 3600))
            log.warning("email %s: %s; retrying in %s", message.pk, type(error).__name__, delay)
            with transaction.atomic():
                Message.objects.filter(pk=message.pk).update(
                    status=Message.Status.QUEUED, next_attempt_at=now + delay, last_error=text
                )
        return not isinstance(error, UNREACHABLE)
    finish(message, Message.Status.SENT, now)
    return True


def finish(message, status, now, error=""):
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(
            status=status,
            sent_at=now if status == Message.Status.SENT else None,
            last_error=error,
            secret="",  # a receipt code is kept no longer than its one email needs
        )
