import re

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


SIGN = re.compile(r"^/[a-z]{2}/c/[^/]+/sign/$")


def linkable_path(request):
    """The address of this page as a link may give it: slashes and backslashes
    run together as one, so that no path ("//evil.example/", "/\\evil.example/")
    becomes a link to another site; and the answer to a form posted to its own
    address (a sign form's errors) links the page the form is on."""
    path = re.sub(r"[/\\]+", "/", request.path)
    if request.method == "POST" and SIGN.match(path):
        path = path.removesuffix("sign/")
    return path


def languages(request):
    """Links to this page in each language, for the switcher and hreflang."""
    current = get_language()
    path = linkable_path(request)
    return {
        "language_links": [
            {
                "code": code,
                "name": name,
                "url": in_language(path, code),
                "current": code == current,
            }
            for code, name in settings.LANGUAGES
        ],
        "site_url": settings.SITE_URL,
        "dev_outbox": settings.DEV_OUTBOX,
    }
