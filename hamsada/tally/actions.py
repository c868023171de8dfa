"""Counters and milestones: changed in the same transaction as the acts they
count (participation calls these), and recomputed from the acts on demand
(participation.recount)."""

from django.db import transaction
from django.utils import timezone

from hamsada.campaigns.models import Event
from hamsada.lib import sql
from hamsada.tally.models import ActionTally, Tally

ROUND_NUMBERS = [100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000]


def add_to_tally(campaign_id, country, *, confirmed=0, pending=0):
    """Adds to one campaign/country counter. Call inside the act's transaction."""
    sql.add_to(
        Tally,
        {"campaign": campaign_id, "country": country},
        {"confirmed": confirmed, "pending": pending},
    )


def add_to_action_tally(campaign_id, target_id, channel, *, intended=0, reported=0, confirmed=0):
    """Adds to one urgent action's target/channel counter."""
    sql.add_to(
        ActionTally,
        {"campaign": campaign_id, "target": target_id, "channel": channel},
        {"intended": intended, "reported": reported, "confirmed": confirmed},
    )


def count_intended(campaign, target_id, channel, now):
    """Counts one intended action (a supporter opened the letter page for a
    target, channel "", or followed one of its channel links) while the
    campaign accepts acts. Returns whether it was counted."""
    if not campaign.accepts_acts(now):
        return False
    with transaction.atomic():
        add_to_action_tally(campaign.pk, target_id, channel, intended=1)
    return True


def milestones(goal):
    """The counts worth marking: round numbers, the goal and ten times the goal."""
    marks = set(ROUND_NUMBERS)
    if goal:
        marks |= {goal, goal * 10}
    return sorted(marks)


def stamp_milestones(campaign, now):
    """Adds a milestone event for each mark the confirmed count has reached and
    no event marks yet. Any number of confirmations may call it at once: the
    unique constraint on (campaign, milestone) lets one insert win, and a mark
    missed while another confirmation was uncommitted is caught by the next.
    Returns the new events."""
    marks = milestones(campaign.goal)
    confirmed, stamped_count = confirmed_and_stamped(campaign.pk, marks)
    reached = [mark for mark in marks if mark <= confirmed]
    if stamped_count == len(reached):
        return []
    stamped = set(
        Event.objects.filter(campaign_id=campaign.pk, milestone__in=reached).values_list(
            "milestone", flat=True
        )
    )
    new = []
    for mark in reached:
        if mark in stamped:
            continue
        event = Event(
            campaign_id=campaign.pk,
            kind=Event.Kind.MILESTONE,
            milestone=mark,
            happened_on=timezone.localdate(now),
            created_at=now,
        )
        with transaction.atomic():
            if sql.insert(event, unless_exists_on=("campaign", "milestone")):
                new.append(event)
    return new


def confirmed_and_stamped(campaign_id, marks):
    """The campaign's confirmed count and how many of marks up to it have
    events, in one plain query: every confirmation asks, and through the ORM
    the question cost more than the confirmation itself."""
    events, tallies = sql.name(Event), sql.name(Tally)
    return sql.fetch_one(
        f"SELECT t.total, (SELECT COUNT(*) FROM {events} e "  # noqa: S608 (table names)
        f"WHERE e.campaign_id = %s AND e.milestone IN ({', '.join(['%s'] * len(marks))}) "
        "AND e.milestone <= t.total) "
        f"FROM (SELECT COALESCE(SUM(confirmed), 0) AS total FROM {tallies} "
        "WHERE campaign_id = %s) t",
        [campaign_id, *marks, campaign_id],
    )
