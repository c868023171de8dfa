"""Delivering: one named action that records the delivery, puts it on the
timeline and, for an emailed delivery, queues the email in the same
transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hamsada.campaigns.actions import add_event
from hamsada.campaigns.models import Channel, Event
from hamsada.delivery.models import Delivery, Package


@transaction.atomic
def record_delivery(delivery, now, recorded_by=None):
    """Saves a delivery (checked), adds it to the timeline and, when it is to be
    emailed, queues the email to the target. Returns the delivery."""
    check_delivery(delivery)
    delivery.created_at = now
    delivery.recorded_by = recorded_by
    delivery.event = add_event(
        Event(
            campaign=delivery.campaign,
            kind=Event.Kind.DELIVERY,
            target=delivery.target,
            happened_on=delivery.delivered_on,
        ),
        now,
        recorded_by,
    )
    delivery.save()
    if delivery.method == Delivery.Method.EMAIL:
        from hamsada.outbox.models import Message

        Message.objects.create(
            kind=Message.Kind.DELIVERY,
            delivery=delivery,
            language=delivery.package.language,
            next_attempt_at=now,
            created_at=now,
        )
    return delivery


def check_delivery(delivery):
    """ValidationError (translated) unless the delivery can be made as asked."""
    campaign = delivery.campaign
    if not campaign.targets.filter(pk=delivery.target_id).exists():
        raise ValidationError({"target": _("This target is not one of the campaign's targets.")})
    package = delivery.package
    if package and (package.campaign_id != campaign.pk or package.status != Package.Status.READY):
        raise ValidationError({"package": _("Choose a ready package of this campaign.")})
    if delivery.method == Delivery.Method.EMAIL:
        if not package:
            raise ValidationError({"package": _("An emailed delivery sends a package.")})
        addresses = [c.value for c in delivery.target.channels_of(Channel.Kind.EMAIL)]
        if not addresses:
            raise ValidationError({"method": _("This target has no email address.")})
        if delivery.address and delivery.address not in addresses:
            raise ValidationError({"address": _("Use one of the target's email addresses.")})
        delivery.address = delivery.address or addresses[0]
