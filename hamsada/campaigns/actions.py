"""Organisers' named actions on campaigns and their timelines."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsada.campaigns.models import Campaign, Event


@transaction.atomic
def open_campaign(campaign, now):
    """Opens a draft campaign that has a complete language, and puts its launch
    on the timeline (once, however often it is reopened)."""
    campaign.check_can_open()
    campaign.transition(Campaign.Status.OPEN, now)
    if not campaign.events.filter(kind=Event.Kind.LAUNCH).exists():
        add_event(
            Event(campaign=campaign, kind=Event.Kind.LAUNCH, happened_on=timezone.localdate(now)),
            now,
        )


def close_campaign(campaign, now):
    campaign.transition(Campaign.Status.CLOSED, now)


def archive_campaign(campaign, now):
    campaign.transition(Campaign.Status.ARCHIVED, now)


@transaction.atomic
def add_event(event, now, recorded_by=None):
    """Adds an event to its campaign's timeline; an update gets the next number."""
    if event.kind == Event.Kind.UPDATE and event.number is None:
        # The campaign row is the lock that keeps two publishers from taking one number.
        Campaign.objects.select_for_update().filter(pk=event.campaign_id).exists()
        last = Event.objects.filter(campaign_id=event.campaign_id).aggregate(n=Max("number"))
        event.number = (last["n"] or 0) + 1
    event.created_at = now
    event.recorded_by = recorded_by
    event.save()
    return event


@transaction.atomic
def mark_letter_sent(campaign, sent_on, now, recorded_by=None):
    """Records that an open letter was sent: signing closes and the delivery
    goes on the timeline. Marking it again corrects the date of the same
    delivery. Returns the delivery event."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status == Campaign.Status.DRAFT:
        raise ValidationError(_("Open the letter before marking it as sent."))
    Campaign.objects.filter(pk=campaign.pk).update(sent_on=sent_on)
    campaign.sent_on = sent_on
    if locked.sent_on:
        delivery = campaign.events.filter(
            kind=Event.Kind.DELIVERY, target=None, happened_on=locked.sent_on
        ).first()
        if delivery:
            delivery.happened_on = sent_on
            delivery.save(update_fields=["happened_on"])
            return delivery
    if locked.status == Campaign.Status.OPEN:
        campaign.status = locked.status
        close_campaign(campaign, now)
    return add_event(
        Event(campaign=campaign, kind=Event.Kind.DELIVERY, happened_on=sent_on), now, recorded_by
    )
