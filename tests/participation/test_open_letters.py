"""Open letters: organisations co-sign, confirm by email and are reviewed;
individuals co-sign through the petition pipeline; the list shows
organisations first and names only those who chose to be named."""

import html
import io
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import Image

from hamsada.campaigns.actions import mark_letter_sent
from hamsada.campaigns.models import Campaign, Event
from hamsada.organizations.roles import Role
from hamsada.outbox.models import Message
from hamsada.participation.actions import (
    announce_event,
    confirm_act,
    review_organisation,
    withdraw_act,
)
from hamsada.participation.models import Act, OrganisationSignature
from hamsada.participation.recount import recount
from hamsada.tally.models import totals
from tests.factories import (
    draft_petition,
    open_letter,
    organisation_signature,
    organization,
    sign_data,
)
from tests.factories import organiser as new_organiser

pytestmark = pytest.mark.django_db

APPROVED = OrganisationSignature.Review.APPROVED
REJECTED = OrganisationSignature.Review.REJECTED


@pytest.fixture
def letter():
    return open_letter()


@pytest.fixture
def organiser():
    return User.objects.create_user("reviewer", is_staff=True)


def shown_names(campaign):
    return [signature.name_in("en") for signature in OrganisationSignature.shown(campaign)]


def test_an_organisation_is_shown_only_once_confirmed_and_approved(letter, organiser):
    act = organisation_signature(letter, "Kabul Legal Aid")
    signature = act.organisation
    assert not review_organisation(signature, APPROVED, timezone.now(), organiser)
    assert shown_names(letter) == []
    confirm_act(act.pk, timezone.now())
    assert shown_names(letter) == []
    assert review_organisation(signature, APPROVED, timezone.now(), organiser)
    assert shown_names(letter) == ["Kabul Legal Aid"]
    signature.refresh_from_db()
    assert (signature.review, signature.reviewed_by) == (APPROVED, organiser)
    # Organisations are counted apart from individuals.
    assert totals(letter.pk) == {"confirmed": 0, "pending": 0}
    assert recount(repair=False) == []


def test_a_rejected_organisation_is_not_shown_and_its_reason_stays_internal(
    client, letter, organiser
):
    act = organisation_signature(letter, "Front Company Ltd")
    confirm_act(act.pk, timezone.now())
    review_organisation(act.organisation, REJECTED, timezone.now(), organiser, "Not real")
    assert shown_names(letter) == []
    assert OrganisationSignature.objects.get().reason == "Not real"
    page = client.get(f"/en/c/{letter.slug}/signatories/").content.decode()
    assert "Front Company" not in page and "Not real" not in page


def test_a_withdrawn_organisation_leaves_the_list(letter, organiser):
    act = organisation_signature(letter)
    confirm_act(act.pk, timezone.now())
    review_organisation(act.organisation, APPROVED, timezone.now(), organiser)
    withdraw_act(act.pk, timezone.now())
    assert shown_names(letter) == []
    assert recount(repair=False) == []


def test_one_contact_may_sign_for_two_organisations_but_not_twice_for_one(letter):
    first = organisation_signature(letter, "Network A", name_fa="شبکهٔ الف")
    second = organisation_signature(letter, "Network B")
    again = organisation_signature(letter, "network a", name_fa="شبکهٔ الف", language="fa")
    assert first.pk != second.pk
    assert again.pk == first.pk
    assert OrganisationSignature.objects.count() == 2


def test_one_address_cannot_put_forward_organisations_without_end(letter, settings):
    settings.MAX_ORGANISATIONS_PER_ADDRESS = 3
    for number in range(5):
        organisation_signature(letter, f"Front {number}", email="victim@example.org")
    assert OrganisationSignature.objects.count() == 3
    assert Message.objects.count() == 3
    organisation_signature(letter, "Someone else", email="other@example.org")
    assert OrganisationSignature.objects.count() == 4


def png(size=(600, 300), image_format="PNG"):
    out = io.BytesIO()
    Image.new("RGB", size, (10, 90, 70)).save(out, image_format)
    out.name = f"logo.{image_format.lower()}"
    out.seek(0)
    return out


def organisation_form(**overrides):
    data = {
        "name_en": "Herat Teachers",
        "name_fa": "معلمان هرات",
        "country": "AF",
        "website": "herat-teachers.example.org",
        "contact_name": "Sahar",
        "email": "sahar@example.org",
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_an_organisation_signs_with_its_logo_made_small_and_served_once_approved(
    client, letter, organiser
):
    response = client.post(
        f"/fa/c/{letter.slug}/organisations/sign/", organisation_form(logo=png())
    )
    assert response.status_code == 302
    signature = OrganisationSignature.objects.get()
    assert signature.name_in("fa") == "معلمان هرات"
    assert signature.name_in("ps") == "Herat Teachers"  # the first it gave
    assert signature.website == "https://herat-teachers.example.org"
    assert signature.act.language == "fa"
    logo = Image.open(io.BytesIO(bytes(signature.logo)))
    assert (logo.format, max(logo.size)) == ("PNG", 240)
    url = f"/en/organisations/{signature.pk}/logo.png"
    assert client.get(url).status_code == 404  # not yet approved
    confirm_act(signature.act_id, timezone.now())
    review_organisation(signature, APPROVED, timezone.now(), organiser)
    response = client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    review_organisation(signature, REJECTED, timezone.now(), organiser, "Not them")
    assert client.get(url).status_code == 404
    client.force_login(new_organiser("elsewhere", organization("other", "Other"), Role.OWNER))
    assert client.get(url).status_code == 404  # an organiser, but of another organisation
    client.force_login(new_organiser("reviewer-here", letter.organization, Role.REVIEWER))
    assert client.get(url).status_code == 200
    review_organisation(signature, APPROVED, timezone.now(), organiser)
    client.logout()
    page = client.get(f"/fa/c/{letter.slug}/").content.decode()
    assert "معلمان هرات" in page and url.replace("/en/", "/fa/") in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name_en": "", "name_fa": ""}, "Please write your organisation's name"),
        ({"contact_name": "  "}, "Please write the name of a contact person."),
        ({"email": "not-an-address"}, "Please write a valid email address"),
        ({"website": "javascript:alert(1)"}, "Please write a web address"),
        ({"consent": None}, "Please tick this box to co-sign."),
        ({"logo": io.BytesIO(b"<svg onload=alert(1)>")}, "not a logo we can use"),
        ({"logo": png(image_format="BMP")}, "not a logo we can use"),
    ],
)
def test_bad_organisation_input_is_explained_and_changes_nothing(
    client, letter, overrides, message
):
    if "logo" in overrides and not hasattr(overrides["logo"], "name"):
        overrides["logo"].name = "logo.png"
    response = client.post(
        f"/en/c/{letter.slug}/organisations/sign/", organisation_form(**overrides)
    )
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not Act.objects.exists() and not OrganisationSignature.objects.exists()


@pytest.mark.parametrize(
    ("logo", "status", "message"),
    [
        (b"\x89PNG" + b"0" * 1_050_000, 400, "please send a file under 1 MB"),
        (b"\x89PNG" + b"0" * 3_000_000, 413, "The form was too large to receive"),
        (png(size=(2500, 2000)).getvalue(), 400, "under 2,000 by 2,000 pixels"),
    ],
)
def test_a_too_large_logo_is_refused(client, letter, logo, status, message):
    upload = io.BytesIO(logo)
    upload.name = "logo.png"
    response = client.post(
        f"/en/c/{letter.slug}/organisations/sign/", organisation_form(logo=upload)
    )
    assert response.status_code == status
    assert message in response.content.decode()
    assert not OrganisationSignature.objects.exists()


def cosign(client, letter, **overrides):
    return client.post(f"/en/c/{letter.slug}/sign/", sign_data(**overrides))


def test_individuals_cosign_and_only_those_who_chose_are_named_with_their_affiliation(
    client, letter, organiser
):
    cosign(
        client,
        letter,
        name="Mariam Ahmadi",
        affiliation="Lawyer, Kabul",
        show_name="on",
        email="m@example.org",
    )
    cosign(
        client, letter, name="Hidden Person", affiliation="Secret Ministry", email="h@example.org"
    )
    for act in Act.objects.all():
        assert act.kind == Act.Kind.COSIGNATURE
        confirm_act(act.pk, timezone.now())
    org = organisation_signature(letter, "Afghan Women's Voice")
    confirm_act(org.pk, timezone.now())
    review_organisation(org.organisation, APPROVED, timezone.now(), organiser)
    page = client.get(f"/en/c/{letter.slug}/signatories/").content.decode()
    assert page.index("Afghan Women&#x27;s Voice") < page.index("Mariam Ahmadi")
    assert "Lawyer, Kabul" in page
    assert "Hidden Person" not in page and "Secret Ministry" not in page
    assert "1 organisation" in page and "2 individuals" in page
    assert "1 named, 1 chose not to be named" in page


def test_the_signatory_list_is_paginated(client, letter, settings):
    for number in range(205):
        act = cosign(
            client,
            letter,
            name=f"Signer {number:03}",
            show_name="on",
            email=f"s{number}@example.org",
        )
    for act in Act.objects.all():
        confirm_act(act.pk, timezone.now())
    first = client.get(f"/en/c/{letter.slug}/signatories/").content.decode()
    second = client.get(f"/en/c/{letter.slug}/signatories/?page=2").content.decode()
    assert "Signer 000" in first and "Signer 199" in first and "Signer 200" not in first
    assert "Signer 200" in second and "Signer 204" in second and "Signer 000" not in second
    assert "Page 2 of 2" in second
    for bad in ["999", "x", "-1", "1e9"]:
        assert client.get(f"/en/c/{letter.slug}/signatories/?page={bad}").status_code == 200


def test_a_letter_that_takes_no_individuals_refuses_them(client):
    letter = open_letter(individuals_may_sign=False)
    response = cosign(client, letter)
    assert response.status_code == 409
    assert not Act.objects.exists()
    assert "Co-sign as an individual" not in client.get(f"/en/c/{letter.slug}/").content.decode()


def test_sending_again_corrects_the_date_and_a_draft_cannot_be_sent(letter):
    first = mark_letter_sent(letter, date(2026, 11, 20), timezone.now())
    again = mark_letter_sent(letter, date(2026, 11, 21), timezone.now())
    assert again.pk == first.pk
    assert list(letter.events.filter(kind="delivery").values_list("happened_on", flat=True)) == [
        date(2026, 11, 21)
    ]
    draft = draft_petition(slug="draft-letter", kind="open_letter")
    with pytest.raises(ValidationError):
        mark_letter_sent(draft, date(2026, 11, 20), timezone.now())
    assert not draft.events.exists()


def test_a_sent_letter_takes_no_signatures_even_if_reopened(client, letter):
    mark_letter_sent(letter, date(2026, 11, 20), timezone.now())
    Campaign.objects.filter(pk=letter.pk).update(status="open")
    assert cosign(client, letter).status_code == 409
    assert not Act.objects.exists()


def test_sending_the_letter_closes_signing_and_puts_the_delivery_on_the_timeline(
    client, letter, organiser
):
    sent_on = timezone.localdate()
    mark_letter_sent(letter, sent_on, timezone.now(), recorded_by=organiser)
    letter.refresh_from_db()
    assert (letter.status, letter.sent_on) == ("closed", sent_on)
    delivery = Event.objects.get(campaign=letter, kind=Event.Kind.DELIVERY)
    assert delivery.happened_on == sent_on
    assert cosign(client, letter).status_code == 409
    response = client.post(f"/en/c/{letter.slug}/organisations/sign/", organisation_form())
    assert response.status_code == 409
    assert not Act.objects.exists()
    page = client.get(f"/en/c/{letter.slug}/").content.decode()
    assert "This letter has been sent" in page and "Delivered" in page


def test_news_of_the_letter_reaches_organisations_but_not_rejected_ones(letter, organiser):
    kept = organisation_signature(letter, "Kept", email="kept@example.org")
    dropped = organisation_signature(letter, "Dropped", email="dropped@example.org")
    for act, decision in [(kept, APPROVED), (dropped, REJECTED)]:
        Act.objects.filter(pk=act.pk).update(wants_updates=True)
        confirm_act(act.pk, timezone.now())
        review_organisation(act.organisation, decision, timezone.now(), organiser, "x")
    delivery = mark_letter_sent(letter, timezone.localdate(), timezone.now())
    assert announce_event(delivery, timezone.now()) == 1
    assert Message.objects.get(event=delivery).act_id == kept.pk
