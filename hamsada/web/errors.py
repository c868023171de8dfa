"""Error views: a database outage is "come back soon" (503), never a 500.

None of them reads the request's body or asks for a CSRF token (Django's own
do, through `requires_csrf_token`): a body that cannot be decoded (a charset
other than UTF-8) would fail again inside the error page and turn a 400 into a
500 with a traceback."""

import sys

from django.db import DatabaseError
from django.shortcuts import render

RETRY_AFTER_SECONDS = 30


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    error = sys.exc_info()[1]
    if isinstance(error, DatabaseError):
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return render(request, "500.html", status=500)
