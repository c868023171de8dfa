from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hamsada.campaigns.actions import archive_campaign, close_campaign, open_campaign
from hamsada.campaigns.models import Campaign
from tests.factories import draft_petition, organization

pytestmark = pytest.mark.django_db


def test_a_draft_opens_closes_and_archives_stamping_each_time():
    campaign = draft_petition()
    t1, t2, t3 = (timezone.now() + timedelta(hours=h) for h in (1, 2, 3))
    open_campaign(campaign, t1)
    close_campaign(campaign, t2)
    archive_campaign(campaign, t3)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.ARCHIVED
    assert (campaign.opened_at, campaign.closed_at, campaign.archived_at) == (t1, t2, t3)


@pytest.mark.parametrize("move", [close_campaign, archive_campaign])
def test_a_draft_cannot_skip_ahead(move):
    campaign = draft_petition()
    with pytest.raises(ValidationError):
        move(campaign, timezone.now())
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT


def test_a_closed_campaign_cannot_reopen():
    campaign = draft_petition()
    open_campaign(campaign, timezone.now())
    close_campaign(campaign, timezone.now())
    with pytest.raises(ValidationError):
        open_campaign(campaign, timezone.now())


def test_a_campaign_without_texts_cannot_open():
    campaign = Campaign.objects.create(organization=organization(), slug="empty")
    with pytest.raises(ValidationError):
        open_campaign(campaign, timezone.now())


def test_a_stale_copy_cannot_move_a_campaign_again():
    campaign = draft_petition()
    stale = Campaign.objects.get(pk=campaign.pk)
    opened = timezone.now()
    open_campaign(campaign, opened)
    with pytest.raises(ValidationError):
        open_campaign(stale, opened + timedelta(hours=1))
    campaign.refresh_from_db()
    assert campaign.opened_at == opened


def test_acts_are_accepted_only_while_open_and_before_the_deadline():
    now = timezone.now()
    campaign = draft_petition(deadline=now + timedelta(days=1))
    assert not campaign.accepts_acts(now)
    open_campaign(campaign, now)
    assert campaign.accepts_acts(now)
    assert not campaign.accepts_acts(now + timedelta(days=2))


def test_languages_are_those_with_texts_in_site_order():
    campaign = draft_petition(languages=("ps", "en"))
    assert campaign.languages() == ["en", "ps"]
