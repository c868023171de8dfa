"""Organisations as tenants: an organiser of one organisation sees and changes
nothing of another's, by menu or by URL; each role does what the README's table
says; the operator runs the instance without reading supporters' data."""

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from hamsada.campaigns.models import Campaign, Event
from hamsada.delivery.models import Export, Package
from hamsada.organizations.models import Operator, Organization
from hamsada.organizations.roles import Role
from hamsada.outbox.models import Message
from hamsada.participation.models import Act, OrganisationSignature
from hamsada.snapshots.actions import take_snapshot
from hamsada.tally.models import Snapshot
from tests.factories import (
    built_package,
    confirmed_signature,
    open_letter,
    open_petition,
    organisation_signature,
    organiser,
    organization,
)
from tests.helpers import log_in

pytestmark = pytest.mark.django_db


class Tenant:
    """One organisation with a bit of everything: a petition with a supporter who
    chose not to be shown, an event, a snapshot, a package, an export and an
    open letter with an organisation waiting for review."""

    def __init__(self, slug):
        self.organization = organization(slug, slug.title())
        self.petition = open_petition(f"{slug}-petition", organization=self.organization)
        self.act = confirmed_signature(
            self.petition, email=f"supporter@{slug}.example", name=f"Private Person {slug}"
        )
        self.event = Event.objects.create(
            campaign=self.petition, kind="update", happened_on=timezone.now().date(),
            created_at=timezone.now(),
        )  # fmt: skip
        self.snapshot = take_snapshot(self.petition, Snapshot.Reason.REQUESTED, timezone.now())
        self.package = built_package(self.petition, "en")
        self.export = Export.objects.create(
            user=User.objects.create_user(f"exporter-{slug}"),
            campaign=self.petition,
            what="test",
            created_at=timezone.now(),
        )
        self.letter = open_letter(f"{slug}-letter", organization=self.organization)
        signature = organisation_signature(self.letter, f"Union {slug}", email=f"o@{slug}.example")
        self.signature = OrganisationSignature.objects.get(act=signature)

    def admin_objects(self):
        return {
            "campaigns/campaign": self.petition.pk,
            "campaigns/event": self.event.pk,
            "participation/act": self.act.pk,
            "participation/organisationsignature": self.signature.pk,
            "tally/snapshot": self.snapshot.pk,
            "delivery/package": self.package.pk,
            "delivery/export": self.export.pk,
            "organizations/organization": self.organization.pk,
        }


@pytest.fixture
def ours():
    return Tenant("ours")


@pytest.fixture
def theirs():
    return Tenant("theirs")


@pytest.fixture
def owner(client, ours, theirs):
    user = organiser("owner", ours.organization, Role.OWNER)
    log_in(client, user)
    return user


def test_lists_show_only_the_organisations_own(client, owner, ours, theirs):
    for path in ours.admin_objects():
        page = client.get(f"/en/admin/{path}/").content.decode()
        assert f"/{path}/{theirs.admin_objects()[path]}/change/" not in page, path
        assert f"/{path}/{ours.admin_objects()[path]}/change/" in page, path
    assert "theirs-petition" not in client.get("/en/admin/participation/act/").content.decode()


def test_another_organisations_objects_are_not_found_by_url(client, owner, theirs):
    for path, pk in theirs.admin_objects().items():
        for view in ("change", "delete", "history"):
            assert client.get(f"/en/admin/{path}/{pk}/{view}/").status_code == 404, (path, view)
    package_file = f"/en/delivery/packages/{theirs.package.pk}/pdf"
    assert client.get(package_file).status_code == 403
    export = f"/en/delivery/exports/{theirs.petition.slug}/supporters.csv"
    assert client.get(export).status_code == 403
    assert Export.objects.filter(campaign=theirs.petition).count() == 1  # theirs, from the setup


def test_actions_on_another_organisations_rows_change_nothing(client, owner, theirs):
    def act_on(path, action, pk):
        client.post(f"/en/admin/{path}/", {"action": action, "_selected_action": [pk]})

    snapshots = theirs.petition.snapshots.count()
    act_on("participation/act", "invalidate", theirs.act.pk)
    act_on("campaigns/campaign", "close_campaigns", theirs.petition.pk)
    act_on("campaigns/campaign", "snapshot", theirs.petition.pk)
    act_on("participation/organisationsignature", "approve", theirs.signature.pk)
    act_on("campaigns/event", "announce", theirs.event.pk)
    theirs.act.refresh_from_db()
    theirs.petition.refresh_from_db()
    theirs.signature.refresh_from_db()
    theirs.event.refresh_from_db()
    assert theirs.act.status == Act.Status.CONFIRMED
    assert theirs.petition.status == Campaign.Status.OPEN
    assert theirs.petition.snapshots.count() == snapshots
    assert theirs.signature.review == OrganisationSignature.Review.WAITING
    assert theirs.event.announced_at is None


def test_forms_offer_and_accept_only_the_organisations_own(client, owner, ours, theirs):
    form = client.get("/en/admin/delivery/package/add/").content.decode()
    assert "ours-petition" in form and "theirs-petition" not in form
    refused = client.post(
        "/en/admin/delivery/package/add/",
        {"campaign": theirs.petition.pk, "language": "en", "include_names": "on"},
    )
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert Package.objects.filter(campaign=theirs.petition).count() == 1
    campaign_form = client.get("/en/admin/campaigns/campaign/add/").content.decode()
    assert ">Ours<" in campaign_form and ">Theirs<" not in campaign_form


@pytest.mark.parametrize(
    "query",
    [
        # As reported: a hash from the public snapshot file names the act.
        "receipt_hash=0000000000000000000000000000000000000000000000000000000000000000",
        # As reported: the names of supporters who asked not to be shown.
        "show_name=0",
        "show_name__exact=0",
        "campaign__organization__slug=theirs",
        "email_digest__isnull=False",
        "name__startswith=P",
    ],
)
def test_url_lookups_are_limited_to_the_lists_filters(client, owner, query):
    assert client.get(f"/en/admin/participation/act/?{query}").status_code == 400


def test_the_lists_own_filters_still_work(client, owner, ours):
    for query in ("status__exact=confirmed", f"campaign__id__exact={ours.petition.pk}"):
        response = client.get(f"/en/admin/participation/act/?{query}")
        assert response.status_code == 200, query
        assert f"/participation/act/{ours.act.pk}/change/" in response.content.decode()


def test_only_roles_that_may_see_private_names_see_them(client, ours):
    hidden = "Private Person ours"
    for role, shown in [(Role.VIEWER, False), (Role.REVIEWER, False), (Role.CAMPAIGNER, True)]:
        log_in(client, organiser(f"{role}-person", ours.organization, role))
        listing = client.get("/en/admin/participation/act/").content.decode()
        detail = client.get(f"/en/admin/participation/act/{ours.act.pk}/change/").content.decode()
        assert (hidden in listing, hidden in detail) == (shown, shown), role
        assert ("not shown: the supporter chose so" in listing) != shown


def test_a_translator_edits_the_texts_and_nothing_else(client, ours):
    log_in(client, organiser("translator", ours.organization, Role.TRANSLATOR))
    url = f"/en/admin/campaigns/campaign/{ours.petition.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert "goal" not in page.context["adminform"].form.fields  # shown, read-only
    assert 'name="texts-0-title"' in page.content.decode()
    assert 'name="people-TOTAL_FORMS"' not in page.content.decode()
    formset = page.context["inline_admin_formsets"][0].formset
    data = {f"texts-{key}": value for key, value in formset.management_form.initial.items()}
    data["goal"] = "999999"  # not the translator's to change
    for form in formset.forms:
        for name, value in form.initial.items():
            data[f"{form.prefix}-{name}"] = "" if value is None else value
        data[f"{form.prefix}-id"] = form.instance.pk
    data["texts-0-title"] = "A better title"
    assert client.post(url, data).status_code == 302
    ours.petition.refresh_from_db()
    assert ours.petition.goal != 999999
    assert ours.petition.texts.filter(title="A better title").count() == 1
    assert client.get("/en/admin/participation/act/").status_code == 403
    assert client.get("/en/admin/delivery/package/").status_code == 200  # may see, not download
    package_file = f"/en/delivery/packages/{ours.package.pk}/pdf"
    assert client.get(package_file).status_code == 403


def test_a_campaigner_adds_to_the_timeline_but_only_owners_email_supporters(client, ours):
    ours.act.wants_updates = True
    ours.act.save(update_fields=["wants_updates"])
    data = {
        "campaign": ours.petition.pk,
        "kind": "update",
        "happened_on": "2026-11-20",
        "announce": "on",
        "texts-TOTAL_FORMS": "1",
        "texts-INITIAL_FORMS": "0",
        "texts-0-language": "en",
        "texts-0-title": "News",
        "texts-0-body": "Something happened.",
    }
    log_in(client, organiser("campaigner", ours.organization, Role.CAMPAIGNER))
    assert "announce" not in client.get("/en/admin/campaigns/event/add/").content.decode()
    refused = client.post("/en/admin/campaigns/event/add/", data)
    assert "Your role does not allow emailing supporters." in refused.content.decode()
    assert not Message.objects.filter(kind=Message.Kind.UPDATE).exists()
    log_in(client, organiser("owner-here", ours.organization, Role.OWNER))
    assert client.post("/en/admin/campaigns/event/add/", data).status_code == 302
    assert Message.objects.filter(kind=Message.Kind.UPDATE).count() == 1


def test_a_superuser_is_refused_the_admin(client, ours):
    client.force_login(User.objects.create_superuser("root", password="pw"))
    response = client.get("/en/admin/participation/act/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_operator_sets_up_organisations_but_reads_no_supporter(client, ours, theirs):
    user = User.objects.create_user("operator", password="pw", is_staff=True)
    Operator.objects.create(user=user)
    log_in(client, user)
    organisations = client.get("/en/admin/organizations/organization/").content.decode()
    assert "Ours" in organisations and "Theirs" in organisations
    response = client.post(
        "/en/admin/organizations/organization/add/",
        {"name": "New group", "slug": "new-group", "calendar": "both",
         "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 302 and Organization.objects.filter(slug="new-group").exists()
    for path in ("participation/act/", "campaigns/campaign/", "delivery/package/"):
        assert client.get(f"/en/admin/{path}").status_code == 403, path
    export = f"/en/delivery/exports/{ours.petition.slug}/supporters.csv"
    assert client.get(export).status_code == 403
    assert client.get(f"/en/delivery/packages/{ours.package.pk}/pdf").status_code == 403


def test_an_organisation_keeps_an_owner(client, owner, ours):
    membership = owner.memberships.get()
    response = client.post(
        f"/en/admin/organizations/organization/{ours.organization.pk}/change/",
        {
            "name": "Ours",
            "slug": "ours",
            "calendar": "both",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": membership.pk,
            "memberships-0-organization": ours.organization.pk,
            "memberships-0-role": "viewer",
        },
    )
    assert "An organisation keeps at least one owner." in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_an_owner_invites_a_member_who_joins_with_a_role(client, owner, ours, smtp_mailer):
    import re

    from hamsada.organizations.models import Membership
    from tests.helpers import send_due, text_of

    invite = f"/fa/admin/account/invite/{ours.organization.pk}/"
    sent = client.post(invite, {"email": "New.Person@example.org", "role": Role.CAMPAIGNER})
    assert sent.status_code == 302
    send_due()
    (email,) = [m for m in smtp_mailer.messages if "welcome" in text_of(m)]
    assert email["To"] == "new.person@example.org"
    link = re.search(r"http://\S+(/fa/admin/welcome/\S+/)", text_of(email))[1]
    client.logout()
    new = "a long pass phrase here"
    joined = client.post(link, {"username": "sahar", "new_password1": new, "new_password2": new})
    assert joined.status_code == 302
    member = User.objects.get(username="sahar")
    assert member.is_active and member.check_password(new)
    assert Membership.objects.get(user=member).role == Role.CAMPAIGNER
    # A campaigner reaches personal data: the second factor's setup comes first.
    assert client.get("/fa/admin/").url.startswith("/fa/admin/account/verify/")
    client.logout()
    assert client.get(link).status_code == 404  # the link worked once


def test_only_owners_and_the_operator_invite(client, ours):
    log_in(client, organiser("campaigner", ours.organization, Role.CAMPAIGNER))
    invite = f"/en/admin/account/invite/{ours.organization.pk}/"
    assert client.post(invite, {"email": "x@example.org", "role": "owner"}).status_code == 403
    organiser("boss", ours.organization, Role.OWNER)
    operator = User.objects.create_user("operator", password="pw", is_staff=True)
    Operator.objects.create(user=operator)
    log_in(client, operator)
    # An organisation with an owner: the operator cannot add an owner of their own.
    assert client.post(invite, {"email": "x@example.org", "role": "owner"}).status_code == 403
    new = Organization.objects.create(slug="new", name="New")
    first = f"/en/admin/account/invite/{new.pk}/"
    assert client.post(first, {"email": "x@example.org", "role": "owner"}).status_code == 302
    assert client.post(first, {"email": "y@example.org", "role": "owner"}).status_code == 403
