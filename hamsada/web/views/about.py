"""Pages about the site itself: how supporters' data is kept (made from the
instance's settings), accessibility, and a supporter's list of what they signed."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from hamsada.lib.clients import client_address
from hamsada.lib.crypto import email_digest
from hamsada.lib.ratelimit import allow
from hamsada.participation.actions import email_acts_list
from hamsada.participation.forms import ActsListForm
from hamsada.participation.privacy import notice_text
from hamsada.web.guard import public_form, refused
from hamsada.web.middleware import is_onion


def privacy(request):
    notice = mark_safe(notice_text(get_language()))  # noqa: S308 - our own template
    return render(request, "pages/privacy.html", {"notice": notice})


def accessibility(request):
    return render(request, "pages/accessibility.html", {"contact_email": settings.CONTACT_EMAIL})


LISTS_PER_HOUR = 5  # per connection
LISTS_PER_DAY = 3  # per address, so that no one is flooded with lists


@sensitive_post_parameters("email")
@public_form
@require_http_methods(["GET", "POST"])
def acts_list(request):
    """ "Email me what I have signed here": the same answer for every address."""
    form = ActsListForm(request.POST if request.method == "POST" else None)
    status, sent = 200, False
    if form.is_bound:
        if refused(request, form):
            status = 403
        elif not allow(client_address(request), "acts-list", LISTS_PER_HOUR, 3600):
            status = 429
            form.add_error(None, _("Too many requests from this connection: please wait an hour."))
        elif form.is_valid():
            address = form.cleaned_data["email"]
            # Keyed, and only in the rate limit's cache for a day.
            if allow(email_digest(address), "acts-list-address", LISTS_PER_DAY, 86400):
                email_acts_list(address, get_language(), timezone.now(), onion=is_onion(request))
            sent, form = True, ActsListForm()
        else:
            status = 400
    return render(
        request, "participation/acts_list.html", {"form": form, "sent": sent}, status=status
    )
