from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language


def languages(request):
    """Links to this page in each language, for the switcher and hreflang."""
    current = get_language()
    return {
        "language_links": [
            {
                "code": code,
                "name": name,
                "url": translate_url(request.path, code),
                "current": code == current,
            }
            for code, name in settings.LANGUAGES
        ],
        "site_url": settings.SITE_URL,
        "dev_outbox": settings.DEV_OUTBOX,
    }
