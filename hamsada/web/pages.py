"""What several public pages share: finding a public campaign, and drawing a
campaign's page (also with a form's errors after a failed signature)."""

from django.conf import settings
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from hamsada.campaigns.models import Campaign
from hamsada.campaigns.timeline import timeline
from hamsada.participation import intake
from hamsada.participation.models import Act, OrganisationSignature
from hamsada.tally.models import action_totals, totals

ORGANISATIONS_ON_LETTER = 60


def public_campaign(slug):
    return get_object_or_404(
        Campaign.objects.select_related("organization").prefetch_related("texts", "targets"),
        slug=slug,
        status__in=Campaign.PUBLIC_STATUSES,
    )


def campaign_and_text(slug, kind):
    """(campaign, its text in the page's language) of a public campaign of kind, or 404."""
    campaign = public_campaign(slug)
    text = campaign.text_in(get_language())
    if campaign.kind != kind or text is None:
        raise Http404
    return campaign, text


def urgent_action(slug):
    return campaign_and_text(slug, Campaign.Kind.URGENT_ACTION)


def render_campaign(request, slug, form=None, status=200):
    campaign = public_campaign(slug)
    text = campaign.text_in(get_language())
    if text is None:
        return render(
            request,
            "campaigns/missing_language.html",
            {"campaign": campaign, "texts": [t for t in campaign.texts.all() if t.complete]},
            status=404,
        )
    counts = totals(campaign.pk)
    if campaign.kind == Campaign.Kind.URGENT_ACTION:
        template, context = "campaigns/urgent_action.html", urgent_action_context(campaign)
    elif campaign.kind == Campaign.Kind.OPEN_LETTER:
        template, context = "campaigns/open_letter.html", open_letter_context(campaign, counts)
    else:
        template, context = "campaigns/detail.html", {}
    return render(
        request,
        template,
        {
            **context,
            "campaign": campaign,
            "text": text,
            "counts": counts,
            "progress": progress(counts["confirmed"], campaign.goal),
            "public_signers": Act.recent_public(campaign),
            "accepting": campaign.accepts_acts(timezone.now()),
            "timeline": timeline(campaign, timezone.localdate()),
            "form": form or intake.SIGN.form(campaign),
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


def urgent_action_context(campaign):
    people = list(campaign.people.all())
    targets = list(campaign.targets.prefetch_related("channels", "salutations"))
    actions = action_totals(campaign.pk)
    return {
        "targets": [(target, actions.get(target.pk)) for target in targets],
        "people_named": [person for person in people if person.safe_to_show],
        "people_withheld": sum(1 for person in people if not person.safe_to_show),
        "updates": campaign.events.aggregate(number=Max("number"))["number"],
        "past_act_by": campaign.act_by is not None and campaign.act_by < timezone.localdate(),
    }


def named_cosigners(campaign):
    return Act.objects.filter(campaign=campaign).named()


def open_letter_context(campaign, counts, shown=None):
    if shown is None:
        shown = named_cosigners(campaign).count()
    organisations = OrganisationSignature.shown(campaign)
    return {
        "organisations": organisations[:ORGANISATIONS_ON_LETTER],
        "organisation_count": organisations.count(),
        "individuals_shown": shown,
        "individuals_not_shown": counts["confirmed"] - shown,
    }


def render_thanks(request, slug, receipt=None):
    """Thanks for a confirmed act; straight after confirming, with its receipt code,
    which is shown this once and never stored."""
    campaign = public_campaign(slug)
    text = campaign.text_for(get_language())
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
            "receipt": receipt,
        },
    )
