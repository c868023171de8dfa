"""Checking contact channels and turning them into links a supporter can use.

Nothing here contacts anyone: a link opens the supporter's own mail program,
phone or browser, and only when they choose it.
"""

import re
from urllib.parse import quote, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from hamsada.lib.text import western_digits
from hamsada.lib.validators import validate_email

PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{4,30}$")
X_HANDLE = re.compile(r"^@?([A-Za-z0-9_]{1,15})$")
MASTODON_HANDLE = re.compile(r"^@?([A-Za-z0-9_]{1,30})@([A-Za-z0-9.-]+\.[A-Za-z]{2,})$")
validate_url = URLValidator(schemes=["https", "http"])


def check_channel(kind, value):
    """The value cleaned for its kind, or ValidationError with a translated message."""
    value = value.strip()
    if not value:
        raise ValidationError(_("Please fill in the address, number or account."))
    if kind == "email":
        validate_email(value)
    elif kind in {"phone", "fax"}:
        value = western_digits(value)  # typed on a Dari or Pashto keyboard
        if not PHONE.match(value):
            raise ValidationError(
                _("Please write the number with its country code, e.g. +93 20 210 0000.")
            )
    elif kind == "x":
        match = X_HANDLE.match(value)
        if not match:
            raise ValidationError(_("Please write the X account as @name."))
        value = "@" + match[1]
    elif kind == "mastodon":
        match = MASTODON_HANDLE.match(value)
        if not match:
            raise ValidationError(_("Please write the Mastodon account as @name@server."))
        value = f"@{match[1]}@{match[2]}"
    elif kind in {"contact_form", "facebook", "social"}:
        try:
            validate_url(value)
        except ValidationError:
            raise ValidationError(
                _("Please give the full web address, starting with https://.")
            ) from None
    return value


def channel_link(kind, value):
    """A link for the channel, or None where there is nothing to click (post, fax)."""
    if kind == "email":
        return "mailto:" + quote(value, safe="@")
    if kind == "phone":
        return "tel:" + re.sub(r"[^0-9+]", "", value)
    if kind == "x":
        return "https://x.com/" + value.lstrip("@")
    if kind == "mastodon":
        user, host = value.lstrip("@").split("@", 1)
        return f"https://{host}/@{user}"
    if kind in {"contact_form", "facebook", "social"} and urlsplit(value).scheme in {
        "http",
        "https",
    }:
        return value
    return None


def channel_handle(kind, value):
    """How to mention the account in a post, or None."""
    return value if kind in {"x", "mastodon"} else None
