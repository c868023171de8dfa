"""Emails to organisers about their own account: a password or second factor
changed, a login from a browser never used before, repeated failed logins.
Whoever did it, the owner of the account hears of it."""

from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from hamsada.lib.links import absolute_url, make_token
from hamsada.outbox.actions import Skip, queue, register
from hamsada.outbox.emails import compose
from hamsada.outbox.models import Message

NOTICES = {
    "failed_logins",
    "invitation",
    "new_device",
    "password_changed",
    "password_reset",
    "second_factor_changed",
}


def notify(user, notice):
    assert notice in NOTICES, notice
    return queue(
        Message.Kind.ACCOUNT,
        language=translation.get_language() or "en",
        now=timezone.now(),
        user=user,
        notice=notice,
    )


def render_account_notice(message):
    user = message.user
    if user is None or not user.email:
        raise Skip("the account has no email address")
    with translation.override(message.language):
        context = {
            "user": user,
            "notice": message.notice,
            "security_url": absolute_url("second_factor_setup"),
            "password_url": absolute_url("admin:password_change"),
        }
        if message.notice == "invitation":
            membership = user.memberships.select_related("organization").first()
            if membership is None or user.has_usable_password():
                raise Skip("the invitation was taken up or withdrawn before sending")
            context["membership"] = membership
            context["welcome_url"] = absolute_url("welcome", invitation_token(user))
        if message.notice == "password_reset":
            # Made now, not stored: it stops working once the password changes
            # or settings.PASSWORD_RESET_TIMEOUT passes.
            context["reset_url"] = absolute_url(
                "password_reset_confirm",
                urlsafe_base64_encode(force_bytes(user.pk)),
                default_token_generator.make_token(user),
            )
        return compose(message, context, user.email)


def invitation_token(user):
    return make_token(user.pk, "invitation")


def register_notices():
    register(Message.Kind.ACCOUNT, render_account_notice)
