from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language

from hamsada.campaigns.models import Campaign
from hamsada.participation.forms import SignForm
from hamsada.participation.models import Act
from hamsada.tally.models import totals


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
    here, elsewhere = [], []
    for campaign in campaigns:
        text = campaign.text_in(language)
        if text:
            here.append({"campaign": campaign, "text": text, "totals": totals(campaign.pk)})
        else:
            elsewhere.append({"campaign": campaign, "texts": list(campaign.texts.all())})
    return render(request, "campaigns/list.html", {"here": here, "elsewhere": elsewhere})


def campaign_detail(request, slug, form=None, status=200):
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
    url = request.build_absolute_uri(campaign_path(campaign))
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


def campaign_path(campaign):
    from django.urls import reverse

    return reverse("campaign", args=[campaign.slug])
