from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from hamsada.campaigns.models import Campaign
from hamsada.campaigns.views import public_campaign, render_campaign
from hamsada.lib.ratelimit import allow
from hamsada.participation.actions import confirm_act, record_act, withdraw_act
from hamsada.participation.forms import SignForm
from hamsada.participation.models import Act
from hamsada.participation.tokens import BadToken, ExpiredToken, read_token


@sensitive_post_parameters("name", "email")
@require_POST
def sign(request, slug):
    campaign = Campaign.public_in(slug, get_language())
    if campaign is None:
        raise Http404
    if not campaign.accepts_acts(timezone.now()):
        return render_campaign(request, slug, status=409)
    if not allow(request, "sign", settings.SIGN_RATE_LIMIT, settings.SIGN_RATE_WINDOW):
        response = render(
            request, "participation/slow_down.html", {"campaign": campaign}, status=429
        )
        response["Retry-After"] = str(settings.SIGN_RATE_WINDOW)
        return response
    form = SignForm(request.POST)
    if not form.is_valid():
        return render_campaign(request, slug, form=form, status=400)
    record_act(
        campaign,
        kind=Act.Kind.SIGNATURE,
        language=get_language(),
        now=timezone.now(),
        **{
            field: form.cleaned_data[field]
            for field in ("name", "email", "country", "show_name", "wants_updates")
        },
    )
    return redirect("check_email", slug=campaign.slug)


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
    if act.status == Act.Status.WITHDRAWN:
        return render(request, "participation/bad_link.html", {"problem": "withdrawn"}, status=410)
    # A GET only shows a button: mail scanners that open links must not confirm.
    if request.method == "POST" and act.status == Act.Status.PENDING:
        act, _changed = confirm_act(act.pk, timezone.now())
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
