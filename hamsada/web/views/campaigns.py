import csv

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hamsada.campaigns.letters import (
    fill,
    fill_spoken,
    letter_values,
    mailto,
    social_post,
    x_post_link,
)
from hamsada.campaigns.models import Campaign, Channel, Target
from hamsada.campaigns.pdf import PDFTooSlow, PDFUnavailable, letter_pdf
from hamsada.campaigns.timeline import record_of
from hamsada.lib.clients import client_address
from hamsada.lib.ratelimit import allow
from hamsada.lib.text import safe_cell
from hamsada.participation.models import Act, OrganisationSignature
from hamsada.tally.actions import count_intended
from hamsada.tally.models import action_totals, confirmed_by_country, totals, totals_by_campaign
from hamsada.web.forms import LetterForm, WriteForm
from hamsada.web.guard import public_form, refused
from hamsada.web.pages import (
    campaign_and_text,
    named_cosigners,
    open_letter_context,
    render_campaign,
    render_thanks,
    urgent_action,
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
            texts = [text for text in campaign.texts.all() if text.complete]
            if texts:
                elsewhere.append({"campaign": campaign, "texts": texts})
    return render(request, "campaigns/list.html", {"here": here, "elsewhere": elsewhere})


def campaign_detail(request, slug):
    """The petition page. In a spike it is read thousands of times a second, so
    its HTML, the same for every reader, is shared for PAGE_CACHE_SECONDS;
    counts on it are at most that many seconds old."""
    key = f"campaign-page:{get_language()}:{slug}"
    cached = cache.get(key) if settings.PAGE_CACHE_SECONDS else None
    if cached is None:
        response = render_campaign(request, slug)
        if response.status_code != 200 or not settings.PAGE_CACHE_SECONDS:
            return response
        cached = (response.content, getattr(request, "form_opened", False))
        cache.set(key, cached, settings.PAGE_CACHE_SECONDS)
    html, request.form_opened = cached
    return HttpResponse(html)


def campaign_count(request, slug):
    """The exact confirmed count as JSON, for widgets and monitors; never scans
    acts. Acts waiting for confirmation are left out (see by_day above)."""
    campaign = get_object_or_404(
        Campaign.objects.only("pk", "slug"), slug=slug, status__in=Campaign.PUBLIC_STATUSES
    )
    return JsonResponse({"campaign": campaign.slug, "confirmed": totals(campaign.pk)["confirmed"]})


SIGNATORIES_PER_PAGE = 200


def signatories(request, slug):
    """Everyone who co-signed an open letter and may be named: organisations
    first, then individuals in the order they signed, a page at a time."""
    campaign, text = campaign_and_text(slug, Campaign.Kind.OPEN_LETTER)
    # Pages of ids first, from the index alone, then the names of one page:
    # the last page of 50,000 names costs little more than the first.
    page = Paginator(
        named_cosigners(campaign).order_by("id").values_list("id", flat=True),
        SIGNATORIES_PER_PAGE,
    ).get_page(request.GET.get("page"))
    individuals = Act.objects.filter(pk__in=list(page.object_list)).order_by("id")
    counts = totals(campaign.pk)
    context = open_letter_context(campaign, counts, shown=page.paginator.count)
    if page.number > 1:
        context["organisations"] = []
    else:
        context["organisations"] = OrganisationSignature.shown(campaign)
    return render(
        request,
        "campaigns/signatories.html",
        {
            "campaign": campaign,
            "text": text,
            "counts": counts,
            "page": page,
            "individuals": individuals.only("name", "affiliation"),
            **context,
        },
    )


def target_record(request, pk):
    """How an official has answered: every public campaign that addressed
    them, with their latest stance in each, and their responses over time."""
    target = get_object_or_404(Target, pk=pk)
    campaigns, responses = record_of(target, timezone.localdate())
    if not campaigns:
        raise Http404
    for row in campaigns:
        row["text"] = row["campaign"].text_in(get_language())
    for entry in responses:
        campaign = entry.event.campaign
        entry.campaign_text = campaign.text_for(get_language())
    return render(
        request,
        "campaigns/target.html",
        {"target": target, "campaigns": campaigns, "responses": responses},
    )


def thanks(request, slug):
    return render_thanks(request, slug)


def language_choices(campaign):
    names = dict(settings.LANGUAGES)
    return [(code, names[code]) for code in campaign.languages()]


@public_form
@require_http_methods(["GET", "POST"])
def write_letter(request, slug):
    """The sample letter filled for one target, to edit and send in the
    supporter's own way. Opening it for a target counts as one intended action."""
    campaign, text = urgent_action(slug)
    targets = list(campaign.targets.prefetch_related("channels", "salutations"))
    query = request.POST if request.method == "POST" else request.GET
    data = query.copy() if query else None
    if data is not None and not data.get("language"):
        data["language"] = text.language
    form = WriteForm(
        data,
        targets=targets,
        languages=language_choices(campaign),
        initial={"language": text.language},
    )
    context = {"campaign": campaign, "text": text, "form": form}
    if form.is_bound and not refused(request, form) and form.is_valid():
        target = form.cleaned_data["target"]
        letter_text = campaign.text_in(form.cleaned_data["language"])
        values = letter_values(
            target, letter_text.language, form.cleaned_data["name"], form.cleaned_data["city"]
        )
        letter = fill(letter_text.letter, values)
        subject = fill(letter_text.letter_subject, values)
        emails = target.channels_of(Channel.Kind.EMAIL)
        post = social_post(letter_text.social_post, target) if letter_text.social_post else ""
        context |= {
            "target": target,
            "subject": subject,
            "letter": letter,
            "mailtos": [(channel, *mailto(channel.value, subject, letter)) for channel in emails],
            "postal": target.channels_of(Channel.Kind.POSTAL),
            "phones": target.channels_of(Channel.Kind.PHONE),
            "letter_language": letter_text.language,
            "preferred": [
                dict(settings.LANGUAGES).get(code, code) for code in target.preferred_languages()
            ],
            "phone_script": fill_spoken(letter_text.phone_script, values),
            "post": post,
            "x_link": x_post_link(post) if post and target.handles() else None,
        }
        # Opening the page for an official counts once; filling it in with the
        # supporter's name or another language is the same intention.
        if request.method == "GET" and set(request.GET) == {"target"}:
            count_intended_once(request, campaign, target.pk, "")
    return render(request, "campaigns/write.html", context)


PDFS_WINDOW = 3600


@public_form
@require_POST
def letter_download(request, slug):
    """The supporter's letter, as edited, as a PDF ready to print and post. The
    letter travels in the POST body, so it is in no URL and no log."""
    campaign, text = urgent_action(slug)
    targets = list(campaign.targets.prefetch_related("channels"))
    form = LetterForm(request.POST, targets=targets, languages=language_choices(campaign))

    def problem(message, status):
        if message:
            form.add_error(None, message)
        response = render(
            request,
            "campaigns/letter_problem.html",
            {"campaign": campaign, "text": text, "form": form},
            status=status,
        )
        if status == 429:
            response["Retry-After"] = str(PDFS_WINDOW)
        return response

    if refused(request, form):
        return problem(None, 403)
    if not form.is_valid():
        return problem(None, 400)
    # Laying out a PDF costs far more than any page: a few per connection.
    if not allow(client_address(request), "letter-pdf", settings.PDFS_PER_HOUR, PDFS_WINDOW):
        return problem(_("Too many letters from this connection: please wait an hour."), 429)
    target, language = form.cleaned_data["target"], form.cleaned_data["language"]
    postal = next((c.value for c in target.channels_of(Channel.Kind.POSTAL)), "")
    try:
        with translation.override(language):
            pdf = letter_pdf(
                {
                    "campaign": campaign,
                    "target": target,
                    "address": postal,
                    "subject": form.cleaned_data["subject"],
                    "letter": form.cleaned_data["letter"],
                    "language": language,
                    "direction": "rtl" if translation.get_language_bidi() else "ltr",
                    "today": timezone.localdate(),
                }
            )
    except PDFUnavailable:
        return problem(_("This server cannot make PDF files. Please copy the letter."), 503)
    except PDFTooSlow:
        return problem(_("This letter took too long to lay out. Please copy it instead."), 503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-letter.pdf"'
    return response


def count_intended_once(request, campaign, target_id, channel):
    """Counts an intended action, a few an hour per connection: anyone can
    open a page, so these figures are labelled unverified, and a script
    reloading one must not make them whatever it likes (20 GETs were +20)."""
    if allow(client_address(request), "intended", settings.INTENDED_PER_HOUR, 3600):
        count_intended(campaign, target_id, channel, timezone.now())


def go(request, slug, channel_id):
    """Counts an intended action, then opens the channel's own page."""
    campaign, _text = urgent_action(slug)
    channel = get_object_or_404(Channel.objects.filter(target__campaigns=campaign), pk=channel_id)
    link = channel.link()
    if not link or not link.startswith(("https://", "http://")):
        raise Http404
    count_intended_once(request, campaign, channel.target_id, channel.kind)
    return HttpResponseRedirect(link)


def action_summary(request, slug):
    """What supporters did, for the officials and the people concerned: no
    personal data, only counts."""
    campaign, text = urgent_action(slug)
    context = summary_figures(campaign)
    if request.GET.get("format") == "csv":
        return summary_csv(campaign, context)
    return render(
        request, "campaigns/summary.html", {"campaign": campaign, "text": text, **context}
    )


def summary_figures(campaign):
    actions = action_totals(campaign.pk)
    rows = []
    for target in campaign.targets.prefetch_related("channels"):
        counts = actions.get(target.pk) or {"channels": {}, "letter_opened": 0}
        kinds = dict.fromkeys([c.kind for c in target.channels.all()] + list(counts["channels"]))
        for kind in kinds:
            figures = counts["channels"].get(kind, {"intended": 0, "reported": 0, "confirmed": 0})
            rows.append(
                {"target": target, "kind": kind, "channel": Channel.Kind(kind).label, **figures}
            )
        rows.append(
            {
                "target": target,
                "kind": "",
                "channel": None,
                "intended": counts["letter_opened"],
                "reported": None,
                "confirmed": None,
            }
        )
    # Confirmed acts only, here as on every public page: a count that includes
    # pending acts would move for a new address and stay still for one that
    # already signed, telling anyone whether an address has.
    by_day = (
        Act.objects.filter(campaign=campaign, status=Act.Status.CONFIRMED)
        .annotate(day=TruncDate("confirmed_at"))
        .values("day")
        .annotate(confirmed=Count("id"))
        .order_by("day")
    )
    return {
        "rows": rows,
        "totals": totals(campaign.pk),
        "by_country": confirmed_by_country(campaign.pk),
        "by_day": list(by_day),
    }


def summary_csv(campaign, figures):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-actions.csv"'
    response.write("\ufeff")  # for spreadsheets that otherwise guess the encoding
    writer = csv.writer(response)
    writer.writerow(["target", "channel", "intended", "reported", "confirmed by email"])
    for row in figures["rows"]:
        writer.writerow(
            [
                safe_cell(row["target"].name),
                safe_cell(str(row["channel"] or _("letter page opened"))),
                row["intended"],
                "" if row["reported"] is None else row["reported"],
                "" if row["confirmed"] is None else row["confirmed"],
            ]
        )
    writer.writerow([])
    writer.writerow(["country", "confirmed by email"])
    for country, confirmed in figures["by_country"]:
        writer.writerow([country or "-", confirmed])
    writer.writerow([])
    writer.writerow(["day", "confirmed by email"])
    for day in figures["by_day"]:
        writer.writerow([day["day"].isoformat(), day["confirmed"]])
    return response
