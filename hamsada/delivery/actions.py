"""Delivering: a package's lifecycle (requested, claimed by the worker,
built in a process of its own, failed or put back), and a delivery that goes
on the timeline and, when emailed, into the outbox in the same transaction."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hamsada.campaigns.actions import add_event
from hamsada.campaigns.models import Channel, Event
from hamsada.delivery.build import PROGRESS_EVERY, calendar_of, cover, names_csv, rows
from hamsada.delivery.models import Delivery, Package
from hamsada.delivery.pdf import render
from hamsada.lib.calendar import format_day
from hamsada.outbox.actions import queue
from hamsada.outbox.models import Message
from hamsada.participation.models import Act, OrganisationSignature
from hamsada.snapshots.actions import take_snapshot
from hamsada.snapshots.chain import snapshot_file
from hamsada.tally.models import Snapshot

# A build that has not finished after this long is taken to have died.
LEASE = timedelta(hours=2)


def request_package(package, now, requested_by=None):
    """Queues a package for the worker to build."""
    package.requested_by = requested_by
    package.requested_at = now
    package.status = Package.Status.QUEUED
    package.save()
    return package


def claim_package(now):
    """The id of the next package to build, claimed for this worker, or None.
    A build that ran past its lease (its process died) is taken up again."""
    waiting = Package.objects.filter(status=Package.Status.QUEUED).order_by("requested_at")
    stale = Package.objects.filter(status=Package.Status.BUILDING, started_at__lt=now - LEASE)
    for candidates in (waiting, stale):
        for package in candidates[:5]:
            claimed = candidates.filter(pk=package.pk).update(
                status=Package.Status.BUILDING, started_at=now, names_done=0
            )
            if claimed:
                return package.pk
    return None


def fail_package(package_id, error):
    """Records that a build failed, with why; a package no longer building is left alone."""
    Package.objects.filter(pk=package_id, status=Package.Status.BUILDING).update(
        status=Package.Status.FAILED, error=error[:300]
    )


def requeue_package(package_id):
    """Puts a build that was stopped midway back in the queue, to be built whole."""
    Package.objects.filter(pk=package_id, status=Package.Status.BUILDING).update(
        status=Package.Status.QUEUED, started_at=None, names_done=0
    )


def build_package(package_id, now):
    """Builds a claimed package: a delivery snapshot, then the three files.
    Progress is recorded as the names are drawn; the package is ready at the end."""
    package = Package.objects.select_related("campaign__organization").get(pk=package_id)
    campaign = package.campaign
    language = package.language
    with translation.override(language):
        snapshot = take_snapshot(
            campaign, Snapshot.Reason.DELIVERY, now, taken_by=package.requested_by
        )
        calendar = calendar_of(campaign)
        total = 0
        if package.include_names:
            total = (
                OrganisationSignature.shown(campaign).count()
                + Act.objects.filter(campaign=campaign).named().count()
            )
        Package.objects.filter(pk=package_id).update(snapshot=snapshot, names_total=total)

        def dated(source):
            for number, name, detail, country, confirmed_at in source:
                yield number, name, detail, country, format_day(confirmed_at, language, calendar)

        def progress(done):
            Package.objects.filter(pk=package_id).update(names_done=done)

        names = dated(rows(campaign, language)) if package.include_names else ()
        pdf = render(cover(package, snapshot), names, progress=progress, every=PROGRESS_EVERY)
        listed = dated(rows(campaign, language)) if package.include_names else ()
        table = names_csv(listed)
        proof = "".join(snapshot_file(snapshot)).encode()
    Package.objects.filter(pk=package_id).update(
        status=Package.Status.READY,
        pdf=pdf,
        csv=table,
        json=proof,
        # When it really finished: a large build takes minutes after `now`.
        finished_at=timezone.now(),
    )
    return Package.objects.get(pk=package_id)


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
        queue(
            Message.Kind.DELIVERY,
            delivery=delivery,
            language=delivery.package.language,
            now=now,
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
