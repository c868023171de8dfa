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
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from hamsada.lib.links import FORM_TOKEN_FIELD, form_token_problem

PROBLEMS = {
    "expired": lambda: _(
        "This form was open for a long time, so it was not sent. Please check it and send it again."
    ),
    "invalid": lambda: _(
        "This form could not be checked, so it was not sent. Please send it again."
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


def public_form(view=None, *, token=True):
    """Guards a view's POSTs: refused (403) from another site; with token, the
    form's problem with its token is request.form_problem (a message to show
    with the form, or None)."""

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
                if checked and (problem := form_token_problem(request.POST.get(FORM_TOKEN_FIELD))):
                    request.form_problem = PROBLEMS[problem]()
            return view(request, *args, **kwargs)

        return guarded

    return decorate(view) if view is not None else decorate


def refused(request, form):
    """Whether the form's token was refused (web.guard's check); if so, form,
    validated as sent, carries the reason above its fields, to send again."""
    if not request.form_problem:
        return False
    form.is_valid()
    form.add_error(None, request.form_problem)
    return True
