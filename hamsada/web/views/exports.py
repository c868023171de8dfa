"""Exports of personal data: streamed, for organisers with the permission
"Can export supporters' names and email addresses", each one recorded."""

import csv

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hamsada.campaigns.models import Campaign
from hamsada.delivery.models import Export
from hamsada.lib.text import safe_cell
from hamsada.participation.models import Act
from hamsada.web import audit
from hamsada.web.views.accounts import ask_again, is_fresh


class Echo:
    """A file that hands back what is written, for csv.writer to stream through."""

    def write(self, value):
        return value


@staff_member_required
def supporters_csv(request, slug):
    """Confirmed supporters who asked for news, with their email addresses."""
    campaign = get_object_or_404(Campaign, slug=slug)
    if not request.user.has_perm("delivery.export_supporters", campaign):
        raise PermissionDenied
    if not is_fresh(request):
        return ask_again(request)
    audit.read(request, "export", campaign, campaign.organization, ["name", "email", "country"])
    export = Export.objects.create(
        user=request.user,
        campaign=campaign,
        what=_("confirmed supporters who asked for news: name, email, country, language, date"),
        created_at=timezone.now(),
    )
    acts = (
        Act.objects.filter(campaign=campaign)
        .confirmed_individuals()
        .filter(wants_updates=True)
        .exclude(email_encrypted="")
        .order_by("pk")
        .only("name", "private_encrypted", "email_encrypted", "country", "language", "confirmed_at")
    )

    def lines():
        writer = csv.writer(Echo())
        yield "\ufeff" + writer.writerow(
            [
                _("name"),
                pgettext("address", "email"),
                _("country"),
                _("language"),
                pgettext("date", "confirmed"),
            ]
        )
        count = 0
        for act in acts.iterator(chunk_size=2000):
            count += 1
            yield writer.writerow(
                [safe_cell(act.full_name), safe_cell(act.email), act.country, act.language,
                 act.confirmed_at.isoformat()]
            )  # fmt: skip
        Export.objects.filter(pk=export.pk).update(rows=count)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-supporters.csv"'
    response["Cache-Control"] = "no-store"
    return response
