"""Organisers' named actions on campaigns and their timelines."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsada.campaigns.models import Campaign, Event
from hamsada.lib import rows

ROUND_NUMBERS = [100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000]


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
            if rows.insert(event, unless_exists_on=("campaign", "milestone")):
                new.append(event)
    return new


def confirmed_and_stamped(campaign_id, marks):
    """The campaign's confirmed count and how many of marks up to it have
    events, in one plain query: every confirmation asks, and through the ORM
    the question cost more than the confirmation itself."""
    from hamsada.tally.models import Tally

    quote = connection.ops.quote_name
    events, tallies = quote(Event._meta.db_table), quote(Tally._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.total, (SELECT COUNT(*) FROM {events} e "  # noqa: S608 (table names)
            f"WHERE e.campaign_id = %s AND e.milestone IN ({', '.join(['%s'] * len(marks))}) "
            "AND e.milestone <= t.total) "
            f"FROM (SELECT COALESCE(SUM(confirmed), 0) AS total FROM {tallies} "
            "WHERE campaign_id = %s) t",
            [campaign_id, *marks, campaign_id],
        )
        return cursor.fetchone()


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
def announce_event(event, now):
    """Queues an email about event to every supporter who confirmed and asked
    for updates, in their language, once: a second call queues nothing.
    Returns how many emails were queued."""
    from hamsada.outbox.models import Message
    from hamsada.participation.models import Act, OrganisationSignature

    if not Event.objects.filter(pk=event.pk, announced_at=None).update(announced_at=now):
        return 0
    event.announced_at = now
    subscribers = (
        Act.objects.filter(
            campaign_id=event.campaign_id, status=Act.Status.CONFIRMED, wants_updates=True
        )
        .exclude(organisation__review=OrganisationSignature.Review.REJECTED)
        .values_list("pk", "language")
    )
    queued = 0
    batch = []
    for act_id, language in subscribers.iterator(chunk_size=2000):
        batch.append(
            Message(
                act_id=act_id,
                event=event,
                kind=Message.Kind.UPDATE,
                language=language,
                next_attempt_at=now,
                created_at=now,
            )
        )
        if len(batch) == 1000:
            queued += len(Message.objects.bulk_create(batch))
            batch = []
    queued += len(Message.objects.bulk_create(batch))
    return queued


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
        campaign.close(now)
    return add_event(
        Event(campaign=campaign, kind=Event.Kind.DELIVERY, happened_on=sent_on), now, recorded_by
    )
