"""The organisers' login: Django's admin form, slowed after failures.

Each failure makes the next attempt wait longer, per account and per client
(both kept in the cache under keyed hashes: no address, no username). Never a
lockout: the wait stops growing at MAX_WAIT, and a browser that logged in to
the account before (its device cookie) is not held back by the account's
failures, so an attacker who guesses at an organiser's name cannot keep the
organiser out during a campaign.
"""

import math
import time

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import User
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from hamsada.lib.clients import client_address
from hamsada.lib.crypto import client_digest
from hamsada.lib.ratelimit import allow
from hamsada.web.notices import notify

FREE_FAILURES = 3  # a few typos cost nothing
# Failures in a row of one account after which its owner is emailed.
TELL_THE_OWNER_AFTER = {5, 25, 100}
MAX_WAIT = 15 * 60
FORGET_AFTER = 24 * 3600
DEVICE_COOKIE = "hamsada_device"
DEVICE_AGE = 365 * 86400
RESETS_PER_HOUR = 5


def account_key(username):
    return f"login:account:{client_digest('account:' + username.strip().casefold())}"


def client_key(request):
    return f"login:client:{client_digest(client_address(request))}"


def wait_after(failures):
    """Seconds before the next attempt after this many failures in a row."""
    if failures < FREE_FAILURES:
        return 0
    return min(2 ** (failures - FREE_FAILURES), MAX_WAIT)


def seconds_left(key):
    state = cache.get(key)
    return max(0, math.ceil(state["until"] - time.time())) if state else 0


def failed(key):
    state = cache.get(key) or {"failures": 0, "until": 0}
    state["failures"] += 1
    state["until"] = time.time() + wait_after(state["failures"])
    cache.set(key, state, FORGET_AFTER)
    return state["failures"]


def known_device(request, username):
    """Whether this browser logged in to this account before."""
    try:
        value = signing.loads(
            request.COOKIES.get(DEVICE_COOKIE, ""), salt="hamsada.device", max_age=DEVICE_AGE
        )
    except signing.BadSignature:
        return False
    return value == account_key(username)


def remember_device(response, username):
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(account_key(username), salt="hamsada.device"),
        max_age=DEVICE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
        path="/",
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's, but the email goes through the outbox (web.notices), and a
    client asks for few of them, so that nobody floods an organiser's mailbox."""

    def save(self, request=None, **kwargs):
        if not allow(client_address(request), "password-reset", RESETS_PER_HOUR, 3600):
            return
        for user in self.get_users(self.cleaned_data["email"]):
            notify(user, "password_reset")


class LoginForm(AdminAuthenticationForm):
    def clean(self):
        username = self.cleaned_data.get("username") or ""
        keys = [client_key(self.request)]
        if not known_device(self.request, username):
            keys.append(account_key(username))
        wait = max(seconds_left(key) for key in keys)
        if wait:
            raise ValidationError(
                ngettext(
                    "Too many failed attempts: try again in %(seconds)s second.",
                    "Too many failed attempts: try again in %(seconds)s seconds.",
                    wait,
                )
                % {"seconds": wait},
                code="throttled",
            )
        try:
            return super().clean()
        except ValidationError:
            failures = [failed(key) for key in keys]
            if len(failures) > 1 and failures[1] in TELL_THE_OWNER_AFTER:
                owner = User.objects.filter(username=username).first()
                if owner is not None:
                    notify(owner, "failed_logins")
            raise
