"""Signed links for confirming and withdrawing an act and for stopping its updates."""

from django.conf import settings

from hamsada.lib import links
from hamsada.lib.links import BadToken, ExpiredToken

__all__ = ["BadToken", "ExpiredToken", "make_token", "read_token"]

MAX_AGES = {
    "confirm": lambda: settings.CONFIRM_LINK_MAX_AGE,
    "withdraw": lambda: settings.WITHDRAW_LINK_MAX_AGE,
    # Stopping updates must work from any update email, however old.
    "stop_updates": lambda: None,
}


def make_token(act, purpose):
    return links.make_token(act.pk, f"act.{purpose}")


def read_token(token, purpose):
    """The act id in a link made by make_token for this purpose."""
    return links.read_token(token, f"act.{purpose}", MAX_AGES[purpose]())
