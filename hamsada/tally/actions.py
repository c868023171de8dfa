"""Counters: changed with the acts, recomputed from them on demand."""

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count

from hamsada.participation.models import Act
from hamsada.tally.models import Tally


def add_to_tally(campaign_id, country, *, confirmed=0, pending=0):
    """Adds to one campaign/country counter. Call inside the act's transaction.

    One upsert (SQLite and PostgreSQL share the syntax): the row is created on
    first use, and concurrent transactions serialise on its lock, so no count
    is ever lost.
    """
    table = Tally._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (campaign_id, country, confirmed, pending) "  # noqa: S608
            "VALUES (%s, %s, %s, %s) ON CONFLICT (campaign_id, country) DO UPDATE SET "
            "confirmed = {0}.confirmed + excluded.confirmed, "
            "pending = {0}.pending + excluded.pending".format(table),
            [campaign_id, country, confirmed, pending],
        )


@dataclass
class Drift:
    campaign_id: int
    country: str
    field: str
    stored: int
    actual: int


def counts_from_acts():
    """{(campaign_id, country): {"confirmed": n, "pending": m}} computed from the rows."""
    actual = {}
    rows = (
        Act.objects.filter(status__in=Act.COUNTED_STATUSES)
        .values("campaign_id", "country", "status")
        .annotate(n=Count("id"))
    )
    for row in rows:
        key = (row["campaign_id"], row["country"])
        actual.setdefault(key, {"confirmed": 0, "pending": 0})[row["status"]] = row["n"]
    return actual


@transaction.atomic
def recount(*, repair):
    """Compares every counter with the acts; with repair, sets each to the truth.

    Locks the counters for the duration, so no increment lands between the
    count and the repair. Returns the differences found.
    """
    stored = {
        (tally.campaign_id, tally.country): tally
        for tally in Tally.objects.select_for_update().order_by("pk")
    }
    actual = counts_from_acts()
    drifts = []
    for key in sorted(stored.keys() | actual.keys(), key=lambda k: (k[0], k[1])):
        tally = stored.get(key) or Tally(campaign_id=key[0], country=key[1])
        truth = actual.get(key, {"confirmed": 0, "pending": 0})
        differing = [f for f in ("confirmed", "pending") if getattr(tally, f) != truth[f]]
        for field in differing:
            drifts.append(Drift(key[0], key[1], field, getattr(tally, field), truth[field]))
            setattr(tally, field, truth[field])
        if repair and differing:
            tally.save()
    return drifts
