"""Composing an email from its kind's template triplet, in the recipient's
language: emails/<kind>.subject.txt, emails/<kind>.txt and emails/<kind>.html.
The apps that own each kind gather the context (see their emails.py)."""

import email.policy
import hmac
import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from hamsada.lib.crypto import return_path_signature
from hamsada.lib.text import right_to_left_lines
from hamsada.lib.validators import sendable_address
from hamsada.outbox.actions import Skip, Suppressed, suppression_of
from hamsada.outbox.models import Message, Suppression

SIGNED_NUMBER = re.compile(r"[0-9]{1,18}-[0-9a-f]{16}")
# What still goes to an address whose owner once reported our mail as spam:
# what they ask for by acting again (confirming a new signature, its receipt)
# and deliveries to officials. A bounced address gets nothing.
SENT_DESPITE_A_COMPLAINT = {
    Message.Kind.CONFIRM,
    Message.Kind.CONFIRM_REPORT,
    Message.Kind.RECEIPT,
    Message.Kind.DELIVERY,
}
# Headers whose value is one link: Python folds a long unbroken value by
# encoding it as RFC 2047 words, and mail programs then no longer see a link
# (one-click unsubscribe, RFC 8058, never shows).
UNFOLDED = {"list-unsubscribe"}


class LinksUnfolded(email.policy.EmailPolicy):
    """The policy Django asked for, with UNFOLDED headers written as they are
    (ASCII, and shorter than RFC 5322's 998 characters)."""

    def fold(self, name, value):
        if name.lower() in UNFOLDED:
            return f"{name}: {value}{self.linesep}"
        return super().fold(name, value)

    def fold_binary(self, name, value):
        if name.lower() in UNFOLDED:
            return self.fold(name, value).encode("ascii")
        return super().fold_binary(name, value)


class Email(EmailMultiAlternatives):
    def message(self, *, policy=email.policy.default):
        ours = LinksUnfolded(
            linesep=policy.linesep,
            utf8=policy.utf8,
            max_line_length=policy.max_line_length,
            cte_type=policy.cte_type,
        )
        return super().message(policy=ours)


def direction():
    return "rtl" if translation.get_language_bidi() else "ltr"


def return_path(message):
    """The envelope sender: with settings.BOUNCE_ADDRESS (box@domain), a
    signed address of this message's own (box+<number>-<signature>@domain,
    VERP), so that a bounce names the message it is about and nobody can
    forge one; without it, the From address."""
    if not settings.BOUNCE_ADDRESS:
        return settings.DEFAULT_FROM_EMAIL
    box, _at, domain = settings.BOUNCE_ADDRESS.rpartition("@")
    return f"{box}+{message.pk}-{return_path_signature(message.pk)}@{domain}"


def message_of_return_path(address):
    """The number of the message whose return path address is, or None if it
    is not one of ours or its signature is wrong."""
    box, _at, domain = settings.BOUNCE_ADDRESS.rpartition("@")
    local, _at, their_domain = address.strip().strip("<>").rpartition("@")
    if their_domain.lower() != domain.lower() or not local.lower().startswith(f"{box.lower()}+"):
        return None
    number, _dash, signature = local[len(box) + 1 :].partition("-")
    if not SIGNED_NUMBER.fullmatch(f"{number}-{signature.lower()}"):
        return None
    if not hmac.compare_digest(signature.lower(), return_path_signature(int(number))):
        return None
    return int(number)


def compose(message, context, to, headers=()):
    """The email of message.kind's three templates to the address to, in the
    active language; in Dari and Pashto the plain text and subject open each
    line right to left. An address whose domain cannot be written for a mail
    server (stored before the forms refused such domains) skips the message,
    and so does a suppressed address."""
    try:
        to = sendable_address(to)
    except ValueError:
        raise Skip("the address's domain cannot be written for a mail server") from None
    reason = suppression_of(to)
    if reason == Suppression.Reason.BOUNCED or (
        reason == Suppression.Reason.COMPLAINED and message.kind not in SENT_DESPITE_A_COMPLAINT
    ):
        raise Suppressed(reason)
    context = {"language": message.language, "direction": direction(), **context}
    subject = " ".join(render_to_string(f"emails/{message.kind}.subject.txt", context).split())
    body = render_to_string(f"emails/{message.kind}.txt", context)
    if context["direction"] == "rtl":
        body = right_to_left_lines(body)
        subject = right_to_left_lines(subject)  # even when it starts with "UA 118.20"
    email = Email(
        subject=subject,
        body=body,
        from_email=return_path(message),
        to=[to],
        headers={
            # Discreet: a sender's name that says nothing of the cause.
            "From": settings.DISCREET_FROM_EMAIL
            if context.get("discreet")
            else settings.DEFAULT_FROM_EMAIL,
            "Message-ID": message.message_id,
            "Content-Language": message.language,
            **dict(headers),
        },
    )
    # A provider (through Anymail) hands this back in its bounce and complaint
    # events; SMTP ignores it.
    email.metadata = {"hamsada_message": str(message.pk)}
    email.attach_alternative(render_to_string(f"emails/{message.kind}.html", context), "text/html")
    return email
