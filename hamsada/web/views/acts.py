"""A supporter's acts on the site: signing, an organisation's co-signature and
an action report (each through the one intake), then the links in their
emails: confirm, withdraw, stop updates."""

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from hamsada.campaigns.models import Campaign
from hamsada.lib.clients import client_address
from hamsada.lib.proof import make_challenge
from hamsada.lib.ratelimit import allow
from hamsada.participation import intake
from hamsada.participation.actions import (
    confirm_act,
    resend_confirmation,
    stop_updates,
    withdraw_act,
)
from hamsada.participation.forms import LOGO_BYTES, OrganisationForm, ResendForm
from hamsada.participation.models import Act, OrganisationSignature
from hamsada.participation.tokens import BadToken, ExpiredToken, read_token
from hamsada.web.guard import proof_problem, proof_required, public_form, refused
from hamsada.web.middleware import is_onion
from hamsada.web.pages import (
    campaign_and_text,
    public_campaign,
    render_campaign,
    render_thanks,
    urgent_action,
)


def submit(request, way, slug):
    return intake.submit(
        way,
        slug,
        request.POST,
        request.FILES,
        language=get_language(),
        now=timezone.now(),
        client=client_address(request),
        checks=[
            lambda campaign: request.form_problem,
            lambda campaign: proof_problem(request, campaign),
        ],
        onion=is_onion(request),
    )


def slow_down(request, campaign):
    """The page for a client over the rate limit of acts."""
    response = render(request, "participation/slow_down.html", {"campaign": campaign}, status=429)
    response["Retry-After"] = str(settings.SIGN_RATE_WINDOW)
    return response


# The status a page answers each outcome with, the form shown again.
STATUS = {intake.CLOSED: 409, intake.REFUSED: 403, intake.INVALID: 400}


def answer(request, submission, form_page, done):
    """The response to a submission: done() once it is recorded, else the
    page with its form (form_page(form, status)), a 429 or a 404."""
    match submission.outcome:
        case intake.RECORDED:
            return done()
        case intake.NOT_FOUND:
            raise Http404
        case intake.LIMITED:
            return slow_down(request, submission.campaign)
    return form_page(submission.form, STATUS[submission.outcome])


@sensitive_post_parameters("name", "email")
@public_form(person=True)
@require_POST
def sign(request, slug):
    submission = submit(request, intake.SIGN, slug)
    return answer(
        request,
        submission,
        lambda form, status: render_campaign(request, slug, form=form, status=status),
        lambda: redirect("check_email", slug=slug),
    )


@sensitive_post_parameters("contact_name", "email")
@public_form(person=True)
@require_http_methods(["GET", "POST"])
def sign_organisation(request, slug):
    """An organisation asks to co-sign an open letter: its contact confirms by
    email, then an organiser reviews it."""

    def page(form=None, status=200, **extra):
        campaign, text = campaign_and_text(slug, Campaign.Kind.OPEN_LETTER)
        context = {
            "campaign": campaign,
            "text": text,
            "accepting": intake.ORGANISATION.accepts(campaign, timezone.now()),
            "form": form or OrganisationForm(),
            **extra,
        }
        return render(request, "participation/sign_organisation.html", context, status=status)

    if request.method == "GET":
        return page()
    if too_large(request):
        # Refused before the body is read, so a huge upload costs nothing.
        return page(status=413, too_large=True)
    submission = submit(request, intake.ORGANISATION, slug)
    return answer(request, submission, page, lambda: redirect("check_email", slug=slug))


def too_large(request):
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > LOGO_BYTES + 100_000  # the logo and the rest of the form


@sensitive_post_parameters("name", "email", "note")
@public_form(person=True)
@require_http_methods(["GET", "POST"])
def report(request, slug):
    """ "Tell us what you did": a report through the same pipeline as a signature."""

    def page(form=None, status=200):
        campaign, text = urgent_action(slug)
        context = {
            "campaign": campaign,
            "text": text,
            "accepting": intake.REPORT.accepts(campaign, timezone.now()),
            "form": form or intake.REPORT.form(campaign),
        }
        return render(request, "participation/report.html", context, status=status)

    if request.method == "GET":
        return page()
    submission = submit(request, intake.REPORT, slug)

    def reported():
        by = "email" if submission.form.cleaned_data["email"] else "anonymous"
        return redirect("reported", slug=slug, by=by)

    return answer(request, submission, page, reported)


@never_cache
def proof_challenge(request, slug):
    """A proof-of-work challenge for the forms of a campaign (static
    hamsada/proof.js asks for it), and whether the campaign asks for one now."""
    campaign = public_campaign(slug)
    return JsonResponse({"required": proof_required(campaign), **make_challenge(campaign.pk)})


def organisation_logo(request, pk):
    """An approved organisation's logo; organisers may see it while reviewing."""
    signature = get_object_or_404(
        OrganisationSignature.objects.select_related("act__campaign"), pk=pk
    )
    public = (
        signature.review == OrganisationSignature.Review.APPROVED
        and signature.act.status == Act.Status.CONFIRMED
    )
    reviewing = request.user.has_perm(
        "participation.view_organisationsignature", signature.act.campaign
    )
    if not signature.has_logo or not (public or reviewing):
        raise Http404
    response = HttpResponse(bytes(signature.logo), content_type="image/png")
    # Short, so that a rejection or withdrawal takes the logo down soon.
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    return response


RESENDS_PER_HOUR = 20


@sensitive_post_parameters("email")
@public_form
@require_http_methods(["GET", "POST"])
def check_email(request, slug):
    """ "Check your email", with a way to have the link sent again: the same
    answer for every address, within the per-act cap and a rate limit."""
    campaign = public_campaign(slug)
    form = ResendForm(request.POST if request.method == "POST" else None)
    status, resent = 200, False
    if form.is_bound:
        if not allow(client_address(request), "resend", RESENDS_PER_HOUR, 3600):
            status = 429
            form.add_error(None, _("Too many requests from this connection: please wait an hour."))
        elif refused(request, form):
            status = 403
        elif form.is_valid():
            resend_confirmation(
                campaign, form.cleaned_data["email"], timezone.now(), onion=is_onion(request)
            )
            resent, form = True, ResendForm()
        else:
            status = 400
    context = {"campaign": campaign, "form": form, "resent": resent}
    return render(request, "participation/check_email.html", context, status=status)


def reported(request, slug, by):
    campaign = public_campaign(slug)
    return render(
        request,
        "participation/reported.html",
        {"campaign": campaign, "by_email": by == "email"},
    )


def act_from_link(request, token, purpose):
    """(act, None) for a good link, or (None, error page) for a bad or expired one."""
    try:
        act_id = read_token(token, purpose)
        return Act.objects.select_related("campaign").get(pk=act_id), None
    except ExpiredToken:
        problem = "expired"
    except (BadToken, Act.DoesNotExist):
        problem = "invalid"
    return None, render(request, "participation/bad_link.html", {"problem": problem}, status=400)


@public_form(token=False)
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    act, error = act_from_link(request, token, "confirm")
    if error:
        return error
    if act.status in {Act.Status.WITHDRAWN, Act.Status.INVALIDATED}:
        return render(request, "participation/bad_link.html", {"problem": "withdrawn"}, status=410)
    # A GET only shows a button: mail scanners that open links must not confirm.
    if request.method == "POST" and act.status == Act.Status.PENDING:
        act, _changed = confirm_act(act.pk, timezone.now(), onion=is_onion(request))
    if act.status == Act.Status.CONFIRMED and act.kind == Act.Kind.ORGANISATION:
        return render(request, "participation/organisation_confirmed.html", {"act": act})
    if getattr(act, "receipt", None):
        response = render_thanks(request, act.campaign.slug, receipt=act.receipt)
        add_never_cache_headers(response)
        return response
    if act.status == Act.Status.CONFIRMED:
        return redirect("thanks", slug=act.campaign.slug)
    text = act.campaign.text_for(get_language())
    return render(request, "participation/confirm.html", {"act": act, "token": token, "text": text})


@public_form(token=False)
@require_http_methods(["GET", "POST"])
def withdraw(request, token):
    act, error = act_from_link(request, token, "withdraw")
    if error:
        return error
    if request.method == "POST" and act.status != Act.Status.WITHDRAWN:
        act, _changed = withdraw_act(act.pk, timezone.now())
    return render(request, "participation/withdraw.html", {"act": act, "token": token})


# The signed link authorises it; mail programs POST here too (RFC 8058).
@public_form(token=False)
@require_http_methods(["GET", "POST"])
def stop_updates_link(request, token):
    """Stops a supporter's update emails: a button on GET, done on any POST."""
    act, error = act_from_link(request, token, "stop_updates")
    if error:
        return error
    if request.method == "POST" and act.wants_updates:
        stop_updates(act.pk)
        act.wants_updates = False
    text = act.campaign.text_for(get_language())
    return render(
        request, "participation/stop_updates.html", {"act": act, "token": token, "text": text}
    )
