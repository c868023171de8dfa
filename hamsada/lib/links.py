"""Signed links: the one way the instance makes a link that carries its own
authority (confirm, withdraw, stop updates, a delivered package's files)."""

import time

from django.conf import settings
from django.core import signing
from django.urls import reverse


class BadToken(Exception):
    """The link was forged, mangled or made for another purpose."""


class ExpiredToken(Exception):
    """The link was genuine but is too old."""


def make_token(value, purpose):
    return signing.dumps(value, salt=f"hamsada.{purpose}", compress=False)


def read_token(token, purpose, max_age):
    """The value make_token signed for purpose; max_age in seconds, or None."""
    try:
        return signing.loads(token, salt=f"hamsada.{purpose}", max_age=max_age)
    except signing.SignatureExpired:
        raise ExpiredToken from None
    except signing.BadSignature:
        raise BadToken from None


def absolute(path, onion=False):
    """An address on this instance as a link in an email or a document; with
    onion, on its onion service (when it has one)."""
    return (settings.ONION_URL if onion and settings.ONION_URL else settings.SITE_URL) + path


def absolute_url(view, *args, onion=False):
    return absolute(reverse(view, args=args), onion=onion)


# Public forms carry a signed time instead of a CSRF cookie, so that a supporter
# keeps no cookie. The time is to the second: every reader of a page in the
# same second gets the same bytes, and the time says when the form was opened
# (web.guard refuses a form sent faster than a person fills it in).
FORM_TOKEN_FIELD = "form_token"
# People never see it (it is off the screen and hidden from screen readers);
# scripts filling in every field do.
HONEYPOT_FIELD = "homepage"
# A clock between the instance's processes may be this far ahead of another's.
CLOCK_SKEW_SECONDS = 5


def form_token(now=None):
    issued = int(time.time() if now is None else now)
    return signing.Signer(salt="hamsada.form").sign(str(issued))


def form_token_age(token, now=None):
    """Seconds since form_token made token, or None if it did not make it."""
    try:
        issued = int(signing.Signer(salt="hamsada.form").unsign(token or ""))
    except (signing.BadSignature, ValueError):
        return None
    return (time.time() if now is None else now) - issued


def form_token_problem(token, now=None, fastest=0):
    """None for a token form_token made at least fastest seconds and less than
    FORM_TOKEN_MAX_AGE ago, else "expired", "too_fast" or "invalid"."""
    age = form_token_age(token, now)
    # From the future: the key's holder, or a clock gone back; both refused.
    if age is None or age < -CLOCK_SKEW_SECONDS:
        return "invalid"
    if age > settings.FORM_TOKEN_MAX_AGE:
        return "expired"
    return "too_fast" if age < fastest else None
