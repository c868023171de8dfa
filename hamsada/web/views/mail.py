"""A mail provider's tracking webhook, for the provider this instance sends through."""

import logging

from anymail.exceptions import AnymailConfigurationError
from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt

log = logging.getLogger(__name__)


@csrf_exempt  # the provider signs its requests; Anymail checks them
def provider_events(request, provider):
    if not settings.MAIL_PROVIDER or provider != settings.MAIL_PROVIDER:
        raise Http404
    try:
        match = resolve(f"/{provider}/tracking/", urlconf="anymail.urls")
    except Resolver404:
        raise Http404 from None
    try:
        return match.func(request)
    except AnymailConfigurationError as error:
        # Its signing key is missing (check --deploy says so too): the provider
        # will try again once the operator has set it.
        log.error("the %s webhook cannot check requests: %s", provider, error)
        return HttpResponse(status=503)
    except (ValueError, KeyError, TypeError, AttributeError):
        # A body Anymail could not read, after the request passed its check.
        return HttpResponseBadRequest()
