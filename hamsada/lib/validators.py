"""Validators that models and forms of several apps share."""

from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _

# Built once: each EmailValidator compiles its own regular expressions, which
# cost more than the rest of a signature put together.
validate_email = EmailValidator(
    message=_("Please write a valid email address, like name@example.org.")
)
