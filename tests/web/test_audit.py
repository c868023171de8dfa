"""The audit trail: organisers' writes with old and new values (personal fields
named, never copied), reads of personal data, one hash chain per organisation,
append-only, and tampering found by `hamsada audit --check`."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from hamsada.organizations.audit import check
from hamsada.organizations.models import AuditEntry
from hamsada.organizations.roles import Role
from tests.factories import confirmed_signature, organiser
from tests.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def owner(client, petition):
    return log_in(client, organiser("owner", petition.organization, Role.OWNER))


def audit_check():
    out = io.StringIO()
    call_command("audit", "--check", stdout=out)
    return out.getvalue()


def trail(petition):
    return list(AuditEntry.objects.filter(organization=petition.organization).order_by("number"))


def test_a_write_records_who_what_and_old_and_new_values(client, owner, petition):
    client.post(
        "/en/admin/campaigns/campaign/",
        {"action": "close_campaigns", "_selected_action": [petition.pk]},
    )
    (entry,) = trail(petition)
    assert (entry.actor_name, entry.action, entry.object_type, entry.object_id) == (
        "owner", "close_campaign", "campaigns.campaign", str(petition.pk),
    )  # fmt: skip
    assert entry.number == 1 and entry.previous == "0" * 64
    assert "The audit trail is whole." in audit_check()


def test_reads_of_personal_data_are_recorded_without_the_data(client, owner, petition):
    act = confirmed_signature(petition, email="hidden@example.org", name="Private Person")
    client.get(f"/en/admin/participation/act/{act.pk}/change/")
    client.get("/en/delivery/exports/free-the-teachers/supporters.csv")
    actions = [(e.action, e.fields) for e in trail(petition)]
    assert ("view", {"name": None, "affiliation": None, "note": None}) in actions
    assert ("export", {"name": None, "email": None, "country": None}) in actions
    assert "Private Person" not in str(actions) and "hidden@" not in str(actions)


def test_each_organisation_has_its_own_chain(client, owner, petition):
    from tests.factories import open_petition, organization

    theirs = open_petition("theirs", organization=organization("theirs", "Theirs"))
    other = log_in(client, organiser("other-owner", theirs.organization, Role.OWNER))
    client.post(
        "/en/admin/campaigns/campaign/",
        {"action": "close_campaigns", "_selected_action": [theirs.pk]},
    )
    assert [e.number for e in AuditEntry.objects.filter(organization=theirs.organization)] == [1]
    page = client.get("/en/admin/organizations/auditentry/").content.decode()
    assert "other-owner" in page
    log_in(client, owner)
    assert "other-owner" not in client.get("/en/admin/organizations/auditentry/").content.decode()
    assert other.is_active


def entries(client, petition, count):
    for _n in range(count):
        client.post(
            "/en/admin/campaigns/campaign/",
            {"action": "snapshot", "_selected_action": [petition.pk]},
        )
    return trail(petition)


def test_the_database_refuses_to_change_an_entry(client, owner, petition):
    (entry,) = entries(client, petition, 1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(actor_name="someone else")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).delete()


@pytest.fixture
def trigger_bypassed():
    """What an operator with the database's own rights could do; put back after."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE organizations_auditentry DISABLE TRIGGER audit_append_only")
        else:
            cursor.execute("DROP TRIGGER audit_no_update")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE organizations_auditentry ENABLE TRIGGER audit_append_only")
        else:
            cursor.execute(
                "CREATE TRIGGER audit_no_update BEFORE UPDATE ON organizations_auditentry "
                "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
            )


@pytest.mark.parametrize("tampering", ["delete", "edit", "reorder"])
def test_tampering_is_found(client, owner, petition, tampering, trigger_bypassed):
    _first, second, third = entries(client, petition, 3)
    if tampering == "delete":
        AuditEntry.objects.filter(pk=second.pk).delete()
    elif tampering == "edit":
        AuditEntry.objects.filter(pk=second.pk).update(action="nothing to see")
    else:
        AuditEntry.objects.filter(pk=second.pk).update(number=99)
        AuditEntry.objects.filter(pk=third.pk).update(number=2)
        AuditEntry.objects.filter(pk=second.pk).update(number=3)
    with pytest.raises(CommandError, match="problems in the audit trail"):
        audit_check()
    assert check()
    page = client.get("/en/admin/organizations/auditentry/").content.decode()
    assert "The audit trail is broken" in page


def test_owners_read_the_trail_in_their_language(client, owner, petition):
    entries(client, petition, 1)
    page = client.get("/fa/admin/organizations/auditentry/").content.decode()
    assert ">take_snapshot<" not in page and ">campaigns.campaign<" not in page
    assert "سند شمارش گرفت" in page  # took a snapshot


def test_edits_to_the_shared_directory_go_into_the_operators_trail(client, owner, petition):
    minister = petition.targets.get()
    client.post(
        f"/en/admin/campaigns/target/{minister.pk}/delete/", {"post": "yes"}
    )  # owners may not delete from the shared directory
    client.post(
        "/en/admin/campaigns/target/add/",
        {
            "name": "Minister of Education",
            "salutations-TOTAL_FORMS": "0",
            "salutations-INITIAL_FORMS": "0",
            "channels-TOTAL_FORMS": "0",
            "channels-INITIAL_FORMS": "0",
        },
    )
    (entry,) = AuditEntry.objects.filter(chain="operator")
    assert (entry.action, entry.object_type, entry.organization) == (
        "add", "campaigns.target", None,
    )  # fmt: skip
    assert entry.fields["name"] == [None, "Minister of Education"]
