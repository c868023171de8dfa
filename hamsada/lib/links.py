"""Signed links: the one way the instance makes a link that carries its own
authority (confirm, withdraw, stop updates, a delivered package's files)."""

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
