"""A mail provider's tracking webhook, for the provider this instance sends through."""

from django.conf import settings
from django.http import Http404
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # the provider signs its requests; Anymail checks them
def provider_events(request, provider):
    if not settings.MAIL_PROVIDER or provider != settings.MAIL_PROVIDER:
        raise Http404
    try:
        match = resolve(f"/{provider}/tracking/", urlconf="anymail.urls")
    except Resolver404:
        raise Http404 from None
    return match.func(request)
