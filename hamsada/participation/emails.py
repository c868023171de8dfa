"""The emails to supporters about their acts: confirm, already signed,
receipt and campaign updates, rendered when the worker sends them."""

import json

from django.utils import timezone, translation

from hamsada.campaigns.timeline import entry_for
from hamsada.lib.crypto import decrypt
from hamsada.lib.links import absolute_url
from hamsada.outbox.actions import Skip, register
from hamsada.outbox.emails import compose
from hamsada.outbox.models import Message
from hamsada.participation.actions import mark_undeliverable
from hamsada.participation.models import Act
from hamsada.participation.tokens import make_token
from hamsada.tally.actions import count_first_email

# The first email of a new act, counted (once per act) for unusual rises.
FIRST_EMAILS = {Message.Kind.CONFIRM, Message.Kind.CONFIRM_REPORT}


def link(view, act, onion):
    """An act's own signed link (confirm, withdraw, stop_updates)."""
    return absolute_url(view, make_token(act, view), onion=onion)


def render_act_email(message):
    act = Act.objects.select_related("campaign").get(pk=message.act_id)
    if not act.email_encrypted:
        raise Skip("address erased before sending")
    if message.kind == Message.Kind.UPDATE and not act.wants_updates:
        raise Skip("updates stopped before sending")
    if message.kind == Message.Kind.REMINDER and act.status != Act.Status.PENDING:
        raise Skip("confirmed or withdrawn before the reminder was sent")
    address = act.email
    if message.kind in FIRST_EMAILS:
        count_first_email(act.campaign_id, act.pk, address, act.created_at, timezone.now())
    with translation.override(message.language):
        campaign = act.campaign
        onion = message.onion
        context = {
            "act": act,
            "campaign": campaign,
            "title": campaign.text_for(message.language).title,
            "discreet": campaign.discreet_emails,
            "confirm_url": link("confirm", act, onion),
            "withdraw_url": link("withdraw", act, onion),
            "campaign_url": absolute_url("campaign", campaign.slug, onion=onion),
            "stop_updates_url": link("stop_updates", act, onion),
        }
        if message.kind == Message.Kind.RECEIPT:
            context["receipt"] = decrypt(message.secret) if message.secret else ""
            context["verify_url"] = absolute_url("verify", campaign.slug, onion=onion)
        headers = {}
        if message.event_id:
            context["entry"] = entry_for(message.event)
            context["event_url"] = f"{context['campaign_url']}#{context['entry'].key}"
            # One-click unsubscribe (RFC 8058): mail programs POST to this link.
            headers["List-Unsubscribe"] = f"<{context['stop_updates_url']}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        return compose(message, context, address, headers)


def render_acts_list(message):
    """What an address has signed here, asked for on the site."""
    ids = json.loads(decrypt(message.secret)) if message.secret else []
    acts = list(
        Act.objects.filter(pk__in=ids)
        .exclude(email_encrypted="")
        .select_related("campaign")
        .order_by("created_at")
    )
    if not acts:
        raise Skip("every listed act was withdrawn or erased before sending")
    onion = message.onion
    with translation.override(message.language):
        listed = []
        for act in acts:
            text = act.campaign.text_for(message.language)
            listed.append(
                {
                    "act": act,
                    "title": text.title if text else act.campaign.slug,
                    "campaign_url": absolute_url("campaign", act.campaign.slug, onion=onion),
                    "withdraw_url": link("withdraw", act, onion),
                    "stop_updates_url": link("stop_updates", act, onion)
                    if act.wants_updates
                    else "",
                }
            )
        # Its subject and sender never name a campaign: the list may hold several.
        return compose(message, {"acts": listed, "discreet": True}, acts[0].email)


def register_renderers():
    for kind in (
        Message.Kind.CONFIRM,
        Message.Kind.CONFIRM_REPORT,
        Message.Kind.ALREADY_SIGNED,
        Message.Kind.RECEIPT,
        Message.Kind.UPDATE,
        Message.Kind.REMINDER,
    ):
        register(kind, render_act_email, undeliverable=mark_undeliverable)
    register(Message.Kind.ACTS_LIST, render_acts_list, undeliverable=mark_undeliverable)
