"""The benchmarks' seeding command builds acts in SQL that the counters agree with."""

import pytest
from django.core.management import call_command

from hamsada.campaigns.models import Campaign
from hamsada.participation.models import Act
from hamsada.participation.recount import recount
from hamsada.tally.models import totals

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("status", ["confirmed", "pending"])
def test_seed_builds_counted_acts_on_this_database(status):
    call_command("seed", campaign="seeded", acts=1500, status=status, stdout=open("/dev/null", "w"))  # noqa: SIM115
    campaign = Campaign.objects.get(slug="seeded")
    assert Act.objects.filter(campaign=campaign, status=status).count() == 1500
    assert totals(campaign.pk)[status] == 1500
    assert recount(repair=False) == []
    call_command("seed", campaign="seeded", acts=1500, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Act.objects.filter(campaign=campaign).count() == 1500  # already there: nothing added


def test_seeded_acts_carry_receipts_a_snapshot_can_count():
    from django.utils import timezone

    from hamsada.snapshots.actions import take_snapshot

    call_command("seed", campaign="seeded", acts=300, named_every=1, stdout=open("/dev/null", "w"))  # noqa: SIM115
    campaign = Campaign.objects.get(slug="seeded")
    snapshot = take_snapshot(campaign, "requested", timezone.now())
    assert snapshot.statement["receipts"]["count"] == 300
    assert campaign.acts.filter(show_name=True).count() == 300
