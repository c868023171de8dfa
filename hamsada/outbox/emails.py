"""Renders queued messages: one template triplet per kind, in the recipient's language.

emails/<kind>.subject.txt, emails/<kind>.txt and emails/<kind>.html.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from hamsada.lib.crypto import decrypt
from hamsada.lib.text import format_count, right_to_left_lines
from hamsada.participation.tokens import make_token


def absolute(path):
    return settings.SITE_URL + path


def render_message(message, act):
    with translation.override(message.language):
        campaign = act.campaign
        text = campaign.text_in(message.language) or campaign.texts.first()
        context = {
            "act": act,
            "campaign": campaign,
            "title": text.title,
            "language": message.language,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
            "confirm_url": absolute(reverse("confirm", args=[make_token(act, "confirm")])),
            "withdraw_url": absolute(reverse("withdraw", args=[make_token(act, "withdraw")])),
            "campaign_url": absolute(reverse("campaign", args=[campaign.slug])),
            "stop_updates_url": absolute(
                reverse("stop_updates", args=[make_token(act, "stop_updates")])
            ),
        }
        if message.kind == message.Kind.RECEIPT:
            context["receipt"] = decrypt(message.secret) if message.secret else ""
            context["verify_url"] = absolute(reverse("verify", args=[campaign.slug]))
        if message.event_id:
            from hamsada.campaigns.timeline import entry_for

            context["entry"] = entry_for(message.event)
            context["event_url"] = f"{context['campaign_url']}#{context['entry'].key}"
        headers = {}
        if message.event_id:
            # One-click unsubscribe (RFC 8058): mail programs POST to this link.
            headers["List-Unsubscribe"] = f"<{context['stop_updates_url']}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        return compose(message, context, act.email, headers)


def compose(message, context, to, headers=()):
    """The email of message.kind's three templates, in the active language; in
    Dari and Pashto the plain text and subject open each line right to left."""
    subject = " ".join(render_to_string(f"emails/{message.kind}.subject.txt", context).split())
    body = render_to_string(f"emails/{message.kind}.txt", context)
    if context["direction"] == "rtl":
        body = right_to_left_lines(body)
        subject = right_to_left_lines(subject)  # even when it starts with "UA 118.20"
    email = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            "Message-ID": message.message_id,
            "Content-Language": message.language,
            **dict(headers),
        },
    )
    email.attach_alternative(render_to_string(f"emails/{message.kind}.html", context), "text/html")
    return email


def render_delivery(message):
    """The email that delivers a package to a target: the count in words, links
    to the package's files, and where anyone can check the count."""
    from hamsada.delivery.models import Delivery
    from hamsada.delivery.views import package_links
    from hamsada.tally.verify import fingerprint

    delivery = Delivery.objects.select_related(
        "campaign__organization", "target", "package__snapshot"
    ).get(pk=message.delivery_id)
    package = delivery.package
    with translation.override(message.language):
        campaign = delivery.campaign
        text = campaign.text_in(message.language) or campaign.texts.first()
        statement = package.snapshot.statement
        context = {
            "campaign": campaign,
            "title": text.title,
            "target": delivery.target,
            "organisation": campaign.organization.name,
            "statement": statement,
            "confirmed": format_count(statement["counts"]["confirmed"], message.language),
            "offline": [
                {**line, "count": format_count(line["count"], message.language)}
                for line in statement["offline"]
            ],
            "links": package_links(package),
            "verify_url": absolute(reverse("verify", args=[campaign.slug])),
            "fingerprint": fingerprint(statement["public_key"]),
            "language": message.language,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
        }
        return compose(message, context, delivery.address)
