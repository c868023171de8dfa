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
# keeps no cookie. The time is rounded down to the minute: every reader of a
# page in the same minute gets the same bytes, which caches can share.
FORM_TOKEN_FIELD = "form_token"
FORM_TOKEN_STEP = 60


def form_token(now=None):
    issued = int(time.time() if now is None else now) // FORM_TOKEN_STEP * FORM_TOKEN_STEP
    return signing.Signer(salt="hamsada.form").sign(str(issued))


def form_token_problem(token, now=None):
    """None for a token form_token made less than FORM_TOKEN_MAX_AGE ago, else
    "expired" or "invalid"."""
    try:
        issued = int(signing.Signer(salt="hamsada.form").unsign(token or ""))
    except (signing.BadSignature, ValueError):
        return "invalid"
    age = (time.time() if now is None else now) - issued
    if age > settings.FORM_TOKEN_MAX_AGE:
        return "expired"
    # From the future: the key's holder or a clock gone back; both refused.
    return "invalid" if age < -FORM_TOKEN_STEP else None
