"""Recounting: every counter compared with the acts it counts, and repaired."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F

from hamsada.participation.models import Act, ReportedAction
from hamsada.tally.models import ActionTally, Tally


@dataclass
class Drift:
    counter: str
    field: str
    stored: int
    actual: int


def counts_from_acts():
    """{(campaign_id, country): {"confirmed": n, "pending": m}} computed from the rows."""
    actual = {}
    rows = (
        Act.objects.tallied()
        .filter(kind__in=Act.INDIVIDUAL_KINDS)
        .values("campaign_id", "country", "status")
        .annotate(n=Count("id"))
    )
    for row in rows:
        key = (row["campaign_id"], row["country"])
        actual.setdefault(key, {"confirmed": 0, "pending": 0})[row["status"]] = row["n"]
    return actual


def actions_from_acts():
    """{(campaign_id, target_id, channel): {"reported": n, "confirmed": m}} from the rows."""
    actual = {}
    rows = (
        ReportedAction.objects.filter(act__status__in=Act.TALLIED_STATUSES)
        .values("target_id", "channel", status=F("act__status"), campaign_id=F("act__campaign_id"))
        .annotate(n=Count("id"))
    )
    for row in rows:
        key = (row["campaign_id"], row["target_id"], row["channel"])
        counts = actual.setdefault(key, {"reported": 0, "confirmed": 0})
        counts["reported"] += row["n"]
        if row["status"] == Act.Status.CONFIRMED:
            counts["confirmed"] += row["n"]
    return actual


def _compare(rows, actual, fields, make, describe, repair):
    drifts = []
    for key in sorted(rows.keys() | actual.keys()):
        row = rows.get(key) or make(key)
        truth = actual.get(key, dict.fromkeys(fields, 0))
        differing = [f for f in fields if getattr(row, f) != truth[f]]
        for field in differing:
            drifts.append(Drift(describe(key), field, getattr(row, field), truth[field]))
            setattr(row, field, truth[field])
        if repair and differing:
            row.save()
    return drifts


@transaction.atomic
def recount(*, repair):
    """Compares every counter with the acts; with repair, sets each to the truth.

    Locks the counters for the duration, so no increment lands between the
    count and the repair. Intended actions are counted without keeping a row
    per visit, so they cannot be recounted and are left as they are.
    Returns the differences found.
    """
    tallies = {
        (tally.campaign_id, tally.country): tally
        for tally in Tally.objects.select_for_update().order_by("pk")
    }
    action_tallies = {
        (tally.campaign_id, tally.target_id, tally.channel): tally
        for tally in ActionTally.objects.select_for_update().order_by("pk")
    }
    return _compare(
        tallies,
        counts_from_acts(),
        ("confirmed", "pending"),
        lambda key: Tally(campaign_id=key[0], country=key[1]),
        lambda key: f"campaign {key[0]} country {key[1] or '-'}",
        repair,
    ) + _compare(
        action_tallies,
        actions_from_acts(),
        ("reported", "confirmed"),
        lambda key: ActionTally(campaign_id=key[0], target_id=key[1], channel=key[2]),
        lambda key: f"campaign {key[0]} target {key[1]} channel {key[2] or '-'}",
        repair,
    )
