"""Organisers write, translate, open and close petitions in the admin."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from hamsada.campaigns.models import Campaign, Event, Target
from hamsada.organizations.models import Organization
from hamsada.organizations.roles import Role
from hamsada.outbox.models import Message
from hamsada.participation.actions import confirm_act
from hamsada.participation.models import OrganisationSignature
from tests.factories import confirmed_signature, draft_petition, member
from tests.factories import organiser as new_organiser
from tests.factories import organization as organization_factory
from tests.helpers import log_in, report_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(client):
    """The demo organiser, here an owner of both demo organisations and of the
    factories' one (tests/web/test_tenancy.py keeps organisations apart)."""
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    user = User.objects.get(username="organiser")
    for organization in [organization_factory(), *Organization.objects.all()]:
        member(user, organization, Role.OWNER)
    client.login(username="organiser", password="hamsada-demo")
    return log_in(client, user)


def test_the_demo_organiser_is_staff_but_not_superuser(organiser):
    assert organiser.is_staff
    assert not organiser.is_superuser


def test_demo_loads_once(organiser):
    count = Campaign.objects.count()
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Campaign.objects.count() == count == 4  # two petitions, an urgent action, a letter
    assert OrganisationSignature.objects.count() == 5


@pytest.mark.parametrize("language", ["en", "fa", "ps"])
def test_admin_pages_work_in_each_language_and_direction(client, organiser, language):
    campaign = Campaign.objects.filter(organization__slug="demo").first()
    for path in [
        "",
        "campaigns/campaign/",
        "campaigns/campaign/add/",
        f"campaigns/campaign/{campaign.pk}/change/",
        "participation/act/",
        "campaigns/target/",
        f"campaigns/target/{Target.objects.first().pk}/change/",
        "campaigns/event/add/",
        "campaigns/event/",
        "participation/organisationsignature/",
    ]:
        response = client.get(f"/{language}/admin/{path}")
        assert response.status_code == 200, path
        page = response.content.decode()
        assert f'lang="{language}"' in page
        assert ('dir="rtl"' in page) == (language != "en")


@pytest.mark.parametrize(("language", "word"), [("fa", "کمپاین‌ها"), ("ps", "کمپاینونه")])
def test_the_admin_speaks_dari_and_pashto(client, organiser, language, word):
    page = client.get(f"/{language}/admin/campaigns/campaign/").content.decode()
    assert word in page
    for english in ["Select campaign to change", ">Run<", "- Select an option -", "Filter"]:
        assert english not in page


def test_an_organiser_writes_a_petition_in_two_languages(client, organiser):
    organization = Organization.objects.get(slug="demo")
    data = {
        "organization": organization.pk,
        "slug": "new-petition",
        "kind": "petition",
        "goal": "500",
        "retention_days": "۹۰",  # typed in Persian digits too
        "proof_of_work": "spike",
        "texts-TOTAL_FORMS": "2",
        "texts-INITIAL_FORMS": "0",
        "texts-MIN_NUM_FORMS": "1",
        "texts-MAX_NUM_FORMS": "1000",
        "people-TOTAL_FORMS": "0",
        "people-INITIAL_FORMS": "0",
        "offline_counts-TOTAL_FORMS": "1",
        "offline_counts-INITIAL_FORMS": "0",
        "offline_counts-0-source": "paper",
        "offline_counts-0-name": "Herat sheets",
        "offline_counts-0-count": "۱۲۰۰",
        "offline_counts-0-collected_on": "۲۰۲۶-۱۱-۰۱",
    }
    for index, (language, title) in enumerate([("en", "Water for Herat"), ("fa", "آب برای هرات")]):
        data.update(
            {
                f"texts-{index}-language": language,
                f"texts-{index}-title": title,
                f"texts-{index}-summary": "…",
                f"texts-{index}-body": "**Now**",
                f"texts-{index}-demands": "One\nTwo",
            }
        )
    response = client.post("/en/admin/campaigns/campaign/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    campaign = Campaign.objects.get(slug="new-petition")
    assert campaign.status == Campaign.Status.DRAFT
    assert campaign.languages() == ["en", "fa"]
    assert campaign.retention_days == 90
    paper = campaign.offline_counts.get()  # typed in Persian digits
    assert (paper.count, str(paper.collected_on)) == (1200, "2026-11-01")
    assert paper.recorded_by == organiser


def run_action(client, action, campaign):
    return client.post(
        "/en/admin/campaigns/campaign/",
        {"action": action, "_selected_action": [campaign.pk]},
        follow=True,
    )


def test_an_organiser_opens_and_closes_a_petition(client, organiser):
    campaign = draft_petition(slug="to-open")
    run_action(client, "open_campaigns", campaign)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN
    assert campaign.opened_at is not None
    run_action(client, "close_campaigns", campaign)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED
    assert campaign.closed_at is not None


def test_an_illegal_move_is_refused_with_a_message(client, organiser):
    campaign = draft_petition(slug="still-draft")
    response = run_action(client, "archive_campaigns", campaign)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
    assert "cannot become" in response.content.decode()


def test_the_admin_never_shows_email_addresses(client, organiser):
    from tests.factories import confirmed_signature

    act = confirmed_signature(Campaign.objects.first(), email="hidden.person@example.org")
    for path in ["participation/act/", f"participation/act/{act.pk}/change/"]:
        page = client.get(f"/en/admin/{path}").content.decode()
        assert "hidden.person" not in page


def target_form(channel_value):
    return {
        "name": "Minister of Foreign Affairs",
        "title": "Minister",
        "languages": "fa, ps",
        "salutations-TOTAL_FORMS": "1",
        "salutations-INITIAL_FORMS": "0",
        "salutations-0-language": "fa",
        "salutations-0-text": "جناب وزیر",
        "channels-TOTAL_FORMS": "1",
        "channels-INITIAL_FORMS": "0",
        "channels-0-kind": "email",
        "channels-0-value": channel_value,
        "channels-0-position": "0",
    }


def test_an_organiser_adds_an_official_with_a_checked_channel(client, organiser):
    response = client.post("/fa/admin/campaigns/target/add/", target_form("not an address"))
    assert response.status_code == 200
    assert "لطفاً" in response.content.decode()  # the channel's error, in Dari
    assert not Target.objects.filter(name="Minister of Foreign Affairs").exists()
    response = client.post("/en/admin/campaigns/target/add/", target_form("fm@example.org"))
    assert response.status_code == 302
    target = Target.objects.get(name="Minister of Foreign Affairs")
    assert target.salutation_in("fa") == "جناب وزیر"
    assert target.channels.get().link() == "mailto:fm@example.org"


def test_saving_a_new_update_publishes_it_and_queues_the_emails(client, organiser):
    campaign = Campaign.objects.get(kind="urgent_action")
    ambassador = Target.objects.get(name__startswith="Ambassador")
    report_on(
        client,
        "/en/c/ua-defender-detained/report/",
        (ambassador, "email"),
        email="u@example.org",
        wants_updates="on",
        consent="on",
    )
    act = campaign.acts.get()
    confirm_act(act.pk, timezone.now())
    log_in(client, organiser)
    response = client.post(
        "/en/admin/campaigns/event/add/",
        {
            "campaign": campaign.pk,
            "kind": "update",
            "happened_on": "2026-11-20",
            "announce": "on",
            "texts-TOTAL_FORMS": "1",
            "texts-INITIAL_FORMS": "0",
            "texts-0-language": "en",
            "texts-0-title": "She was moved",
            "texts-0-body": "To another prison.",
        },
    )
    assert response.status_code == 302
    update = Event.objects.get(kind="update")
    assert update.number == 1
    assert update.recorded_by.username == "organiser"
    assert Message.objects.filter(kind="update", event=update, act=act).count() == 1
    page = client.get("/en/c/ua-defender-detained/").content.decode()
    assert "She was moved" in page and "UA 118.26</bdi> update 1" in page


def test_an_organiser_rejects_an_organisation_only_with_a_reason(client, organiser):
    letter = Campaign.objects.get(kind="open_letter")
    signature = OrganisationSignature.objects.get(review="waiting")
    url = f"/fa/admin/participation/organisationsignature/{signature.pk}/change/"
    page = client.get(url).content.decode()
    assert 'dir="rtl"' in page and signature.name_fa in page
    response = client.post(url, {"decision": "rejected", "reason": ""})
    assert response.status_code == 200  # the form again, with the error
    signature.refresh_from_db()
    assert signature.review == "waiting"
    response = client.post(url, {"decision": "rejected", "reason": "Could not verify it."})
    assert response.status_code == 302
    signature.refresh_from_db()
    assert (signature.review, signature.reason) == ("rejected", "Could not verify it.")
    assert signature.reviewed_by == organiser
    page = client.get(f"/en/c/{letter.slug}/").content.decode()
    assert signature.name_en not in page and "Could not verify" not in page


def test_contact_addresses_are_shown_only_to_organisers_allowed_to_see_them(client, organiser):
    signature = OrganisationSignature.objects.first()
    url = f"/en/admin/participation/organisationsignature/{signature.pk}/change/"
    letters = signature.act.campaign.organization
    member(organiser, letters, Role.VIEWER)
    assert signature.act.email not in client.get(url).content.decode()
    member(organiser, letters, Role.REVIEWER)
    assert signature.act.email in client.get(url).content.decode()


def test_setting_the_sent_date_sends_the_letter(client, organiser):
    letter = Campaign.objects.get(kind="open_letter")
    url = f"/en/admin/campaigns/campaign/{letter.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"targets", "sent_on"}
    }
    data["targets"] = [target.pk for target in form.initial["targets"]]
    data["deadline_0"], data["deadline_1"] = "2027-01-01", "12:00:00"
    data["sent_on"] = "2026-11-20"
    data["offline_counts-TOTAL_FORMS"] = data["offline_counts-INITIAL_FORMS"] = "0"
    for prefix, inline in [("texts", letter.texts.all()), ("people", letter.people.all())]:
        data[f"{prefix}-TOTAL_FORMS"] = str(len(inline))
        data[f"{prefix}-INITIAL_FORMS"] = str(len(inline))
        for number, row in enumerate(inline):
            for field in row._meta.fields:
                value = getattr(row, field.attname)
                data[f"{prefix}-{number}-{field.name}"] = "" if value is None else value
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    letter.refresh_from_db()
    assert (letter.status, str(letter.sent_on)) == ("closed", "2026-11-20")
    assert letter.events.filter(kind="delivery", happened_on="2026-11-20").count() == 1


def test_staff_who_may_only_view_cannot_approve_or_announce(client, organiser):
    viewer = new_organiser("viewer", Organization.objects.get(slug="demo-letters"), Role.VIEWER)
    client.force_login(viewer)
    assert client.get("/en/admin/participation/organisationsignature/").status_code == 200
    waiting = OrganisationSignature.objects.get(review="waiting")
    response = client.post(
        "/en/admin/participation/organisationsignature/",
        {"action": "approve", "_selected_action": [waiting.pk]},
    )
    assert response.status_code in {200, 302}
    waiting.refresh_from_db()
    assert waiting.review == "waiting"
    event = Event.objects.filter(kind="response").first()
    client.post(
        "/en/admin/campaigns/event/", {"action": "announce", "_selected_action": [event.pk]}
    )
    event.refresh_from_db()
    assert event.announced_at is None
    letter = Campaign.objects.get(kind="open_letter")
    client.post(
        "/en/admin/campaigns/campaign/",
        {"action": "close_campaigns", "_selected_action": [letter.pk]},
    )
    letter.refresh_from_db()
    assert letter.status == "open"


def test_the_event_form_offers_no_launches_or_milestones(client, organiser):
    form = client.get("/en/admin/campaigns/event/add/").context["adminform"].form
    kinds = [value for value, _label in form.fields["kind"].choices]
    assert "milestone" not in kinds and "launch" not in kinds and "response" in kinds


def test_an_organiser_types_dates_and_numbers_in_persian_digits(client, organiser):
    letter = Campaign.objects.get(kind="open_letter")
    prosecutor = letter.targets.get(name__startswith="The Prosecutor")
    response = client.post(
        "/fa/admin/campaigns/event/add/",
        {
            "campaign": letter.pk,
            "kind": "response",
            "happened_on": "۲۰۲۶-۱۱-۲۰",
            "target": prosecutor.pk,
            "stance": "acknowledged",
            "texts-TOTAL_FORMS": "0",
            "texts-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = Event.objects.get(campaign=letter, stance="acknowledged")
    assert str(saved.happened_on) == "2026-11-20"


def test_the_campaign_list_names_languages_and_counts_in_the_organiser_language(client, organiser):
    campaign = Campaign.objects.get(slug="free-detained-journalists")  # English and Dari
    dari = campaign.texts.get(language="fa")
    dari.demands = ""
    dari.save()
    page = client.get("/fa/admin/campaigns/campaign/").content.decode()
    assert "دری lacks" not in page  # translated as a whole
    assert "دری" in page
    assert "English، دری، پښتو" in page
    reopen = Campaign.objects.get(slug="reopen-girls-schools")
    for number in range(12):
        confirmed_signature(reopen, email=f"s{number}@example.org")
    page = client.get("/fa/admin/campaigns/campaign/").content.decode()
    assert '<td class="field-confirmed">۱۲</td>' in page


def test_invalidating_as_abuse_needs_its_own_permission(client, organiser):
    campaign = Campaign.objects.get(slug="reopen-girls-schools")
    act = confirmed_signature(campaign, email="bot@example.org")
    data = {"action": "invalidate", "_selected_action": [act.pk]}
    page = client.get("/en/admin/participation/act/").content.decode()
    assert "Invalidate as abuse" in page  # the demo organiser has it
    client.post("/en/admin/participation/act/", data)
    act.refresh_from_db()
    assert act.status == "invalidated"
    other = confirmed_signature(campaign, email="real@example.org")
    viewer = new_organiser("viewer", campaign.organization, Role.VIEWER)
    client.force_login(viewer)
    assert "Invalidate as abuse" not in client.get("/en/admin/participation/act/").content.decode()
    client.post("/en/admin/participation/act/", {**data, "_selected_action": [other.pk]})
    other.refresh_from_db()
    assert other.status == "confirmed"


def test_an_organiser_takes_a_snapshot_and_records_paper_counts(client, organiser):
    campaign = Campaign.objects.get(slug="reopen-girls-schools")
    confirmed_signature(campaign, email="one@example.org")
    response = client.post(
        "/en/admin/campaigns/campaign/",
        {"action": "snapshot", "_selected_action": [campaign.pk]},
        follow=True,
    )
    # The demo took snapshot 1.
    assert "Snapshot 2 of reopen-girls-schools: 1 receipt counted." in response.content.decode()
    snapshot = campaign.snapshots.get(number=2)
    assert snapshot.taken_by == organiser and snapshot.reason == "requested"
    page = client.get("/fa/admin/tally/snapshot/").content.decode()
    assert f"/fa/c/reopen-girls-schools/verify/#snapshot-{snapshot.number}" in page
    assert client.get(f"/en/admin/tally/snapshot/{snapshot.pk}/delete/").status_code == 403
    viewer = new_organiser("viewer", campaign.organization, Role.VIEWER)
    client.force_login(viewer)
    client.post(
        "/en/admin/campaigns/campaign/", {"action": "snapshot", "_selected_action": [campaign.pk]}
    )
    assert campaign.snapshots.count() == 2
