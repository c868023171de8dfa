"""Signed links for confirming and withdrawing an act and for stopping its updates."""

from django.conf import settings
from django.core import signing

PURPOSES = {
    "confirm": lambda: settings.CONFIRM_LINK_MAX_AGE,
    "withdraw": lambda: settings.WITHDRAW_LINK_MAX_AGE,
    # Stopping updates must work from any update email, however old.
    "stop_updates": lambda: None,
}


class BadToken(Exception):
    """The link was forged, mangled or used for another purpose."""


class ExpiredToken(Exception):
    """The link was genuine but is too old."""


def make_token(act, purpose):
    return signing.dumps(act.pk, salt=f"hamsada.act.{purpose}", compress=False)


def read_token(token, purpose):
    """The act id in a link made by make_token for this purpose."""
    try:
        return signing.loads(token, salt=f"hamsada.act.{purpose}", max_age=PURPOSES[purpose]())
    except signing.SignatureExpired:
        raise ExpiredToken from None
    except signing.BadSignature:
        raise BadToken from None
