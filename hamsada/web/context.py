from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language


def in_language(path, code):
    """This address in another language; for one that matches no page (a 404),
    the same address under the other language's prefix."""
    translated = translate_url(path, code)
    prefix = path.split("/")[1] if path.count("/") > 1 else ""
    if translated == path and prefix in dict(settings.LANGUAGES) and prefix != code:
        return f"/{code}/{path.split('/', 2)[2]}"
    return translated


def languages(request):
    """Links to this page in each language, for the switcher and hreflang."""
    current = get_language()
    return {
        "language_links": [
            {
                "code": code,
                "name": name,
                "url": in_language(request.path, code),
                "current": code == current,
            }
            for code, name in settings.LANGUAGES
        ],
        "site_url": settings.SITE_URL,
        "dev_outbox": settings.DEV_OUTBOX,
    }
