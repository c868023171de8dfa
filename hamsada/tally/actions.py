"""Counters: changed with the acts, recomputed from them on demand."""

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, F

from hamsada.participation.models import Act, ReportedAction
from hamsada.tally.models import ActionTally, Tally


def _add(model, keys, increments):
    """Adds increments to the counter row of model identified by keys, in one
    upsert (SQLite and PostgreSQL share the syntax): the row is created on first
    use, and concurrent transactions serialise on its lock, so no count is lost.
    """
    table = model._meta.db_table
    columns = [*keys, *increments]
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
        + ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in increments)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*keys.values(), *increments.values()])


def add_to_tally(campaign_id, country, *, confirmed=0, pending=0):
    """Adds to one campaign/country counter. Call inside the act's transaction."""
    _add(
        Tally,
        {"campaign_id": campaign_id, "country": country},
        {"confirmed": confirmed, "pending": pending},
    )


def add_to_action_tally(campaign_id, target_id, channel, *, intended=0, reported=0, confirmed=0):
    """Adds to one urgent action's target/channel counter."""
    _add(
        ActionTally,
        {"campaign_id": campaign_id, "target_id": target_id, "channel": channel},
        {"intended": intended, "reported": reported, "confirmed": confirmed},
    )


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
        Act.objects.filter(status__in=Act.COUNTED_STATUSES, kind__in=Act.INDIVIDUAL_KINDS)
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
        ReportedAction.objects.filter(act__status__in=Act.COUNTED_STATUSES)
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
