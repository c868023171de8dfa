"""Retention: a campaign's supporters' addresses and private names are erased
its retention period after it closes, by the worker, unless an organiser
holds it with a reason; counts, receipts and snapshots still verify after."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from hamsada.campaigns.actions import close_campaign
from hamsada.campaigns.models import Campaign
from hamsada.participation.actions import erase_due, erase_personal_data
from hamsada.participation.models import Act, OrganisationSignature
from hamsada.participation.recount import recount
from hamsada.snapshots.actions import take_snapshot
from hamsada.snapshots.chain import find_receipt
from hamsada.tally.models import totals
from tests.factories import (
    confirmed_signature,
    open_letter,
    open_petition,
    organisation_signature,
    organiser,
    pending_signature,
)
from tests.helpers import log_in, wait_for

pytestmark = pytest.mark.django_db


def closed_with_supporters(days_ago=181):
    petition = open_petition()
    named = confirmed_signature(petition, name="Named", email="n@example.org", show_name=True)
    quiet = confirmed_signature(petition, name="Quiet", email="q@example.org")
    pending_signature(petition, name="Waiting", email="w@example.org")
    take_snapshot(petition, "requested", timezone.now())
    close_campaign(petition, timezone.now() - timedelta(days=days_ago))
    return petition, named, quiet


def test_the_sign_form_says_how_long_data_is_kept(client):
    petition = open_petition(retention_days=90)
    page = client.get(f"/en/c/{petition.slug}/").content.decode()
    assert "erased 90 days after this campaign closes" in page
    page = client.get(f"/fa/c/{petition.slug}/").content.decode()
    assert "۹۰" in page and 'href="/fa/privacy/"' in page


def test_nothing_is_erased_before_the_period_is_over():
    _petition, _named, quiet = closed_with_supporters(days_ago=179)
    assert erase_due(timezone.now()) == []
    assert Act.objects.get(pk=quiet.pk).email == "q@example.org"


def test_addresses_and_private_names_are_erased_and_everything_still_verifies():
    petition, named, quiet = closed_with_supporters()
    counts = totals(petition.pk)
    code = quiet.receipt
    assert [(c.pk, n) for c, n in erase_due(timezone.now())] == [(petition.pk, 3)]
    for act in Act.objects.filter(campaign=petition):
        assert (act.email_encrypted, act.email_digest, act.private_encrypted) == ("", None, "")
    assert Act.objects.get(pk=named.pk).name == "Named"  # public already, by choice
    assert totals(petition.pk) == counts
    assert recount(repair=False) == []
    found, _snapshot, _proof = find_receipt(petition, code)
    assert found == "counted"
    petition.refresh_from_db()
    assert petition.erased_at is not None
    assert erase_due(timezone.now()) == []  # once


def test_an_organiser_holds_a_campaign_with_a_reason_and_nothing_is_erased():
    petition, _named, quiet = closed_with_supporters()
    Campaign.objects.filter(pk=petition.pk).update(hold_reason="Evidence for a court case")
    assert erase_due(timezone.now()) == []
    petition.refresh_from_db()
    assert erase_personal_data(petition, timezone.now()) is None
    assert Act.objects.get(pk=quiet.pk).email == "q@example.org"


def test_organisation_contacts_are_erased_too():
    letter = open_letter()
    act = organisation_signature(letter, email="office@example.org")
    close_campaign(letter, timezone.now() - timedelta(days=200))
    erase_due(timezone.now())
    assert OrganisationSignature.objects.get().contact_digest is None
    act.refresh_from_db()
    assert act.email_encrypted == "" and act.private_encrypted == ""


def test_the_admin_previews_what_will_be_erased(client, settings):
    petition, _named, _quiet = closed_with_supporters(days_ago=10)
    owner = organiser("owner", petition.organization, "owner")
    log_in(client, owner)
    page = client.get(f"/en/admin/campaigns/campaign/{petition.pk}/change/").content.decode()
    assert "Email addresses: 3. Names kept private: 2." in page
    due = timezone.localdate() + timedelta(days=170)
    assert f"To be erased on {due.day} {due:%B} {due.year}" in page


def test_the_real_worker_erases_on_schedule(worker):
    petition, _named, quiet = closed_with_supporters()
    wait_for(lambda: Act.objects.get(pk=quiet.pk).email_encrypted == "")
    assert Client().get(f"/en/c/{petition.slug}/verify/").status_code == 200


def test_a_campaign_left_open_past_its_deadline_is_erased_from_the_deadline():
    petition = open_petition(deadline=timezone.now() - timedelta(days=181))
    act = confirmed_signature(petition, email="q@example.org")
    assert petition.status == Campaign.Status.OPEN
    assert [c.pk for c, _n in erase_due(timezone.now())] == [petition.pk]
    act.refresh_from_db()
    assert act.email_encrypted == ""


def test_an_open_letter_sent_long_ago_is_erased_from_the_day_it_was_sent():
    letter = open_letter(sent_on=(timezone.now() - timedelta(days=200)).date())
    organisation_signature(letter, email="office@example.org")
    assert [c.pk for c, _n in erase_due(timezone.now())] == [letter.pk]


def test_the_period_can_be_shortened_but_not_lengthened_once_supporters_signed():
    petition = open_petition()
    petition.retention_days = 365
    petition.full_clean()  # no one signed yet
    petition.save()
    confirmed_signature(petition)
    petition.retention_days = 400
    with pytest.raises(ValidationError) as refused:
        petition.full_clean()
    assert "retention_days" in refused.value.message_dict
    petition.retention_days = 30
    petition.full_clean()
