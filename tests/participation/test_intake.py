"""The one intake: every way to take part is found, accepted, limited,
checked, validated and recorded by the same submit()."""

import pytest
from django.utils import timezone

from hamsada.outbox.models import Message
from hamsada.participation import intake
from hamsada.participation.models import Act
from hamsada.tally.models import totals
from tests.factories import ambassador, open_letter, open_urgent_action, sign_data

pytestmark = pytest.mark.django_db


def submit(way, slug, data, client="192.0.2.1", **options):
    return intake.submit(
        way, slug, data, language="en", now=timezone.now(), client=client, **options
    )


def test_each_way_to_take_part_is_recorded_by_the_same_intake(petition):
    signed = submit(intake.SIGN, petition.slug, sign_data())
    open_urgent_action()
    reported = submit(
        intake.REPORT, "ua-defender-detained", {"actions": [f"{ambassador().pk}:email"]}
    )
    letter = open_letter()
    organisation = submit(
        intake.ORGANISATION,
        letter.slug,
        {"name_en": "Kabul Legal Aid", "country": "AF", "contact_name": "Zahra",
         "email": "office@example.org", "consent": "on"},
    )  # fmt: skip
    assert [s.outcome for s in (signed, reported, organisation)] == [intake.RECORDED] * 3
    assert [s.act.kind for s in (signed, reported, organisation)] == [
        Act.Kind.SIGNATURE,
        Act.Kind.REPORT,
        Act.Kind.ORGANISATION,
    ]


def test_a_way_the_campaign_does_not_have_is_not_found(petition):
    assert submit(intake.REPORT, petition.slug, {}).outcome == intake.NOT_FOUND
    assert submit(intake.ORGANISATION, petition.slug, {}).outcome == intake.NOT_FOUND
    assert submit(intake.SIGN, "no-such-campaign", sign_data()).outcome == intake.NOT_FOUND


def test_a_further_check_can_refuse_and_nothing_is_stored(petition):
    seen = []

    def origin_check(campaign):
        seen.append(campaign.slug)
        return "This form was sent from another site."

    submission = submit(intake.SIGN, petition.slug, sign_data(), checks=[origin_check])
    assert (submission.outcome, submission.reason) == (
        intake.REFUSED,
        "This form was sent from another site.",
    )
    assert seen == [petition.slug]
    assert not Act.objects.exists() and not Message.objects.exists()
    assert totals(petition.pk) == {"confirmed": 0, "pending": 0}


def test_the_rate_limit_is_kept_per_client_key(petition, settings):
    settings.SIGN_RATE_LIMIT = 1
    first = submit(intake.SIGN, petition.slug, sign_data(email="a@example.org"), client="key-a")
    again = submit(intake.SIGN, petition.slug, sign_data(email="b@example.org"), client="key-a")
    other = submit(intake.SIGN, petition.slug, sign_data(email="c@example.org"), client="key-b")
    assert [first.outcome, again.outcome, other.outcome] == [
        intake.RECORDED,
        intake.LIMITED,
        intake.RECORDED,
    ]
    assert Act.objects.count() == 2


def test_bad_input_comes_back_with_the_form_and_changes_nothing(petition):
    submission = submit(intake.SIGN, petition.slug, sign_data(email="not an address"))
    assert submission.outcome == intake.INVALID
    assert "email" in submission.form.errors
    assert not Act.objects.exists()
