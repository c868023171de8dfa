"""What the instance does with supporters' data, read from its real settings:
the facts the privacy notice states, and the versions a consent record names
(a hash of the consent text and of the notice, as the supporter was shown them)."""

import hashlib
from functools import cache

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def notice_facts():
    return {
        "retention_days": settings.RETENTION_DAYS,
        "withdraw_days": settings.WITHDRAW_LINK_MAX_AGE // 86400,
        "confirm_days": settings.CONFIRM_LINK_MAX_AGE // 86400,
        "backup_days": settings.BACKUP_KEEP,
        "mail_provider": settings.MAIL_PROVIDER,
        "onion_url": settings.ONION_URL,
        "site_url": settings.SITE_URL,
    }


def notice_text(language):
    """The notice's own words in language, without the page around them."""
    with translation.override(language):
        return render_to_string("participation/privacy_notice.html", notice_facts())


def digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


# The settings, and so the notice, change only when the instance restarts.
@cache
def notice_hash(language):
    return digest(notice_text(language))


def consent_hash(consent_text, promise):
    """The version of what a supporter agreed to: the consent sentence and the
    retention promise beside it, in the words shown."""
    return digest(f"{consent_text}\n{promise}")
