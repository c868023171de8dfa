from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from hamsada.campaigns.models import Campaign
from hamsada.campaigns.views import (
    public_campaign,
    render_campaign,
    sign_form_for,
    thanks,
    urgent_action,
)
from hamsada.lib.ratelimit import allow
from hamsada.participation.actions import confirm_act, record_act, withdraw_act
from hamsada.participation.forms import LOGO_BYTES, OrganisationForm, ReportForm
from hamsada.participation.models import Act, OrganisationSignature
from hamsada.participation.tokens import BadToken, ExpiredToken, read_token


@sensitive_post_parameters("name", "email")
@require_POST
def sign(request, slug):
    campaign = Campaign.public_in(slug, get_language())
    if campaign is None:
        raise Http404
    if not campaign.accepts_acts(timezone.now()):
        return render_campaign(request, slug, status=409)
    if too_fast := slow_down(request, campaign):
        return too_fast
    letter = campaign.kind == Campaign.Kind.OPEN_LETTER
    if letter and not campaign.individuals_may_sign:
        return render_campaign(request, slug, status=409)
    form = sign_form_for(campaign, request.POST)
    if not form.is_valid():
        return render_campaign(request, slug, form=form, status=400)
    record_act(
        campaign,
        kind=Act.Kind.COSIGNATURE if letter else Act.Kind.SIGNATURE,
        language=get_language(),
        now=timezone.now(),
        affiliation=form.cleaned_data.get("affiliation", ""),
        **{
            field: form.cleaned_data[field]
            for field in ("name", "email", "country", "show_name", "wants_updates")
        },
    )
    return redirect("check_email", slug=campaign.slug)


@sensitive_post_parameters("contact_name", "email")
@require_http_methods(["GET", "POST"])
def sign_organisation(request, slug):
    """An organisation asks to co-sign an open letter: its contact confirms by
    email, then an organiser reviews it."""
    campaign = public_campaign(slug)
    text = campaign.text_in(get_language())
    if campaign.kind != Campaign.Kind.OPEN_LETTER or text is None:
        raise Http404
    accepting = campaign.organisations_may_sign and campaign.accepts_acts(timezone.now())
    context = {"campaign": campaign, "text": text, "accepting": accepting}
    if request.method == "POST" and too_large(request):
        # Refused before the body is read, so a huge upload costs nothing.
        context["form"] = OrganisationForm()
        context["too_large"] = True
        return render(request, "participation/sign_organisation.html", context, status=413)
    form = OrganisationForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and not accepting:
        status = 409
    elif request.method == "POST":
        if too_fast := slow_down(request, campaign):
            return too_fast
        if form.is_valid():
            data = form.cleaned_data
            logo = data["logo"]
            record_act(
                campaign,
                kind=Act.Kind.ORGANISATION,
                name=data["contact_name"],
                email=data["email"],
                country=data["country"],
                show_name=False,
                wants_updates=data["wants_updates"],
                language=get_language(),
                now=timezone.now(),
                organisation=OrganisationSignature(
                    **{field: data[field] for field in OrganisationForm.NAMES},
                    website=data["website"],
                    logo=logo,
                    has_logo=logo is not None,
                ),
            )
            return redirect("check_email", slug=campaign.slug)
        status = 400
    return render(
        request, "participation/sign_organisation.html", {**context, "form": form}, status=status
    )


def too_large(request):
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > LOGO_BYTES + 100_000  # the logo and the rest of the form


def organisation_logo(request, pk):
    """An approved organisation's logo; organisers may see it while reviewing."""
    signature = get_object_or_404(OrganisationSignature.objects.select_related("act"), pk=pk)
    public = (
        signature.review == OrganisationSignature.Review.APPROVED
        and signature.act.status == Act.Status.CONFIRMED
    )
    reviewing = request.user.has_perm("participation.view_organisationsignature")
    if not signature.has_logo or not (public or reviewing):
        raise Http404
    response = HttpResponse(bytes(signature.logo), content_type="image/png")
    # Short, so that a rejection or withdrawal takes the logo down soon.
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    return response


def slow_down(request, campaign):
    """A 429 page for a client over the rate limit of acts, else None."""
    if allow(request, "sign", settings.SIGN_RATE_LIMIT, settings.SIGN_RATE_WINDOW):
        return None
    response = render(request, "participation/slow_down.html", {"campaign": campaign}, status=429)
    response["Retry-After"] = str(settings.SIGN_RATE_WINDOW)
    return response


def check_email(request, slug):
    return render(request, "participation/check_email.html", {"campaign": public_campaign(slug)})


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


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    act, error = act_from_link(request, token, "confirm")
    if error:
        return error
    if act.status in {Act.Status.WITHDRAWN, Act.Status.INVALIDATED}:
        return render(request, "participation/bad_link.html", {"problem": "withdrawn"}, status=410)
    # A GET only shows a button: mail scanners that open links must not confirm.
    if request.method == "POST" and act.status == Act.Status.PENDING:
        act, _changed = confirm_act(act.pk, timezone.now())
    if act.status == Act.Status.CONFIRMED and act.kind == Act.Kind.ORGANISATION:
        return render(request, "participation/organisation_confirmed.html", {"act": act})
    if getattr(act, "receipt", None):
        response = thanks(request, act.campaign.slug, receipt=act.receipt)
        add_never_cache_headers(response)
        return response
    if act.status == Act.Status.CONFIRMED:
        return redirect("thanks", slug=act.campaign.slug)
    text = act.campaign.text_in(get_language()) or act.campaign.texts.first()
    return render(request, "participation/confirm.html", {"act": act, "token": token, "text": text})


@require_http_methods(["GET", "POST"])
def withdraw(request, token):
    act, error = act_from_link(request, token, "withdraw")
    if error:
        return error
    if request.method == "POST" and act.status != Act.Status.WITHDRAWN:
        act, _changed = withdraw_act(act.pk, timezone.now())
    return render(request, "participation/withdraw.html", {"act": act, "token": token})


@sensitive_post_parameters("name", "email", "note")
@require_http_methods(["GET", "POST"])
def report(request, slug):
    """ "Tell us what you did": a report through the same pipeline as a signature."""
    campaign, text = urgent_action(slug)
    targets = list(campaign.targets.prefetch_related("channels"))
    accepting = campaign.accepts_acts(timezone.now())
    form = ReportForm(request.POST if request.method == "POST" else None, targets=targets)
    status = 200
    if request.method == "POST" and accepting:
        if too_fast := slow_down(request, campaign):
            return too_fast
        if form.is_valid():
            data = form.cleaned_data
            record_act(
                campaign,
                kind=Act.Kind.REPORT,
                name=data["name"],
                email=data["email"],
                country=data["country"],
                show_name=False,
                wants_updates=data["wants_updates"],
                language=get_language(),
                now=timezone.now(),
                note=data["note"],
                actions=data["actions"],
            )
            return redirect(
                "reported", slug=campaign.slug, by="email" if data["email"] else "anonymous"
            )
        status = 400
    elif request.method == "POST":
        status = 409
    return render(
        request,
        "participation/report.html",
        {
            "campaign": campaign,
            "text": text,
            "form": form,
            "accepting": accepting,
        },
        status=status,
    )


def reported(request, slug, by):
    campaign = public_campaign(slug)
    return render(
        request,
        "participation/reported.html",
        {"campaign": campaign, "by_email": by == "email"},
    )


@csrf_exempt  # the signed token authorises it; mail programs POST here (RFC 8058)
@require_http_methods(["GET", "POST"])
def stop_updates(request, token):
    """Stops a supporter's update emails: a button on GET, done on any POST."""
    act, error = act_from_link(request, token, "stop_updates")
    if error:
        return error
    if request.method == "POST" and act.wants_updates:
        Act.objects.filter(pk=act.pk).update(wants_updates=False)
        act.wants_updates = False
    text = act.campaign.text_in(get_language()) or act.campaign.texts.first()
    return render(
        request, "participation/stop_updates.html", {"act": act, "token": token, "text": text}
    )
