"""Error views: a database outage is "come back soon" (503), never a 500."""

import sys

from django.db import DatabaseError
from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token

RETRY_AFTER_SECONDS = 30


@requires_csrf_token
def server_error(request):
    error = sys.exc_info()[1]
    if isinstance(error, DatabaseError):
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return render(request, "500.html", status=500)
