"""What a delivery package holds: its cover (counts, countries, a chart, the
proof), the names in order, streamed from the database, and the CSV of them.
The package's lifecycle (claimed, built, failed, requeued) is in actions.py."""

import csv
import io
from datetime import timedelta

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from hamsada.delivery.models import Package
from hamsada.delivery.pdf import Cover
from hamsada.lib.calendar import format_day
from hamsada.lib.countries import country_name
from hamsada.lib.links import absolute_url
from hamsada.lib.text import format_count, safe_cell
from hamsada.participation.models import Act, OrganisationSignature
from hamsada.snapshots.verify import fingerprint

PROGRESS_EVERY = 1000


def named(campaign):
    """Who may be named, in order: approved organisations, then individuals who
    chose to be public, in the order they confirmed."""
    organisations = (
        OrganisationSignature.shown(campaign)
        .values_list("name_en", "name_fa", "name_ps", "act__country", "act__confirmed_at")
        .iterator(chunk_size=2000)
    )
    people = (
        Act.objects.filter(campaign=campaign)
        .named()
        .order_by("confirmed_at", "pk")
        .values_list("name", "affiliation", "country", "confirmed_at")
        .iterator(chunk_size=2000)
    )
    return organisations, people


def rows(campaign, language):
    organisations, people = named(campaign)
    number = 0
    for name_en, name_fa, name_ps, country, confirmed_at in organisations:
        names = {"en": name_en, "fa": name_fa, "ps": name_ps}
        name = names.get(language) or next(n for n in names.values() if n)
        number += 1
        yield number, name, _("organisation"), country_name(country, language), confirmed_at
    for name, affiliation, country, confirmed_at in people:
        number += 1
        yield (
            number,
            name,
            affiliation,
            country_name(country, language) if country else "",
            (confirmed_at),
        )


def cover(package, snapshot):
    campaign = package.campaign
    language = package.language
    text = campaign.text_for(language)
    statement = snapshot.statement
    counts = statement["counts"]

    def n(value):
        return format_count(value, language)

    lines = [
        (_("Addressed to"), ", ".join(t.name for t in campaign.targets.all()) or "-"),
        (_("Confirmed by email (with receipts)"), n(counts["confirmed"])),
    ]
    if "organisations" in counts:
        lines.append((_("Organisations"), n(counts["organisations"])))
    for line in statement["offline"]:
        label = (
            _("On paper, collected by %(name)s") if line["source"] == "paper" else
            _("Collected by %(name)s, a partner organisation")
        ) % {"name": line["name"]}  # fmt: skip
        lines.append((label, n(line["count"])))
    countries = sorted(
        ((code, count) for code, count in counts["countries"].items()), key=lambda item: -item[1]
    )
    day = format_day(snapshot.taken_at, language, calendar_of(campaign))
    bars = chart(campaign, language)
    most = max((count for _label, count in bars), default=0)
    verify_url = absolute_url("verify", campaign.slug)
    return Cover(
        language=language,
        title=text.title,
        heading=campaign.get_kind_display(),
        lines=lines,
        demands=[line for line in text.demands.splitlines() if line.strip()],
        countries=[
            (country_name(code, language) if code else _("Not given"), n(count))
            for code, count in countries[:20]
        ],
        chart_title=_("Confirmed acts over time"),
        chart=bars,
        proof_title=_("Signed snapshot %(number)s of %(date)s")
        % {"number": n(snapshot.number), "date": day},
        proof=[
            (_("Receipts counted"), n(statement["receipts"]["count"])),
            (_("Merkle root"), statement["receipts"]["root"]),
            (pgettext("cryptographic", "Signature"), snapshot.signature),
            (_("Public key"), statement["public_key"]),
            (_("Fingerprint"), fingerprint(statement["public_key"])),
            (_("The snapshot before (SHA-256)"), statement["previous"] or "-"),
        ],
        link=verify_url,
        link_label=_(
            "Anyone can check this count, and each supporter their own receipt, at this "
            "address, or offline with the JSON file delivered with this document:"
        ),
        names_title=_("Supporters who chose to be named"),
        names_note=_(
            "Organisations first, then individuals in the order they confirmed. Everyone "
            "else is counted above, never named."
        ),
        page_label=_("Page %(number)s"),
        # The renderer puts the tallest bar's number, the same as most, in "most".
        labels={
            "demands": _("Demands"),
            "countries": _("Where supporters are"),
            "most": ngettext(
                # Translators: the most confirmations in one bar of the chart.
                "Most in one period: %(count)s",
                "Most in one period: %(count)s",
                most,
            ),
        },
    )


def calendar_of(campaign):
    return getattr(campaign.organization, "calendar", None) or settings.CALENDAR


def chart(campaign, language):
    """Confirmations per day, or per week or month when that would be too many bars."""
    days = list(
        Act.objects.filter(campaign=campaign)
        .confirmed_individuals()
        .annotate(day=TruncDate("confirmed_at"))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by("day")
        .values_list("day", "count")
    )
    if not days:
        return []
    span = (days[-1][0] - days[0][0]).days + 1
    width = 1 if span <= 60 else 7 if span <= 420 else 30
    bars = {}
    for day, count in days:
        start = days[0][0] + timedelta(days=((day - days[0][0]).days // width) * width)
        bars[start] = bars.get(start, 0) + count
    calendar = calendar_of(campaign)
    return [(format_day(start, language, calendar), count) for start, count in bars.items()]


def names_csv(rows_in_order):
    """UTF-8 with a byte-order mark, so spreadsheets read Dari and Pashto right;
    no cell can run as a formula."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("number"), _("name"), _("title or affiliation"), _("country"), _("date")])
    for number, name, detail, country, day in rows_in_order:
        writer.writerow([number, safe_cell(name), safe_cell(detail or ""), country, day])
    return out.getvalue().encode("utf-8")


def summary(package):
    """A line for the admin: how far the build is."""
    if package.status == Package.Status.BUILDING and package.names_total:
        return ngettext(
            "%(done)s of %(total)s name drawn",
            "%(done)s of %(total)s names drawn",
            package.names_total,
        ) % {
            "done": format_count(package.names_done, translation.get_language()),
            "total": format_count(package.names_total, translation.get_language()),
        }
    return package.get_status_display()
