from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from hamsada.campaigns.models import Campaign
from hamsada.participation.forms import SignForm
from hamsada.participation.models import Act
from hamsada.tally.models import totals, totals_by_campaign


def public_campaign(slug):
    return get_object_or_404(
        Campaign.objects.prefetch_related("texts", "targets"),
        slug=slug,
        status__in=Campaign.PUBLIC_STATUSES,
    )


def campaign_list(request):
    language = get_language()
    campaigns = (
        Campaign.objects.filter(status__in=Campaign.PUBLIC_STATUSES)
        .prefetch_related("texts")
        .order_by("status", "-opened_at")
    )
    counts = totals_by_campaign([campaign.pk for campaign in campaigns])
    here, elsewhere = [], []
    for campaign in campaigns:
        text = campaign.text_in(language)
        if text:
            here.append({"campaign": campaign, "text": text, "totals": counts[campaign.pk]})
        else:
            elsewhere.append({"campaign": campaign, "texts": list(campaign.texts.all())})
    return render(request, "campaigns/list.html", {"here": here, "elsewhere": elsewhere})


# Stands in for each reader's CSRF token in the shared copy of a page.
CSRF_PLACEHOLDER = "csrf-token-of-this-reader"


def campaign_detail(request, slug):
    """The petition page. In a spike it is read thousands of times a second, so
    its HTML is shared for PAGE_CACHE_SECONDS and only the form's CSRF token is
    filled in for each reader; counts on it are at most that many seconds old.
    """
    key = f"campaign-page:{get_language()}:{slug}"
    html = cache.get(key) if settings.PAGE_CACHE_SECONDS else None
    if html is None:
        response = render_campaign(request, slug, shared=True)
        if response.status_code != 200 or not settings.PAGE_CACHE_SECONDS:
            return personalise(response, request)
        html = response.content.decode()
        cache.set(key, html, settings.PAGE_CACHE_SECONDS)
    return personalise(HttpResponse(html), request)


def personalise(response, request):
    if CSRF_PLACEHOLDER.encode() in response.content:
        response.content = response.content.replace(
            CSRF_PLACEHOLDER.encode(), get_token(request).encode()
        )
    return response


def campaign_count(request, slug):
    """The exact counts as JSON, for widgets and monitors; never scans acts."""
    campaign = get_object_or_404(
        Campaign.objects.only("pk", "slug"), slug=slug, status__in=Campaign.PUBLIC_STATUSES
    )
    response = JsonResponse({"campaign": campaign.slug, **totals(campaign.pk)})
    response["Cache-Control"] = "no-cache"
    return response


def render_campaign(request, slug, form=None, status=200, shared=False):
    """Renders a campaign page; shared=True leaves out everything personal."""
    campaign = public_campaign(slug)
    text = campaign.text_in(get_language())
    if text is None:
        return render(
            request,
            "campaigns/missing_language.html",
            {"campaign": campaign, "texts": list(campaign.texts.all())},
            status=404,
        )
    counts = totals(campaign.pk)
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "text": text,
            "counts": counts,
            "progress": progress(counts["confirmed"], campaign.goal),
            "public_signers": Act.recent_public(campaign),
            "accepting": campaign.accepts_acts(timezone.now()),
            "form": form or SignForm(),
            "other_languages": [
                (code, name)
                for code, name in settings.LANGUAGES
                if code != text.language and campaign.text_in(code)
            ],
            **({"csrf_token": CSRF_PLACEHOLDER, "messages": ()} if shared else {}),
        },
        status=status,
    )


def progress(confirmed, goal):
    if not goal:
        return None
    return {"goal": goal, "percent": min(100, confirmed * 100 // goal)}


def thanks(request, slug):
    campaign = public_campaign(slug)
    text = campaign.text_in(get_language()) or campaign.texts.first()
    if text is None:
        raise Http404
    url = request.build_absolute_uri(reverse("campaign", args=[campaign.slug]))
    return render(
        request,
        "campaigns/thanks.html",
        {
            "campaign": campaign,
            "text": text,
            "counts": totals(campaign.pk),
            "share_url": url,
        },
    )
