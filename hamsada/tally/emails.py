"""The email that tells an organisation's owners and campaigners of an
unusual rise in a campaign's new acts (tally.actions.raise_alert), rendered
when the worker sends it, in the message's language."""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hamsada.lib.links import absolute_url
from hamsada.lib.text import format_count, isolate, localize_digits
from hamsada.organizations.models import Membership
from hamsada.outbox.actions import Skip, register
from hamsada.outbox.emails import compose
from hamsada.outbox.models import Message
from hamsada.tally.actions import ALERTED_ROLES
from hamsada.tally.models import RiseAlert, RiseCount


def usual_number(usual):
    """An average per hour as read: 0.4, 12 (one decimal, none when whole)."""
    rounded = round(usual, 1)
    return f"{rounded:.0f}" if rounded == int(rounded) else f"{rounded:.1f}"


def plural_of(shown):
    """The number ngettext chooses its form by for a number as shown: a
    fraction takes the plural, as "0.4 acts" and "1.5 acts" do."""
    return int(shown) if "." not in shown else 2


def counts_now(alert):
    """(the domain's or the hour's new acts, the hour's) as counted when the
    email is made, which may be more than when the alert was raised."""
    found = dict(
        RiseCount.objects.filter(
            campaign_id=alert.campaign_id, hour=alert.hour, domain__in=[alert.domain, ""]
        ).values_list("domain", "count")
    )
    total = max(found.get("", 0), alert.total)
    return max(found.get(alert.domain, 0), alert.count), total


def what_rose(alert, language):
    """The sentences that say what rose, against what: the domain's or the
    hour's new acts so far, and their usual per hour in the week before."""
    hour = localize_digits(f"{alert.hour:%Y-%m-%d %H:%M}", language)
    number, whole = counts_now(alert)
    count, total = format_count(number, language), format_count(whole, language)
    shown = usual_number(alert.usual)
    usual = localize_digits(shown, language)
    if alert.kind == RiseAlert.Kind.DOMAIN:
        domain = isolate(alert.domain_name)
        sentences = [
            ngettext(
                "In the hour from %(hour)s UTC, %(count)s new supporter act came "
                "from addresses at %(domain)s so far.",
                "In the hour from %(hour)s UTC, %(count)s new supporter acts came "
                "from addresses at %(domain)s so far.",
                number,
            )
            % {"hour": hour, "count": count, "domain": domain},
            ngettext(
                "The hour brought %(total)s new act in all so far.",
                "The hour brought %(total)s new acts in all so far.",
                whole,
            )
            % {"total": total},
        ]
        if alert.usual:
            sentences.append(
                ngettext(
                    "In the week before, that domain brought about %(usual)s new act an hour.",
                    "In the week before, that domain brought about %(usual)s new acts an hour.",
                    plural_of(shown),
                )
                % {"usual": usual}
            )
        else:
            sentences.append(_("In the week before, no new act came from that domain."))
        return sentences
    return [
        ngettext(
            "In the hour from %(hour)s UTC, the campaign brought %(count)s new supporter "
            "act so far.",
            "In the hour from %(hour)s UTC, the campaign brought %(count)s new supporter "
            "acts so far.",
            whole,
        )
        % {"hour": hour, "count": count},
        ngettext(
            "In the week before, it brought about %(usual)s new act an hour.",
            "In the week before, it brought about %(usual)s new acts an hour.",
            plural_of(shown),
        )
        % {"usual": usual},
    ]


def render_rise_alert(message):
    alert = RiseAlert.objects.select_related("campaign").filter(pk=message.rise_alert_id).first()
    user = message.user
    if alert is None or user is None or not user.email:
        raise Skip("no alert, or no address to tell it to")
    campaign = alert.campaign
    if not Membership.objects.filter(
        user=user, organization_id=campaign.organization_id, role__in=ALERTED_ROLES
    ).exists():
        raise Skip("no longer an owner or campaigner of the campaign's organisation")
    with translation.override(message.language):
        text = campaign.text_for(message.language)
        filtered = f"?campaign__id__exact={campaign.pk}"
        context = {
            "alert": alert,
            "campaign": campaign,
            "title": text.title if text else campaign.slug,
            # The subject names no campaign; the body does, for the organiser.
            "discreet": campaign.discreet_emails,
            "what_rose": what_rose(alert, message.language),
            "acts_url": absolute_url("admin:participation_act_changelist") + filtered,
            "alerts_url": absolute_url("admin:tally_risealert_changelist") + filtered,
            # The campaign chosen; the domain is typed, never carried in a link.
            "bulk_url": absolute_url("admin:participation_bulkinvalidation_add")
            + f"?campaign={campaign.pk}",
        }
        return compose(message, context, user.email)


def register_emails():
    register(Message.Kind.RISE_ALERT, render_rise_alert)
