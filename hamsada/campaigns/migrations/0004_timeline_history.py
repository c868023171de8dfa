"""Gives campaigns opened before timelines existed their history: a launch on
the day they opened, and each milestone already passed, dated when the
confirmed act that reached it was confirmed, so that the first confirmation
after this release does not stamp them all with its own date."""

from django.db import migrations
from django.db.models import Sum

# As in campaigns.actions.milestones, kept here so this migration does not
# change when that does.
ROUND_NUMBERS = [100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000]


def milestones(goal):
    marks = set(ROUND_NUMBERS)
    if goal:
        marks |= {goal, goal * 10}
    return sorted(marks)


def add_history(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    Event = apps.get_model("campaigns", "Event")
    Act = apps.get_model("participation", "Act")
    Tally = apps.get_model("tally", "Tally")
    for campaign in Campaign.objects.exclude(opened_at=None):
        if not Event.objects.filter(campaign=campaign, kind="launch").exists():
            Event.objects.create(
                campaign=campaign,
                kind="launch",
                happened_on=campaign.opened_at.date(),
                created_at=campaign.opened_at,
            )
        confirmed = (
            Tally.objects.filter(campaign=campaign).aggregate(n=Sum("confirmed"))["n"] or 0
        )
        for mark in milestones(campaign.goal):
            if mark > confirmed or Event.objects.filter(campaign=campaign, milestone=mark).exists():
                continue
            reached = (
                Act.objects.filter(
                    campaign=campaign,
                    status="confirmed",
                    kind__in=["signature", "report", "cosignature"],
                )
                .order_by("confirmed_at", "pk")
                .values_list("confirmed_at", flat=True)[mark - 1 : mark]
            )
            when = next(iter(reached), None) or campaign.opened_at
            Event.objects.create(
                campaign=campaign,
                kind="milestone",
                milestone=mark,
                happened_on=when.date(),
                created_at=when,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_timeline"),
        ("participation", "0004_organisations"),
        ("tally", "0002_actiontally"),
    ]

    operations = [migrations.RunPython(add_history, migrations.RunPython.noop)]
