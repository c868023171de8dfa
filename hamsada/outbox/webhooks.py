"""Bounces and complaints reported by a mail provider's tracking webhooks.

Anymail checks each request (its signature, or the shared secret) and turns
the provider's own format into a tracking event; this receives those events.
"""

from anymail.signals import EventType, RejectReason
from django.db import transaction
from django.utils import timezone

from hamsada.outbox.actions import about_the_address, suppress, undeliverable
from hamsada.outbox.models import Message, Suppression

REASONS = {
    EventType.BOUNCED: Suppression.Reason.BOUNCED,  # a permanent failure
    EventType.COMPLAINED: Suppression.Reason.COMPLAINED,
}
# Refused before sending, because the provider already knows the address is bad.
REJECTED_BECAUSE = {
    RejectReason.BOUNCED: Suppression.Reason.BOUNCED,
    RejectReason.INVALID: Suppression.Reason.BOUNCED,
}


def reason_for(event):
    if event.event_type == EventType.REJECTED:
        return REJECTED_BECAUSE.get(event.reject_reason)
    reason = REASONS.get(event.event_type)
    if reason == Suppression.Reason.BOUNCED and not about_the_address(event.mta_response):
        # A soft bounce (a full mailbox), a refusal of us (5.7.1, spam), or a
        # provider that gave no status: the address may well be fine. The
        # provider keeps its own list, and reports a later send as rejected.
        return None
    return reason


def message_of(event):
    """Our message, named by the metadata that went out with it (compose())."""
    number = str((event.metadata or {}).get("hamsada_message", ""))
    if not number.isascii() or not number.isdigit():
        return None
    return Message.objects.filter(pk=int(number)).first()


def on_tracking_event(sender, event, esp_name, **kwargs):
    reason = reason_for(event)
    if reason is None or not event.recipient:
        return  # delivered, opened, deferred...: nothing to act on
    now = timezone.now()
    with transaction.atomic():
        message = message_of(event)
        if message is None:
            suppress(event.recipient, reason, now)
        else:
            undeliverable(message, reason, now, address=event.recipient)
