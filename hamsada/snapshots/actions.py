"""Signed snapshots of a campaign's counts: taken when an organiser asks, for
a delivery, and on the worker's schedule."""

import base64
import json
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q

from hamsada.campaigns.models import Campaign
from hamsada.keys.models import rotations_between
from hamsada.lib.crypto import public_key, signing_key
from hamsada.participation.models import Act, OrganisationSignature
from hamsada.snapshots import merkle
from hamsada.snapshots.chain import pack, receipts_at
from hamsada.snapshots.verify import canonical, digest
from hamsada.tally.models import Snapshot


def take_snapshot(campaign, reason, now, taken_by=None):
    """Counts, roots, signs and stores a snapshot of the campaign as it is now."""
    with transaction.atomic():
        # One snapshot at a time per campaign, so numbers and links stay in order.
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        previous = campaign.snapshots.order_by("-number").first()
        before = set(receipts_at(previous)) if previous else set()
        rows = list(
            Act.objects.filter(campaign=campaign)
            .confirmed_individuals()
            .values_list("receipt_hash", "country")
        )
        current = {bytes.fromhex(row[0]) for row in rows}
        added, removed = current - before, before - current
        listed = sorted(current)
        key = public_key()
        body = {
            "instance": settings.SITE_URL,
            "public_key": key,
            "campaign": {
                "slug": campaign.slug,
                "kind": campaign.kind,
                "titles": {text.language: text.title for text in campaign.texts.all()},
            },
            "number": previous.number + 1 if previous else 1,
            "taken_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "reason": reason,
            "previous": previous.digest if previous else None,
            "counts": {
                "confirmed": len(listed),
                "countries": dict(sorted(Counter(country for _h, country in rows).items())),
            },
            "receipts": {
                "count": len(listed),
                "root": merkle.root(listed).hex(),
                "added": len(added),
                "removed": removal_reasons(removed),
            },
            "offline": [
                {
                    "source": count.source,
                    "name": count.name,
                    "count": count.count,
                    "date": count.collected_on.isoformat(),
                }
                for count in campaign.offline_counts.all()
            ],
        }
        earlier_key = json.loads(previous.body)["public_key"] if previous else key
        if earlier_key != key:
            body["key_rotations"] = rotations_between(earlier_key, key)
        if campaign.kind == "open_letter":
            body["counts"]["organisations"] = OrganisationSignature.shown(campaign).count()
        signed = canonical(body)
        return Snapshot.objects.create(
            campaign=campaign,
            number=body["number"],
            taken_at=now,
            reason=reason,
            taken_by=taken_by,
            body=signed.decode(),
            signature=base64.b64encode(signing_key().sign(signed)).decode(),
            digest=digest(body),
            added=pack(added),
            removed=pack(removed),
        )


def take_due_snapshots(now):
    """The worker's schedule: a snapshot of each public campaign whose counted
    acts changed since its last snapshot, once that is SNAPSHOT_HOURS old.
    Returns the snapshots taken."""
    if settings.SNAPSHOT_HOURS <= 0:
        return []
    due_before = now - timedelta(hours=settings.SNAPSHOT_HOURS)
    taken = []
    for campaign in Campaign.objects.filter(status__in=Campaign.PUBLIC_STATUSES).annotate(
        last=Max("snapshots__taken_at")
    ):
        if campaign.last and campaign.last > due_before:
            continue
        with transaction.atomic():
            Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
            last = campaign.snapshots.aggregate(last=Max("taken_at"))["last"]
            if last and last > due_before:
                continue  # another worker took it meanwhile
            changed = Act.objects.filter(campaign=campaign, kind__in=Act.INDIVIDUAL_KINDS)
            if last:
                changed = changed.filter(
                    Q(confirmed_at__gt=last) | Q(withdrawn_at__gt=last) | Q(invalidated_at__gt=last)
                )
            else:
                changed = changed.filter(status=Act.Status.CONFIRMED)
            if changed.exists():
                taken.append(take_snapshot(campaign, Snapshot.Reason.SCHEDULED, now))
    return taken


def removal_reasons(removed):
    """Receipts no longer counted, by why: withdrawn by the supporter, or invalidated."""
    reasons = {"withdrawn": 0, "invalidated": 0}
    hashes = [h.hex() for h in removed]
    for start in range(0, len(hashes), 5000):
        statuses = Act.objects.filter(receipt_hash__in=hashes[start : start + 5000])
        for status in statuses.values_list("status", flat=True):
            reasons["withdrawn" if status == Act.Status.WITHDRAWN else "invalidated"] += 1
    return reasons
