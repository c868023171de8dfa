"""Counters and milestones: changed in the same transaction as the acts they
count (participation calls these), and recomputed from the acts on demand
(participation.recount)."""

from dataclasses import dataclass
from datetime import UTC, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone

from hamsada.campaigns.models import Event
from hamsada.keys.digests import domain_digest
from hamsada.lib import crypto, sql
from hamsada.organizations.models import Membership
from hamsada.organizations.roles import PERMISSIONS
from hamsada.outbox.actions import new_message
from hamsada.outbox.models import Message
from hamsada.tally.models import ActionTally, RiseAlert, RiseCount, RiseCounted, Tally

ROUND_NUMBERS = [100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000]
# What a rise is measured against, and how long its counts are kept: a day
# longer, so that an act counted late in the week is still known as counted.
RISE_WEEK = timedelta(days=7)
KEEP_RISE_COUNTS = RISE_WEEK + timedelta(days=1)
# Told of rises: the roles that may invalidate acts as abuse (owner, campaigner).
ALERTED_ROLES = [
    role for role, granted in PERMISSIONS.items() if "participation.invalidate_act" in granted
]


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


# Unusual rises: a hostile government's operators may flood a campaign with
# fake signatures to discredit its total, from addresses at one throwaway
# domain or from everywhere at once. Organisers hear of it within the hour.


@dataclass(frozen=True)
class Past:
    """A campaign's week before an hour, from its counts: its new acts, those
    from one domain, and over how many hours (from its first count that week,
    at most a week's; 0 when it had none)."""

    total: int = 0
    domain: int = 0
    hours: int = 0

    def usual(self, count):
        """count as an average per hour of the week."""
        return count / self.hours if self.hours else 0.0


def hour_of(moment):
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def count_first_email(campaign_id, act_id, address, signed_at, now):
    """Counts a new act as the worker makes its first email (the one asking
    to confirm), from the address it is decrypted for, in the hour it was
    signed (a queue that fell behind does not move a flood to later hours):
    one for the campaign and one for the address's domain, kept only as a
    keyed digest (keys.digests.domain_digest). Then raises the alerts the
    count calls for (raise_rise_alerts) and returns them.

    Counted once per act: RiseCounted takes the act's number first, and an
    email made again (after a relay's failure, a lease run out, pacing) or
    sent again on the supporter's request counts nothing more. That insert
    and one upsert of both counters commit together; workers counting at
    once queue on the counters' row locks and lose nothing. An act signed
    before the week rises are judged over is not counted, and nothing is
    with settings.RISE_ALERTS off.
    """
    if not settings.RISE_ALERTS or signed_at < now - RISE_WEEK:
        return []
    hour = hour_of(signed_at)
    domain = crypto.canonical_email(address).rpartition("@")[2]
    digest = domain_digest(campaign_id, domain)
    with transaction.atomic():
        if not sql.insert(RiseCounted(act_id=act_id, hour=hour), unless_exists_on=("act_id",)):
            return []
        counts = dict(
            sql.add_to_each(
                RiseCount,
                [
                    {"campaign": campaign_id, "domain": "", "hour": hour},
                    {"campaign": campaign_id, "domain": digest, "hour": hour},
                ],
                {"count": 1},
                returning=("domain", "count"),
            )
        )
    if counts[""] == 1:  # the campaign's first of this hour
        forget_rise_counts(now)
    return raise_rise_alerts(campaign_id, hour, domain, digest, counts[digest], counts[""], now)


def forget_rise_counts(now):
    """Erases the counts and counted acts older than KEEP_RISE_COUNTS."""
    before = hour_of(now - KEEP_RISE_COUNTS)
    with transaction.atomic():
        RiseCount.objects.filter(hour__lt=before).delete()
        RiseCounted.objects.filter(hour__lt=before).delete()


def past_week(campaign_id, hour, digest):
    """The campaign's Past before hour, and its domain digest's, in one query."""
    rows = (
        RiseCount.objects.filter(
            campaign_id=campaign_id,
            domain__in=["", digest],
            hour__gte=hour - RISE_WEEK,
            hour__lt=hour,
        )
        .values("domain")
        .annotate(count=Sum("count"), first=Min("hour"))
        .order_by()
    )
    found = {row["domain"]: row for row in rows}
    if "" not in found:
        return Past()
    hours = round((hour - found[""]["first"]) / timedelta(hours=1))
    return Past(found[""]["count"], found.get(digest, {}).get("count", 0), hours)


def unusual_domain(count, total, past):
    """Whether count new acts from one domain, of total in the hour, are an
    unusual rise, against the campaign's past week. All of:

    - at least ALERT_DOMAIN_MIN: a few dozen never alert;
    - more than ALERT_DOMAIN_FACTOR times the domain's own average per hour
      of the week: a big webmail provider (gmail.com bringing 40 % of an
      Afghan diaspora's signatures) has a usual that grows with it;
    - and either the domain was not seen at all that week, though the
      campaign had at least ALERT_DOMAIN_MIN new acts (a new domain arriving
      in bulk, even within a busy hour), or its part of the hour beyond its
      usual share of the week is more than ALERT_DOMAIN_SHARE of the hour
      (it took the hour over). A webmail provider rising with everyone in a
      viral hour keeps its share and does not alert; the hour may.

    With no past (a campaign's first hour, or its first in a week) the usual
    share is nil, so a domain alerts by its share of the hour alone: a launch
    where one provider brings over ALERT_DOMAIN_SHARE of at least
    ALERT_DOMAIN_MIN new acts alerts once, and from the next hour its own
    past is the measure.
    """
    if count < settings.ALERT_DOMAIN_MIN:
        return False
    if count <= settings.ALERT_DOMAIN_FACTOR * past.usual(past.domain):
        return False
    if past.domain == 0 and past.total >= settings.ALERT_DOMAIN_MIN:
        return True
    usual_share = past.domain / past.total if past.total else 0.0
    return count - usual_share * total > settings.ALERT_DOMAIN_SHARE * total


def unusual_hour(total, past):
    """Whether total new acts in an hour are an unusual rise: at least
    ALERT_HOUR_MIN, and more than ALERT_HOUR_FACTOR times the campaign's
    average per hour of the week before (over the hours since its first count
    that week). A rise needs something to rise from: a campaign's first hour
    of new acts has no past and does not alert by its total."""
    return (
        past.hours > 0
        and total >= settings.ALERT_HOUR_MIN
        and total > settings.ALERT_HOUR_FACTOR * past.usual(past.total)
    )


def raise_rise_alerts(campaign_id, hour, domain, digest, count, total, now):
    """Raises an alert for the domain (count new acts in hour) and one for the
    hour (total), each when unusual and not raised before. Reads the week
    before only once the counts reach the minimums. Returns the alerts raised."""
    domain_may = count >= settings.ALERT_DOMAIN_MIN
    hour_may = total >= settings.ALERT_HOUR_MIN
    if not (domain_may or hour_may):
        return []
    past = past_week(campaign_id, hour, digest)
    raised = []
    if domain_may and unusual_domain(count, total, past):
        usual = past.usual(past.domain)
        raised += raise_alert(
            campaign_id, hour, RiseAlert.Kind.DOMAIN, count, total, usual, now, domain, digest
        )
    if hour_may and unusual_hour(total, past):
        usual = past.usual(past.total)
        raised += raise_alert(campaign_id, hour, RiseAlert.Kind.HOUR, total, total, usual, now)
    return raised


def raise_alert(campaign_id, hour, kind, count, total, usual, now, domain="", digest=""):
    """Stores one alert, unless the campaign has it for this kind, domain and
    hour (workers raising it at once: the unique constraint lets one insert
    win), and queues its email to each of the organisation's owners and
    campaigners with an address, in one transaction. Accounts keep no
    language, so the emails are in settings.LANGUAGE_CODE. Each is due from
    the start of the hour it is about, so it goes out before the flood's own
    confirmations queued since. Returns [the alert], or []."""
    alert = RiseAlert(
        campaign_id=campaign_id,
        hour=hour,
        kind=kind,
        domain=digest,
        domain_encrypted=crypto.encrypt(domain) if domain else "",
        count=count,
        total=total,
        usual=usual,
        created_at=now,
    )
    with transaction.atomic():
        if not sql.insert(alert, unless_exists_on=("campaign", "kind", "domain", "hour")):
            return []
        for user_id in alerted(campaign_id):
            message = new_message(
                Message.Kind.RISE_ALERT,
                language=settings.LANGUAGE_CODE,
                now=now,
                user_id=user_id,
                rise_alert=alert,
            )
            message.next_attempt_at = min(hour, now)
            sql.insert(message)
    return [alert]


def alerted(campaign_id):
    """The accounts told of a campaign's rises: its organisation's active
    owners and campaigners with an address."""
    return list(
        Membership.objects.filter(
            organization__campaigns=campaign_id,
            role__in=ALERTED_ROLES,
            user__is_active=True,
        )
        .exclude(user__email="")
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
