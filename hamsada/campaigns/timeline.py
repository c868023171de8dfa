"""A campaign's story as readers see it: its events, and the silence of each
target that has not answered by the response deadline."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from hamsada.campaigns.models import Campaign, Event, Target
from hamsada.lib.text import format_count, isolate

SILENCE = "no_response"
AWAITING = "awaiting"
STANCE_LABELS = {
    **dict(Event.Stance.choices),
    SILENCE: gettext_lazy("No response"),
    AWAITING: gettext_lazy("Awaiting a response"),
}


@dataclass
class Entry:
    """One line of a timeline, in the reader's language."""

    key: str
    kind: str
    kind_label: str
    on: date
    heading: str
    # A heading made here, in the page's language, with any name in it
    # isolated; an organiser's own title is isolated as a whole instead.
    generated: bool = True
    body: str = ""
    quote: str = ""
    source_url: str = ""
    target: Target | None = None
    stance: str = ""
    event: Event | None = None

    @property
    def stance_label(self):
        return STANCE_LABELS.get(self.stance, "")


def heading(event, target_name=""):
    """An event's title made in the active language from what the event is."""
    language = get_language()
    target_name = isolate(target_name)
    if event.kind == Event.Kind.MILESTONE:
        number = event.milestone or 0
        count = format_count(number, language)
        if event.milestone == event.campaign.goal:
            return ngettext(
                "Goal reached: %(count)s supporter", "Goal reached: %(count)s supporters", number
            ) % {"count": count}
        return ngettext("%(count)s supporter", "%(count)s supporters", number) % {"count": count}
    if event.kind == Event.Kind.LAUNCH:
        return _("The campaign was launched")
    if event.kind == Event.Kind.DELIVERY:
        if target_name:
            return _("Delivered to %(target)s") % {"target": target_name}
        return _("Delivered")
    if event.kind == Event.Kind.RESPONSE:
        return _("%(target)s: %(stance)s") % {
            "target": target_name,
            "stance": event.get_stance_display(),
        }
    if event.kind == Event.Kind.UPDATE:
        return _("Update %(number)s") % {"number": format_count(event.number or 0, language)}
    return event.get_kind_display()


def entry_for(event):
    text = event.text_in(get_language())
    target = event.target
    titled = bool(text and text.title)
    return Entry(
        key=f"event-{event.pk}",
        kind=event.kind,
        kind_label=event.get_kind_display(),
        on=event.happened_on,
        heading=text.title if titled else heading(event, target.name if target else ""),
        generated=not titled,
        body=text.body if text else "",
        quote=event.quote,
        source_url=event.source_url,
        target=target,
        stance=event.stance,
        event=event,
    )


def silences(campaign, events, today):
    """An entry for each of the campaign's targets that has given no response
    by its response deadline, dated the deadline."""
    due = campaign.response_due
    if due is None or today <= due:
        return []
    answered = {event.target_id for event in events if event.kind == Event.Kind.RESPONSE}
    return [
        Entry(
            key=f"silence-{target.pk}",
            kind=SILENCE,
            kind_label=_("Response"),
            on=due,
            heading=_("%(target)s has not responded") % {"target": isolate(target.name)},
            target=target,
            stance=SILENCE,
        )
        for target in campaign.targets.all()
        if target.pk not in answered
    ]


def campaign_events(campaign):
    return list(
        Event.objects.filter(campaign=campaign)
        .select_related("target", "campaign")
        .prefetch_related("texts")
    )


def timeline(campaign, today):
    """The campaign's entries, newest first."""
    events = campaign_events(campaign)
    entries = [entry_for(event) for event in events] + silences(campaign, events, today)
    return sorted(entries, key=lambda entry: (entry.on, entry.key), reverse=True)


def stance_in(campaign, target, responses, today):
    """A target's standing in one campaign: its latest stance, or silence after
    the deadline, or awaiting before it."""
    mine = [r for r in responses if r.target_id == target.pk and r.campaign_id == campaign.pk]
    if mine:
        return max(mine, key=lambda r: (r.happened_on, r.created_at)).stance
    if campaign.response_due and today > campaign.response_due:
        return SILENCE
    return AWAITING


def record_of(target, today):
    """Every public campaign that addressed target, newest first, each with
    target's latest stance in it, and all its responses over time."""
    campaigns = list(
        target.campaigns.filter(status__in=Campaign.PUBLIC_STATUSES)
        .prefetch_related("texts")
        .order_by("-opened_at")
    )
    responses = list(
        Event.objects.filter(target=target, kind=Event.Kind.RESPONSE, campaign__in=campaigns)
        .select_related("campaign", "target")
        .prefetch_related("texts", "campaign__texts")
        .order_by("-happened_on", "-created_at")
    )
    delivered = {}
    for campaign_id, day in Event.objects.filter(
        target=target, kind=Event.Kind.DELIVERY, campaign__in=campaigns
    ).values_list("campaign_id", "happened_on"):
        delivered[campaign_id] = max(day, delivered.get(campaign_id, day))
    rows = [
        {
            "campaign": campaign,
            "stance": stance_in(campaign, target, responses, today),
            "delivered_on": delivered.get(campaign.pk),
        }
        for campaign in campaigns
    ]
    for row in rows:
        row["stance_label"] = STANCE_LABELS[row["stance"]]
    return rows, [entry_for(response) for response in responses]
