import re

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.middleware.security import SecurityMiddleware

from hamsada.lib.ratelimit import count_refusal


def is_onion(request):
    host = request.META.get("HTTP_HOST", "").rsplit(":", 1)[0].lower()
    return bool(settings.ONION_HOST) and host == settings.ONION_HOST


class Security(SecurityMiddleware):
    """Django's, except that the onion service, plain http that Tor encrypts
    end to end, gets no HTTPS redirect and no HSTS; and that clearnet pages
    name the onion address (Onion-Location), which Tor Browser offers."""

    def process_request(self, request):
        if is_onion(request):
            return None
        return super().process_request(request)

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if is_onion(request):
            response.headers.pop("Strict-Transport-Security", None)
        elif settings.ONION_URL and response.get("Content-Type", "").startswith("text/html"):
            response["Onion-Location"] = settings.ONION_URL + request.get_full_path()
        return response


ORGANISERS = re.compile(r"^/(?:[a-z]{2}/)?(?:admin|dev)/")
PUBLIC_PAGES = re.compile("^/(?:{})/".format("|".join(code for code, _ in settings.LANGUAGES)))
# Pages whose address holds a secret (an email's link): kept by no cache.
LINK_PAGES = re.compile(r"^/[a-z]{2}/(?:confirm|withdraw|stop-updates)/")


def no_supporter_cookies(get_response):
    """A supporter leaves the site with no cookie, which a searched phone would
    show: public answers set none, and expire those that earlier versions left
    (a remembered language, a CSRF cookie without a login). The language comes
    from the address alone; the bare address redirects by the browser's
    Accept-Language. Cookies are for organisers, on their own pages.

    Public pages are the same for every reader (web.guard), so they are marked
    for any cache to keep for PUBLIC_PAGE_SECONDS."""

    def middleware(request):
        language_cookie = request.COOKIES.pop(settings.LANGUAGE_COOKIE_NAME, None)
        response = get_response(request)
        path = request.path_info
        if ORGANISERS.match(path):
            if language_cookie is not None:
                response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
            return response
        for name in list(response.cookies):
            del response.cookies[name]
        stale = [settings.LANGUAGE_COOKIE_NAME] if language_cookie is not None else []
        if settings.CSRF_COOKIE_NAME in request.COOKIES and (
            settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            stale.append(settings.CSRF_COOKIE_NAME)
        for name in stale:
            response.delete_cookie(name)
        if LINK_PAGES.match(path):
            response["Cache-Control"] = "no-store"
        elif (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and PUBLIC_PAGES.match(path)
            and "Cache-Control" not in response
        ):
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # An organiser checking what they just changed sees it at once.
                response["Cache-Control"] = "no-cache"
            elif not stale and "Cookie" not in response.get("Vary", ""):
                seconds = settings.PUBLIC_PAGE_SECONDS
                if getattr(request, "form_opened", False) and settings.FORM_MIN_SECONDS:
                    # An older copy would let a script's form seem slower than it was.
                    seconds = min(seconds, settings.FORM_MIN_SECONDS)
                response["Cache-Control"] = f"public, max-age={seconds}"
        return response

    return middleware


class CompressPages(GZipMiddleware):
    """Pages, gzipped for slow phones, but only answers to GET and HEAD.

    Compression with a secret in the page invites BREACH (guessing the secret
    from compressed sizes over many requests). The secrets an answer to a GET
    carries are CSRF tokens, which Django masks afresh in every response, and
    Django pads each compressed response with random bytes; receipt codes and
    other one-time secrets are only ever in answers to a POST, which are sent
    as they are."""

    def process_response(self, request, response):
        if request.method not in ("GET", "HEAD"):
            return response
        return super().process_response(request, response)


def count_refusals(get_response):
    """Counts the requests answered 429 or 503, for /metrics."""

    def middleware(request):
        response = get_response(request)
        count_refusal(response.status_code)
        return response

    return middleware
