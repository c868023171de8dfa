"""Emails to organisers about their own account: a password or second factor
changed, a login from a browser never used before, repeated failed logins.
Whoever did it, the owner of the account hears of it."""

from django.utils import timezone, translation

from hamsada.lib.links import absolute_url
from hamsada.outbox.actions import Skip, queue, register
from hamsada.outbox.emails import compose
from hamsada.outbox.models import Message

NOTICES = {"failed_logins", "new_device", "password_changed", "second_factor_changed"}


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
        return compose(message, context, user.email)


def register_notices():
    register(Message.Kind.ACCOUNT, render_account_notice)
