"""Validators that models and forms of several apps share, and the one
spelling of an address's domain that both the forms and the mail worker use."""

import idna
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _

# Built once: each EmailValidator compiles its own regular expressions, which
# cost more than the rest of a signature put together.
email_syntax = EmailValidator(
    message=_("Please write a valid email address, like name@example.org.")
)


def ascii_domain(domain):
    """The domain as mail servers take it: IDNA 2008 with the UTS 46 mapping,
    as mail programs and browsers write it. Python's own codec (IDNA 2003,
    which Django uses) maps straße.de to strasse.de and drops a zero-width
    non-joiner, and fails outright on what IDNA 2008 refuses; so the forms
    accept only what this encodes, and the worker sends to what it returns.
    Raises ValueError when the domain cannot be encoded."""
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError) as error:
        raise ValueError(f"cannot encode the domain: {error}") from None


def sendable_address(address):
    """The address with its domain in ASCII, ready for the SMTP envelope."""
    local, _at, domain = address.rpartition("@")
    return f"{local}@{ascii_domain(domain)}"


def validate_email(value):
    email_syntax(value)
    try:
        ascii_domain(value.rpartition("@")[2])
    except ValueError:
        raise ValidationError(
            _(
                "The part after @ cannot receive email as written. Please check it, or "
                "use another address."
            ),
            code="invalid",
        ) from None
