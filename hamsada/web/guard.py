"""Public forms without cookies.

A supporter keeps no cookie from the site, so Django's CSRF protection, which
needs one, guards only the organisers' pages. The public forms are guarded
instead by where they come from and by a signed time:

- the browser's Origin header, or else its Sec-Fetch-Site header, must say
  this site (or one of FORM_ORIGINS, for embeds); a browser that sends neither
  is judged on the token alone;
- forms a supporter fills in carry a form token (lib.links.form_token); one
  too old gives the form back filled in, with a message. Pages reached from an
  email's link are authorised by the link's own token instead.

Forms through which a person takes part (a signature, a report, an
organisation's co-signature) are also refused when they were sent faster than
a person fills them in (FORM_MIN_SECONDS after the token's time) or with the
field people never see filled in (FORM_HONEYPOT). Both are given back filled
in, to send again: a person who was quick sends it a moment later.

While a campaign asks for a proof of work (lib.proof; always, or while
signing spikes), forms sent without one are taken only within stricter limits
(UNPROVEN_PER_HOUR per connection, UNPROVEN_PER_MINUTE per campaign).
"""

import time
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from hamsada.campaigns.models import Campaign
from hamsada.lib.clients import client_address
from hamsada.lib.links import FORM_TOKEN_FIELD, HONEYPOT_FIELD, form_token_problem
from hamsada.lib.proof import PROOF_FIELD, is_proven
from hamsada.lib.ratelimit import allow, count

PROBLEMS = {
    "expired": lambda: _(
        "This form was open for a long time, so it was not sent. Please check it and send it again."
    ),
    "invalid": lambda: _(
        "This form could not be checked, so it was not sent. Please send it again."
    ),
    "too_fast": lambda: _(
        "This form was sent within seconds of opening it, faster than people fill it in, "
        "so it was not sent. Please check it and send it again."
    ),
    "unproven": lambda: _(
        "Many forms are being sent right now, so those sent without JavaScript wait "
        "their turn. Please send it again in a minute, or with JavaScript on."
    ),
    "trap": lambda: _(
        "This form was not sent, because the field marked “Leave this empty” was filled in. "
        "Please send it again."
    ),
}


def origin_of(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def allowed_origins(request):
    """This site under every name it answers to, and the embedding sites allowed."""
    own = {request.build_absolute_uri("/"), settings.SITE_URL, settings.ONION_URL}
    return {origin_of(url) for url in own if url} | {origin_of(o) for o in settings.FORM_ORIGINS}


def from_elsewhere(request):
    origin = request.headers.get("Origin")
    if origin is not None and origin != "null":
        return origin.lower() not in allowed_origins(request)
    fetched_from = request.headers.get("Sec-Fetch-Site")
    if fetched_from is not None:
        return fetched_from not in ("same-origin", "none")
    # "Origin: null" (a sandboxed frame, a data: page) without Sec-Fetch-Site
    # to say it was us is refused; no header at all is an older browser.
    return origin == "null"


def public_form(view=None, *, token=True, person=False):
    """Guards a view's POSTs: refused (403) from another site; with token, the
    form's problem with its token or the field people never see is
    request.form_problem (a message to show with the form, or None); with
    person, a form sent too soon after it was opened is a problem too."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def guarded(request, *args, **kwargs):
            request.form_problem = None
            if request.method == "POST":
                if from_elsewhere(request):
                    return render(request, "participation/other_site.html", status=403)
                # Django's test client turns CSRF checks off the same way.
                checked = token and not getattr(request, "_dont_enforce_csrf_checks", False)
                if checked and (problem := form_problem(request, person)):
                    count(f"metrics:refused-form:{problem}", None)
                    request.form_problem = PROBLEMS[problem]()
            return view(request, *args, **kwargs)

        return guarded

    return decorate(view) if view is not None else decorate


def form_problem(request, person):
    fastest = settings.FORM_MIN_SECONDS if person else 0
    problem = form_token_problem(request.POST.get(FORM_TOKEN_FIELD), fastest=fastest)
    if not problem and settings.FORM_HONEYPOT and request.POST.get(HONEYPOT_FIELD):
        return "trap"
    return problem


def refused(request, form):
    """Whether the form's token was refused (web.guard's check); if so, form,
    validated as sent, carries the reason above its fields, to send again."""
    if not request.form_problem:
        return False
    form.is_valid()
    form.add_error(None, request.form_problem)
    return True


def attempts_key(campaign_id, minute):
    return f"attempts:{campaign_id}:{minute}"


def spiking(campaign_id, now=None):
    """Whether this or the last minute saw more attempts on the campaign than
    PROOF_OF_WORK_SPIKE_PER_MINUTE."""
    minute = int(time.time() if now is None else now) // 60
    seen = cache.get_many(
        [attempts_key(campaign_id, minute), attempts_key(campaign_id, minute - 1)]
    )
    return any(number > settings.PROOF_OF_WORK_SPIKE_PER_MINUTE for number in seen.values())


def proof_required(campaign):
    if settings.PROOF_OF_WORK != "on":
        return False
    match campaign.proof_of_work:
        case Campaign.ProofOfWork.ALWAYS:
            return True
        case Campaign.ProofOfWork.SPIKE:
            return spiking(campaign.pk)
    return False


def proof_problem(request, campaign):
    """None when a form sent to campaign may go on: proven, no proof asked
    for, or within the stricter limits for forms without one; else why not."""
    if settings.PROOF_OF_WORK != "on":
        return None
    count(attempts_key(campaign.pk, int(time.time()) // 60), 120)
    if not proof_required(campaign) or is_proven(request.POST.get(PROOF_FIELD), campaign.pk):
        return None
    if allow(client_address(request), "unproven", settings.UNPROVEN_PER_HOUR, 3600) and allow(
        f"campaign:{campaign.pk}", "unproven", settings.UNPROVEN_PER_MINUTE, 60
    ):
        return None
    count("metrics:refused-form:unproven", None)
    return PROBLEMS["unproven"]()
