from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils.translation import get_language_from_path

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


class RememberLanguage:
    """Remembers the language of the last page read, so that the bare address
    opens in it next time (the URL prefix first, then this, then the browser's)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        language = get_language_from_path(request.path_info)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=True,
            )
        return response


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
