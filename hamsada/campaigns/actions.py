"""Organisers' named actions on campaigns that reach supporters."""

from django.db import transaction
from django.db.models import Max

from hamsada.campaigns.models import Campaign, Update


@transaction.atomic
def publish_update(update, now):
    """Gives a new update the next number, stamps it, and queues an email about
    it to every supporter who confirmed and asked for updates, all in one
    transaction. Returns how many emails were queued."""
    from hamsada.outbox.models import Message
    from hamsada.participation.models import Act

    # The campaign row is the lock that keeps two publishers from taking one number.
    Campaign.objects.select_for_update().filter(pk=update.campaign_id).exists()
    last = Update.objects.filter(campaign_id=update.campaign_id).aggregate(n=Max("number"))["n"]
    update.number = (last or 0) + 1
    update.published_at = now
    update.save()
    subscribers = Act.objects.filter(
        campaign_id=update.campaign_id, status=Act.Status.CONFIRMED, wants_updates=True
    ).values_list("pk", "language")
    messages = (
        Message(
            act_id=act_id,
            update=update,
            kind=Message.Kind.UPDATE,
            language=language,
            next_attempt_at=now,
            created_at=now,
        )
        for act_id, language in subscribers.iterator(chunk_size=2000)
    )
    queued = 0
    batch = []
    for message in messages:
        batch.append(message)
        if len(batch) == 1000:
            queued += len(Message.objects.bulk_create(batch))
            batch = []
    queued += len(Message.objects.bulk_create(batch))
    return queued
